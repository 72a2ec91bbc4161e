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

struct walker {
	report_context *ctx; /* collecting omissions, or NULL */
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
	size_t saved = w->path.len, i;

	strbuf_putc(&w->path, '/');
	for (i = 0; i < len; i++) {
		if (key[i] == '~')
			strbuf_puts(&w->path, "~0");
		else if (key[i] == '/')
			strbuf_puts(&w->path, "~1");
		else
			strbuf_putc(&w->path, key[i]);
	}
	return saved;
}

static cJSON *walk(struct walker *w, const doc_node *n, const field_spec *f);

static cJSON *walk_object(struct walker *w, const doc_node *obj,
			  const field_spec *table)
{
	cJSON *out = cJSON_CreateObject();
	const field_spec *f;
	size_t i, saved;

	if (!out)
		return NULL;
	/* Field table order, so the output does not depend on how the
	 * record happened to order its keys. */
	for (f = table; f->name; f++) {
		const doc_node *v = doc_get(obj, f->name);
		cJSON *child;
		if (!v)
			continue;
		saved = push(w, f->name, strlen(f->name));
		child = walk(w, v, f);
		strbuf_truncate(&w->path, saved);
		if (!child || !cJSON_AddItemToObject(out, f->name, child)) {
			cJSON_Delete(child);
			cJSON_Delete(out);
			return NULL;
		}
	}
	for (i = 0; i < obj->count; i++) {
		const doc_member *m = &obj->members[i];
		for (f = table; f->name; f++)
			if (strlen(f->name) == m->key_len &&
			    memcmp(f->name, m->key, m->key_len) == 0)
				break;
		if (f->name)
			continue;
		saved = push(w, m->key, m->key_len);
		omit(w, "unknown field: dyd.account/v1 does not define it");
		strbuf_truncate(&w->path, saved);
	}
	return out;
}

static cJSON *walk(struct walker *w, const doc_node *n, const field_spec *f)
{
	static const field_spec phone = {"phone", FIELD_PHONE, true, NULL,
					 NULL};
	dyd_time t;
	char buf[DYD_TIME_BUFSIZE], idx[24];
	cJSON *out, *child;
	size_t i, saved;

	switch (f->kind) {
	case FIELD_TIME:
		if (dyd_time_parse(n->text, n->len, false, &t))
			return NULL; /* validated before: cannot happen */
		dyd_time_format(t, buf);
		return cJSON_CreateString(buf);
	case FIELD_BOOL:
		return cJSON_CreateBool(n->boolean);
	case FIELD_COUNT:
	case FIELD_NUMBER:
		return cJSON_CreateNumber(n->number);
	case FIELD_OBJECT:
		return walk_object(w, n, f->sub);
	case FIELD_OBJECT_LIST:
	case FIELD_EVENT_LIST:
	case FIELD_PHONE_LIST:
		out = cJSON_CreateArray();
		for (i = 0; out && i < n->count; i++) {
			snprintf(idx, sizeof(idx), "%zu", i);
			saved = push(w, idx, strlen(idx));
			if (f->kind == FIELD_PHONE_LIST)
				child = walk(w, n->items[i], &phone);
			else if (f->kind == FIELD_EVENT_LIST)
				child = walk_object(
				    w, n->items[i],
				    record_event_fields(n->items[i]));
			else
				child = walk_object(w, n->items[i], f->sub);
			strbuf_truncate(&w->path, saved);
			if (!child || !cJSON_AddItemToArray(out, child)) {
				cJSON_Delete(child);
				cJSON_Delete(out);
				return NULL;
			}
		}
		return out;
	default:
		return cJSON_CreateString(n->text);
	}
}

int report_collect_omissions(report_context *ctx)
{
	struct walker w = {ctx, STRBUF_INIT, false};
	cJSON *account;

	strbuf_puts(&w.path, "");
	account =
	    walk_object(&w, ctx->decision->record->doc->root, record_fields);
	cJSON_Delete(account);
	strbuf_release(&w.path);
	return !account || w.failed ? DYD_ENOMEM : 0;
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

int report_json_render(char **out, size_t *len, const report_context *ctx)
{
	const dyd_decision *d = ctx->decision;
	struct walker w = {NULL, STRBUF_INIT, false};
	cJSON *root = cJSON_CreateObject(), *o, *account = NULL,
	      *decision = NULL;
	bool ok;

	*out = NULL;
	if (!root)
		return DYD_ENOMEM;
	ok = cJSON_AddStringToObject(root, "format", REPORT_FORMAT) &&
	     (o = cJSON_AddObjectToObject(root, "generator")) &&
	     cJSON_AddStringToObject(o, "name", "dyd") &&
	     cJSON_AddStringToObject(o, "version", DYD_VERSION) &&
	     json_add_time(root, "as_of", d->as_of) &&
	     cJSON_AddStringToObject(root, "language", ctx->lang) &&
	     cJSON_AddStringToObject(root, "time_zone", tz_name(ctx->zone)) &&
	     (o = cJSON_AddObjectToObject(root, "policy")) &&
	     cJSON_AddStringToObject(o, "id", d->policy->id) &&
	     cJSON_AddStringToObject(o, "sha256", d->policy->sha256) &&
	     cJSON_AddStringToObject(o, "service", d->policy->service) &&
	     cJSON_AddStringToObject(o, "parent_company",
				     d->policy->parent_company);
	if (ok) {
		strbuf_puts(&w.path, "");
		account = walk_object(&w, d->record->doc->root, record_fields);
		ok = account && cJSON_AddItemToObject(root, "account", account);
		if (!ok)
			cJSON_Delete(account);
	}
	if (ok) {
		decision = decision_to_cjson(d);
		ok = decision &&
		     cJSON_AddItemToObject(root, "decision", decision);
		if (!ok)
			cJSON_Delete(decision);
	}
	if (ok)
		*out = json_print(root, true);
	cJSON_Delete(root);
	strbuf_release(&w.path);
	if (!*out)
		return DYD_ENOMEM;
	*len = strlen(*out);
	return 0;
}
