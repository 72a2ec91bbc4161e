/* (record, policy, as-of) -> decision, as SPEC section 3.3 states it. Pure:
 * no I/O, no clock, no formatting. */
#include "evaluate.h"
#include "diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_NS (INT64_C(86400) * INT64_C(1000000000))

const char *optout_status_name(optout_status s)
{
	static const char *const names[] = {"opted_out", "not_opted_out",
					    "not_offered"};
	return names[s];
}

const char *optout_reason_name(optout_reason r)
{
	static const char *const names[] = {
	    "optout_in_window",	  "optin_in_window", "no_choice_in_window",
	    "terms_not_accepted", "before_offer",    "registered_after_offer"};
	return names[r];
}

const char *ignored_why_name(ignored_why w)
{
	static const char *const names[] = {"not_offered", "terms_not_accepted",
					    "before_window", "after_window"};
	return names[w];
}

const char *terms_status_name(terms_status s)
{
	static const char *const names[] = {"not_yet_effective", "accepted",
					    "overdue", "pending"};
	return names[s];
}

const char *event_type_name(event_type t)
{
	static const char *const names[] = {"terms_accepted", "optout",
					    "optin"};
	return names[t];
}

const char *withheld_by_name(const dyd_decision *d, withheld_by by,
			     size_t region, char *buf, size_t size)
{
	switch (by) {
	case WITHHELD_NONE:
		return "";
	case WITHHELD_TERMS_NOT_ACCEPTED:
		return "terms_not_accepted";
	case WITHHELD_CONDITION_FALSE:
		return "condition_false";
	case WITHHELD_OPT_OUT:
		return "opt_out";
	case WITHHELD_REGION:
		snprintf(buf, size, "region:%s", d->policy->regions[region].id);
		return buf;
	}
	return "";
}

static void evaluate_terms(dyd_decision *d)
{
	const dyd_policy *p = d->policy;
	const dyd_record *rec = d->record;
	size_t i, e;

	for (i = 0; i < p->terms_count; i++) {
		const policy_terms *t = &p->terms[i];
		decision_terms *dt = &d->terms[i];
		if (d->as_of < t->effective) {
			dt->status = TERMS_NOT_YET_EFFECTIVE;
			continue;
		}
		if (rec->registered_at >= t->effective) {
			dt->status = TERMS_ACCEPTED;
			dt->at_registration = true;
			dt->accepted_at = rec->registered_at;
			continue;
		}
		for (e = 0; e < rec->event_count; e++) {
			const record_event *ev = &rec->events[e];
			if (ev->at > d->as_of)
				break;
			if (ev->type == EVENT_TERMS_ACCEPTED &&
			    ev->terms == i) {
				dt->status = TERMS_ACCEPTED;
				dt->accepted_at = ev->at;
				dt->event = ev;
				break;
			}
		}
		if (dt->status == TERMS_ACCEPTED)
			continue;
		if (t->has_deadline && d->as_of > t->deadline)
			dt->status = TERMS_OVERDUE;
		else
			dt->status = TERMS_PENDING;
	}
}

static int evaluate_optout(dyd_decision *d)
{
	const dyd_policy *p = d->policy;
	const dyd_record *rec = d->record;
	const policy_terms *o = &p->terms[p->optout_terms];
	decision_optout *out = &d->optout;
	const decision_terms *accepted = &d->terms[p->optout_terms];
	const record_event *last_in_window = NULL;
	size_t e, n = 0;
	ignored_why why_all;
	bool all_ignored = true;

	out->terms = p->optout_terms;
	for (e = 0; e < rec->event_count; e++)
		if (rec->events[e].at <= d->as_of &&
		    rec->events[e].type != EVENT_TERMS_ACCEPTED)
			n++;
	if (n) {
		out->ignored = calloc(n, sizeof(*out->ignored));
		if (!out->ignored)
			return DYD_ENOMEM;
	}
	if (d->as_of < o->effective) {
		out->status = OPTOUT_NOT_OFFERED;
		out->reason = REASON_BEFORE_OFFER;
		why_all = IGNORED_NOT_OFFERED;
	} else if (rec->registered_at >= o->effective) {
		out->status = OPTOUT_NOT_OFFERED;
		out->reason = REASON_REGISTERED_AFTER_OFFER;
		why_all = IGNORED_NOT_OFFERED;
	} else if (accepted->status != TERMS_ACCEPTED) {
		out->status = OPTOUT_NOT_OPTED_OUT;
		out->reason = REASON_TERMS_NOT_ACCEPTED;
		why_all = IGNORED_TERMS_NOT_ACCEPTED;
	} else {
		all_ignored = false;
		why_all = IGNORED_NOT_OFFERED;
		out->has_window = true;
		out->window_start = accepted->accepted_at;
		out->window_end = accepted->accepted_at +
				  (dyd_time)o->optout->window_days * DAY_NS;
		out->window_open =
		    d->as_of >= out->window_start && d->as_of < out->window_end;
	}
	for (e = 0; e < rec->event_count; e++) {
		const record_event *ev = &rec->events[e];
		if (ev->at > d->as_of)
			break;
		if (ev->type == EVENT_TERMS_ACCEPTED)
			continue;
		if (all_ignored) {
			out->ignored[out->ignored_count].event = ev;
			out->ignored[out->ignored_count++].why = why_all;
		} else if (ev->at < out->window_start) {
			out->ignored[out->ignored_count].event = ev;
			out->ignored[out->ignored_count++].why =
			    IGNORED_BEFORE_WINDOW;
		} else if (ev->at >= out->window_end) {
			/* The choice was offered once: a request after the
			 * window is never honoured. */
			out->ignored[out->ignored_count].event = ev;
			out->ignored[out->ignored_count++].why =
			    IGNORED_AFTER_WINDOW;
		} else {
			last_in_window = ev;
		}
	}
	if (all_ignored)
		return 0;
	if (!last_in_window) {
		out->status = OPTOUT_NOT_OPTED_OUT;
		out->reason = REASON_NO_CHOICE_IN_WINDOW;
	} else if (last_in_window->type == EVENT_OPTOUT) {
		out->status = OPTOUT_OPTED_OUT;
		out->reason = REASON_OPTOUT_IN_WINDOW;
		out->choice = last_in_window;
	} else {
		out->status = OPTOUT_NOT_OPTED_OUT;
		out->reason = REASON_OPTIN_IN_WINDOW;
		out->choice = last_in_window;
	}
	return 0;
}

static bool item_matches(const doc_node *item, const policy_where *where)
{
	size_t k;

	if (where->count && item->type != DOC_OBJECT)
		return false;
	for (k = 0; k < where->count; k++) {
		const doc_node *v = doc_get(item, where->keys[k]);
		if (!doc_is_text(v) || strcmp(v->text, where->values[k]) != 0)
			return false;
	}
	return true;
}

static bool cond_holds(const dyd_decision *d, const policy_cond *c)
{
	const doc_node *arr;
	size_t i;

	switch (c->kind) {
	case COND_HAS:
		if (strcmp(c->field, "events") == 0) {
			/* Events after the as-of instant do not exist yet. */
			for (i = 0; i < d->record->event_count; i++)
				if (d->record->events[i].at <= d->as_of)
					return true;
			return false;
		}
		arr = record_array(d->record, c->field);
		for (i = 0; arr && i < arr->count; i++)
			if (item_matches(arr->items[i], &c->where))
				return true;
		return false;
	case COND_REGION:
		for (i = 0; i < d->region_count; i++)
			if (d->regions[i] == c->region)
				return true;
		return false;
	case COND_ALL:
		for (i = 0; i < c->child_count; i++)
			if (!cond_holds(d, &c->children[i]))
				return false;
		return true;
	case COND_ANY:
		for (i = 0; i < c->child_count; i++)
			if (cond_holds(d, &c->children[i]))
				return true;
		return false;
	case COND_NOT:
		return !cond_holds(d, &c->children[0]);
	}
	return false;
}

static void purpose_withheld(const dyd_decision *d, size_t purpose,
			     withheld_by *by, size_t *region)
{
	const dyd_policy *p = d->policy;
	size_t i, k;

	*by = WITHHELD_NONE;
	if (d->has_optout && d->optout.status == OPTOUT_OPTED_OUT) {
		const policy_optout *o = p->terms[d->optout.terms].optout;
		for (k = 0; k < o->cover_count; k++)
			if (o->covers[k] == purpose) {
				*by = WITHHELD_OPT_OUT;
				return;
			}
	}
	for (i = 0; i < d->region_count; i++) {
		const policy_region *r = &p->regions[d->regions[i]];
		for (k = 0; k < r->exclude_count; k++)
			if (r->excludes[k] == purpose) {
				*by = WITHHELD_REGION;
				*region = d->regions[i];
				return;
			}
	}
}

static int evaluate_categories(dyd_decision *d)
{
	const dyd_policy *p = d->policy;
	size_t c, r, k, n, i;

	for (c = 0; c < p->category_count; c++) {
		const policy_category *cat = &p->categories[c];
		decision_category *dc = &d->categories[c];
		dc->category = cat;
		if (cat->never)
			continue;
		for (r = n = 0; r < cat->rule_count; r++)
			n += cat->rules[r].purpose_count;
		dc->cells = n ? calloc(n, sizeof(*dc->cells)) : NULL;
		if (n && !dc->cells)
			return DYD_ENOMEM;
		for (r = 0; r < cat->rule_count; r++) {
			const policy_rule *rule = &cat->rules[r];
			const decision_terms *dt = &d->terms[rule->since];
			const policy_terms *t = &p->terms[rule->since];
			bool accepted = dt->status == TERMS_ACCEPTED;
			bool holds = !rule->when || cond_holds(d, rule->when);
			for (k = 0; k < rule->purpose_count; k++) {
				decision_cell *cell =
				    &dc->cells[dc->cell_count++];
				cell->purpose = rule->purposes[k];
				cell->rule = r;
				cell->condition_holds = holds;
				if (!accepted) {
					cell->by = WITHHELD_TERMS_NOT_ACCEPTED;
				} else if (!holds) {
					cell->by = WITHHELD_CONDITION_FALSE;
				} else {
					purpose_withheld(d, cell->purpose,
							 &cell->by,
							 &cell->region);
				}
				if (cell->by == WITHHELD_NONE) {
					cell->shared = true;
					cell->since =
					    t->effective > dt->accepted_at
						? t->effective
						: dt->accepted_at;
					dc->shared = true;
				}
			}
		}
		if (dc->shared && cat->has_items) {
			const doc_node *arr =
			    record_array(d->record, cat->items_field);
			if (arr && arr->count) {
				dc->items = calloc(arr->count, sizeof(size_t));
				if (!dc->items)
					return DYD_ENOMEM;
				for (i = 0; i < arr->count; i++)
					if (item_matches(arr->items[i],
							 &cat->items_where))
						dc->items[dc->item_count++] = i;
			}
		}
	}
	return 0;
}

int dyd_evaluate(dyd_decision **out, const dyd_record *record,
		 const dyd_policy *policy, dyd_time as_of, dyd_diags *diags)
{
	dyd_decision *d;
	size_t i, k;
	int rc = DYD_ENOMEM;
	char reg[DYD_TIME_BUFSIZE], at[DYD_TIME_BUFSIZE];

	*out = NULL;
	if (record->registered_at > as_of) {
		dyd_time_format(record->registered_at, reg);
		dyd_time_format(as_of, at);
		diag_add(diags, DYD_ERROR, record->name, 0, 0, "/registered_at",
			 "the account registered at %s, after the as-of "
			 "instant %s: there is nothing to report yet",
			 reg, at);
		return DYD_EINVALID;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return DYD_ENOMEM;
	d->record = record;
	d->policy = policy;
	d->as_of = as_of;
	d->terms = calloc(policy->terms_count, sizeof(*d->terms));
	d->categories =
	    calloc(policy->category_count ? policy->category_count : 1,
		   sizeof(*d->categories));
	d->regions = calloc(policy->region_count ? policy->region_count : 1,
			    sizeof(*d->regions));
	d->withheld = calloc(policy->purpose_count ? policy->purpose_count : 1,
			     sizeof(*d->withheld));
	if (!d->terms || !d->categories || !d->regions || !d->withheld)
		goto out;
	d->category_count = policy->category_count;
	for (i = 0; record->region && i < policy->region_count; i++)
		for (k = 0; k < policy->regions[i].country_count; k++)
			if (strcmp(policy->regions[i].countries[k],
				   record->region) == 0) {
				d->regions[d->region_count++] = i;
				break;
			}
	evaluate_terms(d);
	if (policy->optout_terms != NO_INDEX) {
		d->has_optout = true;
		if (evaluate_optout(d))
			goto out;
	}
	for (i = 0; i < policy->purpose_count; i++) {
		withheld_purpose *w = &d->withheld[d->withheld_count];
		purpose_withheld(d, i, &w->by, &w->region);
		if (w->by != WITHHELD_NONE) {
			w->purpose = i;
			d->withheld_count++;
		}
	}
	if (evaluate_categories(d))
		goto out;
	*out = d;
	d = NULL;
	rc = 0;
out:
	dyd_decision_free(d);
	return rc;
}

void dyd_decision_free(dyd_decision *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; d->categories && i < d->category_count; i++) {
		free(d->categories[i].cells);
		free(d->categories[i].items);
	}
	free(d->categories);
	free(d->optout.ignored);
	free(d->terms);
	free(d->regions);
	free(d->withheld);
	free(d);
}
