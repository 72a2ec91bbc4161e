/* SPDX-License-Identifier: MIT */
/* libFuzzer target: the whole export into memory. Whatever record gets
 * through validation must evaluate, render and bundle, and the bundle
 * must pass verification. */
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
	dyd_bundle_options bopt = DYD_BUNDLE_OPTIONS_INIT;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_record *record = NULL;
	dyd_decision *decision = NULL;
	char *json = NULL, *text = NULL;
	void *zip = NULL;
	size_t len = 0;
	dyd_time as_of;

	if (dyd_time_parse("2021-06-01T00:00:00Z", 20, false, &as_of))
		abort();
	if (dyd_record_load(&record, (const char *)data, size, "fuzz", policy,
			    NULL, &diags))
		goto out;
	if (dyd_evaluate(&decision, record, policy, as_of, &diags))
		goto out; /* registered after the as-of instant */
	json = dyd_decision_to_json(decision);
	if (!json || dyd_status_render(&text, decision, NULL))
		abort();
	bopt.lang = (size & 1) ? "id" : "en";
	if (dyd_bundle_build(&zip, &len, decision, &bopt, &diags))
		abort();
	if (dyd_bundle_verify(zip, len, NULL, &diags))
		abort();
out:
	free(zip);
	free(json);
	free(text);
	dyd_decision_free(decision);
	dyd_record_free(record);
	dyd_diags_release(&diags);
	return 0;
}
