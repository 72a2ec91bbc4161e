/* SPDX-License-Identifier: MIT */
/* Account records: loading JSON and YAML, and every validation rule with
 * the JSON pointer it reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "record.h"

#define NS INT64_C(1000000000)

static dyd_record sentinel;

static int setup(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *p = NULL;
	int rc = dyd_policy_load_default(&p, &diags);

	dyd_diags_release(&diags);
	*state = p;
	return rc;
}

static int teardown(void **state)
{
	dyd_policy_free(*state);
	return 0;
}

static const dyd_record_options yaml_opts = {DYD_FORMAT_YAML, false, false};
static const dyd_record_options json_opts = {DYD_FORMAT_JSON, false, false};

static dyd_record *load_ok(const dyd_policy *p, const char *text,
			   const dyd_record_options *opts, dyd_diags *diags)
{
	dyd_record *rec = NULL;
	size_t i;
	int rc =
	    dyd_record_load(&rec, text, strlen(text), "rec", p, opts, diags);

	if (rc != 0) {
		for (i = 0; i < diags->count; i++)
			print_message("  diag: %s: %s\n",
				      diags->items[i].pointer
					  ? diags->items[i].pointer
					  : "-",
				      diags->items[i].message);
		fail_msg("record rejected (rc %d)", rc);
	}
	assert_non_null(rec);
	return rec;
}

/* The diagnostic at pointer whose message contains phrase, or NULL. */
static const dyd_diag *find_diag(const dyd_diags *diags, const char *pointer,
				 const char *phrase)
{
	size_t i;

	for (i = 0; i < diags->count; i++) {
		const dyd_diag *d = &diags->items[i];
		if (d->pointer && strcmp(d->pointer, pointer) == 0 &&
		    strstr(d->message, phrase))
			return d;
	}
	return NULL;
}

static const dyd_diag *expect_diag(const dyd_diags *diags,
				   dyd_severity severity, const char *pointer,
				   const char *phrase)
{
	const dyd_diag *d = find_diag(diags, pointer, phrase);
	size_t i;

	if (!d) {
		for (i = 0; i < diags->count; i++)
			print_message("  diag: %s: %s\n",
				      diags->items[i].pointer
					  ? diags->items[i].pointer
					  : "-",
				      diags->items[i].message);
		fail_msg("no diagnostic at '%s' says '%s'", pointer, phrase);
	}
	assert_int_equal(d->severity, severity);
	assert_string_equal(d->file, "rec");
	return d;
}

/* Loads text, expects it rejected with an error at pointer saying
 * phrase; leaves the diagnostics in diags. */
static const dyd_diag *load_fails(const dyd_policy *p, const char *text,
				  const dyd_record_options *opts,
				  const char *pointer, const char *phrase,
				  dyd_diags *diags)
{
	dyd_record *rec = &sentinel;
	int rc;

	dyd_diags_clear(diags);
	rc = dyd_record_load(&rec, text, strlen(text), "rec", p, opts, diags);
	assert_int_equal(rc, DYD_EINVALID);
	assert_null(rec);
	assert_true(diags->errors > 0);
	return expect_diag(diags, DYD_ERROR, pointer, phrase);
}

#define YAML_HEAD                                                              \
	"account_id: alice\n"                                                  \
	"phone: +6281234567890\n"                                              \
	"registered_at: 2015-03-01T10:00:00+07:00\n"

/* One YAML line-set after the minimal head; fails at pointer. */
static void yaml_rule(const dyd_policy *p, const char *extra,
		      const char *pointer, const char *phrase)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	size_t len = strlen(YAML_HEAD) + strlen(extra) + 1;
	char *text = malloc(len);
	const dyd_diag *d;

	assert_non_null(text);
	snprintf(text, len, "%s%s", YAML_HEAD, extra);
	d = load_fails(p, text, &yaml_opts, pointer, phrase, &diags);
	/* YAML content errors carry a line as well as the pointer. */
	assert_true(d->line > 0);
	free(text);
	dyd_diags_release(&diags);
}

static void test_minimal_json(void **state)
{
	const dyd_policy *p = *state;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_record *rec = load_ok(p,
				  "{\"account_id\": \"alice\", \"phone\": "
				  "\"+6281234567890\", \"registered_at\": "
				  "\"2015-03-01T10:00:00+07:00\"}",
				  &json_opts, &diags);

	assert_int_equal(diags.count, 0);
	assert_string_equal(dyd_record_account_id(rec), "alice");
	assert_int_equal(dyd_record_registered_at(rec),
			 INT64_C(1425178800) * NS);
	assert_null(dyd_record_language(rec));
	assert_string_equal(rec->phone, "+6281234567890");
	assert_null(rec->region);
	assert_int_equal(rec->event_count, 0);
	assert_null(record_array(rec, "business_chats"));
	dyd_record_free(rec);
	dyd_diags_release(&diags);
}

static void test_minimal_yaml(void **state)
{
	const dyd_policy *p = *state;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_record *rec =
	    load_ok(p,
		    "format: dyd.account/v1\n" YAML_HEAD "region: ID\n"
		    "language: id-ID\n"
		    "business_chats: []\n",
		    &yaml_opts, &diags);

	assert_int_equal(diags.count, 0);
	assert_string_equal(dyd_record_account_id(rec), "alice");
	/* The plain scalar +62... stands as the phone's text. */
	assert_string_equal(rec->phone, "+6281234567890");
	assert_int_equal(dyd_record_registered_at(rec),
			 INT64_C(1425178800) * NS);
	assert_string_equal(rec->region, "ID");
	assert_string_equal(dyd_record_language(rec), "id-ID");
	assert_non_null(record_array(rec, "business_chats"));
	assert_int_equal(record_array(rec, "business_chats")->count, 0);
	dyd_record_free(rec);
	dyd_diags_release(&diags);
}

static void test_full_record(void **state)
{
	const dyd_policy *p = *state;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_record *rec = load_ok(
	    p,
	    YAML_HEAD
	    "region: DE\n"
	    "language: en\n"
	    "events:\n"
	    "  - {type: optin, at: 2016-09-20T00:00:00Z, channel: "
	    "settings}\n"
	    "  - {type: terms_accepted, terms: \"2016-08-25\", at: "
	    "2016-09-01T00:00:00Z}\n"
	    "  - {type: optout, at: 2016-09-01T00:00:00Z, channel: "
	    "checkbox}\n"
	    "profile: {display_name: Alice, about: hi, photo: a.jpg}\n"
	    "devices:\n"
	    "  - {model: X1, os: Android 10, app_version: 2.21.1, carrier: "
	    "T, last_ip: 192.0.2.1, last_seen: 2021-01-01T00:00:00Z}\n"
	    "  - {last_ip: \"2001:db8::1\"}\n"
	    "settings: {last_seen: contacts, profile_photo: everyone, "
	    "about: nobody, groups: contacts_except, status: contacts, "
	    "read_receipts: false, disappearing_messages: 7d}\n"
	    "contacts: [+6281111111111, \"+4915112345678\"]\n"
	    "blocked: [+12025550123]\n"
	    "groups: [{id: g1, name: Family, role: admin, joined_at: "
	    "2017-01-01T00:00:00Z}]\n"
	    "business_chats:\n"
	    "  - {business_id: b1, name: Shop, hosting: parent, "
	    "first_contact_at: 2021-02-01T00:00:00Z, last_contact_at: "
	    "2021-03-01T00:00:00Z, message_count: 12}\n"
	    "  - {business_id: b2, hosting: self, message_count: 0}\n"
	    "transactions:\n"
	    "  - {id: t1, at: 2021-02-02T00:00:00Z, amount: 10.5, "
	    "currency: IDR, merchant: M}\n",
	    &yaml_opts, &diags);

	assert_int_equal(diags.count, 0);
	assert_string_equal(rec->region, "DE");
	assert_int_equal(rec->event_count, 3);
	/* Events in time order; ties keep record order. */
	assert_int_equal(rec->events[0].type, EVENT_TERMS_ACCEPTED);
	assert_int_equal(rec->events[0].index, 1);
	assert_int_equal(rec->events[0].terms, 0);
	assert_int_equal(rec->events[1].type, EVENT_OPTOUT);
	assert_int_equal(rec->events[1].index, 2);
	assert_string_equal(rec->events[1].channel, "checkbox");
	assert_int_equal(rec->events[1].at, rec->events[0].at);
	assert_int_equal(rec->events[2].type, EVENT_OPTIN);
	assert_int_equal(rec->events[2].index, 0);
	assert_string_equal(rec->events[2].channel, "settings");
	assert_int_equal(record_array(rec, "business_chats")->count, 2);
	assert_int_equal(record_array(rec, "devices")->count, 2);
	assert_null(record_array(rec, "profile")); /* not an array */
	dyd_record_free(rec);
	dyd_diags_release(&diags);
}

static void test_format_detection(void **state)
{
	const dyd_policy *p = *state;
	const char *json =
	    "{\"account_id\": \"a\", \"phone\": \"+4915112345678\","
	    " \"registered_at\": \"2020-01-01T00:00:00Z\"}";
	const char *yaml = YAML_HEAD;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_record *rec = NULL;

	(void)state;
	/* By content when the name says nothing. */
	assert_int_equal(
	    dyd_record_load(&rec, json, strlen(json), "-", p, NULL, &diags), 0);
	dyd_record_free(rec);
	assert_int_equal(
	    dyd_record_load(&rec, yaml, strlen(yaml), "-", p, NULL, &diags), 0);
	dyd_record_free(rec);
	/* JSON is YAML too, but a .json name is read as JSON only. */
	assert_int_equal(dyd_record_load(&rec, json, strlen(json), "a.yaml", p,
					 NULL, &diags),
			 0);
	dyd_record_free(rec);
	assert_int_equal(dyd_record_load(&rec, yaml, strlen(yaml), "a.json", p,
					 NULL, &diags),
			 DYD_EINVALID);
	assert_null(rec);
	assert_non_null(strstr(diags.items[0].message, "invalid JSON"));
	dyd_diags_release(&diags);
}

static void test_missing_required(void **state)
{
	const dyd_policy *p = *state;
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *d;

	d = load_fails(p,
		       "{\"phone\": \"+6281234567890\", \"registered_at\": "
		       "\"2015-03-01T10:00:00Z\"}",
		       &json_opts, "/account_id", "missing required field",
		       &diags);
	/* JSON has no lines. */
	assert_int_equal(d->line, 0);
	load_fails(p, "account_id: a\n", &yaml_opts, "/phone",
		   "missing required field", &diags);
	expect_diag(&diags, DYD_ERROR, "/registered_at",
		    "missing required field");
	load_fails(p, YAML_HEAD "groups: [{name: x}]\n", &yaml_opts,
		   "/groups/0/id", "missing required field", &diags);
	load_fails(p, YAML_HEAD "business_chats: [{business_id: b}]\n",
		   &yaml_opts, "/business_chats/0/hosting",
		   "missing required field", &diags);
	load_fails(p, YAML_HEAD "transactions: [{id: t}]\n", &yaml_opts,
		   "/transactions/0/at", "missing required field", &diags);
	load_fails(p, YAML_HEAD "events: [{type: optout, channel: support}]\n",
		   &yaml_opts, "/events/0/at", "missing required field",
		   &diags);
	dyd_diags_release(&diags);
}

static void test_account_id(void **state)
{
	static const char *const bad[] = {
	    "'../x'", "'..'",		"'.'", "''", "a/b",
	    "'a b'",  "\"caf\\u00e9\"", NULL};
	const dyd_policy *p = *state;
	dyd_diags diags = DYD_DIAGS_INIT;
	char text[512], id[140];
	dyd_record *rec;
	size_t i;

	for (i = 0; bad[i]; i++) {
		snprintf(text, sizeof(text),
			 "account_id: %s\nphone: '+6281234567890'\n"
			 "registered_at: 2015-03-01T10:00:00Z\n",
			 bad[i]);
		load_fails(p, text, &yaml_opts, "/account_id",
			   "is not a valid account id", &diags);
	}
	/* 128 characters are fine, 129 are not. */
	memset(id, 'a', 129);
	id[128] = '\0';
	snprintf(text, sizeof(text),
		 "account_id: %s\nphone: '+6281234567890'\n"
		 "registered_at: 2015-03-01T10:00:00Z\n",
		 id);
	rec = load_ok(p, text, &yaml_opts, &diags);
	assert_int_equal(strlen(dyd_record_account_id(rec)), 128);
	dyd_record_free(rec);
	id[128] = 'a';
	id[129] = '\0';
	snprintf(text, sizeof(text),
		 "account_id: %s\nphone: '+6281234567890'\n"
		 "registered_at: 2015-03-01T10:00:00Z\n",
		 id);
	load_fails(p, text, &yaml_opts, "/account_id",
		   "is not a valid account id", &diags);
	rec = load_ok(p,
		      "account_id: A.b_c-9..\nphone: '+6281234567890'\n"
		      "registered_at: 2015-03-01T10:00:00Z\n",
		      &yaml_opts, &diags);
	assert_string_equal(dyd_record_account_id(rec), "A.b_c-9..");
	dyd_record_free(rec);
	load_fails(p,
		   "{\"account_id\": 7, \"phone\": \"+6281234567890\", "
		   "\"registered_at\": \"2015-03-01T10:00:00Z\"}",
		   &json_opts, "/account_id", "expected a string, not a number",
		   &diags);
	dyd_diags_release(&diags);
}

static void test_phone(void **state)
{
	static const char *const bad[] = {
	    "'0812345678'",   "'+0812345678'",
	    "'+1'",	      "'6281234567890'",
	    "'+62 812 3456'", "'+1234567890123456'",
	    "'+62812x45678'", NULL};
	const dyd_policy *p = *state;
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *d;
	char text[256];
	dyd_record *rec;
	size_t i;

	for (i = 0; bad[i]; i++) {
		snprintf(text, sizeof(text),
			 "account_id: a\nphone: %s\n"
			 "registered_at: 2015-03-01T10:00:00Z\n",
			 bad[i]);
		d = load_fails(p, text, &yaml_opts, "/phone",
			       "not an E.164 phone number", &diags);
		assert_int_equal(d->line, 2);
		assert_int_equal(d->column, 8);
	}
	/* Fifteen digits is the longest E.164 number. */
	rec = load_ok(p,
		      "account_id: a\nphone: '+123456789012345'\n"
		      "registered_at: 2015-03-01T10:00:00Z\n",
		      &yaml_opts, &diags);
	dyd_record_free(rec);
	rec = load_ok(p,
		      "account_id: a\nphone: '+12'\n"
		      "registered_at: 2015-03-01T10:00:00Z\n",
		      &yaml_opts, &diags);
	dyd_record_free(rec);
	/* A JSON number is no phone text. */
	load_fails(p,
		   "{\"account_id\": \"a\", \"phone\": 6281234567890, "
		   "\"registered_at\": \"2015-03-01T10:00:00Z\"}",
		   &json_opts, "/phone", "expected a string", &diags);
	yaml_rule(p, "contacts: [+6281111111111, '0812']\n", "/contacts/1",
		  "not an E.164 phone number");
	yaml_rule(p, "blocked: ['+0']\n", "/blocked/0",
		  "not an E.164 phone number");
	dyd_diags_release(&diags);
}

static void test_timestamps(void **state)
{
	const dyd_policy *p = *state;
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *d;

	d = load_fails(p,
		       "account_id: a\nphone: '+6281234567890'\n"
		       "registered_at: 2016-13-01T00:00:00Z\n",
		       &yaml_opts, "/registered_at",
		       "'2016-13-01T00:00:00Z' is not an RFC 3339 timestamp",
		       &diags);
	assert_int_equal(d->line, 3);
	assert_int_equal(d->column, 16);
	load_fails(p,
		   "account_id: a\nphone: '+6281234567890'\n"
		   "registered_at: 2016-08-25\n",
		   &yaml_opts, "/registered_at", "is not an RFC 3339 timestamp",
		   &diags);
	dyd_diags_release(&diags);
	yaml_rule(p,
		  "devices:\n  - {last_seen: 2021-01-01T00:00:00Z}\n"
		  "  - {last_seen: 2016-13-01}\n",
		  "/devices/1/last_seen",
		  "'2016-13-01' is not an RFC 3339 timestamp");
	yaml_rule(p, "groups: [{id: g, joined_at: yesterday}]\n",
		  "/groups/0/joined_at", "is not an RFC 3339 timestamp");
	yaml_rule(p, "events: [{type: optout, at: 2016-09-01, channel: x}]\n",
		  "/events/0/at", "is not an RFC 3339 timestamp");
}

static void test_event_rules(void **state)
{
	const dyd_policy *p = *state;
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *d;
	dyd_record *rec;

	/* Registered 2015-03-01T03:00:00Z. */
	yaml_rule(p,
		  "events:\n"
		  "  - {type: optout, at: 2015-03-01T02:59:59Z, channel: "
		  "support}\n",
		  "/events/0/at", "precedes registered_at");
	yaml_rule(p,
		  "events:\n"
		  "  - {type: terms_accepted, terms: '2016-08-25', at: "
		  "2016-09-01T00:00:00Z}\n"
		  "  - {type: terms_accepted, terms: '2019-01-01', at: "
		  "2019-09-01T00:00:00Z}\n",
		  "/events/1/terms", "unknown terms id '2019-01-01'");
	yaml_rule(p,
		  "events:\n"
		  "  - {type: terms_accepted, terms: '2021-01-04', at: "
		  "2021-01-03T23:59:59Z}\n",
		  "/events/0/at", "accepted before they took effect");
	yaml_rule(p,
		  "events:\n  - {type: terms_accepted, at: "
		  "2021-01-05T00:00:00Z}\n",
		  "/events/0/terms", "missing required field");
	yaml_rule(p, "events:\n  - {type: optout, at: 2016-09-01T00:00:00Z}\n",
		  "/events/0/channel", "missing required field");
	yaml_rule(p,
		  "events:\n  - {type: optin, at: 2016-09-01T00:00:00Z, "
		  "channel: email}\n",
		  "/events/0/channel", "'email' is not one of");
	yaml_rule(p,
		  "events:\n  - {type: opt_out, at: 2016-09-01T00:00:00Z, "
		  "channel: support}\n",
		  "/events/0/type", "'opt_out' is not one of");
	yaml_rule(p, "events: {type: optout}\n", "/events",
		  "expected an array");
	yaml_rule(p, "events: [optout]\n", "/events/0", "expected an object");

	/* Exactly at registration and exactly at the effective instant are
	 * both fine. */
	rec = load_ok(p,
		      YAML_HEAD "events:\n"
				"  - {type: optout, at: 2015-03-01T03:00:00Z, "
				"channel: support}\n"
				"  - {type: terms_accepted, terms: "
				"'2016-08-25', at: 2016-08-25T00:00:00Z}\n",
		      &yaml_opts, &diags);
	assert_int_equal(rec->event_count, 2);
	assert_int_equal(rec->events[0].at, dyd_record_registered_at(rec));
	dyd_record_free(rec);
	assert_int_equal(diags.count, 0);

	/* A channel on terms_accepted is ignored with a warning. */
	rec = load_ok(p,
		      YAML_HEAD "events:\n"
				"  - {type: terms_accepted, terms: "
				"'2016-08-25', at: 2016-09-01T00:00:00Z, "
				"channel: settings}\n",
		      &yaml_opts, &diags);
	d = expect_diag(&diags, DYD_WARNING, "/events/0/channel", "no channel");
	assert_int_equal(d->line, 5);
	assert_int_equal(diags.errors, 0);
	dyd_record_free(rec);
	dyd_diags_release(&diags);
}

static void test_enums_and_numbers(void **state)
{
	const dyd_policy *p = *state;

	yaml_rule(p, "business_chats: [{business_id: b, hosting: cloud}]\n",
		  "/business_chats/0/hosting",
		  "'cloud' is not one of 'parent', 'partner', 'self'");
	yaml_rule(p,
		  "business_chats:\n"
		  "  - {business_id: b, hosting: self}\n"
		  "  - {business_id: c, hosting: parent, message_count: -1}\n",
		  "/business_chats/1/message_count",
		  "expected a whole number of at least 0");
	yaml_rule(p,
		  "business_chats: [{business_id: b, hosting: self, "
		  "message_count: 1.5}]\n",
		  "/business_chats/0/message_count",
		  "expected a whole number of at least 0");
	yaml_rule(p,
		  "business_chats: [{business_id: b, hosting: self, "
		  "message_count: '3'}]\n",
		  "/business_chats/0/message_count",
		  "expected a whole number of at least 0");
	yaml_rule(p, "settings: {read_receipts: 'yes'}\n",
		  "/settings/read_receipts", "expected true or false");
	yaml_rule(p, "settings: {disappearing_messages: 1y}\n",
		  "/settings/disappearing_messages", "is not one of");
	yaml_rule(p, "groups: [{id: g, role: owner}]\n", "/groups/0/role",
		  "is not one of");
	yaml_rule(p,
		  "transactions: [{id: t, at: 2021-02-02T00:00:00Z, "
		  "currency: idr}]\n",
		  "/transactions/0/currency", "is not an ISO 4217");
	yaml_rule(p,
		  "transactions: [{id: t, at: 2021-02-02T00:00:00Z, "
		  "amount: ten}]\n",
		  "/transactions/0/amount", "is not a decimal number");
	yaml_rule(p,
		  "transactions: [{id: t, at: 2021-02-02T00:00:00Z, "
		  "amount: [1]}]\n",
		  "/transactions/0/amount", "expected a number or a decimal");
	yaml_rule(p, "devices: [{last_ip: 300.1.1.1}]\n", "/devices/0/last_ip",
		  "not an IPv4 or IPv6 address");
	yaml_rule(p, "language: English\n", "/language",
		  "is not a language tag");
	yaml_rule(p, "format: dyd.account/v2\n", "/format",
		  "unsupported format");
	yaml_rule(p, "profile: [x]\n", "/profile", "expected an object");
}

static void test_region(void **state)
{
	const dyd_policy *p = *state;

	yaml_rule(p, "region: de\n", "/region",
		  "'de' is not an ISO 3166-1 alpha-2 code; write it in upper "
		  "case");
	yaml_rule(p, "region: XX\n", "/region",
		  "'XX' is not an ISO 3166-1 alpha-2 country code");
	yaml_rule(p, "region: DEU\n", "/region", "is not an ISO 3166-1");
}

static void test_unknown_fields(void **state)
{
	const dyd_policy *p = *state;
	const char *text =
	    YAML_HEAD "colour: blue\n"
		      "profile: {display_name: A, nickname: B}\n";
	const dyd_record_options strict = {DYD_FORMAT_YAML, true, false};
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *d;
	dyd_record *rec;

	/* Without --strict: warnings, and the record loads. */
	rec = load_ok(p, text, &yaml_opts, &diags);
	assert_int_equal(diags.errors, 0);
	assert_int_equal(diags.count, 2);
	d = expect_diag(&diags, DYD_WARNING, "/colour",
			"unknown field 'colour' (ignored)");
	/* It points at the key. */
	assert_int_equal(d->line, 4);
	assert_int_equal(d->column, 1);
	expect_diag(&diags, DYD_WARNING, "/profile/nickname",
		    "unknown field 'nickname'");
	dyd_record_free(rec);

	/* With it: errors. */
	load_fails(p, text, &strict, "/colour", "unknown field 'colour'",
		   &diags);
	assert_null(strstr(diags.items[0].message, "ignored"));
	expect_diag(&diags, DYD_ERROR, "/profile/nickname",
		    "unknown field 'nickname'");
	assert_int_equal(diags.errors, 2);
	dyd_diags_clear(&diags);

	/* JSON: the same warning, and no made-up position. */
	rec = load_ok(p,
		      "{\"account_id\": \"a\", \"phone\": \"+6281234567890\", "
		      "\"registered_at\": \"2015-03-01T10:00:00Z\", "
		      "\"devices\": [{\"colour\": \"red\"}]}",
		      &json_opts, &diags);
	d = expect_diag(&diags, DYD_WARNING, "/devices/0/colour",
			"unknown field 'colour'");
	assert_int_equal(d->line, 0);
	assert_int_equal(d->column, 0);
	dyd_record_free(rec);
	dyd_diags_release(&diags);
}

static void test_document_errors(void **state)
{
	const dyd_policy *p = *state;
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *d;

	load_fails(p, "[1, 2]", &json_opts, "", "a record is an object",
		   &diags);
	dyd_diags_clear(&diags);
	/* Parse errors carry a position and no pointer. */
	{
		dyd_record *rec = &sentinel;
		const char *t =
		    "{\"account_id\": \"a\", \"account_id\": \"b\"}";
		assert_int_equal(dyd_record_load(&rec, t, strlen(t), "rec", p,
						 &json_opts, &diags),
				 DYD_EINVALID);
		assert_null(rec);
		assert_non_null(
		    strstr(diags.items[0].message, "duplicate key"));
		dyd_diags_clear(&diags);
		t = YAML_HEAD "profile: &p {about: x}\n";
		assert_int_equal(dyd_record_load(&rec, t, strlen(t), "rec", p,
						 &yaml_opts, &diags),
				 DYD_EINVALID);
		d = &diags.items[0];
		assert_non_null(strstr(d->message, "anchors"));
		assert_int_equal(d->line, 4);
		assert_null(d->pointer);
	}
	dyd_diags_release(&diags);
}

static void test_size_limit(void **state)
{
	const dyd_policy *p = *state;
	const size_t len = DYD_MAX_INPUT_BYTES + 1;
	char *big = malloc(len);
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_record *rec = &sentinel;

	assert_non_null(big);
	memset(big, ' ', len);
	assert_int_equal(
	    dyd_record_load(&rec, big, len, "big.json", p, NULL, &diags),
	    DYD_EINVALID);
	assert_null(rec);
	assert_non_null(
	    strstr(diags.items[0].message, "larger than the limit"));
	free(big);
	dyd_diags_release(&diags);
}

/* YAML_HEAD, then "field: [item, item, ...]" with count items. */
static char *with_list(const char *field, const char *item, size_t count)
{
	size_t len =
	    strlen(YAML_HEAD) + strlen(field) + 8 + count * (strlen(item) + 2);
	char *text = malloc(len), *at;
	size_t i;

	assert_non_null(text);
	at = text + sprintf(text, "%s%s: [", YAML_HEAD, field);
	for (i = 0; i < count; i++)
		at += sprintf(at, "%s%s", i ? ", " : "", item);
	strcpy(at, "]\n");
	return text;
}

/* Each list of a record holds at most its documented number of items;
 * past it, one message names the list (not one per item). */
static void test_list_limits(void **state)
{
	static const char *const objects[] = {"events", "devices", "groups",
					      "business_chats", "transactions"};
	const dyd_policy *p = *state;
	dyd_diags diags = DYD_DIAGS_INIT;
	char pointer[32], *text;
	size_t i;

	text = with_list("events",
			 "{type: optin, at: 2016-09-01T00:00:00Z, "
			 "channel: settings}",
			 10000);
	dyd_record_free(load_ok(p, text, &yaml_opts, &diags));
	free(text);
	for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		text = with_list(objects[i], "{}", 10001);
		snprintf(pointer, sizeof(pointer), "/%s", objects[i]);
		load_fails(p, text, &yaml_opts, pointer,
			   "array of 10001 items is longer than the limit "
			   "of 10000",
			   &diags);
		assert_int_equal(diags.errors, 1);
		free(text);
	}
	text = with_list("contacts", "'+6281234567890'", 100000);
	dyd_record_free(load_ok(p, text, &yaml_opts, &diags));
	free(text);
	dyd_diags_release(&diags);
}

/* However the values are spread, a record holds at most 250,000. */
static void test_value_limit(void **state)
{
	const dyd_policy *p = *state;
	dyd_diags diags = DYD_DIAGS_INIT;
	char *text =
	    with_list("x", "[[], [], [], [], [], [], [], [], [], []]", 25000);
	dyd_record *rec = &sentinel;

	assert_int_equal(dyd_record_load(&rec, text, strlen(text), "rec", p,
					 &yaml_opts, &diags),
			 DYD_EINVALID);
	assert_null(rec);
	assert_int_equal(diags.errors, 1);
	assert_non_null(
	    strstr(diags.items[0].message, "more than 250000 values"));
	assert_int_equal(diags.items[0].line, 4);
	free(text);
	dyd_diags_release(&diags);
}

static bool any_diag_contains(const dyd_diags *diags, const char *needle)
{
	size_t i;
	char *line;
	bool found = false;

	for (i = 0; i < diags->count; i++) {
		line = dyd_diag_format(&diags->items[i]);
		assert_non_null(line);
		found |= strstr(line, needle) != NULL;
		free(line);
	}
	return found;
}

static void test_personal_values_not_quoted(void **state)
{
	const dyd_policy *p = *state;
	const char *text = "account_id: a\n"
			   "phone: '0812345678'\n"
			   "registered_at: 2015-03-01T10:00:00Z\n"
			   "contacts: ['0899887766']\n"
			   "devices: [{last_ip: 10.0.0.999}]\n";
	const dyd_record_options verbose = {DYD_FORMAT_YAML, false, true};
	dyd_diags diags = DYD_DIAGS_INIT;
	const dyd_diag *d;

	d = load_fails(p, text, &yaml_opts, "/phone", "not an E.164", &diags);
	assert_null(strstr(d->message, "0812345678"));
	expect_diag(&diags, DYD_ERROR, "/contacts/0", "not an E.164");
	expect_diag(&diags, DYD_ERROR, "/devices/0/last_ip", "not an IPv4");
	assert_false(any_diag_contains(&diags, "0812345678"));
	assert_false(any_diag_contains(&diags, "0899887766"));
	assert_false(any_diag_contains(&diags, "10.0.0.999"));

	/* --verbose may quote them. */
	d = load_fails(p, text, &verbose, "/phone", "not an E.164", &diags);
	assert_non_null(strstr(d->message, "'0812345678'"));
	assert_true(any_diag_contains(&diags, "'0899887766'"));
	assert_true(any_diag_contains(&diags, "'10.0.0.999'"));
	dyd_diags_release(&diags);
}

static void test_every_problem_reported(void **state)
{
	const dyd_policy *p = *state;
	dyd_diags diags = DYD_DIAGS_INIT;

	load_fails(p,
		   "account_id: '..'\n"
		   "phone: '123'\n"
		   "registered_at: 2016-02-30T00:00:00Z\n"
		   "region: id\n",
		   &yaml_opts, "/account_id", "not a valid account id", &diags);
	expect_diag(&diags, DYD_ERROR, "/phone", "not an E.164");
	expect_diag(&diags, DYD_ERROR, "/registered_at", "not an RFC 3339");
	expect_diag(&diags, DYD_ERROR, "/region", "upper case");
	assert_int_equal(diags.errors, 4);
	dyd_diags_release(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_minimal_json),
	    cmocka_unit_test(test_minimal_yaml),
	    cmocka_unit_test(test_full_record),
	    cmocka_unit_test(test_format_detection),
	    cmocka_unit_test(test_missing_required),
	    cmocka_unit_test(test_account_id),
	    cmocka_unit_test(test_phone),
	    cmocka_unit_test(test_timestamps),
	    cmocka_unit_test(test_event_rules),
	    cmocka_unit_test(test_enums_and_numbers),
	    cmocka_unit_test(test_region),
	    cmocka_unit_test(test_unknown_fields),
	    cmocka_unit_test(test_document_errors),
	    cmocka_unit_test(test_size_limit),
	    cmocka_unit_test(test_list_limits),
	    cmocka_unit_test(test_value_limit),
	    cmocka_unit_test(test_personal_values_not_quoted),
	    cmocka_unit_test(test_every_problem_reported),
	};

	return cmocka_run_group_tests_name("record", tests, setup, teardown);
}
