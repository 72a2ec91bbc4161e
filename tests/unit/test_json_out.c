/* SPDX-License-Identifier: MIT */
/* The JSON writer must write the bytes cJSON writes (report.json and the
 * results file were cJSON's output before the writer, and readers may
 * compare them), the strbuf helpers must survive growth, and the
 * hand-written time formats must match what printf gave. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_out.h"
#include "strbuf.h"
#include "tz.h"

/* The writer's compact output of value, without the final newline. */
static char *compact(const cJSON *value)
{
	char *text = json_print(value, false);
	size_t len;

	assert_non_null(text);
	len = strlen(text);
	assert_true(len > 0 && text[len - 1] == '\n');
	text[len - 1] = '\0';
	return text;
}

static void assert_same_as_cjson(const cJSON *value)
{
	char *ours = compact(value), *theirs = cJSON_PrintUnformatted(value);

	assert_non_null(theirs);
	assert_string_equal(ours, theirs);
	free(ours);
	cJSON_free(theirs);
}

static void test_strings_escape_as_cjson(void **state)
{
	char all_controls[40], *p = all_controls;
	const char *samples[] = {
	    "",
	    "plain",
	    "quote \" and backslash \\",
	    "slash / stays",
	    "tab\there, newline\nthere, cr\r, bs\b, ff\f",
	    "\x7f del stays",
	    "UTF-8: Müller, Ølstykke, 😀, \xe2\x80\xae bidi",
	    "</script><!-- -->",
	};
	size_t i;
	int c;

	(void)state;
	for (c = 1; c < 32; c++)
		*p++ = (char)c;
	*p = '\0';
	for (i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		cJSON *s = cJSON_CreateString(samples[i]);
		assert_same_as_cjson(s);
		cJSON_Delete(s);
	}
	{
		cJSON *s = cJSON_CreateString(all_controls);
		assert_same_as_cjson(s);
		cJSON_Delete(s);
	}
}

static void test_numbers_print_as_cjson(void **state)
{
	const double samples[] = {0,
				  -0.0,
				  1,
				  -1,
				  42,
				  2147483647.0,
				  -2147483648.0,
				  2147483648.0,
				  -2147483649.0,
				  4294967296.0,
				  1e15,
				  123456789012345678.0,
				  0.5,
				  -0.25,
				  0.1,
				  1.0 / 3.0,
				  3.14159265358979,
				  1e-7,
				  1e300,
				  DBL_MAX,
				  DBL_MIN,
				  NAN,
				  INFINITY,
				  -INFINITY};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		cJSON *n = cJSON_CreateNumber(samples[i]);
		assert_non_null(n);
		assert_same_as_cjson(n);
		cJSON_Delete(n);
	}
}

static void test_trees_print_as_cjson(void **state)
{
	const char *text =
	    "{\"a\":[1,2,{\"b\":null,\"c\":true,\"d\":false}],\"e\":{},"
	    "\"f\":[],\"g\":[[],[{}]],\"h\":\"x\\\"y\",\"k\\u0001\":-3.5}";
	cJSON *tree = cJSON_Parse(text);

	(void)state;
	assert_non_null(tree);
	assert_same_as_cjson(tree);
	cJSON_Delete(tree);
}

static void test_pretty_layout(void **state)
{
	cJSON *tree =
	    cJSON_Parse("{\"a\":[1,{\"b\":\"c\"}],\"e\":{},\"f\":[]}");
	char *text;

	(void)state;
	assert_non_null(tree);
	text = json_print(tree, true);
	assert_non_null(text);
	assert_string_equal(text, "{\n"
				  "  \"a\": [\n"
				  "    1,\n"
				  "    {\n"
				  "      \"b\": \"c\"\n"
				  "    }\n"
				  "  ],\n"
				  "  \"e\": {},\n"
				  "  \"f\": []\n"
				  "}\n");
	free(text);
	cJSON_Delete(tree);
}

static void test_writer_calls(void **state)
{
	strbuf sb = STRBUF_INIT;
	json_writer w;

	(void)state;
	json_writer_init(&w, &sb, false);
	json_open_object(&w);
	json_key(&w, "id", 2);
	json_string(&w, "a\"b", 3);
	json_key(&w, "n", 1);
	json_null(&w);
	json_key(&w, "t", 1);
	json_time(&w, INT64_C(1622505600000000000));
	json_key(&w, "list", 4);
	json_open_array(&w);
	json_bool(&w, true);
	json_number(&w, 12512);
	json_close_array(&w);
	json_close_object(&w);
	assert_false(sb.failed);
	assert_string_equal(sb.data, "{\"id\":\"a\\\"b\",\"n\":null,"
				     "\"t\":\"2021-06-01T00:00:00Z\","
				     "\"list\":[true,12512]}");
	strbuf_release(&sb);
}

static void test_strbuf_printf_grows(void **state)
{
	strbuf sb = STRBUF_INIT;
	char big[1000];
	size_t i;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_printf(&sb, "%d-%s", 7, "short");
	assert_string_equal(sb.data, "7-short");
	/* Longer than the room left: formatted again after growing. */
	strbuf_printf(&sb, "[%s]", big);
	assert_int_equal(sb.len, 7 + 2 + sizeof(big) - 1);
	assert_int_equal(sb.data[7], '[');
	assert_int_equal(sb.data[sb.len - 1], ']');
	assert_int_equal(strlen(sb.data), sb.len);
	for (i = 0; i < 100; i++)
		strbuf_putc(&sb, 'y');
	assert_int_equal(strlen(sb.data), sb.len);
	assert_false(sb.failed);
	strbuf_release(&sb);
}

static void test_format_unsigned(void **state)
{
	char buf[24], expected[24];
	const size_t samples[] = {0, 7, 9, 10, 99, 100, 65535, (size_t)-1};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
		snprintf(expected, sizeof(expected), "%zu", samples[i]);
		assert_int_equal(format_unsigned(samples[i], buf),
				 strlen(expected));
		assert_string_equal(buf, expected);
	}
	assert_int_equal(format_signed(-42, buf), 3);
	assert_string_equal(buf, "-42");
	snprintf(expected, sizeof(expected), "%lld", LLONG_MIN);
	assert_int_equal(format_signed(LLONG_MIN, buf), strlen(expected));
	assert_string_equal(buf, expected);
	*format_digits(buf, 7, 3) = '\0';
	assert_string_equal(buf, "007");
}

static void test_times_by_hand(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	char buf[TZ_FORMAT_BUFSIZE];
	tz *utc = NULL;
	tz_local l;

	(void)state;
	assert_int_equal(tz_load(&utc, "UTC", &diags), 0);
	tz_format(utc, INT64_C(1473516000000000000), buf);
	assert_string_equal(buf, "2016-09-10 14:00 UTC");
	tz_format(utc, INT64_C(1473516007000000000), buf);
	assert_string_equal(buf, "2016-09-10 14:00:07 UTC");
	tz_format_date(utc, INT64_C(946684799000000000), buf);
	assert_string_equal(buf, "1999-12-31");
	time_civil(INT64_C(951782400000000000), &l); /* a leap day */
	assert_int_equal(l.year, 2000);
	assert_int_equal(l.month, 2);
	assert_int_equal(l.day, 29);
	assert_int_equal(l.hour, 0);
	tz_free(utc);
	dyd_diags_release(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strings_escape_as_cjson),
	    cmocka_unit_test(test_numbers_print_as_cjson),
	    cmocka_unit_test(test_trees_print_as_cjson),
	    cmocka_unit_test(test_pretty_layout),
	    cmocka_unit_test(test_writer_calls),
	    cmocka_unit_test(test_strbuf_printf_grows),
	    cmocka_unit_test(test_format_unsigned),
	    cmocka_unit_test(test_times_by_hand),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
