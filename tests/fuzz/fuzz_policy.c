/* SPDX-License-Identifier: MIT */
/* libFuzzer target: policy documents through the loader and lint. */
#include "dyd.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *policy = NULL;
	char *json;
	int rc;

	rc = dyd_policy_load(&policy, (const char *)data, size, "fuzz", &diags);
	if ((rc == 0) != (policy != NULL) ||
	    (rc == DYD_EINVALID && diags.errors == 0))
		abort();
	if (policy) {
		json = dyd_policy_to_json(policy);
		free(json);
	}
	dyd_policy_free(policy);
	dyd_diags_release(&diags);
	return 0;
}
