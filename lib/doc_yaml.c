/* SPDX-License-Identifier: MIT */
/* YAML input through libyaml's event parser. libyaml 0.2.5 has no nesting
 * limit and expands nothing itself, so depth is counted on events, and
 * anchors and aliases are refused outright (no alias bombs, no shared
 * subtrees). Plain scalars are resolved as in YAML 1.2's core schema. */
#include "diag.h"
#include "doc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct frame {
	doc_node *node;
	void *items; /* doc_node ** or doc_member *, growing */
	size_t count, cap;
	bool want_value; /* a mapping whose key was just read */
};

struct builder {
	struct arena *arena;
	const doc_limits *limits;
	const char *name;
	dyd_diags *diags;
	struct frame *stack;
	unsigned depth;
	size_t values; /* every node but mapping keys */
	doc_node *root;
	bool failed; /* the document is invalid */
	bool stop;   /* ... and the tree is no longer consistent */
	bool oom;
};

static void builder_error(struct builder *b, const yaml_mark_t *mark,
			  const char *msg)
{
	diag_add(b->diags, DYD_ERROR, b->name, (unsigned)mark->line + 1,
		 (unsigned)mark->column + 1, NULL, "%s", msg);
	b->failed = true;
	b->stop = true;
}

static bool is_match(const char *s, size_t len, const char *const *words)
{
	size_t i;

	for (i = 0; words[i]; i++)
		if (strlen(words[i]) == len && memcmp(s, words[i], len) == 0)
			return true;
	return false;
}

/* YAML 1.2 core schema: decimal integers and floats. */
static bool looks_numeric(const char *s, size_t len)
{
	size_t i = 0, digits = 0;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		i++;
	while (i < len && s[i] >= '0' && s[i] <= '9')
		i++, digits++;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, digits++;
	}
	if (!digits)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t exp = 0;
		i++;
		if (i < len && (s[i] == '-' || s[i] == '+'))
			i++;
		while (i < len && s[i] >= '0' && s[i] <= '9')
			i++, exp++;
		if (!exp)
			return false;
	}
	return i == len;
}

static const char *const null_words[] = {"", "~", "null", "Null", "NULL", NULL};
static const char *const true_words[] = {"true", "True", "TRUE", NULL};
static const char *const false_words[] = {"false", "False", "FALSE", NULL};

static void resolve_plain(doc_node *n)
{
	if (is_match(n->text, n->len, null_words)) {
		n->type = DOC_NULL;
	} else if (is_match(n->text, n->len, true_words)) {
		n->type = DOC_BOOL;
		n->boolean = true;
	} else if (is_match(n->text, n->len, false_words)) {
		n->type = DOC_BOOL;
		n->boolean = false;
	} else if (looks_numeric(n->text, n->len)) {
		double v = strtod(n->text, NULL);
		if (isfinite(v)) {
			n->type = DOC_NUMBER;
			n->number = v;
		}
	}
}

static bool tag_allowed(const yaml_char_t *tag, const char *const *ok)
{
	size_t i;

	if (!tag)
		return true;
	for (i = 0; ok[i]; i++)
		if (strcmp((const char *)tag, ok[i]) == 0)
			return true;
	return false;
}

static const char *const scalar_tags[] = {"tag:yaml.org,2002:str",
					  "tag:yaml.org,2002:int",
					  "tag:yaml.org,2002:float",
					  "tag:yaml.org,2002:bool",
					  "tag:yaml.org,2002:null",
					  "!",
					  NULL};
static const char *const map_tags[] = {"tag:yaml.org,2002:map", NULL};
static const char *const seq_tags[] = {"tag:yaml.org,2002:seq", NULL};

static void tag_error(struct builder *b, const yaml_mark_t *mark,
		      const yaml_char_t *tag)
{
	char q[DIAG_QUOTE_MAX + 8], msg[DIAG_QUOTE_MAX + 64];

	diag_quote(q, sizeof(q), (const char *)tag, strlen((const char *)tag));
	snprintf(msg, sizeof(msg), "YAML tag '%s' is not allowed", q);
	builder_error(b, mark, msg);
}

/* Whether the next node is a mapping key, which is not a value. */
static bool next_is_key(const struct builder *b)
{
	const struct frame *f;

	if (b->depth == 0)
		return false;
	f = &b->stack[b->depth - 1];
	return f->node->type == DOC_OBJECT && !f->want_value;
}

static doc_node *new_node(struct builder *b, doc_type type,
			  const yaml_mark_t *mark)
{
	doc_node *n;
	char msg[128];

	if (!next_is_key(b) && b->limits->max_values &&
	    ++b->values > b->limits->max_values) {
		snprintf(msg, sizeof(msg),
			 "more than %zu values (strings, numbers, arrays, "
			 "objects...) in one document, the limit",
			 b->limits->max_values);
		builder_error(b, mark, msg);
		return NULL;
	}
	n = arena_alloc(b->arena, sizeof(*n));
	if (!n) {
		b->oom = true;
		return NULL;
	}
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->line = (unsigned)mark->line + 1;
	n->column = (unsigned)mark->column + 1;
	return n;
}

/* Adds a finished node to the container on top of the stack. */
static void attach(struct builder *b, doc_node *n, const yaml_mark_t *mark)
{
	struct frame *f;

	if (b->depth == 0) {
		b->root = n;
		return;
	}
	f = &b->stack[b->depth - 1];
	if (f->node->type == DOC_OBJECT && f->want_value) {
		((doc_member *)f->items)[f->count - 1].value = n;
		f->want_value = false;
		return;
	}
	if (f->node->type == DOC_OBJECT) {
		/* n is a key. */
		doc_member *m;
		if (n->type == DOC_ARRAY || n->type == DOC_OBJECT) {
			builder_error(b, mark, "mapping keys must be strings");
			return;
		}
		if (f->count == f->cap) {
			size_t cap = f->cap ? f->cap * 2 : 8;
			void *items =
			    realloc(f->items, cap * sizeof(doc_member));
			if (!items) {
				b->oom = true;
				return;
			}
			f->items = items;
			f->cap = cap;
		}
		if (f->count >= b->limits->max_items) {
			builder_error(b, mark,
				      "mapping has more keys than the limit");
			return;
		}
		m = &((doc_member *)f->items)[f->count++];
		m->key = n->text ? n->text : "";
		m->key_len = n->len;
		m->line = n->line;
		m->column = n->column;
		m->value = NULL;
		f->want_value = true;
		return;
	}
	if (f->count >= b->limits->max_items) {
		char msg[96];
		snprintf(msg, sizeof(msg),
			 "sequence is longer than the limit of %zu items",
			 b->limits->max_items);
		builder_error(b, mark, msg);
		return;
	}
	if (f->count == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		void *items = realloc(f->items, cap * sizeof(doc_node *));
		if (!items) {
			b->oom = true;
			return;
		}
		f->items = items;
		f->cap = cap;
	}
	((doc_node **)f->items)[f->count++] = n;
}

static void on_scalar(struct builder *b, const yaml_event_t *ev)
{
	const char *value = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	const yaml_mark_t *mark = &ev->start_mark;
	doc_node *n;

	if (!tag_allowed(ev->data.scalar.tag, scalar_tags)) {
		tag_error(b, mark, ev->data.scalar.tag);
		return;
	}
	if (len > b->limits->max_string) {
		char msg[96];
		snprintf(msg, sizeof(msg),
			 "string of %zu bytes is longer than the limit of %zu",
			 len, b->limits->max_string);
		builder_error(b, mark, msg);
		return;
	}
	if (memchr(value, '\0', len)) {
		builder_error(b, mark, "NUL character in string");
		return;
	}
	n = new_node(b, DOC_STRING, mark);
	if (!n)
		return;
	n->text = arena_strndup(b->arena, value, len);
	if (!n->text) {
		b->oom = true;
		return;
	}
	n->len = len;
	if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    !ev->data.scalar.tag) {
		n->plain = true;
		resolve_plain(n);
	}
	attach(b, n, mark);
}

static void on_start(struct builder *b, const yaml_event_t *ev, doc_type type)
{
	const yaml_mark_t *mark = &ev->start_mark;
	const yaml_char_t *tag = type == DOC_OBJECT
				     ? ev->data.mapping_start.tag
				     : ev->data.sequence_start.tag;
	struct frame *f;
	doc_node *n;
	char msg[64];

	if (!tag_allowed(tag, type == DOC_OBJECT ? map_tags : seq_tags)) {
		tag_error(b, mark, tag);
		return;
	}
	if (b->depth >= b->limits->max_depth) {
		snprintf(msg, sizeof(msg), "nesting deeper than %u levels",
			 b->limits->max_depth);
		builder_error(b, mark, msg);
		return;
	}
	n = new_node(b, type, mark);
	if (!n)
		return;
	f = &b->stack[b->depth++];
	memset(f, 0, sizeof(*f));
	f->node = n;
}

static void on_end(struct builder *b, const yaml_mark_t *mark)
{
	struct frame *f = &b->stack[b->depth - 1];
	doc_node *n = f->node;
	size_t bytes;

	(void)mark;
	n->count = f->count;
	if (f->count) {
		bytes = f->count * (n->type == DOC_OBJECT ? sizeof(doc_member)
							  : sizeof(doc_node *));
		void *items = arena_alloc(b->arena, bytes);
		if (!items) {
			b->oom = true;
			return;
		}
		memcpy(items, f->items, bytes);
		if (n->type == DOC_OBJECT)
			n->members = items;
		else
			n->items = items;
	}
	free(f->items);
	f->items = NULL;
	b->depth--;
	if (n->type == DOC_OBJECT) {
		bool oom = false;
		if (!doc_check_duplicates(n, b->name, NULL, b->diags, &oom))
			b->failed = true;
		if (oom)
			b->oom = true;
	}
	if (!b->oom)
		attach(b, n, mark);
}

static void parser_error(struct builder *b, const yaml_parser_t *p)
{
	const yaml_mark_t *mark =
	    p->problem ? &p->problem_mark : &p->context_mark;

	if (p->error == YAML_MEMORY_ERROR) {
		b->oom = true;
		return;
	}
	if (p->context)
		diag_add(b->diags, DYD_ERROR, b->name, (unsigned)mark->line + 1,
			 (unsigned)mark->column + 1, NULL,
			 "invalid YAML: %s %s",
			 p->problem ? p->problem : "syntax error", p->context);
	else
		diag_add(b->diags, DYD_ERROR, b->name, (unsigned)mark->line + 1,
			 (unsigned)mark->column + 1, NULL, "invalid YAML: %s",
			 p->problem ? p->problem : "syntax error");
	b->failed = true;
	b->stop = true;
}

int doc_parse_yaml(doc **out, const char *data, size_t len, const char *name,
		   const doc_limits *limits, dyd_diags *diags)
{
	struct builder b = {0};
	yaml_parser_t parser;
	yaml_event_t ev;
	unsigned documents = 0;
	bool done = false;
	doc *d = NULL;
	int rc;

	*out = NULL;
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		/* A byte order mark, as doc_parse_json() takes one: libyaml
		 * skips it only when it detects the encoding itself, which
		 * it must not (the input is UTF-8, checked here). */
		data += 3;
		len -= 3;
	}
	/* libyaml reports encoding errors without a usable mark. */
	if (doc_check_bytes(data, len, name, diags))
		return DYD_EINVALID;
	if (!yaml_parser_initialize(&parser))
		return DYD_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
	yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
	d = calloc(1, sizeof(*d));
	b.stack = calloc(limits->max_depth + 1, sizeof(*b.stack));
	if (!d || !b.stack || !(d->arena = arena_new())) {
		rc = DYD_ENOMEM;
		goto out;
	}
	b.arena = d->arena;
	b.limits = limits;
	b.name = name;
	b.diags = diags;
	while (!done && !b.oom && !b.stop) {
		if (!yaml_parser_parse(&parser, &ev)) {
			parser_error(&b, &parser);
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++documents > 1) {
				builder_error(&b, &ev.start_mark,
					      "more than one YAML document; "
					      "a record file holds one");
			}
			break;
		case YAML_ALIAS_EVENT:
			builder_error(&b, &ev.start_mark,
				      "YAML aliases are not allowed");
			break;
		case YAML_SCALAR_EVENT:
			if (ev.data.scalar.anchor)
				builder_error(&b, &ev.start_mark,
					      "YAML anchors are not allowed");
			else
				on_scalar(&b, &ev);
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT: {
			const yaml_char_t *anchor =
			    ev.type == YAML_MAPPING_START_EVENT
				? ev.data.mapping_start.anchor
				: ev.data.sequence_start.anchor;
			if (anchor)
				builder_error(&b, &ev.start_mark,
					      "YAML anchors are not allowed");
			else
				on_start(&b, &ev,
					 ev.type == YAML_MAPPING_START_EVENT
					     ? DOC_OBJECT
					     : DOC_ARRAY);
			break;
		}
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (b.depth > 0)
				on_end(&b, &ev.end_mark);
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	if (b.oom) {
		rc = DYD_ENOMEM;
		goto out;
	}
	if (b.failed) {
		rc = DYD_EINVALID;
		goto out;
	}
	if (!b.root) {
		diag_add(diags, DYD_ERROR, name, 1, 1, NULL, "empty document");
		rc = DYD_EINVALID;
		goto out;
	}
	d->root = b.root;
	*out = d;
	d = NULL;
	rc = 0;
out:
	while (b.stack && b.depth > 0)
		free(b.stack[--b.depth].items);
	free(b.stack);
	doc_free(d);
	yaml_parser_delete(&parser);
	return rc;
}
