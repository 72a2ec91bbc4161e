/* SPDX-License-Identifier: MIT */
/* report.json: everything, for machines. The account data is the record
 * normalised (timestamps in UTC, only the fields dyd.account/v1 defines);
 * whatever is left out is listed, so nothing is dropped silently. */
#include "json_out.h"
#include "report.h"
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_FORMAT "dyd.report/v1"

/* One walk of the record serves both uses: collecting what report.json
 * leaves out (ctx set), and writing the account (out set). */
struct walker {
	report_context *ctx; /* collecting omissions, or NULL */
	json_writer *out;    /* writing the account, or NULL */
	strbuf path;
	bool failed;
};

static void omit(struct walker *w, const char *reason)
{
	report_omission *grown;
	report_context *ctx = w->ctx;

	if (!ctx)
		return;
	grown = realloc(ctx->omitted,
			(ctx->omitted_count + 1) * sizeof(*ctx->omitted));
	if (!grown || w->path.failed) {
		if (grown)
			ctx->omitted = grown;
		w->failed = true;
		return;
	}
	ctx->omitted = grown;
	grown[ctx->omitted_count].pointer = strdup(w->path.data);
	grown[ctx->omitted_count].reason = reason;
	if (!grown[ctx->omitted_count].pointer) {
		w->failed = true;
		return;
	}
	ctx->omitted_count++;
}

static size_t push(struct walker *w, const char *key, size_t len)
{
	if (!w->ctx)
		return w->path.len; /* only omissions need the pointer */
	return strbuf_pointer_push(&w->path, key, len);
}

static void walk(struct walker *w, const doc_node *n, const field_spec *f);

static bool is_field(const field_spec *table, const char *key, size_t len)
{
	const field_spec *f;

	for (f = table; f->name; f++)
		if (strlen(f->name) == len && memcmp(f->name, key, len) == 0)
			return true;
	return false;
}

static void walk_object(struct walker *w, const doc_node *obj,
			const field_spec *table)
{
	const field_spec *f;
	size_t i, saved;

	if (w->out)
		json_open_object(w->out);
	/* Field table order, so the output does not depend on how the
	 * record happened to order its keys. */
	for (f = table; f->name; f++) {
		const doc_node *v = doc_get(obj, f->name);
		size_t len;
		if (!v)
			continue;
		len = strlen(f->name);
		if (w->out)
			json_key(w->out, f->name, len);
		saved = push(w, f->name, len);
		walk(w, v, f);
		strbuf_truncate(&w->path, saved);
	}
	if (w->out)
		json_close_object(w->out);
	if (!w->ctx)
		return;
	for (i = 0; i < obj->count; i++) {
		const doc_member *m = &obj->members[i];
		if (is_field(table, m->key, m->key_len))
			continue;
		saved = push(w, m->key, m->key_len);
		omit(w, "unknown field: dyd.account/v1 does not define it");
		strbuf_truncate(&w->path, saved);
	}
}

static void walk(struct walker *w, const doc_node *n, const field_spec *f)
{
	static const field_spec phone = {"phone", FIELD_PHONE, true, NULL,
					 NULL};
	dyd_time t;
	char idx[24];
	size_t i, saved;

	switch (f->kind) {
	case FIELD_TIME:
		if (!w->out)
			return;
		if (dyd_time_parse(n->text, n->len, false, &t)) {
			w->failed = true; /* validated before: cannot happen */
			return;
		}
		json_time(w->out, t);
		return;
	case FIELD_BOOL:
		if (w->out)
			json_bool(w->out, n->boolean);
		return;
	case FIELD_COUNT:
	case FIELD_NUMBER:
		/* A decimal string ("100.00") stays the string it was. */
		if (w->out && n->type == DOC_STRING)
			json_string(w->out, n->text, n->len);
		else if (w->out)
			json_number(w->out, n->number);
		return;
	case FIELD_OBJECT:
		walk_object(w, n, f->sub);
		return;
	case FIELD_OBJECT_LIST:
	case FIELD_EVENT_LIST:
	case FIELD_PHONE_LIST:
		if (w->out)
			json_open_array(w->out);
		for (i = 0; i < n->count; i++) {
			/* Omission pointers need the index; the account
			 * output does not. */
			saved = w->path.len;
			if (w->ctx) {
				push(w, idx, format_unsigned(i, idx));
			}
			if (f->kind == FIELD_PHONE_LIST)
				walk(w, n->items[i], &phone);
			else if (f->kind == FIELD_EVENT_LIST)
				walk_object(w, n->items[i],
					    record_event_fields(n->items[i]));
			else
				walk_object(w, n->items[i], f->sub);
			strbuf_truncate(&w->path, saved);
		}
		if (w->out)
			json_close_array(w->out);
		return;
	default:
		if (w->out)
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

void report_context_release(report_context *ctx)
{
	size_t i;

	for (i = 0; i < ctx->omitted_count; i++)
		free(ctx->omitted[i].pointer);
	free(ctx->omitted);
	ctx->omitted = NULL;
	ctx->omitted_count = 0;
}

int report_json_render(char **out, size_t *len, report_context *ctx)
{
	const dyd_decision *d = ctx->decision;
	strbuf sb = STRBUF_INIT;
	json_writer jw;
	struct walker w = {ctx, &jw, STRBUF_INIT, false};
	cJSON *decision;

	*out = NULL;
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
	json_cstring(&jw, ctx->lang);
	json_key(&jw, "time_zone", 9);
	json_cstring(&jw, tz_name(ctx->zone));
	json_key(&jw, "policy", 6);
	json_open_object(&jw);
	json_key(&jw, "id", 2);
	json_cstring(&jw, d->policy->id);
	json_key(&jw, "sha256", 6);
	json_cstring(&jw, d->policy->sha256);
	json_key(&jw, "service", 7);
	json_cstring(&jw, d->policy->service);
	json_key(&jw, "parent_company", 14);
	json_cstring(&jw, d->policy->parent_company);
	write_sources(&jw, d->policy);
	write_citations(&jw, d->policy);
	json_close_object(&jw);
	json_key(&jw, "account", 7);
	/* The same walk lists what the account leaves out (ctx->omitted),
	 * for the manifest and report.html. */
	strbuf_puts(&w.path, "");
	walk_object(&w, d->record->doc->root, record_fields);
	if (w.path.failed)
		w.failed = true;
	json_key(&jw, "decision", 8);
	json_cjson(&jw, decision);
	json_close_object(&jw);
	strbuf_putc(&sb, '\n');
	cJSON_Delete(decision);
	strbuf_release(&w.path);
	if (w.failed) {
		strbuf_release(&sb);
		return DYD_ENOMEM;
	}
	*len = sb.len;
	*out = strbuf_detach(&sb);
	return *out ? 0 : DYD_ENOMEM;
}
