/* SPDX-License-Identifier: MIT */
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
					    "before_window", "after_window",
					    "already_opted_out"};
	return names[w];
}

const char *optout_audience_name(optout_audience a)
{
	return a == OFFERED_ALL_USERS ? "all_users" : "existing_users";
}

static void cite_add(decision_cites *c, const policy_cite *cite)
{
	if (c->count < DECISION_CITES_MAX)
		c->group[c->count++] = cite;
}

/* The consequence of index j in force at t: the last one from on or
 * before t; NO_INDEX before the first. */
static size_t effect_at(const policy_terms *t, dyd_time at)
{
	size_t j, found = NO_INDEX;

	for (j = 0; j < t->effect_count; j++)
		if (t->effects[j].from <= at)
			found = j;
	return found;
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
	for (i = 0; i < p->terms_count; i++) {
		decision_terms *dt = &d->terms[i];
		cite_add(&dt->cites, &p->terms[i].cite);
		if (dt->status != TERMS_OVERDUE)
			continue;
		dt->effect_index = effect_at(&p->terms[i], d->as_of);
		if (dt->effect_index == NO_INDEX)
			continue;
		dt->effect = &p->terms[i].effects[dt->effect_index];
		cite_add(&dt->cites, &dt->effect->cite);
	}
}

static void ignore(decision_optout *out, const record_event *ev,
		   ignored_why why)
{
	out->ignored[out->ignored_count].event = ev;
	out->ignored[out->ignored_count++].why = why;
}

/* The choice inside the window. final: the first opt-out decides and every
 * later request is ignored; else the last in-window request decides. An
 * in-window request a later one overrides is not listed either way. */
static void decide_in_window(dyd_decision *d, bool final)
{
	const dyd_record *rec = d->record;
	decision_optout *out = &d->optout;
	const record_event *optout = NULL, *last = NULL;
	size_t e;

	for (e = 0; e < rec->event_count; e++) {
		const record_event *ev = &rec->events[e];
		if (ev->at > d->as_of)
			break;
		if (ev->type == EVENT_TERMS_ACCEPTED)
			continue;
		if (ev->at < out->window_start)
			ignore(out, ev, IGNORED_BEFORE_WINDOW);
		else if (ev->at >= out->window_end)
			/* The choice was offered once: a request after the
			 * window is never honoured. */
			ignore(out, ev, IGNORED_AFTER_WINDOW);
		else if (final && optout)
			ignore(out, ev, IGNORED_ALREADY_OPTED_OUT);
		else if (final && ev->type == EVENT_OPTOUT)
			optout = last = ev;
		else
			last = ev;
	}
	out->choice = last;
	if (!last) {
		out->status = OPTOUT_NOT_OPTED_OUT;
		out->reason = REASON_NO_CHOICE_IN_WINDOW;
	} else if (last->type == EVENT_OPTOUT) {
		out->status = OPTOUT_OPTED_OUT;
		out->reason = REASON_OPTOUT_IN_WINDOW;
	} else {
		out->status = OPTOUT_NOT_OPTED_OUT;
		out->reason = REASON_OPTIN_IN_WINDOW;
	}
}

static int evaluate_optout(dyd_decision *d)
{
	const dyd_policy *p = d->policy;
	const dyd_record *rec = d->record;
	const policy_terms *o = &p->terms[p->optout_terms];
	decision_optout *out = &d->optout;
	const decision_terms *accepted = &d->terms[p->optout_terms];
	size_t e, n = 0;
	ignored_why why_all;

	out->terms = p->optout_terms;
	cite_add(&out->cites, &o->optout->cite);
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
	} else if (o->optout->offered_to == OFFERED_EXISTING_USERS &&
		   rec->registered_at >= o->effective) {
		out->status = OPTOUT_NOT_OFFERED;
		out->reason = REASON_REGISTERED_AFTER_OFFER;
		why_all = IGNORED_NOT_OFFERED;
	} else if (accepted->status != TERMS_ACCEPTED) {
		out->status = OPTOUT_NOT_OPTED_OUT;
		out->reason = REASON_TERMS_NOT_ACCEPTED;
		why_all = IGNORED_TERMS_NOT_ACCEPTED;
	} else {
		out->has_window = true;
		out->window_start = accepted->accepted_at;
		out->window_end = accepted->accepted_at +
				  (dyd_time)o->optout->window_days * DAY_NS;
		out->window_open =
		    d->as_of >= out->window_start && d->as_of < out->window_end;
		decide_in_window(d, o->optout->final);
		return 0;
	}
	for (e = 0; e < rec->event_count; e++) {
		const record_event *ev = &rec->events[e];
		if (ev->at > d->as_of)
			break;
		if (ev->type != EVENT_TERMS_ACCEPTED)
			ignore(out, ev, why_all);
	}
	return 0;
}

/* The date that makes an item of an array field exist (SPEC 3.3: as of t,
 * dated items after t did not exist yet). */
static const char *item_date_key(const char *field)
{
	static const char *const keys[][2] = {
	    {"transactions", "at"},
	    {"business_chats", "first_contact_at"},
	    {"groups", "joined_at"},
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(*keys); i++)
		if (strcmp(keys[i][0], field) == 0)
			return keys[i][1];
	return NULL;
}

bool decision_item_exists(const dyd_decision *d, const char *field, size_t i)
{
	const doc_node *arr = record_array(d->record, field), *at;
	const char *key = item_date_key(field);
	dyd_time t;

	if (!key || !arr || i >= arr->count)
		return true;
	at = doc_get(arr->items[i], key);
	/* Validated before; an undated item is there all along. */
	if (!doc_is_text(at) || dyd_time_parse(at->text, at->len, false, &t))
		return true;
	return t <= d->as_of;
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
			if (item_matches(arr->items[i], &c->where) &&
			    decision_item_exists(d, c->field, i))
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

/* Whether the opt-out or a region withholds purpose, and the element that
 * does (into cites). */
static void purpose_withheld(const dyd_decision *d, size_t purpose,
			     withheld_by *by, size_t *region,
			     decision_cites *cites)
{
	const dyd_policy *p = d->policy;
	size_t i, k;

	*by = WITHHELD_NONE;
	if (d->has_optout && d->optout.status == OPTOUT_OPTED_OUT) {
		const policy_optout *o = p->terms[d->optout.terms].optout;
		for (k = 0; k < o->cover_count; k++)
			if (o->covers[k] == purpose) {
				*by = WITHHELD_OPT_OUT;
				cite_add(cites, &o->cite);
				return;
			}
	}
	for (i = 0; i < d->region_count; i++) {
		const policy_region *r = &p->regions[d->regions[i]];
		for (k = 0; k < r->exclude_count; k++)
			if (r->excludes[k] == purpose) {
				*by = WITHHELD_REGION;
				*region = d->regions[i];
				cite_add(cites, &r->cite);
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
		if (cat->never) {
			cite_add(&dc->cites, &cat->never_cite);
			continue;
		}
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
				cite_add(&cell->cites, &rule->cite);
				if (!accepted) {
					cell->by = WITHHELD_TERMS_NOT_ACCEPTED;
				} else if (!holds) {
					cell->by = WITHHELD_CONDITION_FALSE;
				} else {
					purpose_withheld(
					    d, cell->purpose, &cell->by,
					    &cell->region, &cell->cites);
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
							 &cat->items_where) &&
					    decision_item_exists(
						d, cat->items_field, i))
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
		purpose_withheld(d, i, &w->by, &w->region, &w->cites);
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
