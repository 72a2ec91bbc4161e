/* SPDX-License-Identifier: MIT */
#include "diag.h"
#include "doc.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_CHUNK (64 * 1024)

struct arena_chunk {
	struct arena_chunk *next;
	size_t used, size;
	max_align_t data[];
};

struct arena {
	struct arena_chunk *head;
};

struct arena *arena_new(void)
{
	return calloc(1, sizeof(struct arena));
}

void arena_free(struct arena *a)
{
	struct arena_chunk *c, *next;

	if (!a)
		return;
	for (c = a->head; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

void *arena_alloc(struct arena *a, size_t size)
{
	struct arena_chunk *c = a->head;
	const size_t align = sizeof(max_align_t);
	void *p;

	size = (size + align - 1) / align * align;
	if (size == 0)
		size = align;
	if (!c || c->size - c->used < size) {
		size_t chunk = size > ARENA_CHUNK ? size : ARENA_CHUNK;
		c = malloc(sizeof(*c) + chunk);
		if (!c)
			return NULL;
		c->used = 0;
		c->size = chunk;
		/* A large block goes behind the current chunk so the
		 * remaining room of that chunk is not wasted. */
		if (a->head && size > ARENA_CHUNK / 4) {
			c->next = a->head->next;
			a->head->next = c;
		} else {
			c->next = a->head;
			a->head = c;
		}
	}
	p = (char *)c->data + c->used;
	c->used += size;
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);

	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void doc_free(doc *d)
{
	if (!d)
		return;
	arena_free(d->arena);
	free(d);
}

const doc_node *doc_get(const doc_node *object, const char *key)
{
	size_t i, len;

	if (!object || object->type != DOC_OBJECT)
		return NULL;
	len = strlen(key);
	for (i = 0; i < object->count; i++)
		if (object->members[i].key_len == len &&
		    memcmp(object->members[i].key, key, len) == 0)
			return object->members[i].value;
	return NULL;
}

bool doc_is_text(const doc_node *n)
{
	return n &&
	       (n->type == DOC_STRING ||
		(n->plain && (n->type == DOC_NUMBER || n->type == DOC_BOOL)));
}

bool doc_is_number(const doc_node *n)
{
	return n && n->type == DOC_NUMBER;
}

const char *doc_type_name(const doc_node *n)
{
	if (!n)
		return "nothing";
	switch (n->type) {
	case DOC_NULL:
		return "null";
	case DOC_BOOL:
		return "a boolean";
	case DOC_NUMBER:
		return "a number";
	case DOC_STRING:
		return "a string";
	case DOC_ARRAY:
		return "an array";
	case DOC_OBJECT:
		return "an object";
	}
	return "a value";
}

cJSON *doc_to_cjson(const doc_node *n)
{
	cJSON *out = NULL, *child;
	size_t i;

	switch (n->type) {
	case DOC_NULL:
		return cJSON_CreateNull();
	case DOC_BOOL:
		return cJSON_CreateBool(n->boolean);
	case DOC_NUMBER:
		return cJSON_CreateNumber(n->number);
	case DOC_STRING:
		return cJSON_CreateString(n->text);
	case DOC_ARRAY:
		out = cJSON_CreateArray();
		for (i = 0; out && i < n->count; i++) {
			child = doc_to_cjson(n->items[i]);
			if (!child || !cJSON_AddItemToArray(out, child)) {
				cJSON_Delete(child);
				goto fail;
			}
		}
		return out;
	case DOC_OBJECT:
		out = cJSON_CreateObject();
		for (i = 0; out && i < n->count; i++) {
			child = doc_to_cjson(n->members[i].value);
			if (!child || !cJSON_AddItemToObject(
					  out, n->members[i].key, child)) {
				cJSON_Delete(child);
				goto fail;
			}
		}
		return out;
	}
fail:
	cJSON_Delete(out);
	return NULL;
}

bool doc_looks_like_json(const char *data, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	for (; i < len; i++) {
		char c = data[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		return c == '{' || c == '[';
	}
	return false;
}

static bool has_extension(const char *name, const char *ext)
{
	size_t n = strlen(name), e = strlen(ext);

	return n > e && strcmp(name + n - e, ext) == 0;
}

dyd_format doc_format_of(const char *name, const char *data, size_t len)
{
	if (has_extension(name, ".json") || has_extension(name, ".jsonl"))
		return DYD_FORMAT_JSON;
	if (has_extension(name, ".yaml") || has_extension(name, ".yml"))
		return DYD_FORMAT_YAML;
	return doc_looks_like_json(data, len) ? DYD_FORMAT_JSON
					      : DYD_FORMAT_YAML;
}

size_t utf8_check(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t n, k;
		unsigned long cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return i;
		}
		if (len - i <= n)
			return i;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

struct position position_of(const char *data, size_t off)
{
	struct position p = {1, 1};
	size_t i;

	for (i = 0; i < off; i++) {
		if (data[i] == '\n') {
			p.line++;
			p.column = 1;
		} else if (((unsigned char)data[i] & 0xc0) != 0x80) {
			p.column++;
		}
	}
	return p;
}

int doc_check_bytes(const char *data, size_t len, const char *name,
		    dyd_diags *diags)
{
	size_t bad = utf8_check(data, len);
	const char *nul = memchr(data, '\0', len);
	struct position p;

	if (nul && (size_t)(nul - data) < bad) {
		p = position_of(data, (size_t)(nul - data));
		diag_add(diags, DYD_ERROR, name, p.line, p.column, NULL,
			 "NUL byte in input");
		return DYD_EINVALID;
	}
	if (bad < len) {
		p = position_of(data, bad);
		diag_add(diags, DYD_ERROR, name, p.line, p.column, NULL,
			 "invalid UTF-8 byte 0x%02x; input must be UTF-8",
			 (unsigned char)data[bad]);
		return DYD_EINVALID;
	}
	return 0;
}
