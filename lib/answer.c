/* SPDX-License-Identifier: MIT */
/* The answer members of a results line, written straight from the
 * decision: a batch writes one per record. */
#include "answer.h"
#include "json_out.h"

#include <string.h>

void answer_members(strbuf *out, const dyd_decision *d)
{
	const dyd_policy *p = d->policy;
	json_writer w;
	char by[80];
	size_t i;

	/* A writer inside an object already open: no braces of its own. */
	json_writer_init(&w, out, false);
	w.depth = 1;
	json_key(&w, "optout", 6);
	if (d->has_optout) {
		json_open_object(&w);
		json_key(&w, "status", 6);
		json_cstring(&w, optout_status_name(d->optout.status));
		json_key(&w, "reason", 6);
		json_cstring(&w, optout_reason_name(d->optout.reason));
		json_close_object(&w);
	} else {
		json_null(&w);
	}
	json_key(&w, "withheld", 8);
	json_open_object(&w);
	for (i = 0; i < d->withheld_count; i++) {
		const withheld_purpose *h = &d->withheld[i];
		json_key(&w, p->purposes[h->purpose].id,
			 strlen(p->purposes[h->purpose].id));
		json_cstring(
		    &w, withheld_by_name(d, h->by, h->region, by, sizeof(by)));
	}
	json_close_object(&w);
	json_key(&w, "shared", 6);
	json_open_array(&w);
	for (i = 0; i < d->category_count; i++)
		if (d->categories[i].shared)
			json_cstring(&w, d->categories[i].category->id);
	json_close_array(&w);
	json_key(&w, "terms", 5);
	json_open_object(&w);
	for (i = 0; i < p->terms_count; i++) {
		json_key(&w, p->terms[i].id, strlen(p->terms[i].id));
		json_cstring(&w, terms_status_name(d->terms[i].status));
	}
	json_close_object(&w);
}
