/* SPDX-License-Identifier: MIT */
/* A record against a policy (conform.c): the events of a record are
 * checked against the terms versions the policy knows, ordered in time,
 * and reported after the record's own format problems. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "policy.h"
#include "record.h"
#include "testutil.h"

#define HEAD                                                                   \
	"account_id: a\nphone: '+6281234567890'\n"                             \
	"registered_at: 2015-03-01T03:00:00Z\n"

static int load(const char *yaml, bool strict, dyd_record **rec,
		dyd_diags *diags)
{
	dyd_record_options o = DYD_RECORD_OPTIONS_INIT;

	o.format = DYD_FORMAT_YAML;
	o.strict = strict;
	return dyd_record_load(rec, yaml, strlen(yaml), "r.yaml", policy, &o,
			       diags);
}

static void test_events_in_time_order_ties_in_record_order(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_record *rec = NULL;

	(void)state;
	assert_int_equal(
	    load(HEAD "events:\n"
		      "  - {type: optin, at: 2016-09-02T00:00:00Z, channel: "
		      "settings}\n"
		      "  - {type: terms_accepted, terms: '2016-08-25', at: "
		      "2016-09-01T00:00:00Z}\n"
		      "  - {type: optout, at: 2016-09-02T00:00:00Z, channel: "
		      "support}\n",
		 false, &rec, &diags),
	    0);
	assert_int_equal(rec->event_count, 3);
	assert_int_equal(rec->events[0].type, EVENT_TERMS_ACCEPTED);
	assert_int_equal(rec->events[0].index, 1);
	assert_int_equal(rec->events[0].terms,
			 policy_terms_find(policy, "2016-08-25", 10));
	assert_int_equal(rec->events[1].index, 0); /* the tie: optin first */
	assert_int_equal(rec->events[1].type, EVENT_OPTIN);
	assert_string_equal(rec->events[1].channel, "settings");
	assert_int_equal(rec->events[2].type, EVENT_OPTOUT);
	dyd_record_free(rec);
	dyd_diags_release(&diags);
}

static void test_event_problems_after_format_problems(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_record *rec = (dyd_record *)1;

	(void)state;
	/* The event comes first in the file, its problem last in the
	 * list: the format pass runs over the whole record first. */
	assert_int_equal(load("events:\n"
			      "  - {type: terms_accepted, terms: 'nope', at: "
			      "2016-09-01T00:00:00Z}\n" HEAD "region: XX\n",
			      false, &rec, &diags),
			 DYD_EINVALID);
	assert_null(rec);
	assert_int_equal(diags.count, 2);
	assert_string_equal(diags.items[0].pointer, "/region");
	assert_string_equal(diags.items[1].pointer, "/events/0/terms");
	assert_string_equal(diags.items[1].message,
			    "unknown terms id 'nope' (policy "
			    "'whatsapp-facebook-2021' knows 2 terms versions)");
	assert_int_equal(diags.items[1].line, 2);
	dyd_diags_release(&diags);
}

static void test_strict_makes_ignored_parts_errors(void **state)
{
	const char *yaml = HEAD "events:\n"
				"  - {type: optout, at: 2016-09-01T00:00:00Z, "
				"channel: support, terms: '2016-08-25'}\n";
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_record *rec = NULL;

	(void)state;
	assert_int_equal(load(yaml, false, &rec, &diags), 0);
	assert_int_equal(diags.items[0].severity, DYD_WARNING);
	assert_string_equal(diags.items[0].message,
			    "an optout event names no terms (ignored)");
	dyd_record_free(rec);
	dyd_diags_clear(&diags);
	assert_int_equal(load(yaml, true, &rec, &diags), DYD_EINVALID);
	assert_int_equal(diags.items[0].severity, DYD_ERROR);
	assert_string_equal(diags.items[0].message,
			    "an optout event names no terms");
	dyd_diags_release(&diags);
}

static void test_dropped_events_are_not_in_the_model(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_record *rec = NULL;

	(void)state;
	/* Every bad event is reported, each at its own place; none of them
	 * gets into the model the evaluator reads. */
	assert_int_equal(
	    load(HEAD "events:\n"
		      "  - {type: terms_accepted, at: 2016-09-01T00:00:00Z}\n"
		      "  - {type: optout, at: 2016-09-01T00:00:00Z}\n"
		      "  - {type: terms_accepted, terms: '2021-01-04', at: "
		      "2015-01-01T00:00:00Z}\n",
		 false, &rec, &diags),
	    DYD_EINVALID);
	assert_int_equal(diags.errors, 4);
	assert_string_equal(diags.items[0].pointer, "/events/0/terms");
	assert_string_equal(diags.items[1].pointer, "/events/1/channel");
	/* Before the terms took effect, and before registration. */
	assert_string_equal(diags.items[2].pointer, "/events/2/at");
	assert_non_null(strstr(diags.items[2].message, "before they took"));
	assert_non_null(strstr(diags.items[3].message, "precedes registered"));
	dyd_diags_release(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_events_in_time_order_ties_in_record_order),
	    cmocka_unit_test(test_event_problems_after_format_problems),
	    cmocka_unit_test(test_strict_makes_ignored_parts_errors),
	    cmocka_unit_test(test_dropped_events_are_not_in_the_model),
	};
	return cmocka_run_group_tests(tests, policy_setup, policy_teardown);
}
