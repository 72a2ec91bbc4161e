/* SPDX-License-Identifier: MIT */
/* What the latest terms update changed for an account: the evaluator run
 * a second time, just before the update took effect, and the two
 * decisions compared purpose by purpose. Pure, like evaluate.c. */
#include "evaluate.h"

#include <stdlib.h>
#include <string.h>

/* The policy's update: its latest terms version by effective date, when
 * there is more than one; NO_INDEX otherwise. */
static size_t update_terms(const dyd_policy *p)
{
	size_t i, found = NO_INDEX;

	if (p->terms_count < 2)
		return NO_INDEX;
	for (i = 0; i < p->terms_count; i++)
		if (found == NO_INDEX ||
		    p->terms[i].effective >= p->terms[found].effective)
			found = i;
	return found;
}

/* Marks in shared[] (one per purpose) the purposes a category shares. */
static void mark_shared(const decision_category *dc, bool *shared, size_t n)
{
	size_t k;

	memset(shared, 0, n * sizeof(*shared));
	for (k = 0; k < dc->cell_count; k++)
		if (dc->cells[k].shared && dc->cells[k].purpose < n)
			shared[dc->cells[k].purpose] = true;
}

/* One category's gained and lost purposes, from the marks of both. */
static int compare_category(change_category *out, size_t c, const bool *then,
			    const bool *now, size_t n)
{
	size_t j, gained = 0, lost = 0;

	for (j = 0; j < n; j++) {
		gained += now[j] && !then[j];
		lost += then[j] && !now[j];
	}
	memset(out, 0, sizeof(*out));
	out->category = c;
	if (gained && !(out->gained = malloc(gained * sizeof(size_t))))
		return DYD_ENOMEM;
	if (lost && !(out->lost = malloc(lost * sizeof(size_t))))
		return DYD_ENOMEM;
	for (j = 0; j < n; j++) {
		if (now[j] && !then[j])
			out->gained[out->gained_count++] = j;
		if (then[j] && !now[j])
			out->lost[out->lost_count++] = j;
	}
	return 0;
}

static int compare(decision_change *ch, const dyd_decision *d)
{
	const dyd_policy *p = d->policy;
	size_t n = p->purpose_count, c, j;
	bool *then, *now, differs, any;
	int rc = 0;

	then = calloc(n ? 2 * n : 1, sizeof(bool));
	ch->changed = calloc(p->category_count ? p->category_count : 1,
			     sizeof(*ch->changed));
	ch->same = calloc(p->category_count ? p->category_count : 1,
			  sizeof(*ch->same));
	if (!then || !ch->changed || !ch->same) {
		free(then);
		return DYD_ENOMEM;
	}
	now = then + n;
	for (c = 0; !rc && c < d->category_count; c++) {
		if (d->categories[c].category->never)
			continue;
		mark_shared(&ch->prior->categories[c], then, n);
		mark_shared(&d->categories[c], now, n);
		differs = any = false;
		for (j = 0; j < n; j++) {
			differs |= then[j] != now[j];
			any |= now[j];
		}
		if (differs)
			rc = compare_category(&ch->changed[ch->changed_count++],
					      c, then, now, n);
		else if (any)
			ch->same[ch->same_count++] = c;
	}
	free(then);
	ch->optout_same =
	    !d->has_optout || (ch->prior->optout.status == d->optout.status &&
			       ch->prior->optout.reason == d->optout.reason);
	return rc;
}

int decision_change_init(decision_change *ch, const dyd_decision *d)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	const policy_terms *t;
	int rc;

	memset(ch, 0, sizeof(*ch));
	ch->terms = update_terms(d->policy);
	if (ch->terms == NO_INDEX)
		return 0;
	t = &d->policy->terms[ch->terms];
	/* A policy date is 00:00:00Z; one nanosecond before it, the earlier
	 * terms alone were in force. */
	ch->before = t->effective - 1;
	if (d->as_of < t->effective) {
		ch->state = CHANGE_NOT_YET;
		return 0;
	}
	if (d->record->registered_at > ch->before) {
		ch->state = CHANGE_REGISTERED_AFTER;
		return 0;
	}
	rc = dyd_evaluate(&ch->prior, d->record, d->policy, ch->before, &diags);
	dyd_diags_release(&diags);
	if (rc)
		return DYD_ENOMEM; /* registered before: only memory fails */
	ch->state = CHANGE_COMPARED;
	rc = compare(ch, d);
	if (rc)
		decision_change_release(ch);
	return rc;
}

void decision_change_release(decision_change *ch)
{
	size_t i;

	if (!ch)
		return;
	for (i = 0; ch->changed && i < ch->changed_count; i++) {
		free(ch->changed[i].gained);
		free(ch->changed[i].lost);
	}
	free(ch->changed);
	free(ch->same);
	dyd_decision_free(ch->prior);
	memset(ch, 0, sizeof(*ch));
	ch->terms = NO_INDEX;
}
