/* SPDX-License-Identifier: MIT */
/* JSON input through cJSON. cJSON accepts invalid UTF-8, cuts strings at
 * \u0000, keeps duplicate keys and reports no line numbers, so a lexical
 * pre-scan checks encoding, NUL and depth with positions first, and the
 * conversion into the document tree checks keys and limits. */
#include "diag.h"
#include "doc.h"
#include "strbuf.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A byte that may be part of a number or of true, false, null. */
static bool scalar_byte(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' ||
	       c == '+' || c == '.' || c == 'E';
}

/* Keys are strings too, but not values: a string right after '{', or
 * after a ',' of an object, is a key. objects has one bit per open
 * container, set for an object; depth never passes DOC_MAX_DEPTH. */
void doc_json_scan(const char *data, size_t len, const doc_limits *limits,
		   doc_scan *out)
{
	uint64_t objects = 0;
	unsigned depth = 0, max_depth = limits->max_depth;
	size_t i, max_values = limits->max_values;
	bool in_string = false, want_key = false;

	memset(out, 0, sizeof(*out));
	if (max_depth > DOC_MAX_DEPTH)
		max_depth = DOC_MAX_DEPTH;
	for (i = 0; i < len; i++) {
		char c = data[i];
		bool value = false;

		if (in_string) {
			if (c == '"') {
				in_string = false;
			} else if (c == '\\' && i + 1 < len) {
				if (data[i + 1] == 'u' && i + 5 < len &&
				    memcmp(data + i + 2, "0000", 4) == 0) {
					out->problem = DOC_SCAN_NUL_ESCAPE;
					break;
				}
				i++;
			}
			continue;
		}
		if (c == '"') {
			in_string = true;
			value = !want_key;
			want_key = false;
		} else if (c == '{' || c == '[') {
			if (++depth > max_depth) {
				out->problem = DOC_SCAN_TOO_DEEP;
				break;
			}
			objects = (objects << 1) | (c == '{');
			want_key = c == '{';
			value = true;
		} else if (c == '}' || c == ']') {
			if (depth > 0) {
				depth--;
				objects >>= 1;
			}
			want_key = false;
		} else if (c == ',') {
			want_key = depth > 0 && (objects & 1);
		} else if (scalar_byte(c)) {
			value = i == 0 || !scalar_byte(data[i - 1]);
		}
		if (value && max_values && ++out->values > max_values) {
			out->problem = DOC_SCAN_TOO_MANY;
			break;
		}
		if (value && !max_values)
			out->values++;
	}
	out->offset = i;
	out->unclosed = in_string || depth > 0;
}

static int json_prescan(const char *data, size_t len, const char *name,
			const doc_limits *limits, dyd_diags *diags,
			bool *unclosed)
{
	struct position p;
	doc_scan scan;

	if (doc_check_bytes(data, len, name, diags))
		return DYD_EINVALID;
	doc_json_scan(data, len, limits, &scan);
	*unclosed = scan.unclosed;
	if (scan.problem == DOC_SCAN_OK)
		return 0;
	p = position_of(data, scan.offset);
	if (scan.problem == DOC_SCAN_NUL_ESCAPE)
		diag_add(diags, DYD_ERROR, name, p.line, p.column, NULL,
			 "'\\u0000' (NUL) is not allowed in strings");
	else if (scan.problem == DOC_SCAN_TOO_DEEP)
		diag_add(diags, DYD_ERROR, name, p.line, p.column, NULL,
			 "nesting deeper than %u levels", limits->max_depth);
	else
		diag_add(diags, DYD_ERROR, name, p.line, p.column, NULL,
			 "more than %zu values (strings, numbers, arrays, "
			 "objects...) in one document, the limit",
			 limits->max_values);
	return DYD_EINVALID;
}

struct converter {
	struct arena *arena;
	const doc_limits *limits;
	const char *name;
	dyd_diags *diags;
	strbuf path; /* JSON pointer of the value being converted */
	bool failed;
};

/* cJSON has no positions: messages name the value by its pointer. */
static const char *pointer_of(const struct converter *cv)
{
	return cv->path.data ? cv->path.data : "";
}

static void convert_error(struct converter *cv, const char *msg)
{
	diag_add(cv->diags, DYD_ERROR, cv->name, 0, 0, pointer_of(cv), "%s",
		 msg);
	cv->failed = true;
}

static int compare_members(const void *a, const void *b)
{
	const doc_member *x = *(doc_member *const *)a;
	const doc_member *y = *(doc_member *const *)b;
	size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
	int c = memcmp(x->key, y->key, n);

	if (c)
		return c;
	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	/* Equal keys: document order, so the later one is reported. */
	return x < y ? -1 : x > y;
}

/* Reports every key that appears more than once; shared with doc_yaml.c
 * through doc_check_duplicates(). */
bool doc_check_duplicates(const doc_node *obj, const char *name,
			  const char *pointer, dyd_diags *diags,
			  bool *out_of_memory)
{
	doc_member **sorted;
	bool clean = true;
	size_t i;
	char q[DIAG_QUOTE_MAX + 8];

	if (obj->count < 2)
		return true;
	sorted = malloc(obj->count * sizeof(*sorted));
	if (!sorted) {
		*out_of_memory = true;
		return false;
	}
	for (i = 0; i < obj->count; i++)
		sorted[i] = &obj->members[i];
	qsort(sorted, obj->count, sizeof(*sorted), compare_members);
	for (i = 1; i < obj->count; i++) {
		const doc_member *prev = sorted[i - 1], *m = sorted[i];
		if (prev->key_len != m->key_len ||
		    memcmp(prev->key, m->key, m->key_len) != 0)
			continue;
		diag_quote(q, sizeof(q), m->key, m->key_len);
		if (pointer) {
			/* No positions from cJSON: name the member instead. */
			strbuf at = STRBUF_INIT;
			strbuf_puts(&at, pointer);
			strbuf_pointer_push(&at, m->key, m->key_len);
			diag_add(diags, DYD_ERROR, name, 0, 0,
				 at.data ? at.data : pointer,
				 "duplicate key '%s'", q);
			strbuf_release(&at);
		} else {
			diag_add(diags, DYD_ERROR, name, m->line, m->column,
				 NULL, "duplicate key '%s'", q);
		}
		clean = false;
	}
	free(sorted);
	return clean;
}

static doc_node *convert(struct converter *cv, const cJSON *j)
{
	doc_node *n = arena_alloc(cv->arena, sizeof(*n));
	const cJSON *c;
	size_t count = 0, i = 0, saved;

	if (!n)
		return NULL;
	memset(n, 0, sizeof(*n));
	if (cJSON_IsNull(j)) {
		n->type = DOC_NULL;
	} else if (cJSON_IsBool(j)) {
		n->type = DOC_BOOL;
		n->boolean = cJSON_IsTrue(j);
	} else if (cJSON_IsNumber(j)) {
		n->type = DOC_NUMBER;
		n->number = j->valuedouble;
		if (!isfinite(n->number))
			convert_error(cv, "number out of range");
	} else if (cJSON_IsString(j)) {
		n->type = DOC_STRING;
		n->len = strlen(j->valuestring);
		if (n->len > cv->limits->max_string) {
			diag_add(cv->diags, DYD_ERROR, cv->name, 0, 0,
				 pointer_of(cv),
				 "string of %zu bytes is longer than the "
				 "limit of %zu",
				 n->len, cv->limits->max_string);
			cv->failed = true;
		}
		n->text = arena_strndup(cv->arena, j->valuestring, n->len);
		if (!n->text)
			return NULL;
	} else if (cJSON_IsArray(j) || cJSON_IsObject(j)) {
		bool object = cJSON_IsObject(j);
		n->type = object ? DOC_OBJECT : DOC_ARRAY;
		for (c = j->child; c; c = c->next)
			count++;
		if (count > cv->limits->max_items) {
			diag_add(cv->diags, DYD_ERROR, cv->name, 0, 0,
				 pointer_of(cv),
				 "%s of %zu items is longer than the limit "
				 "of %zu",
				 object ? "object" : "array", count,
				 cv->limits->max_items);
			cv->failed = true;
			return n;
		}
		n->count = count;
		if (count && object) {
			n->members =
			    arena_alloc(cv->arena, count * sizeof(*n->members));
			if (!n->members)
				return NULL;
			/* cJSON knows no positions: line and column stay 0. */
			memset(n->members, 0, count * sizeof(*n->members));
		} else if (count) {
			n->items =
			    arena_alloc(cv->arena, count * sizeof(*n->items));
			if (!n->items)
				return NULL;
		}
		for (c = j->child; c; c = c->next, i++) {
			doc_node *child;
			if (object) {
				size_t klen = strlen(c->string);
				doc_member *m = &n->members[i];
				if (klen > cv->limits->max_string) {
					diag_add(cv->diags, DYD_ERROR, cv->name,
						 0, 0, pointer_of(cv),
						 "key of %zu bytes is longer "
						 "than the limit of %zu",
						 klen, cv->limits->max_string);
					cv->failed = true;
				}
				m->key =
				    arena_strndup(cv->arena, c->string, klen);
				if (!m->key)
					return NULL;
				m->key_len = klen;
				saved = strbuf_pointer_push(&cv->path,
							    c->string, klen);
			} else {
				saved = strbuf_pointer_index(&cv->path, i);
			}
			child = convert(cv, c);
			strbuf_truncate(&cv->path, saved);
			if (!child)
				return NULL;
			if (object)
				n->members[i].value = child;
			else
				n->items[i] = child;
		}
		if (object) {
			bool oom = false;
			if (!doc_check_duplicates(n, cv->name, pointer_of(cv),
						  cv->diags, &oom))
				cv->failed = true;
			if (oom)
				return NULL;
		}
	}
	return n;
}

int doc_parse_json(doc **out, const char *data, size_t len, const char *name,
		   const doc_limits *limits, dyd_diags *diags)
{
	struct converter cv = {0};
	const char *end = NULL;
	cJSON *root = NULL;
	doc *d = NULL;
	size_t off;
	struct position p;
	bool unclosed = false;
	int rc;

	*out = NULL;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		/* Tolerate a byte order mark; positions stay right since it
		 * has no visible width. */
		data += 3;
		len -= 3;
	}
	rc = json_prescan(data, len, name, limits, diags, &unclosed);
	if (rc)
		return rc;
	root = cJSON_ParseWithLengthOpts(data, len, &end, false);
	if (!root) {
		off = end && end >= data ? (size_t)(end - data) : 0;
		if (off > len)
			off = len;
		/* cJSON stops at the blank before a truncation, or at the
		 * last byte when the text ends inside a value. */
		while (off < len && (data[off] == ' ' || data[off] == '\t' ||
				     data[off] == '\r' || data[off] == '\n'))
			off++;
		if (unclosed)
			off = len;
		p = position_of(data, off);
		if (off >= len)
			diag_add(diags, DYD_ERROR, name, p.line, p.column, NULL,
				 "invalid JSON: unexpected end of input "
				 "(is the file truncated?)");
		else if (data[off] == '\\')
			diag_add(diags, DYD_ERROR, name, p.line, p.column, NULL,
				 "invalid JSON: bad escape sequence (a \\u "
				 "escape takes 4 hex digits, and UTF-16 "
				 "surrogates come in pairs)");
		else
			diag_add(diags, DYD_ERROR, name, p.line, p.column, NULL,
				 "invalid JSON: unexpected '%c'",
				 (unsigned char)data[off] >= 0x20 &&
					 (unsigned char)data[off] < 0x7f
				     ? data[off]
				     : '?');
		return DYD_EINVALID;
	}
	off = (size_t)(end - data);
	while (off < len && (data[off] == ' ' || data[off] == '\t' ||
			     data[off] == '\r' || data[off] == '\n'))
		off++;
	if (off < len) {
		p = position_of(data, off);
		diag_add(diags, DYD_ERROR, name, p.line, p.column, NULL,
			 "invalid JSON: text after the end of the document");
		rc = DYD_EINVALID;
		goto out;
	}
	d = calloc(1, sizeof(*d));
	if (!d || !(d->arena = arena_new())) {
		rc = DYD_ENOMEM;
		goto out;
	}
	cv.arena = d->arena;
	cv.limits = limits;
	cv.name = name;
	cv.diags = diags;
	d->root = convert(&cv, root);
	if (!d->root || cv.path.failed) {
		rc = DYD_ENOMEM;
		goto out;
	}
	if (cv.failed) {
		rc = DYD_EINVALID;
		goto out;
	}
	*out = d;
	d = NULL;
	rc = 0;
out:
	strbuf_release(&cv.path);
	cJSON_Delete(root);
	doc_free(d);
	return rc;
}
