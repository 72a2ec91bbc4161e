/* SPDX-License-Identifier: MIT */
/* A decision of a record given as text, for the renderer tests. */
#ifndef DYD_TEST_RENDER_UTIL_H
#define DYD_TEST_RENDER_UTIL_H

#include "dyd.h"
#include "testutil.h"

struct rendered {
	dyd_policy *policy;
	dyd_record *record;
	dyd_decision *decision;
};

static inline void decide(struct rendered *r, const char *text, size_t len,
			  const char *name, const char *as_of)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_time t;

	memset(r, 0, sizeof(*r));
	if (dyd_policy_load_default(&r->policy, &diags) ||
	    dyd_time_parse(as_of, strlen(as_of), true, &t) ||
	    dyd_record_load(&r->record, text, len, name, r->policy, NULL,
			    &diags) ||
	    dyd_evaluate(&r->decision, r->record, r->policy, t, &diags))
		fail_msg("%s: %s", name,
			 diags.count ? diags.items[0].message : "failed");
	dyd_diags_release(&diags);
}

/* The decision of testdata/records/NAME as of the day. */
static inline void decide_file(struct rendered *r, const char *name,
			       const char *as_of)
{
	char path[4096], *text;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/testdata/records/%s", DYD_SOURCE_DIR,
		 name);
	text = slurp(path, &len);
	if (!text)
		fail_msg("cannot read %s", path);
	decide(r, text, len, name, as_of);
	free(text);
}

static inline void undecide(struct rendered *r)
{
	dyd_decision_free(r->decision);
	dyd_record_free(r->record);
	dyd_policy_free(r->policy);
}

#endif
