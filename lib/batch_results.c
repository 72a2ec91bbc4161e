/* SPDX-License-Identifier: MIT */
/* Results lines: made with json_out, read back with cJSON. */
#define _GNU_SOURCE /* memmem() */
#include "batch_results.h"
#include "json_out.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

void results_line(strbuf *out, const results_entry *e)
{
	json_writer w;

	json_writer_init(&w, out, false);
	json_open_object(&w);
	json_key(&w, "status", 6);
	json_cstring(&w, e->status);
	json_key(&w, "account_id", 10);
	if (e->account_id) {
		json_cstring(&w, e->account_id);
	} else {
		json_null(&w);
	}
	json_key(&w, "source", 6);
	json_cstring(&w, e->source);
	if (strcmp(e->status, "ok") == 0) {
		strbuf name = STRBUF_INIT;
		strbuf_puts(&name, e->account_id);
		strbuf_append(&name, ".zip", 4);
		json_key(&w, "bundle", 6);
		if (name.failed)
			out->failed = true;
		else
			json_string(&w, name.data, name.len);
		strbuf_release(&name);
		json_key(&w, "bytes", 5);
		json_number(&w, (double)e->bytes);
		json_key(&w, "sha256", 6);
		json_cstring(&w, e->sha256);
		if (e->key_sha256) {
			json_key(&w, "key_sha256", 10);
			json_cstring(&w, e->key_sha256);
		}
		if (e->answer && *e->answer) {
			/* Members made by answer_members(), inside this
			 * object. */
			strbuf_putc(out, ',');
			strbuf_puts(out, e->answer);
		}
	} else {
		json_key(&w, "error", 5);
		json_cstring(&w, e->error);
	}
	json_close_object(&w);
	strbuf_putc(out, '\n');
}

void old_line_release(old_line *l)
{
	free(l->status);
	free(l->account_id);
	free(l->source);
	free(l->sha256);
	free(l->error);
	memset(l, 0, sizeof(*l));
}

static char *member_string(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
}

int results_parse(const char *line, size_t len, old_line *l)
{
	cJSON *o = cJSON_ParseWithLength(line, len);
	const cJSON *bytes;
	const char *sha;

	memset(l, 0, sizeof(*l));
	if (!o)
		return -1;
	l->status = member_string(o, "status");
	l->account_id = member_string(o, "account_id");
	l->source = member_string(o, "source");
	l->sha256 = member_string(o, "sha256");
	l->error = member_string(o, "error");
	bytes = cJSON_GetObjectItemCaseSensitive(o, "bytes");
	if (cJSON_IsNumber(bytes) && bytes->valuedouble >= 0)
		l->bytes = (uint64_t)bytes->valuedouble;
	cJSON_Delete(o);
	/* The member as results_line() writes it: a quote inside a string
	 * is escaped, so this cannot be found inside another value. */
	sha = l->sha256 && strlen(l->sha256) == 64
		  ? memmem(line, len, "\"sha256\":\"", 10)
		  : NULL;
	if (sha)
		l->sha256_at = (size_t)(sha - line) + 10;
	return l->status && l->source ? 0 : -1;
}
