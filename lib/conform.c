/* SPDX-License-Identifier: MIT */
/* A record against a policy: the rules that tie a record's events to each
 * other, to its registration and to the terms versions the policy knows.
 * The one place that needs both the record and the policy model. */
#include "policy.h"
#include "record.h"
#include "diag.h"

#include <stdlib.h>
#include <string.h>

static int compare_events(const void *a, const void *b)
{
	const record_event *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* A terms_accepted event against the policy's terms versions; false when
 * it is left out of the model. V->path is at the event. */
static bool terms_event(record_check *V, const dyd_policy *policy,
			const doc_node *e, record_event *ev)
{
	const doc_node *at = doc_get(e, "at"), *terms = doc_get(e, "terms"),
		       *channel = doc_get(e, "channel");
	char q[DIAG_QUOTE_MAX + 8], when[DYD_TIME_BUFSIZE];
	size_t saved;

	ev->type = EVENT_TERMS_ACCEPTED;
	if (channel) {
		saved = record_push(V, "channel", 7);
		record_problem(V, V->strict ? DYD_ERROR : DYD_WARNING, channel,
			       "a terms_accepted event has no channel%s",
			       V->strict ? "" : " (ignored)");
		record_pop(V, saved);
	}
	if (!terms) {
		saved = record_push(V, "terms", 5);
		record_problem(V, DYD_ERROR, e,
			       "missing required field (the terms id that was "
			       "accepted)");
		record_pop(V, saved);
		return false;
	}
	if (!doc_is_text(terms))
		return false;
	ev->terms = policy_terms_find(policy, terms->text, terms->len);
	if (ev->terms == NO_INDEX) {
		saved = record_push(V, "terms", 5);
		diag_quote(q, sizeof(q), terms->text, terms->len);
		record_problem(V, DYD_ERROR, terms,
			       "unknown terms id '%s' (policy '%s' knows %zu "
			       "terms versions)",
			       q, policy->id, policy->terms_count);
		record_pop(V, saved);
		return false;
	}
	if (ev->at < policy->terms[ev->terms].effective) {
		saved = record_push(V, "at", 2);
		dyd_time_format(policy->terms[ev->terms].effective, when);
		record_problem(V, DYD_ERROR, at,
			       "terms '%s' accepted before they took effect "
			       "at %s",
			       policy->terms[ev->terms].id, when);
		record_pop(V, saved);
	}
	return true;
}

/* An optout or optin event; false when it is left out of the model. */
static bool choice_event(record_check *V, const doc_node *e,
			 const doc_node *type, record_event *ev)
{
	const doc_node *terms = doc_get(e, "terms"),
		       *channel = doc_get(e, "channel");
	size_t saved;

	if (!doc_is_text(channel)) {
		if (!channel) {
			saved = record_push(V, "channel", 7);
			record_problem(V, DYD_ERROR, e,
				       "missing required field (how the "
				       "choice was made: 'checkbox', "
				       "'settings' or 'support')");
			record_pop(V, saved);
		}
		return false;
	}
	ev->type =
	    strcmp(type->text, "optout") == 0 ? EVENT_OPTOUT : EVENT_OPTIN;
	ev->channel = channel->text;
	if (terms) {
		saved = record_push(V, "terms", 5);
		record_problem(V, V->strict ? DYD_ERROR : DYD_WARNING, terms,
			       "an %s event names no terms%s", type->text,
			       V->strict ? "" : " (ignored)");
		record_pop(V, saved);
	}
	return true;
}

/* The rules that tie events to each other, to registration and to the
 * policy; run after the shape is known to be right. */
static int collect_events(record_check *V, const dyd_policy *policy,
			  const doc_node *events)
{
	dyd_record *rec = V->rec;
	size_t i, saved, s2, s3;
	char when[DYD_TIME_BUFSIZE], reg[DYD_TIME_BUFSIZE];

	/* Too many events is reported by the shape check, once. */
	if (!events || events->type != DOC_ARRAY || events->count == 0 ||
	    events->count > ACCOUNT_MAX_OBJECTS)
		return 0;
	rec->events = calloc(events->count, sizeof(*rec->events));
	if (!rec->events)
		return DYD_ENOMEM;
	saved = record_push(V, "events", 6);
	for (i = 0; i < events->count; i++) {
		const doc_node *e = events->items[i];
		const doc_node *type = doc_get(e, "type"),
			       *at = doc_get(e, "at");
		record_event ev = {0};
		bool keep;
		s2 = record_push_index(V, i);
		if (e->type != DOC_OBJECT || !doc_is_text(type) ||
		    !doc_is_text(at) ||
		    dyd_time_parse(at->text, at->len, false, &ev.at)) {
			record_pop(V, s2);
			continue; /* already reported */
		}
		ev.index = i;
		keep = strcmp(type->text, "terms_accepted") == 0
			   ? terms_event(V, policy, e, &ev)
			   : choice_event(V, e, type, &ev);
		if (keep && rec->registered_at != INT64_MIN &&
		    ev.at < rec->registered_at) {
			s3 = record_push(V, "at", 2);
			dyd_time_format(ev.at, when);
			dyd_time_format(rec->registered_at, reg);
			record_problem(V, DYD_ERROR, at,
				       "event at %s precedes registered_at %s",
				       when, reg);
			record_pop(V, s3);
		}
		if (keep)
			rec->events[rec->event_count++] = ev;
		record_pop(V, s2);
	}
	record_pop(V, saved);
	qsort(rec->events, rec->event_count, sizeof(*rec->events),
	      compare_events);
	return 0;
}

int dyd_record_load(dyd_record **out, const char *data, size_t len,
		    const char *name, const dyd_policy *policy,
		    const dyd_record_options *options, dyd_diags *diags)
{
	record_check V;
	int rc;

	*out = NULL;
	rc = record_check_begin(&V, data, len, name, options, diags);
	if (rc)
		return rc;
	rc = collect_events(&V, policy, doc_get(V.rec->doc->root, "events"));
	return record_check_end(&V, rc, out);
}
