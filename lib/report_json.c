/* SPDX-License-Identifier: MIT */
/* report.json: everything, for machines. The account data is the record
 * normalised (timestamps in UTC, only the fields dyd.account/v1 defines);
 * whatever is left out the view lists for the manifest, so nothing is
 * dropped silently. Then the decision, and what the latest terms update
 * changed. */
#include "json_out.h"
#include "report.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_FORMAT "dyd.report/v1"

/* The walk of the record that writes it, normalised; what it leaves out
 * the report view has listed (report_view.c). */
struct walker {
	json_writer *out;
	bool failed;
};

static void walk(struct walker *w, const doc_node *n, const field_spec *f);

static void walk_object(struct walker *w, const doc_node *obj,
			const field_spec *table)
{
	const field_spec *f;

	json_open_object(w->out);
	/* Field table order, so the output does not depend on how the
	 * record happened to order its keys. */
	for (f = table; f->name; f++) {
		const doc_node *v = doc_get(obj, f->name);
		if (!v)
			continue;
		json_key(w->out, f->name, strlen(f->name));
		walk(w, v, f);
	}
	json_close_object(w->out);
}

static void walk(struct walker *w, const doc_node *n, const field_spec *f)
{
	static const field_spec phone = {"phone", FIELD_PHONE, true, NULL,
					 NULL};
	dyd_time t;
	size_t i;

	switch (f->kind) {
	case FIELD_TIME:
		if (dyd_time_parse(n->text, n->len, false, &t)) {
			w->failed = true; /* validated before: cannot happen */
			return;
		}
		json_time(w->out, t);
		return;
	case FIELD_BOOL:
		json_bool(w->out, n->boolean);
		return;
	case FIELD_COUNT:
	case FIELD_NUMBER:
		/* A decimal string ("100.00") stays the string it was. */
		if (n->type == DOC_STRING)
			json_string(w->out, n->text, n->len);
		else
			json_number(w->out, n->number);
		return;
	case FIELD_OBJECT:
		walk_object(w, n, f->sub);
		return;
	case FIELD_OBJECT_LIST:
	case FIELD_EVENT_LIST:
	case FIELD_PHONE_LIST:
		json_open_array(w->out);
		for (i = 0; i < n->count; i++) {
			if (f->kind == FIELD_PHONE_LIST)
				walk(w, n->items[i], &phone);
			else if (f->kind == FIELD_EVENT_LIST)
				walk_object(w, n->items[i],
					    record_event_fields(n->items[i]));
			else
				walk_object(w, n->items[i], f->sub);
		}
		json_close_array(w->out);
		return;
	default:
		json_string(w->out, n->text, strlen(n->text));
		return;
	}
}

/* The policy's documents, once: every "sources" id of the decision is one
 * of them. */
static void write_sources(json_writer *jw, const dyd_policy *p)
{
	size_t i;

	json_key(jw, "sources", 7);
	json_open_array(jw);
	for (i = 0; i < p->source_count; i++) {
		const policy_source *src = &p->sources[i];
		json_open_object(jw);
		json_key(jw, "id", 2);
		json_cstring(jw, src->id);
		json_key(jw, "title", 5);
		json_cstring(jw, src->title);
		json_key(jw, "publisher", 9);
		json_cstring(jw, src->publisher);
		json_key(jw, "date", 4);
		json_cstring(jw, src->date);
		json_key(jw, "url", 3);
		json_cstring(jw, src->url);
		if (src->language) {
			json_key(jw, "language", 8);
			json_cstring(jw, src->language);
		}
		if (src->note.count) {
			json_key(jw, "note", 4);
			json_cstring(jw, text_get(&src->note, "en"));
		}
		json_close_object(jw);
	}
	json_close_array(jw);
}

static void write_cite(json_writer *jw, const dyd_policy *p,
		       const policy_cite *c)
{
	size_t i;

	if (!c->pointer || (!c->count && !c->note.count))
		return;
	json_key(jw, c->pointer, strlen(c->pointer));
	json_open_object(jw);
	json_key(jw, "sources", 7);
	json_open_array(jw);
	for (i = 0; i < c->count; i++) {
		json_open_object(jw);
		json_key(jw, "ref", 3);
		json_cstring(jw, p->sources[c->quotes[i].source].id);
		json_key(jw, "quote", 5);
		json_cstring(jw, c->quotes[i].quote);
		json_close_object(jw);
	}
	json_close_array(jw);
	if (c->note.count) {
		json_key(jw, "note", 4);
		json_cstring(jw, text_get(&c->note, "en"));
	}
	json_close_object(jw);
}

/* What each policy element rests on, keyed by the pointer the decision
 * names it with ("rule", "effect_rule", "/regions/NAME"), policy order. */
static void write_citations(json_writer *jw, const dyd_policy *p)
{
	size_t i, j;

	json_key(jw, "citations", 9);
	json_open_object(jw);
	for (i = 0; i < p->terms_count; i++) {
		write_cite(jw, p, &p->terms[i].cite);
		if (p->terms[i].optout)
			write_cite(jw, p, &p->terms[i].optout->cite);
		for (j = 0; j < p->terms[i].effect_count; j++)
			write_cite(jw, p, &p->terms[i].effects[j].cite);
	}
	for (i = 0; i < p->region_count; i++)
		write_cite(jw, p, &p->regions[i].cite);
	for (i = 0; i < p->purpose_count; i++)
		write_cite(jw, p, &p->purposes[i].cite);
	for (i = 0; i < p->category_count; i++) {
		const policy_category *cat = &p->categories[i];
		write_cite(jw, p, &cat->never_cite);
		for (j = 0; j < cat->rule_count; j++)
			write_cite(jw, p, &cat->rules[j].cite);
	}
	json_close_object(jw);
}

static void write_purposes(json_writer *jw, const dyd_policy *p,
			   const change_category *c, bool gained)
{
	const size_t *list = gained ? c->gained : c->lost;
	size_t n = gained ? c->gained_count : c->lost_count, i;

	json_open_object(jw);
	json_key(jw, "category", 8);
	json_cstring(jw, p->categories[c->category].id);
	json_key(jw, "purposes", 8);
	json_open_array(jw);
	for (i = 0; i < n; i++)
		json_cstring(jw, p->purposes[list[i]].id);
	json_close_array(jw);
	json_close_object(jw);
}

static void write_changes(json_writer *jw, const report_view *v, bool gained)
{
	const decision_change *ch = &v->change;
	size_t i;

	json_key(jw, gained ? "became_shared" : "no_longer_shared",
		 gained ? 13 : 16);
	json_open_array(jw);
	for (i = 0; i < ch->changed_count; i++)
		if (gained ? ch->changed[i].gained_count
			   : ch->changed[i].lost_count)
			write_purposes(jw, v->p, &ch->changed[i], gained);
	json_close_array(jw);
}

/* "update": what the policy's latest terms update changed for the
 * account (report_view.h), or null when the policy has none. */
static void write_update(json_writer *jw, const report_view *v)
{
	static const char *const states[] = {
	    [CHANGE_NOT_YET] = "not_in_effect",
	    [CHANGE_REGISTERED_AFTER] = "registered_after",
	    [CHANGE_COMPARED] = "compared",
	};
	const decision_change *ch = &v->change;
	size_t i;

	json_key(jw, "update", 6);
	if (ch->state == CHANGE_NONE) {
		json_null(jw);
		return;
	}
	json_open_object(jw);
	json_key(jw, "terms", 5);
	json_cstring(jw, v->p->terms[ch->terms].id);
	json_key(jw, "state", 5);
	json_cstring(jw, states[ch->state]);
	json_key(jw, "effective", 9);
	json_time(jw, v->p->terms[ch->terms].effective);
	if (ch->state == CHANGE_COMPARED) {
		json_key(jw, "compared_with", 13);
		json_time(jw, ch->before);
		write_changes(jw, v, true);
		write_changes(jw, v, false);
		json_key(jw, "shared_as_before", 16);
		json_open_array(jw);
		for (i = 0; i < ch->same_count; i++)
			json_cstring(jw, v->p->categories[ch->same[i]].id);
		json_close_array(jw);
		json_key(jw, "optout_unchanged", 16);
		json_bool(jw, ch->optout_same);
	}
	json_close_object(jw);
}

static void write_policy(json_writer *jw, const dyd_policy *p)
{
	json_key(jw, "policy", 6);
	json_open_object(jw);
	json_key(jw, "id", 2);
	json_cstring(jw, p->id);
	json_key(jw, "sha256", 6);
	json_cstring(jw, p->sha256);
	json_key(jw, "service", 7);
	json_cstring(jw, p->service);
	json_key(jw, "parent_company", 14);
	json_cstring(jw, p->parent_company);
	write_sources(jw, p);
	write_citations(jw, p);
	json_close_object(jw);
}

int report_json_render(char **out, size_t *len, const report_view *v)
{
	const dyd_decision *d = v->d;
	strbuf sb = STRBUF_INIT;
	json_writer jw;
	struct walker w = {&jw, false};
	cJSON *decision;

	*out = NULL;
	*len = 0;
	decision = decision_to_cjson(d);
	if (!decision)
		return DYD_ENOMEM;
	/* About the size of a typical report, to skip the first doublings. */
	strbuf_grow(&sb, 16384);
	json_writer_init(&jw, &sb, true);
	json_open_object(&jw);
	json_key(&jw, "format", 6);
	json_cstring(&jw, REPORT_FORMAT);
	json_key(&jw, "generator", 9);
	json_open_object(&jw);
	json_key(&jw, "name", 4);
	json_cstring(&jw, "dyd");
	json_key(&jw, "version", 7);
	json_cstring(&jw, DYD_VERSION);
	json_close_object(&jw);
	json_key(&jw, "as_of", 5);
	json_time(&jw, d->as_of);
	json_key(&jw, "language", 8);
	json_cstring(&jw, v->lang);
	json_key(&jw, "time_zone", 9);
	json_cstring(&jw, tz_name(v->zone));
	write_policy(&jw, d->policy);
	json_key(&jw, "account", 7);
	walk_object(&w, d->record->doc->root, record_fields);
	json_key(&jw, "decision", 8);
	json_cjson(&jw, decision);
	write_update(&jw, v);
	json_close_object(&jw);
	strbuf_putc(&sb, '\n');
	cJSON_Delete(decision);
	if (w.failed) {
		strbuf_release(&sb);
		return DYD_ENOMEM;
	}
	*len = sb.len;
	*out = strbuf_detach(&sb);
	return *out ? 0 : DYD_ENOMEM;
}
