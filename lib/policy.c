/* SPDX-License-Identifier: MIT */
/* Loading and linting policies. The checks here are the ones `dyd policy
 * check` reports, so every message carries the file, line, column and the
 * JSON pointer of the offending value. */
#include "policy.h"
#include "account.h"
#include "diag.h"
#include "digest.h"
#include "json_out.h"
#include "policy_load.h"
#include "strbuf.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const unsigned char embedded_policy[];
extern const size_t embedded_policy_size;

#define POLICY_FORMAT "dyd.policy/v1"
#define POLICY_MAX_BYTES (1024u * 1024u)

/*
 * What dyd-policy(5) documents. A policy is small, but what a report
 * costs grows with its parts times a record's: the sharing matrix has a
 * cell for each category and purpose, every record is evaluated against
 * each terms version and condition, and a category that lists items
 * lists up to ACCOUNT_MAX_OBJECTS of them. Each limit is many times what
 * the default policy needs (6 purposes, 15 categories, 2 terms versions,
 * 2 conditions, 49 sources), and together they keep a report to some MB:
 * 64 x 256 cells. Lists of items are the exception: the default policy
 * has one, and each repeats the names of up to 10,000 of a record's
 * items, escaped, so that with two a record of 16 MiB of names needing
 * escapes makes a report.html of some 300 MB.
 */
#define POLICY_MAX_PURPOSES 64
#define POLICY_MAX_CATEGORIES 256
#define POLICY_MAX_TERMS 32
#define POLICY_MAX_CONDITIONS 256
#define POLICY_MAX_ITEM_LISTS 2
#define POLICY_MAX_SOURCES 1000
/* Values in the document: the default policy has some 1,100. */
#define POLICY_MAX_VALUES 100000

static void lint(struct loader *L, const doc_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void lint(struct loader *L, const doc_node *n, const char *fmt, ...)
{
	strbuf msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (msg.failed || L->path.failed) {
		L->oom = true;
		strbuf_release(&msg);
		return;
	}
	diag_add(L->diags, DYD_ERROR, L->name, n ? n->line : 0,
		 n ? n->column : 0, L->path.len ? L->path.data : "", "%s",
		 msg.data);
	strbuf_release(&msg);
}

static size_t push(struct loader *L, const char *seg)
{
	return strbuf_pointer_push(&L->path, seg, strlen(seg));
}

static size_t push_index(struct loader *L, size_t i)
{
	return strbuf_pointer_index(&L->path, i);
}

static void pop(struct loader *L, size_t saved)
{
	strbuf_truncate(&L->path, saved);
}

static const char *pointer_copy(struct loader *L)
{
	const char *s = arena_strndup(
	    L->arena, L->path.data ? L->path.data : "", L->path.len);
	if (!s)
		L->oom = true;
	return s;
}

static void *alloc_array(struct loader *L, size_t count, size_t size)
{
	void *p;

	if (!count)
		return NULL;
	p = arena_alloc(L->arena, count * size);
	if (!p)
		L->oom = true;
	else
		memset(p, 0, count * size);
	return p;
}

static void quote(char *buf, size_t size, const doc_node *n)
{
	if (doc_is_text(n))
		diag_quote(buf, size, n->text, n->len);
	else
		snprintf(buf, size, "%s", doc_type_name(n));
}

/* The member `key` of obj as text, or NULL with a diagnostic. */
static const char *get_text(struct loader *L, const doc_node *obj,
			    const char *key, bool required)
{
	const doc_node *n = doc_get(obj, key);
	size_t saved;

	if (!n) {
		if (required)
			lint(L, obj, "missing required field '%s'", key);
		return NULL;
	}
	if (!doc_is_text(n) || n->len == 0) {
		saved = push(L, key);
		lint(L, n, "expected a non-empty string, not %s",
		     n->type == DOC_STRING ? "an empty string"
					   : doc_type_name(n));
		pop(L, saved);
		return NULL;
	}
	return n->text;
}

static bool is_identifier(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len > 64)
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_' ||
		      (i > 0 && s[i] == '-')))
			return false;
	return true;
}

static bool is_language(const char *s, size_t len)
{
	size_t i;

	if (len < 2 || len > 3)
		return false;
	for (i = 0; i < len; i++)
		if (s[i] < 'a' || s[i] > 'z')
			return false;
	return true;
}

/* Reports members of obj that are not in allowed[]. */
static void check_keys(struct loader *L, const doc_node *obj,
		       const char *const *allowed)
{
	size_t i, k;
	char q[DIAG_QUOTE_MAX + 8];

	for (i = 0; i < obj->count; i++) {
		const doc_member *m = &obj->members[i];
		for (k = 0; allowed[k]; k++)
			if (strlen(allowed[k]) == m->key_len &&
			    memcmp(allowed[k], m->key, m->key_len) == 0)
				break;
		if (!allowed[k]) {
			diag_quote(q, sizeof(q), m->key, m->key_len);
			diag_add(L->diags, DYD_ERROR, L->name, m->line,
				 m->column, L->path.len ? L->path.data : "",
				 "unknown field '%s'", q);
		}
	}
}

static bool expect(struct loader *L, const doc_node *n, doc_type type)
{
	if (n->type == type)
		return true;
	lint(L, n, "expected %s, not %s",
	     type == DOC_OBJECT ? "an object" : "an array", doc_type_name(n));
	return false;
}

static void load_text(struct loader *L, const doc_node *obj, const char *key,
		      bool required, ltext *out)
{
	const doc_node *n = doc_get(obj, key);
	size_t saved, i;

	memset(out, 0, sizeof(*out));
	if (!n) {
		if (required)
			lint(L, obj, "missing required field '%s'", key);
		return;
	}
	saved = push(L, key);
	if (doc_is_text(n)) {
		out->count = 1;
		out->langs = alloc_array(L, 1, sizeof(char *));
		out->values = alloc_array(L, 1, sizeof(char *));
		if (out->langs) {
			out->langs[0] = "en";
			out->values[0] = n->text;
		}
	} else if (n->type == DOC_OBJECT && n->count > 0) {
		out->count = n->count;
		out->langs = alloc_array(L, n->count, sizeof(char *));
		out->values = alloc_array(L, n->count, sizeof(char *));
		for (i = 0; out->langs && out->values && i < n->count; i++) {
			const doc_member *m = &n->members[i];
			size_t s2 = push(L, m->key);
			if (!is_language(m->key, m->key_len))
				lint(L, m->value,
				     "'%s' is not a language code (two or "
				     "three lower-case letters)",
				     m->key);
			else if (!doc_is_text(m->value))
				lint(L, m->value, "expected a string, not %s",
				     doc_type_name(m->value));
			out->langs[i] = m->key;
			out->values[i] =
			    doc_is_text(m->value) ? m->value->text : "";
			pop(L, s2);
		}
	} else {
		lint(L, n,
		     "expected a string or a map of language to string, "
		     "not %s",
		     doc_type_name(n));
	}
	pop(L, saved);
}

const char *text_get(const ltext *t, const char *lang)
{
	size_t i;

	if (!t->count)
		return "";
	for (i = 0; lang && i < t->count; i++)
		if (strcmp(t->langs[i], lang) == 0)
			return t->values[i];
	for (i = 0; i < t->count; i++)
		if (strcmp(t->langs[i], "en") == 0)
			return t->values[i];
	return t->values[0];
}

static bool load_date(struct loader *L, const doc_node *obj, const char *key,
		      bool required, dyd_time *out)
{
	const doc_node *n = doc_get(obj, key);
	char q[DIAG_QUOTE_MAX + 8];
	size_t saved;
	bool ok;

	if (!n) {
		if (required)
			lint(L, obj, "missing required field '%s'", key);
		return false;
	}
	saved = push(L, key);
	ok = doc_is_text(n) && n->len == 10 &&
	     dyd_time_parse(n->text, n->len, true, out) == 0;
	if (!ok) {
		quote(q, sizeof(q), n);
		lint(L, n, "'%s' is not a date (YYYY-MM-DD)", q);
	}
	pop(L, saved);
	return ok;
}

size_t policy_terms_find(const dyd_policy *p, const char *id, size_t len)
{
	size_t i;

	for (i = 0; i < p->terms_count; i++)
		if (p->terms[i].id && strlen(p->terms[i].id) == len &&
		    memcmp(p->terms[i].id, id, len) == 0)
			return i;
	return NO_INDEX;
}

size_t policy_purpose_find(const dyd_policy *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->purpose_count; i++)
		if (p->purposes[i].id && strcmp(p->purposes[i].id, id) == 0)
			return i;
	return NO_INDEX;
}

static size_t region_find(const dyd_policy *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->region_count; i++)
		if (p->regions[i].id && strcmp(p->regions[i].id, id) == 0)
			return i;
	return NO_INDEX;
}

/* A list of purpose ids; returns indices, with a diagnostic for each
 * unknown or repeated one. */
static size_t *load_purpose_list(struct loader *L, const doc_node *obj,
				 const char *key, size_t *count)
{
	const doc_node *n = doc_get(obj, key);
	size_t *out, i, j, saved, s2;
	char q[DIAG_QUOTE_MAX + 8];

	*count = 0;
	if (!n) {
		lint(L, obj, "missing required field '%s'", key);
		return NULL;
	}
	saved = push(L, key);
	if (!expect(L, n, DOC_ARRAY)) {
		pop(L, saved);
		return NULL;
	}
	out = alloc_array(L, n->count, sizeof(size_t));
	for (i = 0; out && i < n->count; i++) {
		const doc_node *item = n->items[i];
		s2 = push_index(L, i);
		out[i] = NO_INDEX;
		quote(q, sizeof(q), item);
		if (!doc_is_text(item)) {
			lint(L, item, "expected a purpose id, not %s",
			     doc_type_name(item));
		} else if ((out[i] = policy_purpose_find(L->p, item->text)) ==
			   NO_INDEX) {
			lint(L, item, "unknown purpose '%s'", q);
		} else {
			for (j = 0; j < i; j++)
				if (out[j] == out[i])
					lint(L, item,
					     "purpose '%s' is listed twice", q);
		}
		pop(L, s2);
	}
	*count = out ? n->count : 0;
	pop(L, saved);
	return out;
}

static void load_purposes(struct loader *L, const doc_node *list)
{
	size_t i, j, saved;
	static const char *const keys[] = {
	    "id", "label", "description", "taxonomy", "source", "note", NULL};

	if (!expect(L, list, DOC_ARRAY))
		return;
	L->p->purposes = alloc_array(L, list->count, sizeof(policy_purpose));
	if (!L->p->purposes)
		return;
	L->p->purpose_count = list->count;
	for (i = 0; i < list->count; i++) {
		const doc_node *o = list->items[i];
		policy_purpose *pp = &L->p->purposes[i];
		saved = push_index(L, i);
		if (expect(L, o, DOC_OBJECT)) {
			check_keys(L, o, keys);
			pp->id = get_text(L, o, "id", true);
			if (pp->id && !is_identifier(pp->id, strlen(pp->id)))
				lint(L, doc_get(o, "id"),
				     "'%s' is not an identifier (lower-case "
				     "letters, digits, '_')",
				     pp->id);
			for (j = 0; pp->id && j < i; j++)
				if (L->p->purposes[j].id &&
				    strcmp(L->p->purposes[j].id, pp->id) == 0)
					lint(L, doc_get(o, "id"),
					     "duplicate purpose id '%s'",
					     pp->id);
			load_text(L, o, "label", true, &pp->label);
			load_text(L, o, "description", true, &pp->description);
			pp->taxonomy = get_text(L, o, "taxonomy", false);
		}
		pop(L, saved);
	}
}

static void load_optout(struct loader *L, const doc_node *o, policy_terms *t)
{
	static const char *const keys[] = {
	    "window_days", "offered_to", "covers", "final",
	    "source",	   "note",	 NULL};
	const doc_node *n;
	size_t saved;

	if (!expect(L, o, DOC_OBJECT))
		return;
	check_keys(L, o, keys);
	t->optout = alloc_array(L, 1, sizeof(policy_optout));
	if (!t->optout)
		return;
	n = doc_get(o, "window_days");
	if (!n) {
		lint(L, o, "missing required field 'window_days'");
	} else {
		saved = push(L, "window_days");
		if (!doc_is_number(n) ||
		    n->number != (double)(unsigned)n->number || n->number < 1 ||
		    n->number > 3650)
			lint(L, n,
			     "expected a whole number of days from 1 to 3650");
		else
			t->optout->window_days = (unsigned)n->number;
		pop(L, saved);
	}
	n = doc_get(o, "offered_to");
	if (!n) {
		lint(L, o, "missing required field 'offered_to'");
	} else if (doc_is_text(n) && strcmp(n->text, "all_users") == 0) {
		t->optout->offered_to = OFFERED_ALL_USERS;
	} else if (!doc_is_text(n) || strcmp(n->text, "existing_users") != 0) {
		char q[DIAG_QUOTE_MAX + 8];
		quote(q, sizeof(q), n);
		saved = push(L, "offered_to");
		lint(L, n,
		     "unknown audience '%s' (dyd.policy/v1 knows "
		     "'existing_users' and 'all_users')",
		     q);
		pop(L, saved);
	}
	t->optout->covers =
	    load_purpose_list(L, o, "covers", &t->optout->cover_count);
}

static void load_terms(struct loader *L, const doc_node *list)
{
	static const char *const keys[] = {"id",
					   "title",
					   "effective",
					   "acceptance_deadline",
					   "when_overdue",
					   "optout",
					   "source",
					   "note",
					   NULL};
	size_t i, j, saved, s2;
	const doc_node *optout_node = NULL;

	if (!expect(L, list, DOC_ARRAY))
		return;
	if (list->count == 0)
		lint(L, list, "a policy needs at least one terms version");
	L->p->terms = alloc_array(L, list->count, sizeof(policy_terms));
	if (!L->p->terms)
		return;
	L->p->terms_count = list->count;
	for (i = 0; i < list->count; i++) {
		const doc_node *o = list->items[i], *n;
		policy_terms *t = &L->p->terms[i];
		saved = push_index(L, i);
		if (!expect(L, o, DOC_OBJECT)) {
			pop(L, saved);
			continue;
		}
		check_keys(L, o, keys);
		t->line = o->line;
		t->id = get_text(L, o, "id", true);
		for (j = 0; t->id && j < i; j++)
			if (L->p->terms[j].id &&
			    strcmp(L->p->terms[j].id, t->id) == 0)
				lint(L, doc_get(o, "id"),
				     "duplicate terms id '%s'", t->id);
		load_text(L, o, "title", true, &t->title);
		load_date(L, o, "effective", true, &t->effective);
		t->has_deadline =
		    load_date(L, o, "acceptance_deadline", false, &t->deadline);
		if (t->has_deadline && t->deadline < t->effective) {
			s2 = push(L, "acceptance_deadline");
			lint(L, doc_get(o, "acceptance_deadline"),
			     "the acceptance deadline is before the terms "
			     "take effect");
			pop(L, s2);
		}
		/* The dated list form is policy_cites_load's. */
		n = doc_get(o, "when_overdue");
		if (!n || n->type != DOC_ARRAY)
			t->when_overdue = get_text(L, o, "when_overdue", false);
		if (t->when_overdue &&
		    !is_identifier(t->when_overdue, strlen(t->when_overdue))) {
			s2 = push(L, "when_overdue");
			lint(L, doc_get(o, "when_overdue"),
			     "'%s' is not an identifier (such as "
			     "'limited_functionality')",
			     t->when_overdue);
			pop(L, s2);
		}
		if (t->when_overdue && !t->has_deadline) {
			s2 = push(L, "when_overdue");
			lint(L, doc_get(o, "when_overdue"),
			     "when_overdue needs an acceptance_deadline");
			pop(L, s2);
		}
		n = doc_get(o, "optout");
		if (n) {
			s2 = push(L, "optout");
			if (optout_node) {
				lint(L, n,
				     "a second optout block (the first is at "
				     "line %u); at most one terms version may "
				     "carry one",
				     optout_node->line);
			} else {
				optout_node = n;
				L->p->optout_terms = i;
				load_optout(L, n, t);
			}
			pop(L, s2);
		}
		pop(L, saved);
	}
}

static void load_regions(struct loader *L, const doc_node *map)
{
	static const char *const keys[] = {"label",  "countries", "excludes",
					   "source", "note",	  NULL};
	size_t i, j, saved, s2, s3;
	char q[DIAG_QUOTE_MAX + 8];

	if (!expect(L, map, DOC_OBJECT))
		return;
	L->p->regions = alloc_array(L, map->count, sizeof(policy_region));
	if (!L->p->regions)
		return;
	L->p->region_count = map->count;
	for (i = 0; i < map->count; i++) {
		const doc_member *m = &map->members[i];
		const doc_node *o = m->value, *countries;
		policy_region *r = &L->p->regions[i];
		r->id = m->key;
		saved = push(L, m->key);
		if (!is_identifier(m->key, m->key_len))
			lint(L, o,
			     "region name '%s' is not an identifier "
			     "(lower-case letters, digits, '_')",
			     m->key);
		if (!expect(L, o, DOC_OBJECT)) {
			pop(L, saved);
			continue;
		}
		check_keys(L, o, keys);
		load_text(L, o, "label", false, &r->label);
		countries = doc_get(o, "countries");
		if (!countries) {
			lint(L, o, "missing required field 'countries'");
		} else {
			s2 = push(L, "countries");
			if (expect(L, countries, DOC_ARRAY)) {
				r->countries = alloc_array(L, countries->count,
							   sizeof(char *));
				r->country_count =
				    r->countries ? countries->count : 0;
			}
			for (j = 0; j < r->country_count; j++) {
				const doc_node *c = countries->items[j];
				s3 = push_index(L, j);
				quote(q, sizeof(q), c);
				if (!doc_is_text(c) ||
				    !iso3166_alpha2_known(c->text, c->len))
					lint(L, c,
					     "'%s' is not an ISO 3166-1 "
					     "alpha-2 country code",
					     q);
				r->countries[j] = doc_is_text(c) ? c->text : "";
				pop(L, s3);
			}
			pop(L, s2);
		}
		r->excludes =
		    load_purpose_list(L, o, "excludes", &r->exclude_count);
		pop(L, saved);
	}
}

static void load_where(struct loader *L, const doc_node *n,
		       const field_spec *array_field, policy_where *out)
{
	size_t i, saved;
	char q[DIAG_QUOTE_MAX + 8];

	memset(out, 0, sizeof(*out));
	saved = push(L, "where");
	if (!expect(L, n, DOC_OBJECT) || n->count == 0) {
		if (n->type == DOC_OBJECT)
			lint(L, n, "where needs at least one key");
		pop(L, saved);
		return;
	}
	if (array_field->kind != FIELD_OBJECT_LIST) {
		lint(L, n, "'%s' holds no objects to filter with where",
		     array_field->name);
		pop(L, saved);
		return;
	}
	out->keys = alloc_array(L, n->count, sizeof(char *));
	out->values = alloc_array(L, n->count, sizeof(char *));
	if (!out->keys || !out->values) {
		pop(L, saved);
		return;
	}
	out->count = n->count;
	for (i = 0; i < n->count; i++) {
		const doc_member *m = &n->members[i];
		const field_spec *f;
		size_t s2 = push(L, m->key);
		for (f = array_field->sub; f->name; f++)
			if (strcmp(f->name, m->key) == 0)
				break;
		if (!f->name) {
			lint(L, m->value, "unknown record field '%s.%s'",
			     array_field->name, m->key);
		} else if (!doc_is_text(m->value)) {
			lint(L, m->value, "expected a value to compare, not %s",
			     doc_type_name(m->value));
		} else if (f->kind == FIELD_ENUM) {
			size_t k;
			for (k = 0; f->values[k]; k++)
				if (strcmp(f->values[k], m->value->text) == 0)
					break;
			if (!f->values[k]) {
				quote(q, sizeof(q), m->value);
				lint(L, m->value,
				     "'%s' is never a value of '%s.%s'", q,
				     array_field->name, m->key);
			}
		}
		out->keys[i] = m->key;
		out->values[i] = doc_is_text(m->value) ? m->value->text : "";
		pop(L, s2);
	}
	pop(L, saved);
}

/* `has` names an array field: either `has: FIELD` or
 * `has: {field: F, where: {...}}`. */
static void load_has(struct loader *L, const doc_node *n, policy_cond *c)
{
	const doc_node *field = n, *where = NULL;
	const field_spec *f;
	char q[DIAG_QUOTE_MAX + 8];
	size_t saved = push(L, "has");
	static const char *const keys[] = {"field", "where", NULL};

	c->kind = COND_HAS;
	if (n->type == DOC_OBJECT) {
		check_keys(L, n, keys);
		field = doc_get(n, "field");
		where = doc_get(n, "where");
		if (!field) {
			lint(L, n, "missing required field 'field'");
			pop(L, saved);
			return;
		}
	}
	quote(q, sizeof(q), field);
	f = doc_is_text(field) ? record_field_find(field->text, NULL) : NULL;
	if (!f) {
		lint(L, field, "unknown record field '%s'", q);
	} else if (f->kind != FIELD_OBJECT_LIST &&
		   f->kind != FIELD_PHONE_LIST && f->kind != FIELD_EVENT_LIST) {
		lint(L, field,
		     "'%s' is not a list field; has needs one such as "
		     "'business_chats'",
		     q);
	} else {
		c->field = f->name;
		if (where)
			load_where(L, where, f, &c->where);
	}
	pop(L, saved);
}

static void load_cond(struct loader *L, const doc_node *n, policy_cond *c)
{
	const doc_member *m;
	size_t i, saved;
	char q[DIAG_QUOTE_MAX + 8];

	c->line = n->line;
	c->pointer = pointer_copy(L);
	if (++L->conditions == POLICY_MAX_CONDITIONS + 1)
		lint(L, n,
		     "more than %d conditions in the policy, the limit (every "
		     "record is checked against each)",
		     POLICY_MAX_CONDITIONS);
	if (L->conditions > POLICY_MAX_CONDITIONS)
		return;
	if (n->type != DOC_OBJECT || n->count != 1) {
		lint(L, n,
		     "a condition is an object with one key: has, region, "
		     "all, any or not");
		return;
	}
	m = &n->members[0];
	if (strcmp(m->key, "has") == 0) {
		load_has(L, m->value, c);
	} else if (strcmp(m->key, "region") == 0) {
		c->kind = COND_REGION;
		saved = push(L, "region");
		quote(q, sizeof(q), m->value);
		if (!doc_is_text(m->value) ||
		    (c->region = region_find(L->p, m->value->text)) == NO_INDEX)
			lint(L, m->value, "unknown region '%s'", q);
		pop(L, saved);
	} else if (strcmp(m->key, "all") == 0 || strcmp(m->key, "any") == 0) {
		c->kind = m->key[1] == 'l' ? COND_ALL : COND_ANY;
		saved = push(L, m->key);
		if (expect(L, m->value, DOC_ARRAY)) {
			if (m->value->count == 0)
				lint(L, m->value,
				     "'%s' needs at least one condition",
				     m->key);
			c->children = alloc_array(L, m->value->count,
						  sizeof(policy_cond));
			c->child_count = c->children ? m->value->count : 0;
			for (i = 0; i < c->child_count; i++) {
				size_t s2 = push_index(L, i);
				load_cond(L, m->value->items[i],
					  &c->children[i]);
				pop(L, s2);
			}
		}
		pop(L, saved);
	} else if (strcmp(m->key, "not") == 0) {
		c->kind = COND_NOT;
		saved = push(L, "not");
		c->children = alloc_array(L, 1, sizeof(policy_cond));
		if (c->children) {
			c->child_count = 1;
			load_cond(L, m->value, c->children);
		}
		pop(L, saved);
	} else {
		diag_quote(q, sizeof(q), m->key, m->key_len);
		lint(L, n,
		     "unknown condition '%s' (has, region, all, any or not)",
		     q);
	}
}

static void load_rules(struct loader *L, const doc_node *list,
		       policy_category *cat)
{
	static const char *const keys[] = {"since",  "purposes", "when",
					   "source", "note",	 NULL};
	size_t i, j, k, r2, saved;
	char q[DIAG_QUOTE_MAX + 8];

	if (!expect(L, list, DOC_ARRAY))
		return;
	if (list->count == 0)
		lint(L, list, "shares needs at least one rule");
	cat->rules = alloc_array(L, list->count, sizeof(policy_rule));
	if (!cat->rules)
		return;
	cat->rule_count = list->count;
	for (i = 0; i < list->count; i++) {
		const doc_node *o = list->items[i], *since, *when;
		policy_rule *r = &cat->rules[i];
		saved = push_index(L, i);
		r->pointer = pointer_copy(L);
		r->line = o->line;
		r->since = NO_INDEX;
		if (!expect(L, o, DOC_OBJECT)) {
			pop(L, saved);
			continue;
		}
		check_keys(L, o, keys);
		since = doc_get(o, "since");
		if (!since) {
			lint(L, o, "missing required field 'since'");
		} else {
			size_t s2 = push(L, "since");
			quote(q, sizeof(q), since);
			if (!doc_is_text(since) ||
			    (r->since = policy_terms_find(
				 L->p, since->text, since->len)) == NO_INDEX)
				lint(L, since, "unknown terms id '%s'", q);
			pop(L, s2);
		}
		r->purposes =
		    load_purpose_list(L, o, "purposes", &r->purpose_count);
		/* A purpose belongs to one rule of a category, so each
		 * matrix cell has exactly one reason. */
		for (j = 0; j < r->purpose_count; j++) {
			if (r->purposes[j] == NO_INDEX)
				continue;
			for (r2 = 0; r2 < i; r2++)
				for (k = 0; k < cat->rules[r2].purpose_count;
				     k++)
					if (cat->rules[r2].purposes[k] ==
					    r->purposes[j]) {
						size_t s2 = push(L, "purposes");
						size_t s3 = push_index(L, j);
						lint(L,
						     doc_get(o, "purposes")
							 ->items[j],
						     "purpose '%s' is already "
						     "in rule %zu of category "
						     "'%s'",
						     L->p->purposes
							 [r->purposes[j]]
							     .id,
						     r2,
						     cat->id ? cat->id : "");
						pop(L, s3);
						pop(L, s2);
					}
		}
		when = doc_get(o, "when");
		if (when) {
			size_t s2 = push(L, "when");
			r->when = alloc_array(L, 1, sizeof(policy_cond));
			if (r->when)
				load_cond(L, when, r->when);
			pop(L, s2);
		}
		pop(L, saved);
	}
}

/* A category's fields: names of record fields. */
static void load_fields(struct loader *L, const doc_node *o,
			policy_category *cat)
{
	const doc_node *fields = doc_get(o, "fields");
	char q[DIAG_QUOTE_MAX + 8];
	size_t j, s2;

	if (!fields) {
		lint(L, o, "missing required field 'fields'");
		return;
	}
	s2 = push(L, "fields");
	if (expect(L, fields, DOC_ARRAY)) {
		cat->fields = alloc_array(L, fields->count, sizeof(char *));
		cat->field_count = cat->fields ? fields->count : 0;
	}
	for (j = 0; j < cat->field_count; j++) {
		const doc_node *f = fields->items[j];
		size_t s3 = push_index(L, j);
		quote(q, sizeof(q), f);
		if (!doc_is_text(f) || !record_field_find(f->text, NULL))
			lint(L, f, "unknown record field '%s'", q);
		cat->fields[j] = doc_is_text(f) ? f->text : "";
		pop(L, s3);
	}
	pop(L, s2);
}

/* A category's items: {field: a list of objects, where: {...}}. */
static void load_items(struct loader *L, const doc_node *items, bool never,
		       policy_category *cat)
{
	static const char *const item_keys[] = {"field", "where", NULL};
	const doc_node *field, *where;
	const field_spec *f = NULL;
	char q[DIAG_QUOTE_MAX + 8];
	size_t s2 = push(L, "items");

	if (!expect(L, items, DOC_OBJECT)) {
		pop(L, s2);
		return;
	}
	check_keys(L, items, item_keys);
	field = doc_get(items, "field");
	where = doc_get(items, "where");
	if (!field) {
		lint(L, items, "missing required field 'field'");
	} else {
		quote(q, sizeof(q), field);
		f = doc_is_text(field) ? record_field_find(field->text, NULL)
				       : NULL;
		if (!f || f->kind != FIELD_OBJECT_LIST)
			lint(L, field,
			     "'%s' is not a record field that lists objects",
			     q);
	}
	if (f && f->kind == FIELD_OBJECT_LIST &&
	    ++L->item_lists == POLICY_MAX_ITEM_LISTS + 1)
		lint(L, items,
		     "more than %d categories list items, the limit (each "
		     "lists up to %d items of a record)",
		     POLICY_MAX_ITEM_LISTS, ACCOUNT_MAX_OBJECTS);
	if (f && f->kind == FIELD_OBJECT_LIST) {
		cat->has_items = true;
		cat->items_field = f->name;
		if (where)
			load_where(L, where, f, &cat->items_where);
	}
	if (never)
		lint(L, items,
		     "a category that is never shared lists no items");
	pop(L, s2);
}

static void load_categories(struct loader *L, const doc_node *list)
{
	static const char *const keys[] = {
	    "id",    "label", "description", "taxonomy", "fields", "shares",
	    "never", "items", "source",	     "note",	 NULL};
	size_t i, j, saved, s2;

	if (!expect(L, list, DOC_ARRAY))
		return;
	L->p->categories = alloc_array(L, list->count, sizeof(policy_category));
	if (!L->p->categories)
		return;
	L->p->category_count = list->count;
	for (i = 0; i < list->count; i++) {
		const doc_node *o = list->items[i], *shares, *never, *items;
		policy_category *cat = &L->p->categories[i];
		saved = push_index(L, i);
		if (!expect(L, o, DOC_OBJECT)) {
			pop(L, saved);
			continue;
		}
		check_keys(L, o, keys);
		cat->line = o->line;
		cat->id = get_text(L, o, "id", true);
		if (cat->id && !is_identifier(cat->id, strlen(cat->id)))
			lint(L, doc_get(o, "id"),
			     "'%s' is not an identifier (lower-case letters, "
			     "digits, '_')",
			     cat->id);
		for (j = 0; cat->id && j < i; j++)
			if (L->p->categories[j].id &&
			    strcmp(L->p->categories[j].id, cat->id) == 0)
				lint(L, doc_get(o, "id"),
				     "duplicate category id '%s'", cat->id);
		load_text(L, o, "label", true, &cat->label);
		load_text(L, o, "description", true, &cat->description);
		cat->taxonomy = get_text(L, o, "taxonomy", false);
		load_fields(L, o, cat);
		shares = doc_get(o, "shares");
		never = doc_get(o, "never");
		if (shares && never) {
			lint(L, o,
			     "a category has either shares or never, not "
			     "both");
		} else if (!shares && !never) {
			lint(L, o, "a category needs shares or never");
		} else if (shares) {
			s2 = push(L, "shares");
			load_rules(L, shares, cat);
			pop(L, s2);
		} else {
			cat->never = true;
			load_text(L, o, "never", true, &cat->never_reason);
			s2 = push(L, "never");
			cat->never_pointer = pointer_copy(L);
			pop(L, s2);
		}
		items = doc_get(o, "items");
		if (items)
			load_items(L, items, never != NULL, cat);
		pop(L, saved);
	}
}

static bool policy_id_valid(const char *id)
{
	size_t i, len = strlen(id);

	if (len > 128)
		return false;
	for (i = 0; i < len; i++)
		if (!((id[i] >= 'A' && id[i] <= 'Z') ||
		      (id[i] >= 'a' && id[i] <= 'z') ||
		      (id[i] >= '0' && id[i] <= '9') || id[i] == '.' ||
		      id[i] == '_' || id[i] == '-'))
			return false;
	return true;
}

/* The parts that are counted before any is read: past a limit, reading
 * them would cost what the limit is there to prevent. */
static bool within_limits(struct loader *L, const doc_node *root)
{
	static const struct {
		const char *key, *what;
		size_t max;
		const char *why;
	} limits[] = {
	    {"purposes", "purposes", POLICY_MAX_PURPOSES,
	     "the report's sharing matrix has a column for each"},
	    {"categories", "categories", POLICY_MAX_CATEGORIES,
	     "the report's sharing matrix has a row for each"},
	    {"terms", "terms versions", POLICY_MAX_TERMS,
	     "every record is evaluated against each"},
	    {"sources", "sources", POLICY_MAX_SOURCES,
	     "every citation is looked up among them"},
	};
	const doc_node *n;
	bool ok = true;
	size_t i, saved;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		n = doc_get(root, limits[i].key);
		if (!n || n->type != DOC_ARRAY || n->count <= limits[i].max)
			continue;
		saved = push(L, limits[i].key);
		lint(L, n, "%zu %s are more than the limit of %zu (%s)",
		     n->count, limits[i].what, limits[i].max, limits[i].why);
		pop(L, saved);
		ok = false;
	}
	return ok;
}

static int policy_build(struct loader *L)
{
	static const char *const keys[] = {
	    "format",  "id",	   "service",	 "parent_company", "terms",
	    "regions", "purposes", "categories", "sources",	   NULL};
	const doc_node *root = L->p->doc->root, *n;
	const char *format;

	if (root->type != DOC_OBJECT) {
		lint(L, root, "a policy is an object, not %s",
		     doc_type_name(root));
		return DYD_EINVALID;
	}
	if (!within_limits(L, root))
		return L->oom ? DYD_ENOMEM : DYD_EINVALID;
	check_keys(L, root, keys);
	format = get_text(L, root, "format", true);
	if (format && strcmp(format, POLICY_FORMAT) != 0) {
		size_t saved = push(L, "format");
		lint(L, doc_get(root, "format"),
		     "unsupported format '%s' (this dyd reads '%s')", format,
		     POLICY_FORMAT);
		pop(L, saved);
	}
	L->p->id = get_text(L, root, "id", true);
	if (L->p->id && !policy_id_valid(L->p->id)) {
		size_t saved = push(L, "id");
		lint(L, doc_get(root, "id"),
		     "'%s' is not a policy id (1 to 128 of A-Z a-z 0-9 . _ -)",
		     L->p->id);
		pop(L, saved);
	}
	L->p->service = get_text(L, root, "service", true);
	L->p->parent_company = get_text(L, root, "parent_company", true);
	L->p->optout_terms = NO_INDEX;

	/* Purposes first: everything else refers to them. */
	if ((n = doc_get(root, "purposes"))) {
		size_t saved = push(L, "purposes");
		load_purposes(L, n);
		pop(L, saved);
	} else {
		lint(L, root, "missing required field 'purposes'");
	}
	if ((n = doc_get(root, "terms"))) {
		size_t saved = push(L, "terms");
		load_terms(L, n);
		pop(L, saved);
	} else {
		lint(L, root, "missing required field 'terms'");
	}
	if ((n = doc_get(root, "regions"))) {
		size_t saved = push(L, "regions");
		load_regions(L, n);
		pop(L, saved);
	}
	if ((n = doc_get(root, "categories"))) {
		size_t saved = push(L, "categories");
		load_categories(L, n);
		pop(L, saved);
	} else {
		lint(L, root, "missing required field 'categories'");
	}
	policy_cites_load(L);
	if (L->oom || L->diags->out_of_memory)
		return DYD_ENOMEM;
	return 0;
}

int dyd_policy_load(dyd_policy **out, const char *data, size_t len,
		    const char *name, dyd_diags *diags)
{
	const doc_limits limits = {32, 10000, 65536, POLICY_MAX_VALUES};
	struct loader L = {0};
	size_t errors_before = diags->errors;
	dyd_policy *p;
	int rc;

	*out = NULL;
	if (len > POLICY_MAX_BYTES) {
		diag_add(diags, DYD_ERROR, name, 0, 0, NULL,
			 "policy of %zu bytes is larger than the limit of %u",
			 len, POLICY_MAX_BYTES);
		return DYD_EINVALID;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return DYD_ENOMEM;
	p->name = strdup(name);
	p->source = malloc(len + 1);
	if (!p->name || !p->source) {
		rc = DYD_ENOMEM;
		goto out;
	}
	memcpy(p->source, data, len);
	p->source[len] = '\0';
	p->source_len = len;
	if (sha256_hex(data, len, p->sha256)) {
		rc = DYD_ENOMEM;
		goto out;
	}
	/* By the name first, as records: a .yaml policy in flow style
	 * ("{format: ...}") is YAML, not broken JSON. */
	rc = doc_format_of(name, data, len) == DYD_FORMAT_JSON
		 ? doc_parse_json(&p->doc, data, len, name, &limits, diags)
		 : doc_parse_yaml(&p->doc, data, len, name, &limits, diags);
	if (rc)
		goto out;
	L.p = p;
	L.arena = p->doc->arena;
	L.name = name;
	L.diags = diags;
	rc = policy_build(&L);
	if (!rc && diags->errors > errors_before)
		rc = DYD_EINVALID;
out:
	strbuf_release(&L.path);
	if (rc) {
		dyd_policy_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

int dyd_policy_load_default(dyd_policy **out, dyd_diags *diags)
{
	return dyd_policy_load(out, (const char *)embedded_policy,
			       embedded_policy_size, "<default policy>", diags);
}

const char *dyd_default_policy_source(size_t *len)
{
	*len = embedded_policy_size;
	return (const char *)embedded_policy;
}

void dyd_policy_free(dyd_policy *p)
{
	if (!p)
		return;
	doc_free(p->doc);
	free(p->source);
	free(p->name);
	free(p);
}

const char *dyd_policy_id(const dyd_policy *p)
{
	return p->id;
}

const char *dyd_policy_name(const dyd_policy *p)
{
	return p->name;
}

const char *dyd_policy_sha256(const dyd_policy *p)
{
	return p->sha256;
}

const char *dyd_policy_source(const dyd_policy *p, size_t *len)
{
	*len = p->source_len;
	return p->source;
}

char *dyd_policy_to_json(const dyd_policy *p)
{
	cJSON *root = cJSON_CreateObject(), *tree;
	char *out = NULL;

	if (!root)
		return NULL;
	tree = doc_to_cjson(p->doc->root);
	if (!cJSON_AddStringToObject(root, "id", p->id) ||
	    !cJSON_AddStringToObject(root, "sha256", p->sha256) || !tree ||
	    !cJSON_AddItemToObject(root, "policy", tree)) {
		if (tree && !cJSON_GetObjectItemCaseSensitive(root, "policy"))
			cJSON_Delete(tree);
		goto out;
	}
	out = json_print(root, true);
out:
	cJSON_Delete(root);
	return out;
}

/* The helpers above, for policy_source.c (see policy_load.h). */

void loader_error(struct loader *L, const doc_node *n, const char *fmt, ...)
{
	strbuf msg = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (msg.failed)
		L->oom = true;
	else
		lint(L, n, "%s", msg.data);
	strbuf_release(&msg);
}

size_t loader_push(struct loader *L, const char *seg)
{
	return push(L, seg);
}

size_t loader_push_index(struct loader *L, size_t i)
{
	return push_index(L, i);
}

void loader_pop(struct loader *L, size_t saved)
{
	pop(L, saved);
}

const char *loader_pointer(struct loader *L)
{
	return pointer_copy(L);
}

void *loader_alloc(struct loader *L, size_t count, size_t size)
{
	return alloc_array(L, count, size);
}

void loader_check_keys(struct loader *L, const doc_node *obj,
		       const char *const *allowed)
{
	check_keys(L, obj, allowed);
}

bool loader_expect(struct loader *L, const doc_node *n, doc_type type)
{
	return expect(L, n, type);
}

const char *loader_get_text(struct loader *L, const doc_node *obj,
			    const char *key, bool required)
{
	return get_text(L, obj, key, required);
}

void loader_text(struct loader *L, const doc_node *obj, const char *key,
		 bool required, ltext *out)
{
	load_text(L, obj, key, required, out);
}

bool loader_date(struct loader *L, const doc_node *obj, const char *key,
		 bool required, dyd_time *out)
{
	return load_date(L, obj, key, required, out);
}

bool loader_is_identifier(const char *s, size_t len)
{
	return is_identifier(s, len);
}

bool loader_is_language(const char *s, size_t len)
{
	return is_language(s, len);
}
