/* SPDX-License-Identifier: MIT */
#include "diag.h"
#include "strbuf.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dyd_diags_init(dyd_diags *diags)
{
	memset(diags, 0, sizeof(*diags));
}

void dyd_diags_clear(dyd_diags *diags)
{
	size_t i;

	for (i = 0; i < diags->count; i++) {
		free(diags->items[i].file);
		free(diags->items[i].pointer);
		free(diags->items[i].message);
	}
	diags->count = 0;
	diags->errors = 0;
	diags->out_of_memory = false;
}

void dyd_diags_release(dyd_diags *diags)
{
	dyd_diags_clear(diags);
	free(diags->items);
	dyd_diags_init(diags);
}

/* A hostile input can produce one diagnostic per element; past this many
 * the rest are counted but not kept. */
#define DIAGS_MAX_KEPT 1000

void diag_add(dyd_diags *diags, dyd_severity severity, const char *file,
	      unsigned line, unsigned column, const char *pointer,
	      const char *fmt, ...)
{
	dyd_diag *d;
	strbuf msg = STRBUF_INIT;
	va_list ap;

	if (!diags)
		return;
	if (severity == DYD_ERROR)
		diags->errors++;
	if (diags->count >= DIAGS_MAX_KEPT)
		return;
	if (diags->count == diags->capacity) {
		size_t cap = diags->capacity ? diags->capacity * 2 : 8;
		dyd_diag *items = realloc(diags->items, cap * sizeof(*items));
		if (!items) {
			diags->out_of_memory = true;
			return;
		}
		diags->items = items;
		diags->capacity = cap;
	}
	va_start(ap, fmt);
	strbuf_vprintf(&msg, fmt, ap);
	va_end(ap);
	d = &diags->items[diags->count];
	memset(d, 0, sizeof(*d));
	d->severity = severity;
	d->line = line;
	d->column = column;
	d->message = strbuf_detach(&msg);
	d->file = file ? strdup(file) : NULL;
	d->pointer = pointer ? strdup(pointer) : NULL;
	if (!d->message || (file && !d->file) || (pointer && !d->pointer)) {
		free(d->message);
		free(d->file);
		free(d->pointer);
		diags->out_of_memory = true;
		return;
	}
	diags->count++;
}

void diag_quote(char *buf, size_t size, const char *text, size_t len)
{
	size_t o = 0, i;
	const size_t limit = size - 8; /* room for an escape and "..." */

	for (i = 0; i < len && o < limit; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\') {
			if (o + 4 >= limit)
				break;
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	if (i < len) {
		/* Do not cut a UTF-8 sequence in half. */
		while (o > 0 && ((unsigned char)buf[o - 1] & 0xc0) == 0x80)
			o--;
		if (o > 0 && ((unsigned char)buf[o - 1] & 0xc0) == 0xc0)
			o--;
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
}

char *dyd_diag_format(const dyd_diag *d)
{
	strbuf sb = STRBUF_INIT;

	if (d->file) {
		strbuf_puts(&sb, d->file);
		if (d->line) {
			strbuf_printf(&sb, ":%u", d->line);
			if (d->column)
				strbuf_printf(&sb, ":%u", d->column);
		}
		strbuf_puts(&sb, ": ");
	}
	strbuf_puts(&sb, d->severity == DYD_ERROR ? "error: " : "warning: ");
	if (d->pointer)
		strbuf_printf(&sb, "%s: ", d->pointer[0] ? d->pointer : "/");
	strbuf_puts(&sb, d->message);
	return strbuf_detach(&sb);
}

static cJSON *diags_cjson(const dyd_diags *diags)
{
	cJSON *arr = cJSON_CreateArray();
	size_t i;

	if (!arr)
		return NULL;
	for (i = 0; i < diags->count; i++) {
		const dyd_diag *d = &diags->items[i];
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddItemToArray(arr, o))
			goto fail;
		/* The part of the input the problem is in: the file, or for a
		 * bundle the entry. */
		if (d->file)
			cJSON_AddStringToObject(o, "file", d->file);
		else
			cJSON_AddNullToObject(o, "file");
		cJSON_AddStringToObject(o, "severity",
					d->severity == DYD_ERROR ? "error"
								 : "warning");
		if (d->line)
			cJSON_AddNumberToObject(o, "line", d->line);
		else
			cJSON_AddNullToObject(o, "line");
		if (d->column)
			cJSON_AddNumberToObject(o, "column", d->column);
		else
			cJSON_AddNullToObject(o, "column");
		if (d->pointer)
			cJSON_AddStringToObject(o, "pointer", d->pointer);
		else
			cJSON_AddNullToObject(o, "pointer");
		if (!cJSON_AddStringToObject(o, "message", d->message))
			goto fail;
	}
	return arr;
fail:
	cJSON_Delete(arr);
	return NULL;
}

/* Prints compactly into memory from malloc, as dyd.h promises. */
static char *print_compact(cJSON *value)
{
	char *text, *out;

	if (!value)
		return NULL;
	text = cJSON_PrintUnformatted(value);
	cJSON_Delete(value);
	if (!text)
		return NULL;
	out = strdup(text);
	cJSON_free(text);
	return out;
}

char *dyd_diags_to_json(const dyd_diags *diags)
{
	return print_compact(diags_cjson(diags));
}

char *dyd_file_result_json(const char *file, bool valid, const char *id_key,
			   const char *id, const dyd_diags *diags)
{
	cJSON *o = cJSON_CreateObject(), *list = diags_cjson(diags);

	if (!o || !list || !cJSON_AddStringToObject(o, "file", file) ||
	    !cJSON_AddBoolToObject(o, "valid", valid) ||
	    !(id ? cJSON_AddStringToObject(o, id_key, id)
		 : cJSON_AddNullToObject(o, id_key)) ||
	    !cJSON_AddItemToObject(o, "diagnostics", list)) {
		if (!cJSON_GetObjectItemCaseSensitive(o, "diagnostics"))
			cJSON_Delete(list);
		cJSON_Delete(o);
		return NULL;
	}
	return print_compact(o);
}
