/* SPDX-License-Identifier: MIT */
/* What a policy's claims rest on (SPEC 3.1): the `sources` list, each
 * element's `source` and `note`, and the parts of the opt-out and the
 * overdue consequences whose meaning depends on a dated document (`final`,
 * the dated `when_overdue` list). Loading checks that what is written is
 * well-formed and that every ref resolves; dyd_policy_lint checks that
 * nothing is left without a source. */
#include "diag.h"
#include "policy.h"
#include "policy_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A quote is the few words a claim rests on: longer is a passage. */
#define QUOTE_MAX_WORDS 40

static size_t source_find(const dyd_policy *p, const char *id)
{
	size_t i;

	for (i = 0; i < p->source_count; i++)
		if (p->sources[i].id && strcmp(p->sources[i].id, id) == 0)
			return i;
	return NO_INDEX;
}

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* YYYY, YYYY-MM or YYYY-MM-DD: documents are often dated to the month. */
static bool is_partial_date(const char *s, size_t len)
{
	dyd_time t;
	int month;

	if (len < 4 || !all_digits(s, 4))
		return false;
	if (len == 4)
		return true;
	if (s[4] != '-' || (len != 7 && len != 10) || !all_digits(s + 5, 2))
		return false;
	month = (s[5] - '0') * 10 + (s[6] - '0');
	if (month < 1 || month > 12)
		return false;
	return len == 7 || dyd_time_parse(s, len, true, &t) == 0;
}

/* An http(s) address a reader can follow; nothing that needs escaping to
 * stay one token in text output. */
static bool is_web_address(const char *s, size_t len)
{
	size_t i, prefix = strncmp(s, "https://", 8) == 0  ? 8
			   : strncmp(s, "http://", 7) == 0 ? 7
							   : 0;

	if (!prefix || len <= prefix)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f ||
		    s[i] == '"' || s[i] == '<' || s[i] == '>')
			return false;
	return true;
}

static void load_source(struct loader *L, const doc_node *o, size_t i)
{
	static const char *const keys[] = {"id",   "title", "publisher",
					   "date", "url",   "language",
					   "note", NULL};
	policy_source *s = &L->p->sources[i];
	char q[DIAG_QUOTE_MAX + 8];
	size_t j, saved;

	loader_check_keys(L, o, keys);
	s->node = o;
	s->id = loader_get_text(L, o, "id", true);
	if (s->id && !loader_is_identifier(s->id, strlen(s->id)))
		loader_error(L, doc_get(o, "id"),
			     "'%s' is not a source id (lower-case letters, "
			     "digits, '_' and '-')",
			     s->id);
	for (j = 0; s->id && j < i; j++)
		if (L->p->sources[j].id &&
		    strcmp(L->p->sources[j].id, s->id) == 0)
			loader_error(L, doc_get(o, "id"),
				     "duplicate source id '%s'", s->id);
	s->title = loader_get_text(L, o, "title", true);
	s->publisher = loader_get_text(L, o, "publisher", true);
	s->date = loader_get_text(L, o, "date", true);
	if (s->date && !is_partial_date(s->date, strlen(s->date))) {
		saved = loader_push(L, "date");
		diag_quote(q, sizeof(q), s->date, strlen(s->date));
		loader_error(L, doc_get(o, "date"),
			     "'%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
			     q);
		loader_pop(L, saved);
	}
	s->url = loader_get_text(L, o, "url", true);
	if (s->url && !is_web_address(s->url, strlen(s->url))) {
		saved = loader_push(L, "url");
		diag_quote(q, sizeof(q), s->url, strlen(s->url));
		loader_error(L, doc_get(o, "url"),
			     "'%s' is not an http:// or https:// address", q);
		loader_pop(L, saved);
	}
	s->language = loader_get_text(L, o, "language", false);
	if (s->language &&
	    !loader_is_language(s->language, strlen(s->language))) {
		saved = loader_push(L, "language");
		diag_quote(q, sizeof(q), s->language, strlen(s->language));
		loader_error(L, doc_get(o, "language"),
			     "'%s' is not a language code (two or three "
			     "lower-case letters, such as 'id')",
			     q);
		loader_pop(L, saved);
	}
	loader_text(L, o, "note", false, &s->note);
}

static void load_sources(struct loader *L, const doc_node *list)
{
	size_t i, saved;

	if (!loader_expect(L, list, DOC_ARRAY))
		return;
	L->p->sources = loader_alloc(L, list->count, sizeof(*L->p->sources));
	if (!L->p->sources)
		return;
	L->p->source_count = list->count;
	for (i = 0; i < list->count; i++) {
		saved = loader_push_index(L, i);
		if (loader_expect(L, list->items[i], DOC_OBJECT))
			load_source(L, list->items[i], i);
		loader_pop(L, saved);
	}
}

static void load_quote(struct loader *L, const doc_node *o, policy_cite *cite)
{
	static const char *const keys[] = {"ref", "quote", NULL};
	const char *ref, *text;
	char q[DIAG_QUOTE_MAX + 8];
	size_t source = NO_INDEX, saved;

	loader_check_keys(L, o, keys);
	ref = loader_get_text(L, o, "ref", true);
	text = loader_get_text(L, o, "quote", true);
	if (ref && (source = source_find(L->p, ref)) == NO_INDEX) {
		saved = loader_push(L, "ref");
		diag_quote(q, sizeof(q), ref, strlen(ref));
		loader_error(L, doc_get(o, "ref"),
			     "unknown source '%s' (the policy's sources list "
			     "has no such id)",
			     q);
		loader_pop(L, saved);
	}
	if (source != NO_INDEX && text) {
		cite->quotes[cite->count].source = source;
		cite->quotes[cite->count++].quote = text;
	}
}

/* The `source` list and `note` of the element obj, at the current path. */
static void load_cite(struct loader *L, const doc_node *obj, policy_cite *cite)
{
	const doc_node *list = doc_get(obj, "source");
	size_t i, saved, s2;

	cite->node = obj;
	loader_text(L, obj, "note", false, &cite->note);
	if (!list)
		return;
	saved = loader_push(L, "source");
	if (loader_expect(L, list, DOC_ARRAY))
		cite->quotes =
		    loader_alloc(L, list->count, sizeof(*cite->quotes));
	for (i = 0; cite->quotes && i < list->count; i++) {
		s2 = loader_push_index(L, i);
		if (loader_expect(L, list->items[i], DOC_OBJECT))
			load_quote(L, list->items[i], cite);
		loader_pop(L, s2);
	}
	loader_pop(L, saved);
}

static void date_text(dyd_time t, char *buf)
{
	dyd_time_format(t, buf);
	buf[10] = '\0';
}

static void load_effect(struct loader *L, const doc_node *o, policy_terms *t,
			size_t j, bool *prev_ok)
{
	static const char *const keys[] = {"from",   "effect", "label",
					   "source", "note",   NULL};
	policy_effect *e = &t->effects[j];
	char a[DYD_TIME_BUFSIZE], b[DYD_TIME_BUFSIZE];
	size_t saved;
	bool ok;

	loader_check_keys(L, o, keys);
	e->cite.pointer = loader_pointer(L);
	ok = loader_date(L, o, "from", true, &e->from);
	saved = loader_push(L, "from");
	if (ok && e->from < t->effective) {
		date_text(e->from, a);
		date_text(t->effective, b);
		loader_error(L, doc_get(o, "from"),
			     "'from' %s is before the terms take effect on %s",
			     a, b);
	} else if (ok && j > 0 && *prev_ok &&
		   e->from <= t->effects[j - 1].from) {
		date_text(e->from, a);
		date_text(t->effects[j - 1].from, b);
		loader_error(L, doc_get(o, "from"),
			     "'from' %s is not after the entry before it "
			     "(%s): list the consequences in time order, one "
			     "per date",
			     a, b);
	}
	loader_pop(L, saved);
	*prev_ok = ok;
	e->effect = loader_get_text(L, o, "effect", true);
	if (e->effect && !loader_is_identifier(e->effect, strlen(e->effect)))
		loader_error(L, doc_get(o, "effect"),
			     "'%s' is not an identifier (such as "
			     "'limited_functionality')",
			     e->effect);
	loader_text(L, o, "label", false, &e->label);
	load_cite(L, o, &e->cite);
}

/* when_overdue as a list of {from, effect, label, source, note}. */
static void load_effects(struct loader *L, const doc_node *list,
			 policy_terms *t)
{
	size_t j, saved = loader_push(L, "when_overdue");
	bool prev_ok = false;

	if (!t->has_deadline)
		loader_error(L, list,
			     "when_overdue needs an acceptance_deadline");
	if (list->count == 0)
		loader_error(L, list, "when_overdue needs at least one entry");
	t->effects = loader_alloc(L, list->count, sizeof(*t->effects));
	t->effect_count = t->effects ? list->count : 0;
	for (j = 0; j < t->effect_count; j++) {
		size_t s2 = loader_push_index(L, j);
		if (loader_expect(L, list->items[j], DOC_OBJECT))
			load_effect(L, list->items[j], t, j, &prev_ok);
		else
			prev_ok = false;
		loader_pop(L, s2);
	}
	loader_pop(L, saved);
}

/* The string form: one consequence, in force from the deadline. */
static void string_effect(struct loader *L, const doc_node *o, policy_terms *t)
{
	size_t saved;

	t->effects = loader_alloc(L, 1, sizeof(*t->effects));
	if (!t->effects)
		return;
	t->effect_count = 1;
	t->effects[0].from = t->deadline;
	t->effects[0].effect = t->when_overdue;
	saved = loader_push(L, "when_overdue");
	t->effects[0].cite.pointer = loader_pointer(L);
	t->effects[0].cite.node = doc_get(o, "when_overdue");
	loader_pop(L, saved);
}

static void load_optout_cite(struct loader *L, const doc_node *o,
			     policy_optout *optout)
{
	const doc_node *final = doc_get(o, "final");
	size_t saved;

	optout->cite.pointer = loader_pointer(L);
	load_cite(L, o, &optout->cite);
	if (!final)
		return;
	saved = loader_push(L, "final");
	if (final->type != DOC_BOOL) {
		loader_error(L, final, "expected true or false, not %s",
			     doc_type_name(final));
	} else {
		optout->final = final->boolean;
		optout->final_given = true;
	}
	loader_pop(L, saved);
}

static void terms_cites(struct loader *L, const doc_node *list)
{
	dyd_policy *p = L->p;
	size_t i, saved, s2;

	if (list->type != DOC_ARRAY || list->count != p->terms_count)
		return;
	for (i = 0; i < p->terms_count; i++) {
		const doc_node *o = list->items[i], *n;
		policy_terms *t = &p->terms[i];
		if (o->type != DOC_OBJECT)
			continue;
		saved = loader_push_index(L, i);
		t->cite.pointer = loader_pointer(L);
		load_cite(L, o, &t->cite);
		n = doc_get(o, "optout");
		if (n && n->type == DOC_OBJECT && t->optout &&
		    p->optout_terms == i) {
			s2 = loader_push(L, "optout");
			load_optout_cite(L, n, t->optout);
			loader_pop(L, s2);
		}
		n = doc_get(o, "when_overdue");
		if (n && n->type == DOC_ARRAY)
			load_effects(L, n, t);
		else if (t->when_overdue && t->has_deadline)
			string_effect(L, o, t);
		loader_pop(L, saved);
	}
}

static void region_cites(struct loader *L, const doc_node *map)
{
	size_t i, saved;

	if (map->type != DOC_OBJECT || map->count != L->p->region_count)
		return;
	for (i = 0; i < map->count; i++) {
		const doc_node *o = map->members[i].value;
		saved = loader_push(L, map->members[i].key);
		L->p->regions[i].cite.pointer = loader_pointer(L);
		if (o->type == DOC_OBJECT)
			load_cite(L, o, &L->p->regions[i].cite);
		loader_pop(L, saved);
	}
}

static void purpose_cites(struct loader *L, const doc_node *list)
{
	size_t i, saved;

	if (list->type != DOC_ARRAY || list->count != L->p->purpose_count)
		return;
	for (i = 0; i < list->count; i++) {
		saved = loader_push_index(L, i);
		L->p->purposes[i].cite.pointer = loader_pointer(L);
		if (list->items[i]->type == DOC_OBJECT)
			load_cite(L, list->items[i], &L->p->purposes[i].cite);
		loader_pop(L, saved);
	}
}

static void category_cites(struct loader *L, const doc_node *o,
			   policy_category *cat)
{
	const doc_node *shares = doc_get(o, "shares"), *n;
	size_t r, saved;

	if (cat->never) {
		cat->never_cite.pointer = cat->never_pointer;
		load_cite(L, o, &cat->never_cite);
		return;
	}
	n = doc_get(o, "source") ? doc_get(o, "source") : doc_get(o, "note");
	if (n) {
		saved =
		    loader_push(L, doc_get(o, "source") ? "source" : "note");
		loader_error(L, n,
			     "a category that shares carries source and note "
			     "on each of its rules (shares/N/source), not on "
			     "the category");
		loader_pop(L, saved);
	}
	if (!shares || shares->type != DOC_ARRAY ||
	    shares->count != cat->rule_count)
		return;
	saved = loader_push(L, "shares");
	for (r = 0; r < cat->rule_count; r++) {
		size_t s2 = loader_push_index(L, r);
		cat->rules[r].cite.pointer = cat->rules[r].pointer;
		if (shares->items[r]->type == DOC_OBJECT)
			load_cite(L, shares->items[r], &cat->rules[r].cite);
		loader_pop(L, s2);
	}
	loader_pop(L, saved);
}

void policy_cites_load(struct loader *L)
{
	dyd_policy *p = L->p;
	const doc_node *root = p->doc->root, *n;
	size_t i, saved;

	/* Sources first: every ref below resolves against them. */
	if ((n = doc_get(root, "sources"))) {
		saved = loader_push(L, "sources");
		load_sources(L, n);
		loader_pop(L, saved);
	}
	if ((n = doc_get(root, "terms"))) {
		saved = loader_push(L, "terms");
		terms_cites(L, n);
		loader_pop(L, saved);
	}
	if ((n = doc_get(root, "regions"))) {
		saved = loader_push(L, "regions");
		region_cites(L, n);
		loader_pop(L, saved);
	}
	if ((n = doc_get(root, "purposes"))) {
		saved = loader_push(L, "purposes");
		purpose_cites(L, n);
		loader_pop(L, saved);
	}
	n = doc_get(root, "categories");
	if (!n || n->type != DOC_ARRAY || n->count != p->category_count)
		return;
	saved = loader_push(L, "categories");
	for (i = 0; i < n->count; i++) {
		size_t s2 = loader_push_index(L, i);
		if (n->items[i]->type == DOC_OBJECT)
			category_cites(L, n->items[i], &p->categories[i]);
		loader_pop(L, s2);
	}
	loader_pop(L, saved);
}

/* Lint: what loading accepts but a policy that cites its claims lacks. */

struct linter {
	const dyd_policy *p;
	dyd_severity severity;
	dyd_diags *diags;
	bool *used; /* per source */
	size_t problems;
};

static size_t word_count(const char *s)
{
	size_t n = 0;
	bool in_word = false;

	for (; *s; s++) {
		bool space = *s == ' ' || *s == '\t' || *s == '\n';
		if (!space && !in_word)
			n++;
		in_word = !space;
	}
	return n;
}

static void lint_cite(struct linter *K, const policy_cite *c, const char *what)
{
	const doc_node *n = c->node;
	size_t i, words;

	if (!c->pointer)
		return; /* an element loading could not read */
	if (!c->count) {
		K->problems++;
		diag_add(K->diags, K->severity, K->p->name, n ? n->line : 0,
			 n ? n->column : 0, c->pointer,
			 "%s without a source: cite the document it rests on "
			 "(source: [{ref: ID, quote: \"the few words\"}])",
			 what);
	}
	for (i = 0; i < c->count; i++) {
		K->used[c->quotes[i].source] = true;
		words = word_count(c->quotes[i].quote);
		if (words > QUOTE_MAX_WORDS) {
			K->problems++;
			diag_add(K->diags, K->severity, K->p->name,
				 n ? n->line : 0, n ? n->column : 0, c->pointer,
				 "a quote of %zu words from '%s': quote the "
				 "few words the claim rests on (at most %d)",
				 words, K->p->sources[c->quotes[i].source].id,
				 QUOTE_MAX_WORDS);
		}
	}
}

static void lint_terms(struct linter *K, const policy_terms *t)
{
	const policy_optout *o = t->optout;
	size_t j;

	lint_cite(K, &t->cite, "terms version");
	for (j = 0; j < t->effect_count; j++)
		lint_cite(K, &t->effects[j].cite, "when_overdue consequence");
	if (!o)
		return;
	lint_cite(K, &o->cite, "opt-out");
	if (!o->final_given && o->cite.pointer) {
		K->problems++;
		diag_add(K->diags, K->severity, K->p->name,
			 o->cite.node ? o->cite.node->line : 0,
			 o->cite.node ? o->cite.node->column : 0,
			 o->cite.pointer,
			 "the opt-out does not say whether it is final: "
			 "without 'final', the last choice in the window "
			 "decides (final: false); write final: true or "
			 "final: false");
	}
}

int dyd_policy_lint(const dyd_policy *p, bool strict, dyd_diags *diags)
{
	struct linter K = {p, strict ? DYD_ERROR : DYD_WARNING, diags, NULL, 0};
	size_t i, r;

	K.used = calloc(p->source_count ? p->source_count : 1, sizeof(bool));
	if (!K.used)
		return DYD_ENOMEM;
	for (i = 0; i < p->terms_count; i++)
		lint_terms(&K, &p->terms[i]);
	for (i = 0; i < p->region_count; i++)
		lint_cite(&K, &p->regions[i].cite, "region");
	for (i = 0; i < p->purpose_count; i++)
		lint_cite(&K, &p->purposes[i].cite, "purpose");
	for (i = 0; i < p->category_count; i++) {
		const policy_category *cat = &p->categories[i];
		if (cat->never)
			lint_cite(&K, &cat->never_cite, "never entry");
		for (r = 0; r < cat->rule_count; r++)
			lint_cite(&K, &cat->rules[r].cite, "sharing rule");
	}
	for (i = 0; i < p->source_count; i++) {
		const doc_node *n = p->sources[i].node;
		char ptr[40];
		if (K.used[i])
			continue;
		K.problems++;
		snprintf(ptr, sizeof(ptr), "/sources/%zu", i);
		diag_add(diags, K.severity, p->name, n ? n->line : 0,
			 n ? n->column : 0, ptr,
			 "source '%s' is listed but never cited",
			 p->sources[i].id);
	}
	free(K.used);
	if (diags->out_of_memory)
		return DYD_ENOMEM;
	return strict && K.problems ? DYD_EINVALID : 0;
}
