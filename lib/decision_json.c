/* SPDX-License-Identifier: MIT */
/* The decision object as JSON: the same bytes in `dyd status --json` and
 * in report.json. Field names and enumerations are those of SPEC 3.3 and
 * schemas/decision.schema.json. */
#include "evaluate.h"
#include "json_out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool add_event_ref(cJSON *obj, const record_event *ev)
{
	char ptr[32];

	snprintf(ptr, sizeof(ptr), "/events/%zu", ev->index);
	return cJSON_AddStringToObject(obj, "event", ptr) != NULL;
}

/* "sources": the ids of the documents the cited elements rest on, each
 * once, in citation order. The quotes are in the policy (and, once, in
 * report.json's policy.citations), under each element's pointer. */
static bool add_sources(const dyd_policy *p, cJSON *obj,
			const decision_cites *c)
{
	cJSON *arr = cJSON_AddArrayToObject(obj, "sources"), *it;
	size_t g, i;

	if (!arr)
		return false;
	for (g = 0; g < c->count; g++)
		for (i = 0; i < c->group[g]->count; i++) {
			const char *id =
			    p->sources[c->group[g]->quotes[i].source].id;
			bool seen = false;
			cJSON_ArrayForEach(it, arr) seen |=
			    strcmp(it->valuestring, id) == 0;
			if (!seen &&
			    !cJSON_AddItemToArray(arr, cJSON_CreateString(id)))
				return false;
		}
	return true;
}

static bool add_request(cJSON *arr, const record_event *ev, const char *why)
{
	cJSON *o = cJSON_CreateObject();

	if (!o || !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		return false;
	}
	return cJSON_AddStringToObject(o, "type", event_type_name(ev->type)) &&
	       json_add_time(o, "at", ev->at) &&
	       cJSON_AddStringToObject(o, "channel", ev->channel) &&
	       add_event_ref(o, ev) &&
	       (!why || cJSON_AddStringToObject(o, "why", why));
}

static cJSON *optout_json(const dyd_decision *d)
{
	const decision_optout *o = &d->optout;
	const policy_optout *po = d->policy->terms[o->terms].optout;
	cJSON *obj = cJSON_CreateObject(), *arr, *w;
	size_t i;
	bool ok;

	if (!obj)
		return NULL;
	ok = cJSON_AddStringToObject(obj, "terms",
				     d->policy->terms[o->terms].id);
	arr = cJSON_AddArrayToObject(obj, "covers");
	ok = ok && arr;
	for (i = 0; ok && i < po->cover_count; i++)
		ok = cJSON_AddItemToArray(
		    arr,
		    cJSON_CreateString(d->policy->purposes[po->covers[i]].id));
	ok = ok &&
	     cJSON_AddStringToObject(obj, "offered_to",
				     optout_audience_name(po->offered_to)) &&
	     cJSON_AddBoolToObject(obj, "final", po->final) &&
	     cJSON_AddStringToObject(obj, "status",
				     optout_status_name(o->status)) &&
	     cJSON_AddStringToObject(obj, "reason",
				     optout_reason_name(o->reason));
	if (ok && o->has_window) {
		w = cJSON_AddObjectToObject(obj, "window");
		ok = w && json_add_time(w, "start", o->window_start) &&
		     json_add_time(w, "end", o->window_end);
	}
	ok = ok && cJSON_AddBoolToObject(obj, "window_open", o->window_open);
	if (ok && o->choice) {
		w = cJSON_AddObjectToObject(obj, "choice");
		ok =
		    w &&
		    cJSON_AddStringToObject(w, "type",
					    event_type_name(o->choice->type)) &&
		    json_add_time(w, "at", o->choice->at) &&
		    cJSON_AddStringToObject(w, "channel", o->choice->channel) &&
		    add_event_ref(w, o->choice);
	}
	arr = ok ? cJSON_AddArrayToObject(obj, "ignored_requests") : NULL;
	ok = ok && arr;
	for (i = 0; ok && i < o->ignored_count; i++)
		ok = add_request(arr, o->ignored[i].event,
				 ignored_why_name(o->ignored[i].why));
	ok = ok && cJSON_AddStringToObject(obj, "rule", po->cite.pointer) &&
	     add_sources(d->policy, obj, &o->cites);
	if (!ok) {
		cJSON_Delete(obj);
		return NULL;
	}
	return obj;
}

static bool terms_json(const dyd_decision *d, cJSON *arr)
{
	size_t i;
	bool ok = true;

	for (i = 0; ok && i < d->policy->terms_count; i++) {
		const policy_terms *t = &d->policy->terms[i];
		const decision_terms *dt = &d->terms[i];
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(arr, o)) {
			cJSON_Delete(o);
			return false;
		}
		ok = cJSON_AddStringToObject(o, "id", t->id) &&
		     json_add_time(o, "effective", t->effective) &&
		     cJSON_AddStringToObject(o, "status",
					     terms_status_name(dt->status));
		if (!ok)
			break;
		switch (dt->status) {
		case TERMS_ACCEPTED:
			ok = cJSON_AddStringToObject(o, "how",
						     dt->at_registration
							 ? "at_registration"
							 : "explicit") &&
			     json_add_time(o, "accepted_at", dt->accepted_at) &&
			     (!dt->event || add_event_ref(o, dt->event));
			break;
		case TERMS_OVERDUE:
			ok =
			    json_add_time(o, "deadline", t->deadline) &&
			    (!dt->effect ||
			     (cJSON_AddStringToObject(o, "effect",
						      dt->effect->effect) &&
			      json_add_time(o, "effect_from",
					    dt->effect->from) &&
			      cJSON_AddStringToObject(
				  o, "effect_rule", dt->effect->cite.pointer)));
			break;
		case TERMS_PENDING:
		case TERMS_NOT_YET_EFFECTIVE:
			ok = !t->has_deadline ||
			     json_add_time(o, "deadline", t->deadline);
			break;
		}
		ok = ok &&
		     cJSON_AddStringToObject(o, "rule", t->cite.pointer) &&
		     add_sources(d->policy, o, &dt->cites);
	}
	return ok;
}

static bool category_json(const dyd_decision *d, const decision_category *dc,
			  cJSON *o)
{
	const policy_category *cat = dc->category;
	cJSON *arr;
	size_t i;
	bool ok;
	char by[80], ptr[48];

	ok = cJSON_AddStringToObject(o, "id", cat->id) &&
	     cJSON_AddBoolToObject(o, "shared", dc->shared);
	if (!ok)
		return false;
	if (cat->never)
		return cJSON_AddBoolToObject(o, "never", true) &&
		       cJSON_AddStringToObject(
			   o, "reason", text_get(&cat->never_reason, "en")) &&
		       cJSON_AddStringToObject(o, "rule", cat->never_pointer) &&
		       add_sources(d->policy, o, &dc->cites);
	arr = cJSON_AddArrayToObject(o, "purposes");
	ok = arr != NULL;
	for (i = 0; ok && i < dc->cell_count; i++) {
		const decision_cell *c = &dc->cells[i];
		cJSON *cell = cJSON_CreateObject();
		if (!cell || !cJSON_AddItemToArray(arr, cell)) {
			cJSON_Delete(cell);
			return false;
		}
		ok = cJSON_AddStringToObject(
			 cell, "purpose", d->policy->purposes[c->purpose].id) &&
		     cJSON_AddStringToObject(cell, "status",
					     c->shared ? "shared" : "withheld");
		if (ok && c->shared)
			ok = json_add_time(cell, "since", c->since);
		else if (ok)
			ok = cJSON_AddStringToObject(
			    cell, "withheld_by",
			    withheld_by_name(d, c->by, c->region, by,
					     sizeof(by)));
		ok = ok &&
		     cJSON_AddStringToObject(cell, "rule",
					     cat->rules[c->rule].pointer) &&
		     add_sources(d->policy, cell, &c->cites);
	}
	if (ok && dc->shared && cat->has_items) {
		arr = cJSON_AddArrayToObject(o, "items");
		ok = arr != NULL;
		for (i = 0; ok && i < dc->item_count; i++) {
			snprintf(ptr, sizeof(ptr), "/%s/%zu", cat->items_field,
				 dc->items[i]);
			ok = cJSON_AddItemToArray(arr, cJSON_CreateString(ptr));
		}
	}
	return ok;
}

struct cJSON *decision_to_cjson(const dyd_decision *d)
{
	cJSON *root = cJSON_CreateObject(), *o, *arr;
	size_t i;
	bool ok;
	char by[80];

	if (!root)
		return NULL;
	ok = cJSON_AddStringToObject(root, "format", "dyd.decision/v1") &&
	     cJSON_AddStringToObject(root, "account_id",
				     d->record->account_id) &&
	     json_add_time(root, "as_of", d->as_of);
	o = ok ? cJSON_AddObjectToObject(root, "policy") : NULL;
	ok = o && cJSON_AddStringToObject(o, "id", d->policy->id) &&
	     cJSON_AddStringToObject(o, "sha256", d->policy->sha256);
	o = ok ? cJSON_AddObjectToObject(root, "region") : NULL;
	ok = o && (d->record->region
		       ? cJSON_AddStringToObject(o, "country",
						 d->record->region) != NULL
		       : cJSON_AddNullToObject(o, "country") != NULL);
	arr = ok ? cJSON_AddArrayToObject(o, "regions") : NULL;
	ok = arr != NULL;
	for (i = 0; ok && i < d->region_count; i++)
		ok = cJSON_AddItemToArray(
		    arr,
		    cJSON_CreateString(d->policy->regions[d->regions[i]].id));
	if (ok && d->has_optout) {
		o = optout_json(d);
		ok = o && cJSON_AddItemToObject(root, "optout", o);
		if (!ok)
			cJSON_Delete(o);
	} else if (ok) {
		ok = cJSON_AddNullToObject(root, "optout") != NULL;
	}
	arr = ok ? cJSON_AddArrayToObject(root, "terms") : NULL;
	ok = arr && terms_json(d, arr);
	arr = ok ? cJSON_AddArrayToObject(root, "withheld_purposes") : NULL;
	ok = arr != NULL;
	for (i = 0; ok && i < d->withheld_count; i++) {
		const withheld_purpose *w = &d->withheld[i];
		o = cJSON_CreateObject();
		ok = o && cJSON_AddItemToArray(arr, o);
		if (!ok) {
			cJSON_Delete(o);
			break;
		}
		ok = cJSON_AddStringToObject(
			 o, "purpose", d->policy->purposes[w->purpose].id) &&
		     cJSON_AddStringToObject(o, "withheld_by",
					     withheld_by_name(d, w->by,
							      w->region, by,
							      sizeof(by))) &&
		     add_sources(d->policy, o, &w->cites);
	}
	arr = ok ? cJSON_AddArrayToObject(root, "categories") : NULL;
	ok = arr != NULL;
	for (i = 0; ok && i < d->category_count; i++) {
		o = cJSON_CreateObject();
		ok = o && cJSON_AddItemToArray(arr, o);
		if (!ok) {
			cJSON_Delete(o);
			break;
		}
		ok = category_json(d, &d->categories[i], o);
	}
	if (!ok) {
		cJSON_Delete(root);
		return NULL;
	}
	return root;
}

char *dyd_decision_to_json(const dyd_decision *d)
{
	cJSON *root = decision_to_cjson(d);
	char *out;

	if (!root)
		return NULL;
	out = json_print(root, true);
	cJSON_Delete(root);
	return out;
}
