/* SPDX-License-Identifier: MIT */
/* dyd_time_parse / dyd_time_format: RFC 3339 instants as nanoseconds since
 * the epoch, years 1970..2200, printed in UTC. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "dyd.h"

#define NS INT64_C(1000000000)

static dyd_time parse_ok(const char *text, bool allow_date)
{
	dyd_time t = 0;
	int rc = dyd_time_parse(text, strlen(text), allow_date, &t);

	if (rc != 0)
		fail_msg("'%s' was rejected (rc %d)", text, rc);
	return t;
}

static void assert_rejected(const char *text, bool allow_date)
{
	dyd_time t = 12345;
	int rc = dyd_time_parse(text, strlen(text), allow_date, &t);

	if (rc != DYD_EINVALID)
		fail_msg("'%s' was accepted (rc %d)", text, rc);
	/* A failed parse leaves the output alone. */
	assert_int_equal(t, 12345);
}

static void assert_formats(dyd_time t, const char *expected)
{
	char buf[DYD_TIME_BUFSIZE];

	memset(buf, 'x', sizeof(buf));
	dyd_time_format(t, buf);
	assert_string_equal(buf, expected);
}

static void test_known_epoch_values(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("1970-01-01T00:00:00Z", false), 0);
	assert_int_equal(parse_ok("2016-08-25T00:00:00Z", false),
			 INT64_C(1472083200) * NS);
	assert_int_equal(parse_ok("2021-01-04T00:00:00Z", false),
			 INT64_C(1609718400) * NS);
	assert_int_equal(parse_ok("2021-05-15T00:00:00Z", false),
			 INT64_C(1621036800) * NS);
	assert_int_equal(parse_ok("2000-02-29T12:34:56Z", false),
			 INT64_C(951827696) * NS);
	assert_int_equal(parse_ok("2200-12-31T23:59:59Z", false),
			 INT64_C(7289654399) * NS);
	assert_formats(INT64_C(1472083200) * NS, "2016-08-25T00:00:00Z");
	assert_formats(0, "1970-01-01T00:00:00Z");
	assert_formats(INT64_C(7289654399) * NS, "2200-12-31T23:59:59Z");
}

static void test_offsets(void **state)
{
	const dyd_time utc = INT64_C(1472698800) * NS; /* 2016-09-01T03Z */

	(void)state;
	assert_int_equal(parse_ok("2016-09-01T10:00:00+07:00", false), utc);
	assert_int_equal(parse_ok("2016-08-31T22:00:00-05:00", false), utc);
	assert_int_equal(parse_ok("2016-09-01T03:00:00Z", false), utc);
	assert_int_equal(parse_ok("2016-09-01T03:00:00z", false), utc);
	assert_int_equal(parse_ok("2016-09-01t03:00:00Z", false), utc);
	assert_int_equal(parse_ok("2016-09-01t03:00:00z", false), utc);
	assert_int_equal(parse_ok("2016-09-01T03:00:00+00:00", false), utc);
	assert_int_equal(parse_ok("2016-09-01T03:00:00-00:00", false), utc);
	assert_int_equal(parse_ok("2016-09-01T08:30:00+05:30", false), utc);
	assert_int_equal(parse_ok("2016-08-31T15:15:00-11:45", false), utc);
	/* An offset moves the instant across midnight and month ends. */
	assert_int_equal(parse_ok("2016-09-01T00:00:00+07:00", false),
			 parse_ok("2016-08-31T17:00:00Z", false));
	assert_int_equal(parse_ok("2016-12-31T23:00:00-05:00", false),
			 parse_ok("2017-01-01T04:00:00Z", false));
}

static void test_bad_offsets(void **state)
{
	(void)state;
	assert_rejected("2016-09-01T10:00:00", false);
	assert_rejected("2016-09-01T10:00:00+0700", false);
	assert_rejected("2016-09-01T10:00:00+07", false);
	assert_rejected("2016-09-01T10:00:00+24:00", false);
	assert_rejected("2016-09-01T10:00:00+07:60", false);
	assert_rejected("2016-09-01T10:00:00 +07:00", false);
	assert_rejected("2016-09-01T10:00:00ZZ", false);
	assert_rejected("2016-09-01T10:00:00UTC", false);
	assert_rejected("2016-09-01T10:00:00X", false);
	assert_rejected("2016-09-01T10:00:00+07:00Z", false);
}

static void test_fraction_digits(void **state)
{
	const dyd_time base = parse_ok("2016-09-01T03:00:00Z", false);

	(void)state;
	assert_int_equal(parse_ok("2016-09-01T03:00:00.5Z", false),
			 base + 500000000);
	assert_int_equal(parse_ok("2016-09-01T03:00:00.12Z", false),
			 base + 120000000);
	assert_int_equal(parse_ok("2016-09-01T03:00:00.123Z", false),
			 base + 123000000);
	assert_int_equal(parse_ok("2016-09-01T03:00:00.1234Z", false),
			 base + 123400000);
	assert_int_equal(parse_ok("2016-09-01T03:00:00.12345Z", false),
			 base + 123450000);
	assert_int_equal(parse_ok("2016-09-01T03:00:00.123456Z", false),
			 base + 123456000);
	assert_int_equal(parse_ok("2016-09-01T03:00:00.1234567Z", false),
			 base + 123456700);
	assert_int_equal(parse_ok("2016-09-01T03:00:00.12345678Z", false),
			 base + 123456780);
	assert_int_equal(parse_ok("2016-09-01T03:00:00.123456789Z", false),
			 base + 123456789);
	assert_int_equal(parse_ok("2016-09-01T10:00:00.000000001+07:00", false),
			 base + 1);
	assert_int_equal(parse_ok("2016-09-01T03:00:00.000Z", false), base);
	/* Ten digits are more precision than the time line keeps. */
	assert_rejected("2016-09-01T03:00:00.1234567891Z", false);
	assert_rejected("2016-09-01T03:00:00.0000000000Z", false);
	/* A point needs digits, and digits need an offset after them. */
	assert_rejected("2016-09-01T03:00:00.Z", false);
	assert_rejected("2016-09-01T03:00:00.5", false);
	assert_rejected("2016-09-01T03:00:00,5Z", false);
	assert_rejected("2016-09-01T03:00:00.5aZ", false);
}

static void test_format_fraction(void **state)
{
	const dyd_time base = INT64_C(1472698800) * NS;

	(void)state;
	/* No fraction when it is zero. */
	assert_formats(base, "2016-09-01T03:00:00Z");
	/* Otherwise the digits up to the last non-zero one (the design
	 * notes: 2016-09-01T03:00:00.5Z). */
	assert_formats(base + 500000000, "2016-09-01T03:00:00.5Z");
	assert_formats(base + 120000000, "2016-09-01T03:00:00.12Z");
	assert_formats(base + 123000000, "2016-09-01T03:00:00.123Z");
	assert_formats(base + 1000000, "2016-09-01T03:00:00.001Z");
	assert_formats(base + 123456000, "2016-09-01T03:00:00.123456Z");
	assert_formats(base + 1000, "2016-09-01T03:00:00.000001Z");
	assert_formats(base + 123456789, "2016-09-01T03:00:00.123456789Z");
	assert_formats(base + 1, "2016-09-01T03:00:00.000000001Z");
	assert_formats(base + 100000010, "2016-09-01T03:00:00.10000001Z");
	/* The largest value fits the buffer. */
	assert_formats(parse_ok("2200-12-31T23:59:59.999999999Z", false),
		       "2200-12-31T23:59:59.999999999Z");
	assert_true(strlen("2200-12-31T23:59:59.999999999Z") <
		    DYD_TIME_BUFSIZE);
}

static void test_dates(void **state)
{
	dyd_time t;

	(void)state;
	assert_int_equal(parse_ok("2016-08-25", true),
			 INT64_C(1472083200) * NS);
	assert_int_equal(parse_ok("2021-05-15", true),
			 INT64_C(1621036800) * NS);
	assert_int_equal(parse_ok("1970-01-01", true), 0);
	assert_int_equal(parse_ok("2200-12-31", true),
			 parse_ok("2200-12-31T00:00:00Z", false));
	/* A date alone is a timestamp only where dates are allowed. */
	assert_rejected("2016-08-25", false);
	/* Allowing dates still takes full timestamps. */
	assert_int_equal(parse_ok("2016-09-01T10:00:00+07:00", true),
			 INT64_C(1472698800) * NS);
	assert_rejected("2016-02-30", true);
	assert_rejected("2016-13-01", true);
	assert_rejected("2016-00-01", true);
	assert_rejected("2016-01-00", true);
	assert_rejected("1969-12-31", true);
	assert_rejected("2201-01-01", true);
	assert_rejected("2016-8-25", true);
	assert_rejected("2016/08/25", true);
	assert_rejected("20160825", true);
	assert_rejected("2016-08-25T", true);
	assert_rejected("2016-08-25x", true);
	/* Only len bytes are read. */
	assert_int_equal(dyd_time_parse("2016-08-25T00:00:00Z", 10, true, &t),
			 0);
	assert_int_equal(t, INT64_C(1472083200) * NS);
}

static void test_invalid_timestamps(void **state)
{
	static const char *const bad[] = {
	    "2016-02-30T00:00:00Z",
	    "2016-04-31T00:00:00Z",
	    "2016-13-01T00:00:00Z",
	    "2016-00-01T00:00:00Z",
	    "2016-01-32T00:00:00Z",
	    "2016-08-25T24:00:00Z",
	    "2016-08-25T23:60:00Z",
	    "2016-08-25T23:59:60Z",
	    "2016-08-25T00:00:00",
	    "1969-12-31T23:59:59Z",
	    "2201-01-01T00:00:00Z",
	    "0000-01-01T00:00:00Z",
	    "9999-12-31T23:59:59Z",
	    "garbage",
	    "",
	    "2016",
	    "2016-08-25T00:00Z",
	    "2016-08-25T0:00:00Z",
	    "2016-08-25 00:00:00Z",
	    "2016-08-25X00:00:00Z",
	    "2016-08-25T00-00-00Z",
	    "-016-08-25T00:00:00Z",
	    "2016-08-25T00:00:00Z ",
	    " 2016-08-25T00:00:00Z",
	    "2016-08-2aT00:00:00Z",
	    "\xef\xbc\x92\x30\x31\x36-08-25T00:00:00Z",
	    NULL,
	};
	size_t i;

	(void)state;
	for (i = 0; bad[i]; i++) {
		assert_rejected(bad[i], false);
		assert_rejected(bad[i], true);
	}
}

static void test_length_is_respected(void **state)
{
	const char *text = "2016-08-25T00:00:00Zjunk";
	dyd_time t = 0;

	(void)state;
	assert_int_equal(dyd_time_parse(text, 20, false, &t), 0);
	assert_int_equal(t, INT64_C(1472083200) * NS);
	assert_int_equal(dyd_time_parse(text, 24, false, &t), DYD_EINVALID);
	assert_int_equal(dyd_time_parse(text, 19, false, &t), DYD_EINVALID);
	assert_int_equal(dyd_time_parse(text, 0, true, &t), DYD_EINVALID);
}

static void test_leap_years(void **state)
{
	(void)state;
	assert_int_equal(parse_ok("2016-02-29T00:00:00Z", false),
			 INT64_C(1456704000) * NS);
	assert_int_equal(parse_ok("2016-03-01T00:00:00Z", false) -
			     parse_ok("2016-02-28T00:00:00Z", false),
			 2 * 86400 * NS);
	assert_int_equal(parse_ok("2017-03-01T00:00:00Z", false) -
			     parse_ok("2017-02-28T00:00:00Z", false),
			 86400 * NS);
	parse_ok("2016-02-29", true);
	parse_ok("2000-02-29T00:00:00Z", false); /* divisible by 400 */
	assert_rejected("2017-02-29T00:00:00Z", false);
	assert_rejected("2017-02-29", true);
	assert_rejected("2100-02-29T00:00:00Z", false); /* by 100, not 400 */
	assert_rejected("2100-02-29", true);
	assert_formats(INT64_C(1456704000) * NS, "2016-02-29T00:00:00Z");
	assert_formats(parse_ok("2016-02-29T23:59:59Z", false) + NS,
		       "2016-03-01T00:00:00Z");
}

static void test_round_trips(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"2016-09-01T10:00:00+07:00", "2016-09-01T03:00:00Z"},
	    {"2016-09-01T10:00:00.5+07:00", "2016-09-01T03:00:00.5Z"},
	    {"2016-09-01T10:00:00.500+07:00", "2016-09-01T03:00:00.5Z"},
	    {"2016-08-31T22:00:00.000123-05:00", "2016-09-01T03:00:00.000123Z"},
	    {"2021-05-15t00:00:00z", "2021-05-15T00:00:00Z"},
	    {"2016-12-31T23:59:59.999999999-01:00",
	     "2017-01-01T00:59:59.999999999Z"},
	    {"1970-01-01T00:00:00.000000001Z",
	     "1970-01-01T00:00:00.000000001Z"},
	    {"2200-12-31T12:00:00Z", "2200-12-31T12:00:00Z"},
	    {"2016-08-25", "2016-08-25T00:00:00Z"},
	    {NULL, NULL},
	};
	char buf[DYD_TIME_BUFSIZE];
	dyd_time t, again;
	size_t i;

	(void)state;
	for (i = 0; cases[i].in; i++) {
		t = parse_ok(cases[i].in, true);
		dyd_time_format(t, buf);
		assert_string_equal(buf, cases[i].out);
		/* The normal form reads back as the same instant. */
		again = parse_ok(buf, false);
		assert_int_equal(again, t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_known_epoch_values),
	    cmocka_unit_test(test_offsets),
	    cmocka_unit_test(test_bad_offsets),
	    cmocka_unit_test(test_fraction_digits),
	    cmocka_unit_test(test_format_fraction),
	    cmocka_unit_test(test_dates),
	    cmocka_unit_test(test_invalid_timestamps),
	    cmocka_unit_test(test_length_is_respected),
	    cmocka_unit_test(test_leap_years),
	    cmocka_unit_test(test_round_trips),
	};

	return cmocka_run_group_tests_name("dtime", tests, NULL, NULL);
}
