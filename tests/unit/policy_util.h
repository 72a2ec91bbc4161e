/* SPDX-License-Identifier: MIT */
/* The policies the policy tests share: a small one that passes every
 * check (base_policy), edits of it, and the expectation of a load that
 * fails with a given diagnostic. */
#ifndef DYD_TEST_POLICY_UTIL_H
#define DYD_TEST_POLICY_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

#define NS INT64_C(1000000000)

/* Stands in *out before a call that must reset it to NULL. */
static dyd_policy sentinel;

static inline dyd_policy *load_default(void)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *p = NULL;

	assert_int_equal(dyd_policy_load_default(&p, &diags), 0);
	assert_non_null(p);
	assert_int_equal(diags.errors, 0);
	assert_int_equal(diags.count, 0);
	dyd_diags_release(&diags);
	return p;
}

/* A small policy that passes every check; the lint tests change one
 * thing in it. */
static const char base_policy[] =
    "format: dyd.policy/v1\n"					     /* 1 */
    "id: test\n"						     /* 2 */
    "service: S\n"						     /* 3 */
    "parent_company: P\n"					     /* 4 */
    "purposes:\n"						     /* 5 */
    "  - id: infra\n"						     /* 6 */
    "    label: Infra\n"					     /* 7 */
    "    description: Infrastructure\n"				     /* 8 */
    "  - id: ads\n"						     /* 9 */
    "    label: {en: Ads, id: Iklan}\n"				     /* 10 */
    "    description: Ads\n"					     /* 11 */
    "terms:\n"							     /* 12 */
    "  - id: t1\n"						     /* 13 */
    "    title: First\n"					     /* 14 */
    "    effective: 2016-08-25\n"				     /* 15 */
    "    optout:\n"						     /* 16 */
    "      window_days: 30\n"					     /* 17 */
    "      offered_to: existing_users\n"			     /* 18 */
    "      covers: [ads]\n"					     /* 19 */
    "  - id: t2\n"						     /* 20 */
    "    title: Second\n"					     /* 21 */
    "    effective: 2021-01-04\n"				     /* 22 */
    "    acceptance_deadline: 2021-05-15\n"			     /* 23 */
    "    when_overdue: limited_functionality\n"			     /* 24 */
    "regions:\n"						     /* 25 */
    "  eu:\n"							     /* 26 */
    "    countries: [DE, FR]\n"					     /* 27 */
    "    excludes: [ads]\n"					     /* 28 */
    "categories:\n"						     /* 29 */
    "  - id: phone\n"						     /* 30 */
    "    label: Phone\n"					     /* 31 */
    "    description: D\n"					     /* 32 */
    "    fields: [phone]\n"					     /* 33 */
    "    shares:\n"						     /* 34 */
    "      - since: t1\n"					     /* 35 */
    "        purposes: [infra, ads]\n"				     /* 36 */
    "  - id: biz\n"						     /* 37 */
    "    label: Biz\n"						     /* 38 */
    "    description: D\n"					     /* 39 */
    "    fields: [business_chats]\n"				     /* 40 */
    "    shares:\n"						     /* 41 */
    "      - since: t2\n"					     /* 42 */
    "        purposes: [infra]\n"				     /* 43 */
    "        when: {has: business_chats}\n"			     /* 44 */
    "    items: {field: business_chats, where: {hosting: parent}}\n" /* 45 */
    "  - id: content\n"						     /* 46 */
    "    label: Content\n"					     /* 47 */
    "    description: D\n"					     /* 48 */
    "    fields: []\n"						     /* 49 */
    "    never: not shared\n"					     /* 50 */
    "sources:\n"						     /* 51 */
    "  - id: doc\n"						     /* 52 */
    "    title: A document\n"					     /* 53 */
    "    publisher: P\n"					     /* 54 */
    "    date: \"2016\"\n"					     /* 55 */
    "    url: https://example.invalid/doc\n" /* 56 */;

/* A policy of text with find replaced (the first occurrence). */
static inline char *edit(const char *text, const char *find,
			 const char *replace)
{
	const char *at = strstr(text, find);
	size_t before, flen = strlen(find), rlen = strlen(replace);
	char *out;

	if (!at)
		fail_msg("'%s' is not in the policy", find);
	before = (size_t)(at - text);
	out = malloc(strlen(text) + rlen + 1);
	assert_non_null(out);
	memcpy(out, text, before);
	memcpy(out + before, replace, rlen);
	strcpy(out + before + rlen, at + flen);
	return out;
}

/* base_policy with the first occurrence of find replaced. */
static inline char *policy_with(const char *find, const char *replace)
{
	return edit(base_policy, find, replace);
}

/* Loads text, expects DYD_EINVALID and a diagnostic containing phrase on
 * line (any non-zero line when line is 0); returns that diagnostic's
 * pointer for further checks (valid until diags is released). */
static inline const dyd_diag *lint_fails(const char *text, const char *phrase,
					 unsigned line, dyd_diags *diags)
{
	dyd_policy *p = &sentinel;
	size_t i;
	int rc;

	dyd_diags_clear(diags);
	rc = dyd_policy_load(&p, text, strlen(text), "p.yaml", diags);
	assert_int_equal(rc, DYD_EINVALID);
	assert_null(p);
	for (i = 0; i < diags->count; i++) {
		const dyd_diag *d = &diags->items[i];
		if (!strstr(d->message, phrase))
			continue;
		assert_int_equal(d->severity, DYD_ERROR);
		assert_string_equal(d->file, "p.yaml");
		assert_true(d->line > 0);
		assert_true(d->column > 0);
		if (line)
			assert_int_equal(d->line, line);
		return d;
	}
	for (i = 0; i < diags->count; i++)
		print_message("  diag %u: %s\n", diags->items[i].line,
			      diags->items[i].message);
	fail_msg("no diagnostic contains '%s'", phrase);
	return NULL;
}

static inline void check_lint(const char *find, const char *replace,
			      const char *phrase, unsigned line,
			      const char *pointer)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	char *text = policy_with(find, replace);
	const dyd_diag *d = lint_fails(text, phrase, line, &diags);

	if (pointer) {
		assert_non_null(d->pointer);
		assert_string_equal(d->pointer, pointer);
	}
	free(text);
	dyd_diags_release(&diags);
}

#endif
