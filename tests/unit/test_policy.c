/* SPDX-License-Identifier: MIT */
/* Policies: the embedded default, its digest, and every lint check that
 * `dyd policy check` and loading share. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy_util.h"
#include "strbuf.h"

static void test_default_policy_shape(void **state)
{
	dyd_policy *p = load_default();
	const policy_terms *t;
	const policy_region *r;
	size_t i;
	bool de = false, gb = false, ch = false, no = false, us = false;
	bool mc = false, re = false, gg = false, bl = false, gi = false;

	(void)state;
	assert_string_equal(dyd_policy_id(p), "whatsapp-facebook-2021");
	assert_string_equal(dyd_policy_name(p), "<default policy>");
	assert_string_equal(p->service, "WhatsApp");
	assert_string_equal(p->parent_company, "Facebook");

	assert_int_equal(p->purpose_count, 6);
	assert_string_equal(p->purposes[0].id, "infrastructure");
	assert_string_equal(p->purposes[1].id, "analytics");
	assert_string_equal(p->purposes[2].id, "safety");
	assert_string_equal(p->purposes[3].id, "ads_and_products");
	assert_string_equal(p->purposes[4].id, "business_hosting");
	assert_string_equal(p->purposes[5].id, "payments");
	assert_int_equal(policy_purpose_find(p, "payments"), 5);
	assert_int_equal(policy_purpose_find(p, "marketing"), NO_INDEX);

	assert_int_equal(p->terms_count, 2);
	t = &p->terms[0];
	assert_string_equal(t->id, "2016-08-25");
	assert_int_equal(t->effective, INT64_C(1472083200) * NS);
	assert_false(t->has_deadline);
	assert_non_null(t->optout);
	assert_int_equal(t->optout->window_days, 30);
	assert_int_equal(t->optout->cover_count, 1);
	assert_int_equal(t->optout->covers[0],
			 policy_purpose_find(p, "ads_and_products"));
	assert_int_equal(t->optout->offered_to, OFFERED_EXISTING_USERS);
	assert_true(t->optout->final);
	assert_true(t->optout->final_given);
	assert_int_equal(p->optout_terms, 0);
	t = &p->terms[1];
	assert_string_equal(t->id, "2021-01-04");
	assert_int_equal(t->effective, INT64_C(1609718400) * NS);
	assert_true(t->has_deadline);
	assert_int_equal(t->deadline, INT64_C(1621036800) * NS);
	/* Limits announced for after 15 May, withdrawn at the end of May. */
	assert_null(t->when_overdue);
	assert_int_equal(t->effect_count, 2);
	assert_int_equal(t->effects[0].from, INT64_C(1621036800) * NS);
	assert_string_equal(t->effects[0].effect, "limited_functionality");
	assert_int_equal(t->effects[1].from, INT64_C(1622160000) * NS);
	assert_string_equal(t->effects[1].effect, "reminders_only");
	assert_non_null(
	    strstr(text_get(&t->effects[1].label, "en"), "nothing is limited"));
	assert_non_null(strstr(text_get(&t->effects[1].label, "id"),
			       "tidak ada yang dibatasi"));
	assert_string_equal(t->effects[1].cite.pointer,
			    "/terms/1/when_overdue/1");
	assert_null(t->optout);
	assert_int_equal(policy_terms_find(p, "2021-01-04", 10), 1);
	assert_int_equal(policy_terms_find(p, "2021-01-04x", 10), 1);
	assert_int_equal(policy_terms_find(p, "2021-01-0", 9), NO_INDEX);

	assert_int_equal(p->region_count, 1);
	r = &p->regions[0];
	assert_string_equal(r->id, "european");
	/* WhatsApp's list: EU-27, IS, LI, NO, GB, CH, AD, MC, SM, VA, GG,
	 * JE, IM, GF, GP, MQ, YT, RE, BL, MF. */
	assert_int_equal(r->country_count, 46);
	for (i = 0; i < r->country_count; i++) {
		de |= strcmp(r->countries[i], "DE") == 0;
		gb |= strcmp(r->countries[i], "GB") == 0;
		ch |= strcmp(r->countries[i], "CH") == 0;
		no |= strcmp(r->countries[i], "NO") == 0;
		us |= strcmp(r->countries[i], "US") == 0;
		mc |= strcmp(r->countries[i], "MC") == 0;
		re |= strcmp(r->countries[i], "RE") == 0;
		gg |= strcmp(r->countries[i], "GG") == 0;
		bl |= strcmp(r->countries[i], "BL") == 0;
		gi |= strcmp(r->countries[i], "GI") == 0;
	}
	assert_true(de && gb && ch && no && mc && re && gg && bl);
	assert_false(us || gi);
	/* It withholds the parent's own ads and products only. */
	assert_int_equal(r->exclude_count, 1);
	assert_int_equal(r->excludes[0],
			 policy_purpose_find(p, "ads_and_products"));
	assert_string_equal(text_get(&r->label, "id"), "Kawasan Eropa");

	assert_int_equal(p->category_count, 15);
	dyd_policy_free(p);
}

static void test_default_policy_categories(void **state)
{
	static const char *const ids[] = {
	    "phone_number",    "registration_info", "device_info",
	    "privacy_choices", "ip_address",	    "service_usage",
	    "interactions",    "business_messages", "transaction_data",
	    "message_content", "call_logs",	    "location",
	    "contacts",	       "profile",	    "groups"};
	dyd_policy *p = load_default();
	const policy_category *c;
	size_t i;

	(void)state;
	assert_int_equal(p->category_count, sizeof(ids) / sizeof(ids[0]));
	for (i = 0; i < p->category_count; i++) {
		c = &p->categories[i];
		assert_string_equal(c->id, ids[i]);
		/* Four never: message content, call logs, shared location,
		 * contact lists, as the 2021 policy states. */
		assert_int_equal(c->never, i >= 9 && i <= 12);
		if (!c->never)
			assert_int_equal(c->rule_count, 1);
		assert_true(c->line > 0);
	}
	c = &p->categories[0];
	assert_int_equal(c->rules[0].since, 0);
	assert_int_equal(c->rules[0].purpose_count, 4);
	assert_string_equal(c->rules[0].pointer, "/categories/0/shares/0");
	assert_null(c->rules[0].when);

	c = &p->categories[6]; /* interactions: no condition */
	assert_int_equal(c->rules[0].purpose_count, 4);
	assert_null(c->rules[0].when);
	c = &p->categories[3]; /* privacy_choices: the blocked list too */
	assert_int_equal(c->field_count, 3);
	assert_string_equal(c->fields[2], "blocked");
	c = &p->categories[12]; /* contacts: the address book only */
	assert_int_equal(c->field_count, 1);
	assert_string_equal(c->fields[0], "contacts");
	c = &p->categories[14]; /* groups: not for ads */
	assert_int_equal(c->rules[0].since, 1);
	assert_int_equal(c->rules[0].purpose_count, 3);
	for (i = 0; i < 3; i++)
		assert_int_not_equal(
		    c->rules[0].purposes[i],
		    policy_purpose_find(p, "ads_and_products"));

	c = &p->categories[7]; /* business_messages */
	assert_int_equal(c->rules[0].since, 1);
	assert_int_equal(c->rules[0].purpose_count, 1);
	assert_int_equal(c->rules[0].purposes[0],
			 policy_purpose_find(p, "business_hosting"));
	assert_non_null(c->rules[0].when);
	assert_int_equal(c->rules[0].when->kind, COND_HAS);
	assert_string_equal(c->rules[0].when->field, "business_chats");
	assert_int_equal(c->rules[0].when->where.count, 1);
	assert_string_equal(c->rules[0].when->where.keys[0], "hosting");
	assert_string_equal(c->rules[0].when->where.values[0], "parent");
	assert_true(c->has_items);
	assert_string_equal(c->items_field, "business_chats");
	assert_int_equal(c->items_where.count, 1);
	assert_string_equal(c->items_where.values[0], "parent");

	c = &p->categories[9]; /* message_content */
	assert_true(c->never);
	assert_string_equal(c->never_pointer, "/categories/9/never");
	assert_non_null(
	    strstr(text_get(&c->never_reason, "en"), "end-to-end encrypted"));
	assert_non_null(
	    strstr(text_get(&c->never_reason, "id"), "terenkripsi"));
	/* A language with no text falls back to English. */
	assert_string_equal(text_get(&c->never_reason, "fr"),
			    text_get(&c->never_reason, "en"));
	assert_string_equal(text_get(&c->never_reason, NULL),
			    text_get(&c->never_reason, "en"));
	dyd_policy_free(p);
}

static void test_default_policy_digest(void **state)
{
	dyd_policy *p = load_default(), *again = load_default();
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int md_len = 0, i;
	char hex[2 * EVP_MAX_MD_SIZE + 1];
	const char *src, *loaded, *sha;
	size_t len, loaded_len;

	(void)state;
	src = dyd_default_policy_source(&len);
	assert_non_null(src);
	assert_true(len > 1000);
	assert_non_null(strstr(src, "format: dyd.policy/v1"));
	assert_int_equal(EVP_Digest(src, len, md, &md_len, EVP_sha256(), NULL),
			 1);
	assert_int_equal(md_len, 32);
	for (i = 0; i < md_len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);

	sha = dyd_policy_sha256(p);
	assert_int_equal(strlen(sha), 64);
	for (i = 0; i < 64; i++)
		assert_non_null(strchr("0123456789abcdef", sha[i]));
	assert_string_equal(sha, hex);
	assert_string_equal(dyd_policy_sha256(again), sha);

	/* The policy keeps the bytes it was loaded from. */
	loaded = dyd_policy_source(p, &loaded_len);
	assert_int_equal(loaded_len, len);
	assert_memory_equal(loaded, src, len);
	dyd_policy_free(p);
	dyd_policy_free(again);
}

static void test_default_policy_to_json(void **state)
{
	dyd_policy *p = load_default();
	char *json = dyd_policy_to_json(p);

	(void)state;
	assert_non_null(json);
	assert_non_null(strstr(json, "\"id\": \"whatsapp-facebook-2021\""));
	assert_non_null(strstr(json, dyd_policy_sha256(p)));
	assert_non_null(strstr(json, "\"window_days\": 30"));
	/* Quoted YAML ids stay strings. */
	assert_non_null(strstr(json, "\"since\": \"2016-08-25\""));
	free(json);
	dyd_policy_free(p);
}

static void test_base_policy_loads(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *p = NULL;

	(void)state;
	assert_int_equal(dyd_policy_load(&p, base_policy,
					 sizeof(base_policy) - 1, "p.yaml",
					 &diags),
			 0);
	assert_int_equal(diags.count, 0);
	assert_non_null(p);
	assert_int_equal(p->purpose_count, 2);
	assert_int_equal(p->terms_count, 2);
	assert_int_equal(p->terms[0].line, 13);
	assert_int_equal(p->category_count, 3);
	assert_int_equal(p->categories[1].rules[0].line, 42);
	assert_string_equal(text_get(&p->purposes[1].label, "id"), "Iklan");
	assert_string_equal(text_get(&p->purposes[0].label, "id"), "Infra");
	assert_string_equal(dyd_policy_name(p), "p.yaml");
	dyd_policy_free(p);
	dyd_diags_release(&diags);
}

static void test_lint_unknown_terms(void **state)
{
	(void)state;
	check_lint("- since: t1", "- since: t9", "unknown terms id 't9'", 35,
		   "/categories/0/shares/0/since");
	check_lint("- since: t2", "- since: \"2016-08-25\"",
		   "unknown terms id '2016-08-25'", 42,
		   "/categories/1/shares/0/since");
}

static void test_lint_unknown_purpose(void **state)
{
	(void)state;
	check_lint("purposes: [infra, ads]", "purposes: [infra, adz]",
		   "unknown purpose 'adz'", 36,
		   "/categories/0/shares/0/purposes/1");
	check_lint("covers: [ads]", "covers: [nope]", "unknown purpose 'nope'",
		   19, "/terms/0/optout/covers/0");
	check_lint("excludes: [ads]", "excludes: [ads, tracking]",
		   "unknown purpose 'tracking'", 28, "/regions/eu/excludes/1");
	check_lint("purposes: [infra, ads]", "purposes: [infra, infra]",
		   "listed twice", 36, "/categories/0/shares/0/purposes/1");
}

static void test_lint_unknown_region(void **state)
{
	(void)state;
	check_lint("when: {has: business_chats}", "when: {region: asia}",
		   "unknown region 'asia'", 44,
		   "/categories/1/shares/0/when/region");
	/* Nested conditions are checked too. */
	check_lint("when: {has: business_chats}",
		   "when: {all: [{has: business_chats}, {not: {region: x}}]}",
		   "unknown region 'x'", 44, NULL);
	check_lint("countries: [DE, FR]", "countries: [DE, XX]",
		   "'XX' is not an ISO 3166-1", 27, "/regions/eu/countries/1");
}

static void test_lint_unknown_field(void **state)
{
	(void)state;
	check_lint("when: {has: business_chats}", "when: {has: chats}",
		   "unknown record field 'chats'", 44,
		   "/categories/1/shares/0/when/has");
	check_lint("when: {has: business_chats}", "when: {has: phone}",
		   "is not a list field", 44, NULL);
	check_lint("when: {has: business_chats}",
		   "when: {has: {field: business_chats, where: {colour: "
		   "red}}}",
		   "unknown record field 'business_chats.colour'", 44, NULL);
	check_lint("when: {has: business_chats}",
		   "when: {has: {field: business_chats, where: {hosting: "
		   "cloud}}}",
		   "'cloud' is never a value of 'business_chats.hosting'", 44,
		   NULL);
	check_lint("when: {has: business_chats}",
		   "when: {has: {field: business_chats, colour: red}}",
		   "unknown field 'colour'", 44, NULL);
	check_lint("fields: [phone]", "fields: [phone, devices.colour]",
		   "unknown record field 'devices.colour'", 33,
		   "/categories/0/fields/1");
	check_lint("when: {has: business_chats}", "when: {maybe: yes}",
		   "unknown condition 'maybe'", 44, NULL);
}

static void test_lint_duplicate_ids(void **state)
{
	(void)state;
	check_lint("  - id: ads\n", "  - id: infra\n",
		   "duplicate purpose id 'infra'", 9, "/purposes/1");
	check_lint("  - id: biz\n", "  - id: phone\n",
		   "duplicate category id 'phone'", 37, "/categories/1");
	check_lint("  - id: t2\n", "  - id: t1\n", "duplicate terms id 't1'",
		   20, "/terms/1");
}

static void test_lint_purpose_repeated_across_rules(void **state)
{
	(void)state;
	check_lint("      - since: t1\n        purposes: [infra, ads]\n",
		   "      - since: t1\n        purposes: [infra]\n"
		   "      - since: t2\n        purposes: [ads, infra]\n",
		   "purpose 'infra' is already in rule 0 of category 'phone'",
		   38, "/categories/0/shares/1/purposes/1");
}

static void test_lint_bad_dates(void **state)
{
	(void)state;
	check_lint("effective: 2016-08-25", "effective: 2016-02-30",
		   "'2016-02-30' is not a date", 15, "/terms/0/effective");
	/* A timestamp is not a date. */
	check_lint("effective: 2016-08-25", "effective: 2016-08-25T00:00:00Z",
		   "is not a date", 15, "/terms/0/effective");
	check_lint("acceptance_deadline: 2021-05-15",
		   "acceptance_deadline: 15 May 2021", "is not a date", 23,
		   "/terms/1/acceptance_deadline");
	check_lint("acceptance_deadline: 2021-05-15",
		   "acceptance_deadline: 2020-05-15",
		   "deadline is before the terms take effect", 23, NULL);
}

static void test_lint_two_optout_blocks(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	char *text = policy_with("    when_overdue: limited_functionality\n",
				 "    when_overdue: limited_functionality\n"
				 "    optout:\n"
				 "      window_days: 10\n"
				 "      offered_to: existing_users\n"
				 "      covers: [ads]\n");
	const dyd_diag *d;

	(void)state;
	d = lint_fails(text, "a second optout block", 26, &diags);
	/* It names where the first one is. */
	assert_non_null(strstr(d->message, "line 17"));
	assert_string_equal(d->pointer, "/terms/1/optout");
	free(text);
	dyd_diags_release(&diags);
}

static void test_lint_other_checks(void **state)
{
	(void)state;
	check_lint("id: test\n", "id: test\ncolour: blue\n",
		   "unknown field 'colour'", 3, "");
	check_lint("format: dyd.policy/v1", "format: dyd.policy/v2",
		   "unsupported format", 1, "/format");
	check_lint("window_days: 30", "window_days: 0", "whole number of days",
		   17, "/terms/0/optout/window_days");
	check_lint("window_days: 30", "window_days: 1.5",
		   "whole number of days", 17, NULL);
	check_lint("offered_to: existing_users", "offered_to: everyone",
		   "unknown audience 'everyone'", 18, NULL);
	check_lint("    never: not shared\n",
		   "    never: not shared\n    shares: []\n",
		   "either shares or never", 46, "/categories/2");
	check_lint("  - id: infra\n", "  - id: Infra\n", "is not an identifier",
		   6, NULL);
	check_lint("    label: Phone\n", "    label: {english: Phone}\n",
		   "not a language code", 31, NULL);
	check_lint(
	    "when_overdue: limited_functionality", "when_overdue: [limited]",
	    "expected an object, not a string", 24, "/terms/1/when_overdue/0");
	check_lint("offered_to: existing_users", "offered_to: [all]",
		   "'existing_users' and 'all_users'", 18, NULL);
	/* A duplicate YAML key is caught before the lint. */
	check_lint("service: S\n", "service: S\nservice: T\n",
		   "duplicate key 'service'", 4, NULL);
}

static void test_lint_reports_every_problem(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	char *one = policy_with("- since: t1", "- since: t9");
	char *two = NULL;
	const char *end = "covers: [ads]";
	char *at;

	(void)state;
	/* Two independent problems: both reported in one pass. */
	at = strstr(one, end);
	assert_non_null(at);
	two = malloc(strlen(one) + 8);
	assert_non_null(two);
	memcpy(two, one, (size_t)(at - one));
	strcpy(two + (at - one), "covers: [adz]");
	strcat(two, at + strlen(end));
	lint_fails(two, "unknown terms id 't9'", 35, &diags);
	lint_fails(two, "unknown purpose 'adz'", 19, &diags);
	assert_true(diags.errors >= 2);
	free(one);
	free(two);
	dyd_diags_release(&diags);
}

static void test_json_policy(void **state)
{
	static const char json[] =
	    "{\"format\": \"dyd.policy/v1\", \"id\": \"j\", \"service\": \"S\","
	    " \"parent_company\": \"P\","
	    " \"purposes\": [{\"id\": \"a\", \"label\": \"A\","
	    " \"description\": \"D\"}],"
	    " \"terms\": [{\"id\": \"t\", \"title\": \"T\","
	    " \"effective\": \"2020-01-01\"}],"
	    " \"categories\": [{\"id\": \"c\", \"label\": \"C\","
	    " \"description\": \"D\", \"fields\": [\"phone\"],"
	    " \"shares\": [{\"since\": \"t\", \"purposes\": [\"a\"]}]}]}";
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *p = NULL;
	char *bad;
	const char *at;

	(void)state;
	assert_int_equal(
	    dyd_policy_load(&p, json, sizeof(json) - 1, "p.json", &diags), 0);
	assert_string_equal(dyd_policy_id(p), "j");
	assert_int_equal(p->optout_terms, NO_INDEX);
	assert_int_equal(p->region_count, 0);
	dyd_policy_free(p);

	/* JSON has no lines; the pointer still says where. */
	at = strstr(json, "[\"a\"]");
	bad = strdup(json);
	assert_non_null(bad);
	bad[at - json + 2] = 'b';
	assert_int_equal(
	    dyd_policy_load(&p, bad, strlen(bad), "p.json", &diags),
	    DYD_EINVALID);
	assert_null(p);
	assert_true(diags.count >= 1);
	assert_non_null(strstr(diags.items[0].message, "unknown purpose 'b'"));
	assert_string_equal(diags.items[0].pointer,
			    "/categories/0/shares/0/purposes/0");
	free(bad);
	dyd_diags_release(&diags);
}

/* A valid policy of so many purposes, categories (each sharing for one
 * purpose, the first `conditions` of them with a condition of so many
 * parts, the first `lists` listing items), terms versions and sources. */
static char *sized_policy(size_t purposes, size_t categories, size_t terms,
			  size_t sources, size_t conditions, size_t lists)
{
	strbuf sb = STRBUF_INIT;
	size_t i, k;

	strbuf_puts(&sb, "format: dyd.policy/v1\nid: sized\nservice: S\n"
			 "parent_company: P\npurposes:\n");
	for (i = 0; i < purposes; i++)
		strbuf_printf(&sb, "  - {id: p%zu, label: L, description: D}\n",
			      i);
	strbuf_puts(&sb, "terms:\n");
	for (i = 0; i < terms; i++)
		strbuf_printf(&sb,
			      "  - {id: t%zu, title: T, effective: "
			      "2016-01-01}\n",
			      i);
	strbuf_puts(&sb, "categories:\n");
	for (i = 0; i < categories; i++) {
		strbuf_printf(&sb,
			      "  - {id: c%zu, label: L, description: D, "
			      "fields: [groups], shares: [{since: t0, "
			      "purposes: [p%zu]",
			      i, i % purposes);
		if (i == 0 && conditions) {
			strbuf_puts(&sb, ", when: {any: [");
			for (k = 1; k < conditions; k++)
				strbuf_puts(&sb, k > 1 ? ", {has: groups}"
						       : "{has: groups}");
			strbuf_puts(&sb, "]}");
		}
		strbuf_puts(&sb, "}]");
		if (i < lists)
			strbuf_puts(&sb, ", items: {field: groups}");
		strbuf_puts(&sb, "}\n");
	}
	strbuf_puts(&sb, "sources:\n");
	for (i = 0; i < sources; i++)
		strbuf_printf(&sb,
			      "  - {id: s%zu, title: T, publisher: P, date: "
			      "'2016', url: 'https://example.invalid/'}\n",
			      i);
	assert_false(sb.failed);
	return strbuf_detach(&sb);
}

/* What a policy may hold of each part: at the limit it loads, one more
 * is an error that names the part and the limit. */
static void test_policy_limits(void **state)
{
	static const struct {
		size_t n[6]; /* purposes, categories, terms, sources,
				conditions, lists */
		const char *phrase, *pointer;
	} over[] = {
	    {{65, 1, 1, 0, 0, 0},
	     "65 purposes are more than the limit of 64",
	     "/purposes"},
	    {{1, 257, 1, 0, 0, 0},
	     "257 categories are more than the limit of 256",
	     "/categories"},
	    {{1, 1, 33, 0, 0, 0},
	     "33 terms versions are more than the limit of 32",
	     "/terms"},
	    {{1, 1, 1, 1001, 0, 0},
	     "1001 sources are more than the limit of 1000",
	     "/sources"},
	    {{1, 1, 1, 0, 257, 0},
	     "more than 256 conditions in the policy",
	     "/categories/0/shares/0/when/any/255"},
	    {{1, 3, 1, 0, 0, 3},
	     "more than 2 categories list items",
	     "/categories/2/items"},
	};
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *d;
	dyd_policy *p = NULL;
	char *text;
	size_t i;

	(void)state;
	text = sized_policy(64, 256, 32, 1000, 256, 2);
	assert_int_equal(
	    dyd_policy_load(&p, text, strlen(text), "p.yaml", &diags), 0);
	assert_int_equal(p->purpose_count, 64);
	assert_int_equal(p->category_count, 256);
	dyd_policy_free(p);
	free(text);
	for (i = 0; i < sizeof(over) / sizeof(over[0]); i++) {
		text = sized_policy(over[i].n[0], over[i].n[1], over[i].n[2],
				    over[i].n[3], over[i].n[4], over[i].n[5]);
		d = lint_fails(text, over[i].phrase, 0, &diags);
		assert_string_equal(d->pointer, over[i].pointer);
		free(text);
	}
	dyd_diags_release(&diags);
}

/* A .yaml policy is YAML even in flow style, which looks like JSON. */
static void test_flow_style_yaml(void **state)
{
	static const char flow[] =
	    "{format: dyd.policy/v1, id: f, service: S, parent_company: P, "
	    "purposes: [{id: a, label: A, description: D}], terms: [{id: t, "
	    "title: T, effective: 2020-01-01}], categories: [{id: c, label: "
	    "C, description: D, fields: [phone], shares: [{since: t, "
	    "purposes: [a]}]}]}\n";
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *p = NULL;

	(void)state;
	assert_int_equal(
	    dyd_policy_load(&p, flow, sizeof(flow) - 1, "p.yaml", &diags), 0);
	assert_string_equal(dyd_policy_id(p), "f");
	dyd_policy_free(p);
	dyd_diags_release(&diags);
}

static void test_policy_too_large(void **state)
{
	const size_t len = 1024 * 1024 + 1;
	char *big = malloc(len);
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *p = &sentinel;

	(void)state;
	assert_non_null(big);
	memset(big, '#', len);
	assert_int_equal(dyd_policy_load(&p, big, len, "big.yaml", &diags),
			 DYD_EINVALID);
	assert_null(p);
	assert_int_equal(diags.errors, 1);
	assert_non_null(
	    strstr(diags.items[0].message, "larger than the limit"));
	free(big);
	dyd_diags_release(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_policy_shape),
	    cmocka_unit_test(test_default_policy_categories),
	    cmocka_unit_test(test_default_policy_digest),
	    cmocka_unit_test(test_default_policy_to_json),
	    cmocka_unit_test(test_base_policy_loads),
	    cmocka_unit_test(test_lint_unknown_terms),
	    cmocka_unit_test(test_lint_unknown_purpose),
	    cmocka_unit_test(test_lint_unknown_region),
	    cmocka_unit_test(test_lint_unknown_field),
	    cmocka_unit_test(test_lint_duplicate_ids),
	    cmocka_unit_test(test_lint_purpose_repeated_across_rules),
	    cmocka_unit_test(test_lint_bad_dates),
	    cmocka_unit_test(test_lint_two_optout_blocks),
	    cmocka_unit_test(test_lint_other_checks),
	    cmocka_unit_test(test_lint_reports_every_problem),
	    cmocka_unit_test(test_json_policy),
	    cmocka_unit_test(test_policy_too_large),
	    cmocka_unit_test(test_policy_limits),
	    cmocka_unit_test(test_flow_style_yaml),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
