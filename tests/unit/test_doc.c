/* SPDX-License-Identifier: MIT */
/* The document tree: JSON (cJSON plus a lexical pre-scan) and YAML
 * (libyaml events), their limits, positions and refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "doc.h"

static const doc_limits record_limits = DOC_LIMITS_RECORD;

/* Stands in *out before a call that must reset it to NULL. */
static doc sentinel;

/* The first diagnostic whose message contains needle, or NULL. */
static const dyd_diag *find_diag(const dyd_diags *diags, const char *needle)
{
	size_t i;

	for (i = 0; i < diags->count; i++)
		if (strstr(diags->items[i].message, needle))
			return &diags->items[i];
	return NULL;
}

static const dyd_diag *expect_diag(const dyd_diags *diags, const char *needle)
{
	const dyd_diag *d = find_diag(diags, needle);
	size_t i;

	if (!d) {
		for (i = 0; i < diags->count; i++)
			print_message("  diag: %s\n", diags->items[i].message);
		fail_msg("no diagnostic contains '%s'", needle);
	}
	assert_int_equal(d->severity, DYD_ERROR);
	assert_string_equal(d->file, "t");
	return d;
}

static doc *json_ok(const char *text, const doc_limits *limits)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	doc *d = NULL;
	int rc = doc_parse_json(&d, text, strlen(text), "t", limits, &diags);

	if (rc != 0) {
		print_message("diag: %s\n",
			      diags.count ? diags.items[0].message : "-");
		fail_msg("JSON '%s' was rejected", text);
	}
	assert_int_equal(diags.count, 0);
	assert_non_null(d);
	assert_non_null(d->root);
	dyd_diags_release(&diags);
	return d;
}

static doc *yaml_ok(const char *text, const doc_limits *limits)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	doc *d = NULL;
	int rc = doc_parse_yaml(&d, text, strlen(text), "t", limits, &diags);

	if (rc != 0) {
		print_message("diag: %s\n",
			      diags.count ? diags.items[0].message : "-");
		fail_msg("YAML '%s' was rejected", text);
	}
	assert_int_equal(diags.count, 0);
	assert_non_null(d);
	assert_non_null(d->root);
	dyd_diags_release(&diags);
	return d;
}

/* Parses text of len bytes, expects DYD_EINVALID and no tree. */
static void json_bad_len(const char *text, size_t len, const doc_limits *limits,
			 dyd_diags *diags)
{
	doc *d = &sentinel;
	int rc = doc_parse_json(&d, text, len, "t", limits, diags);

	assert_int_equal(rc, DYD_EINVALID);
	assert_null(d);
	assert_true(diags->errors > 0);
}

static void json_bad(const char *text, const doc_limits *limits,
		     dyd_diags *diags)
{
	json_bad_len(text, strlen(text), limits, diags);
}

static void yaml_bad(const char *text, const doc_limits *limits,
		     dyd_diags *diags)
{
	doc *d = &sentinel;
	int rc = doc_parse_yaml(&d, text, strlen(text), "t", limits, diags);

	assert_int_equal(rc, DYD_EINVALID);
	assert_null(d);
	assert_true(diags->errors > 0);
}

static void test_json_types(void **state)
{
	doc *d = json_ok("{\"s\": \"x\\u00e9\", \"n\": 1.5, \"i\": -3, "
			 "\"t\": true, \"f\": false, \"z\": null, "
			 "\"a\": [1, \"2\"], \"o\": {\"k\": \"v\"}}",
			 &record_limits);
	const doc_node *r = d->root, *n;

	(void)state;
	assert_int_equal(r->type, DOC_OBJECT);
	assert_int_equal(r->count, 8);
	/* Members keep document order. */
	assert_string_equal(r->members[0].key, "s");
	assert_string_equal(r->members[7].key, "o");
	n = doc_get(r, "s");
	assert_int_equal(n->type, DOC_STRING);
	assert_string_equal(n->text, "x\xc3\xa9");
	assert_int_equal(n->len, 3);
	assert_false(n->plain);
	assert_true(doc_is_text(n));
	n = doc_get(r, "n");
	assert_int_equal(n->type, DOC_NUMBER);
	assert_true(n->number == 1.5);
	assert_true(doc_is_number(n));
	/* A JSON number is never text. */
	assert_false(doc_is_text(n));
	assert_true(doc_get(r, "i")->number == -3.0);
	n = doc_get(r, "t");
	assert_int_equal(n->type, DOC_BOOL);
	assert_true(n->boolean);
	assert_false(doc_is_text(n));
	assert_false(doc_get(r, "f")->boolean);
	assert_int_equal(doc_get(r, "z")->type, DOC_NULL);
	n = doc_get(r, "a");
	assert_int_equal(n->type, DOC_ARRAY);
	assert_int_equal(n->count, 2);
	assert_int_equal(n->items[0]->type, DOC_NUMBER);
	assert_int_equal(n->items[1]->type, DOC_STRING);
	assert_false(doc_is_number(n->items[1]));
	n = doc_get(r, "o");
	assert_int_equal(n->type, DOC_OBJECT);
	assert_string_equal(doc_get(n, "k")->text, "v");
	assert_null(doc_get(r, "missing"));
	assert_null(doc_get(n->members[0].value, "k")); /* not an object */
	assert_string_equal(doc_type_name(doc_get(r, "a")), "an array");
	assert_string_equal(doc_type_name(NULL), "nothing");
	doc_free(d);
}

static void test_json_bom_and_whitespace(void **state)
{
	doc *d = json_ok("\xef\xbb\xbf \n\t{\"a\": 1}\r\n  ", &record_limits);

	(void)state;
	assert_true(doc_get(d->root, "a")->number == 1.0);
	doc_free(d);
	assert_true(doc_looks_like_json("\xef\xbb\xbf {", 5));
	assert_true(doc_looks_like_json("\n [1]", 5));
	assert_false(doc_looks_like_json("a: 1", 4));
	assert_false(doc_looks_like_json("  ", 2));
	assert_false(doc_looks_like_json("", 0));
}

static void test_yaml_plain_scalars(void **state)
{
	doc *d = yaml_ok("phone: +6281234567890\n"
			 "flag: true\n"
			 "off: false\n"
			 "nothing: ~\n"
			 "empty:\n"
			 "word_null: null\n"
			 "ratio: 1.5\n"
			 "neg: -3\n"
			 "exp: 1e3\n"
			 "quoted: '123'\n"
			 "dq: \"true\"\n"
			 "yes_word: yes\n"
			 "version: 1.2.3\n"
			 "bad_exp: 1e\n"
			 "tagged: !!str 42\n"
			 "word: hello\n",
			 &record_limits);
	const doc_node *r = d->root, *n;

	(void)state;
	assert_int_equal(r->type, DOC_OBJECT);
	n = doc_get(r, "phone");
	/* Resolved as a number, but the text stays for string fields. */
	assert_int_equal(n->type, DOC_NUMBER);
	assert_true(n->plain);
	assert_true(doc_is_text(n));
	assert_true(doc_is_number(n));
	assert_string_equal(n->text, "+6281234567890");
	n = doc_get(r, "flag");
	assert_int_equal(n->type, DOC_BOOL);
	assert_true(n->boolean);
	assert_true(doc_is_text(n));
	assert_string_equal(n->text, "true");
	n = doc_get(r, "off");
	assert_int_equal(n->type, DOC_BOOL);
	assert_false(n->boolean);
	n = doc_get(r, "nothing");
	assert_int_equal(n->type, DOC_NULL);
	assert_false(doc_is_text(n));
	assert_int_equal(doc_get(r, "empty")->type, DOC_NULL);
	assert_int_equal(doc_get(r, "word_null")->type, DOC_NULL);
	n = doc_get(r, "ratio");
	assert_int_equal(n->type, DOC_NUMBER);
	assert_true(n->number == 1.5);
	assert_true(doc_get(r, "neg")->number == -3.0);
	assert_true(doc_get(r, "exp")->number == 1000.0);
	n = doc_get(r, "quoted");
	/* Quoting makes a string, whatever it looks like. */
	assert_int_equal(n->type, DOC_STRING);
	assert_false(n->plain);
	assert_false(doc_is_number(n));
	assert_string_equal(n->text, "123");
	n = doc_get(r, "dq");
	assert_int_equal(n->type, DOC_STRING);
	assert_string_equal(n->text, "true");
	/* YAML 1.2 core schema: 'yes' is no boolean. */
	assert_int_equal(doc_get(r, "yes_word")->type, DOC_STRING);
	assert_int_equal(doc_get(r, "version")->type, DOC_STRING);
	assert_int_equal(doc_get(r, "bad_exp")->type, DOC_STRING);
	n = doc_get(r, "tagged");
	assert_int_equal(n->type, DOC_STRING);
	assert_false(n->plain);
	assert_string_equal(doc_get(r, "word")->text, "hello");
	assert_true(doc_get(r, "word")->plain);
	doc_free(d);
}

static void test_yaml_positions(void **state)
{
	doc *d = yaml_ok("# a comment\n"
			 "account_id: alice\n"
			 "devices:\n"
			 "  - model: X\n"
			 "    os: \"Y\"\n"
			 "tags: [a, bb]\n",
			 &record_limits);
	const doc_node *r = d->root, *devs, *dev, *tags;

	(void)state;
	assert_int_equal(r->line, 2);
	assert_int_equal(r->column, 1);
	assert_int_equal(r->members[0].line, 2);
	assert_int_equal(r->members[0].column, 1);
	assert_int_equal(r->members[0].value->line, 2);
	assert_int_equal(r->members[0].value->column, 13);
	assert_string_equal(r->members[1].key, "devices");
	assert_int_equal(r->members[1].line, 3);
	devs = doc_get(r, "devices");
	assert_int_equal(devs->type, DOC_ARRAY);
	assert_int_equal(devs->line, 4);
	assert_int_equal(devs->column, 3);
	dev = devs->items[0];
	assert_int_equal(dev->line, 4);
	assert_int_equal(dev->column, 5);
	assert_string_equal(dev->members[1].key, "os");
	assert_int_equal(dev->members[1].line, 5);
	assert_int_equal(dev->members[1].column, 5);
	assert_int_equal(doc_get(dev, "os")->line, 5);
	assert_int_equal(doc_get(dev, "os")->column, 9);
	tags = doc_get(r, "tags");
	assert_int_equal(tags->line, 6);
	assert_int_equal(tags->column, 7);
	assert_int_equal(tags->items[1]->line, 6);
	assert_int_equal(tags->items[1]->column, 11);
	doc_free(d);
}

static void test_json_has_no_positions(void **state)
{
	doc *d = json_ok("{\"a\": [1]}", &record_limits);

	(void)state;
	/* cJSON reports none; 0 means unknown. */
	assert_int_equal(d->root->line, 0);
	assert_int_equal(doc_get(d->root, "a")->line, 0);
	doc_free(d);
}

static void test_json_duplicate_keys(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *dg;

	(void)state;
	json_bad("{\"a\": 1, \"b\": 2, \"a\": 3}", &record_limits, &diags);
	dg = expect_diag(&diags, "duplicate key 'a'");
	/* JSON has no lines: the pointer names the repeated key. */
	assert_non_null(dg->pointer);
	assert_string_equal(dg->pointer, "/a");
	assert_int_equal(dg->line, 0);
	assert_null(find_diag(&diags, "duplicate key 'b'"));
	dyd_diags_clear(&diags);

	json_bad("{\"x\": [{\"k\": 1, \"k\": 2}]}", &record_limits, &diags);
	dg = expect_diag(&diags, "duplicate key 'k'");
	assert_string_equal(dg->pointer, "/x/0/k");
	dyd_diags_clear(&diags);

	/* Keys that differ only in length are distinct. */
	doc_free(json_ok("{\"a\": 1, \"ab\": 2, \"\": 3}", &record_limits));
	dyd_diags_release(&diags);
}

static void test_yaml_duplicate_keys(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *dg;

	(void)state;
	yaml_bad("a: 1\nb: 2\na: 3\n", &record_limits, &diags);
	dg = expect_diag(&diags, "duplicate key 'a'");
	/* The later key is the one reported. */
	assert_int_equal(dg->line, 3);
	assert_int_equal(dg->column, 1);
	dyd_diags_clear(&diags);

	/* A quoted key and a plain one with the same text are the same. */
	yaml_bad("x:\n  k: 1\n  'k': 2\n", &record_limits, &diags);
	dg = expect_diag(&diags, "duplicate key 'k'");
	assert_int_equal(dg->line, 3);
	assert_int_equal(dg->column, 3);
	dyd_diags_release(&diags);
}

static void test_json_invalid_utf8(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *dg;

	(void)state;
	json_bad("{\"a\": \"\xff\"}", &record_limits, &diags);
	dg = expect_diag(&diags, "invalid UTF-8");
	assert_int_equal(dg->line, 1);
	assert_int_equal(dg->column, 8);
	dyd_diags_clear(&diags);

	/* Columns count characters, not bytes. */
	json_bad("{\n  \"a\": \"\xc3\xa9\xc3\"\n}", &record_limits, &diags);
	dg = expect_diag(&diags, "invalid UTF-8");
	assert_int_equal(dg->line, 2);
	assert_int_equal(dg->column, 10);
	dyd_diags_clear(&diags);

	/* Surrogates encoded in UTF-8 are not UTF-8. */
	json_bad("[\"\xed\xa0\x80\"]", &record_limits, &diags);
	expect_diag(&diags, "invalid UTF-8");
	dyd_diags_release(&diags);
}

static void test_json_nul(void **state)
{
	static const char raw[] = "{\"a\": \"x\0y\"}";
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *dg;
	doc *d;

	(void)state;
	json_bad_len(raw, sizeof(raw) - 1, &record_limits, &diags);
	dg = expect_diag(&diags, "NUL");
	assert_int_equal(dg->line, 1);
	assert_int_equal(dg->column, 9);
	dyd_diags_clear(&diags);

	json_bad("{\n\"a\": \"x\\u0000y\"}", &record_limits, &diags);
	dg = expect_diag(&diags, "\\u0000");
	assert_int_equal(dg->line, 2);
	assert_int_equal(dg->column, 8);
	dyd_diags_clear(&diags);

	/* In a key too. */
	json_bad("{\"a\\u0000\": 1}", &record_limits, &diags);
	expect_diag(&diags, "NUL");
	dyd_diags_release(&diags);

	/* An escaped backslash followed by u0000 is six ordinary
	 * characters. */
	d = json_ok("{\"a\": \"\\\\u0000\"}", &record_limits);
	assert_string_equal(doc_get(d->root, "a")->text, "\\u0000");
	doc_free(d);
	/* Other \u escapes are fine. */
	d = json_ok("[\"\\u0001\\u00e9\"]", &record_limits);
	assert_int_equal(d->root->items[0]->len, 3);
	doc_free(d);
}

static char *nested(char open, char close, unsigned depth, const char *inner)
{
	size_t len = strlen(inner), i;
	char *s = malloc(2 * depth + len + 1);

	assert_non_null(s);
	for (i = 0; i < depth; i++) {
		s[i] = open;
		s[depth + len + i] = close;
	}
	memcpy(s + depth, inner, len);
	s[2 * depth + len] = '\0';
	return s;
}

static void test_json_depth(void **state)
{
	const doc_limits small = {4, 100, 100, 0};
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *dg;
	char *s;

	(void)state;
	doc_free(json_ok("[[[[1]]]]", &small));
	json_bad("[[[[[1]]]]]", &small, &diags);
	dg = expect_diag(&diags, "nesting deeper than 4 levels");
	assert_int_equal(dg->line, 1);
	assert_int_equal(dg->column, 5);
	dyd_diags_clear(&diags);
	json_bad("{\"a\": [{\"b\": [[1]]}]}", &small, &diags);
	expect_diag(&diags, "nesting deeper than 4 levels");
	dyd_diags_clear(&diags);
	/* Brackets inside strings do not count. */
	doc_free(json_ok("[[\"[[[[[[\"]]", &small));
	doc_free(json_ok("[[\"a\\\"[[[[[[\"]]", &small));

	/* The record limit: 32 levels pass, 33 do not. */
	s = nested('[', ']', 32, "0");
	doc_free(json_ok(s, &record_limits));
	free(s);
	s = nested('[', ']', 33, "0");
	json_bad(s, &record_limits, &diags);
	expect_diag(&diags, "nesting deeper than 32 levels");
	free(s);
	dyd_diags_clear(&diags);
	/* Far deeper than cJSON's own limit still gives our message. */
	s = nested('[', ']', 5000, "");
	json_bad(s, &record_limits, &diags);
	expect_diag(&diags, "nesting deeper than 32 levels");
	free(s);
	dyd_diags_release(&diags);
}

static void test_yaml_depth(void **state)
{
	const doc_limits small = {4, 100, 100, 0};
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *dg;
	char *s;

	(void)state;
	doc_free(yaml_ok("[[[[1]]]]", &small));
	yaml_bad("[[[[[1]]]]]", &small, &diags);
	dg = expect_diag(&diags, "nesting deeper than 4 levels");
	assert_int_equal(dg->line, 1);
	assert_int_equal(dg->column, 5);
	dyd_diags_clear(&diags);
	doc_free(yaml_ok("a:\n  b:\n    c:\n      d: 1\n", &small));
	yaml_bad("a:\n  b:\n    c:\n      d:\n        e: 1\n", &small, &diags);
	dg = expect_diag(&diags, "nesting deeper than 4 levels");
	assert_int_equal(dg->line, 5);
	dyd_diags_clear(&diags);

	s = nested('[', ']', 32, "0");
	doc_free(yaml_ok(s, &record_limits));
	free(s);
	s = nested('[', ']', 33, "0");
	yaml_bad(s, &record_limits, &diags);
	expect_diag(&diags, "nesting deeper than 32 levels");
	free(s);
	dyd_diags_clear(&diags);
	s = nested('[', ']', 5000, "");
	yaml_bad(s, &record_limits, &diags);
	expect_diag(&diags, "nesting deeper than 32 levels");
	free(s);
	dyd_diags_release(&diags);
}

static void test_yaml_anchors_and_aliases(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *dg;

	(void)state;
	yaml_bad("a: &x 1\nb: *x\n", &record_limits, &diags);
	dg = expect_diag(&diags, "anchors are not allowed");
	assert_int_equal(dg->line, 1);
	assert_int_equal(dg->column, 4);
	dyd_diags_clear(&diags);

	yaml_bad("a: 1\nb: *x\n", &record_limits, &diags);
	dg = expect_diag(&diags, "aliases are not allowed");
	assert_int_equal(dg->line, 2);
	assert_int_equal(dg->column, 4);
	dyd_diags_clear(&diags);

	yaml_bad("a: &m {k: 1}\n", &record_limits, &diags);
	expect_diag(&diags, "anchors are not allowed");
	dyd_diags_clear(&diags);
	yaml_bad("a: &s [1]\n", &record_limits, &diags);
	expect_diag(&diags, "anchors are not allowed");
	dyd_diags_clear(&diags);
	/* The merge key is an alias too. */
	yaml_bad("a: {k: 1}\nb:\n  <<: *a\n", &record_limits, &diags);
	expect_diag(&diags, "aliases are not allowed");
	dyd_diags_release(&diags);
}

static void test_yaml_documents(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *dg;

	(void)state;
	yaml_bad("a: 1\n---\nb: 2\n", &record_limits, &diags);
	dg = expect_diag(&diags, "more than one YAML document");
	assert_int_equal(dg->line, 2);
	assert_int_equal(dg->column, 1);
	dyd_diags_clear(&diags);
	yaml_bad("---\na: 1\n...\n---\nb: 2\n", &record_limits, &diags);
	expect_diag(&diags, "more than one YAML document");
	dyd_diags_clear(&diags);
	/* One explicit document is fine. */
	doc_free(yaml_ok("---\na: 1\n...\n", &record_limits));
	/* Nothing at all is no record. */
	yaml_bad("# only a comment\n", &record_limits, &diags);
	expect_diag(&diags, "empty document");
	dyd_diags_clear(&diags);
	yaml_bad("", &record_limits, &diags);
	expect_diag(&diags, "empty document");
	dyd_diags_release(&diags);
}

static void test_yaml_refusals(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *dg;

	(void)state;
	yaml_bad("a: !!binary aGVsbG8=\n", &record_limits, &diags);
	expect_diag(&diags, "YAML tag");
	dyd_diags_clear(&diags);
	yaml_bad("a: !custom {k: 1}\n", &record_limits, &diags);
	expect_diag(&diags, "YAML tag");
	dyd_diags_clear(&diags);
	yaml_bad("a: \"x\\0y\"\n", &record_limits, &diags);
	expect_diag(&diags, "NUL");
	dyd_diags_clear(&diags);
	yaml_bad("? [k]\n: 1\n", &record_limits, &diags);
	expect_diag(&diags, "mapping keys must be strings");
	dyd_diags_clear(&diags);
	/* Invalid UTF-8 is refused with its position. */
	yaml_bad("a: 1\nb: \xff\n", &record_limits, &diags);
	dg = expect_diag(&diags, "invalid UTF-8");
	assert_int_equal(dg->line, 2);
	assert_int_equal(dg->column, 4);
	dyd_diags_clear(&diags);
	yaml_bad("a: \xed\xa0\x80\n", &record_limits, &diags);
	expect_diag(&diags, "invalid UTF-8");
	dyd_diags_clear(&diags);
	{
		static const char raw[] = "a: 1\nb: x\0y\n";
		doc *d = &sentinel;
		assert_int_equal(doc_parse_yaml(&d, raw, sizeof(raw) - 1, "t",
						&record_limits, &diags),
				 DYD_EINVALID);
		assert_null(d);
		dg = expect_diag(&diags, "NUL");
		assert_int_equal(dg->line, 2);
		assert_int_equal(dg->column, 5);
	}
	dyd_diags_clear(&diags);
	yaml_bad("a: [1, 2\n", &record_limits, &diags);
	dg = expect_diag(&diags, "invalid YAML");
	assert_true(dg->line > 0);
	assert_true(dg->column > 0);
	dyd_diags_release(&diags);
}

/* Input that stops in the middle of a value is reported as truncated, at
 * the end of the input. */
static void test_json_truncated(void **state)
{
	static const struct {
		const char *text;
		unsigned line, column; /* where the input ends */
	} cases[] = {
	    {"", 1, 1},
	    {"{\"a\": 1,\n", 2, 1},
	    {"{\"a\": [1, 2", 1, 12},
	    {"{\n  \"account_id\": \"alice\",\n  \"phone\": \"+62", 3, 16},
	    {"{", 1, 2},
	    {"[1", 1, 3},
	    {"{\"a\":", 1, 6},
	    {"{\"a\"", 1, 5},
	    {"\"abc", 1, 5},
	    {"[\"x\\\"]", 1, 7},
	    {NULL, 0, 0},
	};
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *dg;
	unsigned failures = 0;
	size_t i;

	(void)state;
	for (i = 0; cases[i].text; i++) {
		dyd_diags_clear(&diags);
		json_bad(cases[i].text, &record_limits, &diags);
		dg = find_diag(&diags, "unexpected end of input");
		if (!dg) {
			print_message("'%s': got '%u:%u: %s'\n", cases[i].text,
				      diags.items[0].line,
				      diags.items[0].column,
				      diags.items[0].message);
			failures++;
		} else if (dg->line != cases[i].line ||
			   dg->column != cases[i].column) {
			print_message("'%s': at %u:%u, not %u:%u\n",
				      cases[i].text, dg->line, dg->column,
				      cases[i].line, cases[i].column);
			failures++;
		}
	}
	dyd_diags_release(&diags);
	if (failures)
		fail_msg("%u of the truncated inputs were misreported",
			 failures);
}

static void test_json_syntax_errors(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *dg;

	(void)state;
	json_bad("{\"a\": x}", &record_limits, &diags);
	dg = expect_diag(&diags, "unexpected 'x'");
	assert_int_equal(dg->line, 1);
	assert_int_equal(dg->column, 7);
	dyd_diags_clear(&diags);

	json_bad("{\n  \"a\": 1,\n  \"b\" 2\n}", &record_limits, &diags);
	dg = expect_diag(&diags, "invalid JSON");
	assert_int_equal(dg->line, 3);
	dyd_diags_clear(&diags);

	json_bad("{}\n{}", &record_limits, &diags);
	dg = expect_diag(&diags, "text after the end of the document");
	assert_int_equal(dg->line, 2);
	assert_int_equal(dg->column, 1);
	dyd_diags_release(&diags);
}

static void test_array_length_limit(void **state)
{
	const doc_limits small = {8, 3, 100, 0};
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *dg;

	(void)state;
	doc_free(json_ok("{\"x\": [1, 2, 3]}", &small));
	json_bad("{\"x\": [1, 2, 3, 4]}", &small, &diags);
	dg = expect_diag(&diags, "array of 4 items is longer than the limit "
				 "of 3");
	assert_string_equal(dg->pointer, "/x");
	dyd_diags_clear(&diags);
	json_bad("{\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4}", &small, &diags);
	expect_diag(&diags, "object of 4 items");
	dyd_diags_clear(&diags);

	doc_free(yaml_ok("x: [1, 2, 3]\n", &small));
	yaml_bad("x: [1, 2, 3, 4]\n", &small, &diags);
	dg = expect_diag(&diags, "longer than the limit of 3 items");
	assert_int_equal(dg->line, 1);
	assert_int_equal(dg->column, 14);
	dyd_diags_clear(&diags);
	yaml_bad("a: 1\nb: 2\nc: 3\nd: 4\n", &small, &diags);
	dg = expect_diag(&diags, "more keys than the limit");
	assert_int_equal(dg->line, 4);
	dyd_diags_release(&diags);
}

static void test_string_length_limit(void **state)
{
	const doc_limits small = {8, 100, 5, 0};
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *dg;

	(void)state;
	doc_free(json_ok("[\"12345\"]", &small));
	json_bad("[\"12345\", \"123456\"]", &small, &diags);
	dg = expect_diag(&diags, "string of 6 bytes is longer than the limit "
				 "of 5");
	assert_string_equal(dg->pointer, "/1");
	dyd_diags_clear(&diags);
	/* Bytes, not characters. */
	json_bad("[\"\xc3\xa9\xc3\xa9\xc3\xa9\"]", &small, &diags);
	expect_diag(&diags, "string of 6 bytes");
	dyd_diags_clear(&diags);
	json_bad("{\"123456\": 1}", &small, &diags);
	expect_diag(&diags, "key of 6 bytes is longer than the limit of 5");
	dyd_diags_clear(&diags);

	doc_free(yaml_ok("- 12345\n- 'abcde'\n", &small));
	yaml_bad("- 12345\n- abcdef\n", &small, &diags);
	dg = expect_diag(&diags, "string of 6 bytes is longer than the limit "
				 "of 5");
	assert_int_equal(dg->line, 2);
	assert_int_equal(dg->column, 3);
	dyd_diags_clear(&diags);
	yaml_bad("abcdef: 1\n", &small, &diags);
	expect_diag(&diags, "string of 6 bytes");
	dyd_diags_release(&diags);
}

/* How many values cJSON sees in text: what doc_json_scan() must count. */
static size_t cjson_values(const cJSON *j)
{
	const cJSON *c;
	size_t n = 1;

	for (c = j->child; c; c = c->next)
		n += cjson_values(c);
	return n;
}

/* The value limit counts every value and no key, in both syntaxes, and
 * says where it was passed. */
static void test_value_limit(void **state)
{
	static const char *const docs[] = {
	    "0",
	    "[]",
	    "[1, 2.5e-3, -4, true, false, null]",
	    "{\"a\": 1, \"b\": [true, null], \"c\": {}}",
	    "{\"k\": \"v\", \"kk\": {\"x\": \"[,{\\\"\", \"y\": []}}",
	    "[[], [[]], {\"a\": []}, \"]\", \",\"]",
	    "  {\"tight\":[1,2,{\"e\":1E5}],\"s\":\"a\\\\\"}  ",
	};
	const doc_limits four = {32, 100, 100, 4};
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *dg;
	doc_scan scan;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		cJSON *j = cJSON_Parse(docs[i]);
		assert_non_null(j);
		doc_json_scan(docs[i], strlen(docs[i]), &record_limits, &scan);
		assert_int_equal(scan.problem, DOC_SCAN_OK);
		assert_int_equal(scan.values, cjson_values(j));
		cJSON_Delete(j);
	}
	/* Four values pass, five do not; keys do not count. */
	doc_free(json_ok("{\"a\": [1], \"b\": 3}", &four));
	doc_free(yaml_ok("a: [1]\nb: 3\n", &four));
	json_bad("{\"a\": [1], \"b\": 3, \"c\": 4}", &four, &diags);
	dg = expect_diag(&diags, "more than 4 values");
	assert_int_equal(dg->line, 1);
	assert_int_equal(dg->column, 25);
	dyd_diags_clear(&diags);
	yaml_bad("a: [1]\nb: 3\nc: 4\n", &four, &diags);
	dg = expect_diag(&diags, "more than 4 values");
	assert_int_equal(dg->line, 3);
	assert_int_equal(dg->column, 4);
	dyd_diags_clear(&diags);
	/* Empty containers are values too: the class of "[[],[],...]". */
	json_bad("[[], [], [], []]", &four, &diags);
	expect_diag(&diags, "more than 4 values");
	dyd_diags_clear(&diags);
	yaml_bad("- []\n- []\n- {}\n- []\n", &four, &diags);
	expect_diag(&diags, "more than 4 values");
	dyd_diags_release(&diags);
}

/* A byte order mark starts a YAML document as it does a JSON one, and
 * positions are counted after it. */
static void test_yaml_bom(void **state)
{
	doc *d = yaml_ok("\xef\xbb\xbf"
			 "a: 1\nb: x\n",
			 &record_limits);

	(void)state;
	assert_int_equal(d->root->type, DOC_OBJECT);
	assert_int_equal(d->root->count, 2);
	assert_string_equal(d->root->members[0].key, "a");
	assert_int_equal(d->root->members[0].column, 1);
	assert_int_equal(doc_get(d->root, "b")->line, 2);
	doc_free(d);
}

/* The name decides first: a .yaml file in flow style is YAML. */
static void test_format_of(void **state)
{
	static const char flow[] = "{a: b}";

	(void)state;
	assert_int_equal(doc_format_of("p.yaml", flow, 6), DYD_FORMAT_YAML);
	assert_int_equal(doc_format_of("p.yml", flow, 6), DYD_FORMAT_YAML);
	assert_int_equal(doc_format_of("r.json", "a: b", 4), DYD_FORMAT_JSON);
	assert_int_equal(doc_format_of("r.jsonl", "a: b", 4), DYD_FORMAT_JSON);
	assert_int_equal(doc_format_of("-", " \n[1]", 5), DYD_FORMAT_JSON);
	assert_int_equal(doc_format_of("-", "a: [1]", 6), DYD_FORMAT_YAML);
	assert_int_equal(doc_format_of("x.json.bak", "a: 1", 4),
			 DYD_FORMAT_YAML);
}

static void test_utf8_check(void **state)
{
	static const struct {
		const char *s;
		size_t bad; /* offset of the first bad byte; SIZE_MAX: none */
	} cases[] = {
	    {"plain ascii", SIZE_MAX},
	    {"caf\xc3\xa9", SIZE_MAX},
	    {"\xe2\x82\xac", SIZE_MAX},	    /* U+20AC */
	    {"\xf0\x9f\x98\x80", SIZE_MAX}, /* U+1F600 */
	    {"\xed\x9f\xbf", SIZE_MAX},	    /* U+D7FF */
	    {"\xee\x80\x80", SIZE_MAX},	    /* U+E000 */
	    {"\xef\xbf\xbf", SIZE_MAX},	    /* U+FFFF */
	    {"\xf4\x8f\xbf\xbf", SIZE_MAX}, /* U+10FFFF */
	    {"\xc2\x80", SIZE_MAX},	    /* U+0080 */
	    {"\xe0\xa0\x80", SIZE_MAX},	    /* U+0800 */
	    {"\xf0\x90\x80\x80", SIZE_MAX}, /* U+10000 */
	    {"ab\xc0\xaf", 2},		    /* overlong '/' */
	    {"\xc1\xbf", 0},		    /* overlong */
	    {"x\xe0\x80\xaf", 1},	    /* overlong, 3 bytes */
	    {"\xe0\x9f\xbf", 0},	    /* overlong U+07FF */
	    {"\xf0\x80\x80\xaf", 0},	    /* overlong, 4 bytes */
	    {"\xf0\x8f\xbf\xbf", 0},	    /* overlong U+FFFF */
	    {"ok\xed\xa0\x80", 2},	    /* U+D800 */
	    {"\xed\xbf\xbf", 0},	    /* U+DFFF */
	    {"\xf4\x90\x80\x80", 0},	    /* U+110000 */
	    {"\xf5\x80\x80\x80", 0},	    /* past F4 */
	    {"\xf8\x88\x80\x80\x80", 0},    /* five bytes */
	    {"\x80", 0},		    /* lone continuation */
	    {"abc\xe2\x82", 3},		    /* truncated */
	    {"\xe2\x82x", 0},		    /* bad continuation */
	    {"\xc3\xa9\xff", 2},	    /* 0xff never */
	    {NULL, 0},
	};
	size_t i, len;

	(void)state;
	for (i = 0; cases[i].s; i++) {
		len = strlen(cases[i].s);
		if (cases[i].bad == SIZE_MAX)
			assert_int_equal(utf8_check(cases[i].s, len), len);
		else
			assert_int_equal(utf8_check(cases[i].s, len),
					 cases[i].bad);
	}
	/* NUL is valid UTF-8; the parsers refuse it themselves. */
	assert_int_equal(utf8_check("a\0b", 3), 3);
	/* A sequence cut by len is bad even if more bytes follow. */
	assert_int_equal(utf8_check("\xc3\xa9", 1), 0);
}

static void test_doc_to_cjson(void **state)
{
	doc *d = yaml_ok("a: [1, x, true, ~]\nb: {c: '2'}\n", &record_limits);
	struct cJSON *j = doc_to_cjson(d->root);
	const doc_limits lim = DOC_LIMITS_RECORD;
	dyd_diags diags = DYD_DIAGS_INIT;
	doc *back = NULL;
	char *text;

	(void)state;
	assert_non_null(j);
	/* Through JSON and back: the same types. */
	text = cJSON_PrintUnformatted(j);
	assert_non_null(text);
	assert_string_equal(text,
			    "{\"a\":[1,\"x\",true,null],\"b\":{\"c\":\"2\"}}");
	assert_int_equal(
	    doc_parse_json(&back, text, strlen(text), "t", &lim, &diags), 0);
	assert_int_equal(doc_get(back->root, "a")->items[2]->type, DOC_BOOL);
	cJSON_free(text);
	cJSON_Delete(j);
	doc_free(back);
	doc_free(d);
	dyd_diags_release(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json_types),
	    cmocka_unit_test(test_json_bom_and_whitespace),
	    cmocka_unit_test(test_yaml_plain_scalars),
	    cmocka_unit_test(test_yaml_positions),
	    cmocka_unit_test(test_json_has_no_positions),
	    cmocka_unit_test(test_json_duplicate_keys),
	    cmocka_unit_test(test_yaml_duplicate_keys),
	    cmocka_unit_test(test_json_invalid_utf8),
	    cmocka_unit_test(test_json_nul),
	    cmocka_unit_test(test_json_depth),
	    cmocka_unit_test(test_yaml_depth),
	    cmocka_unit_test(test_yaml_anchors_and_aliases),
	    cmocka_unit_test(test_yaml_documents),
	    cmocka_unit_test(test_yaml_refusals),
	    cmocka_unit_test(test_json_truncated),
	    cmocka_unit_test(test_json_syntax_errors),
	    cmocka_unit_test(test_array_length_limit),
	    cmocka_unit_test(test_string_length_limit),
	    cmocka_unit_test(test_value_limit),
	    cmocka_unit_test(test_yaml_bom),
	    cmocka_unit_test(test_format_of),
	    cmocka_unit_test(test_utf8_check),
	    cmocka_unit_test(test_doc_to_cjson),
	};

	return cmocka_run_group_tests_name("doc", tests, NULL, NULL);
}
