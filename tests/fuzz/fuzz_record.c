/* SPDX-License-Identifier: MIT */
/* libFuzzer target: account records through the JSON or YAML parser and
 * the validator. FUZZ_FORMAT selects the parser at build time. */
#include "dyd.h"

#include <stdlib.h>

static dyd_policy *policy;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	dyd_diags diags = DYD_DIAGS_INIT;

	(void)argc, (void)argv;
	if (dyd_policy_load_default(&policy, &diags))
		abort();
	dyd_diags_release(&diags);
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	dyd_record_options options = DYD_RECORD_OPTIONS_INIT;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_record *record = NULL;
	size_t i;
	int rc;

	options.format = FUZZ_FORMAT;
	rc = dyd_record_load(&record, (const char *)data, size, "fuzz", policy,
			     &options, &diags);
	/* A record is either loaded or refused with a reason. */
	if ((rc == 0) != (record != NULL) ||
	    (rc == DYD_EINVALID && diags.errors == 0))
		abort();
	for (i = 0; i < diags.count; i++)
		free(dyd_diag_format(&diags.items[i]));
	dyd_record_free(record);
	dyd_diags_release(&diags);
	return 0;
}
