/* SPDX-License-Identifier: MIT */
/* One record's export: load, evaluate, build the bundle. dyd export and
 * each record of a batch go through here, so both make the same bytes. */
#include "answer.h"
#include "dyd.h"

#include <stdlib.h>
#include <string.h>

int dyd_export_record(dyd_export_result *out, const char *data, size_t len,
		      const char *name, const dyd_policy *policy,
		      const dyd_export_options *options, dyd_diags *diags)
{
	dyd_export_options defaults = DYD_EXPORT_OPTIONS_INIT;
	dyd_record *record = NULL;
	dyd_decision *decision = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!options)
		options = &defaults;
	rc = dyd_record_load(&record, data, len, name, policy, &options->record,
			     diags);
	if (rc)
		return rc;
	out->account_id = strdup(dyd_record_account_id(record));
	rc = out->account_id ? dyd_evaluate(&decision, record, policy,
					    options->as_of, diags)
			     : DYD_ENOMEM;
	if (rc == 0 && options->answer) {
		strbuf sb = STRBUF_INIT;
		answer_members(&sb, decision);
		out->answer = strbuf_detach(&sb);
		if (!out->answer)
			rc = DYD_ENOMEM;
	}
	if (rc == 0 && (!options->wanted ||
			options->wanted(out->account_id, options->arg)))
		rc = dyd_bundle_build(&out->zip, &out->zip_len, decision,
				      &options->bundle, diags);
	dyd_decision_free(decision);
	dyd_record_free(record);
	return rc;
}

void dyd_export_result_release(dyd_export_result *result)
{
	if (!result)
		return;
	free(result->account_id);
	free(result->zip);
	free(result->answer);
	memset(result, 0, sizeof(*result));
}
