/* SPDX-License-Identifier: MIT */
/* Diagnostics: every problem kept with its place, formatted the one way
 * messages are printed, and as JSON for --json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "failalloc.h"

static void assert_formats(const dyd_diag *d, const char *want)
{
	char *s = dyd_diag_format(d);

	assert_non_null(s);
	assert_string_equal(s, want);
	free(s);
}

static void test_format_leaves_out_what_is_unknown(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;

	(void)state;
	diag_add(&diags, DYD_ERROR, "a.yaml", 3, 7, "/events/0", "bad %s",
		 "thing");
	diag_add(&diags, DYD_WARNING, "a.yaml", 3, 0, NULL, "no column");
	diag_add(&diags, DYD_ERROR, "a.json", 0, 9, "", "root");
	diag_add(&diags, DYD_ERROR, NULL, 5, 5, NULL, "nowhere");
	assert_int_equal(diags.count, 4);
	assert_int_equal(diags.errors, 3);
	assert_formats(&diags.items[0],
		       "a.yaml:3:7: error: /events/0: bad thing");
	assert_formats(&diags.items[1], "a.yaml:3: warning: no column");
	/* No line: no column either; the root pointer "" shows as "/". */
	assert_formats(&diags.items[2], "a.json: error: /: root");
	/* No file: no position at all. */
	assert_formats(&diags.items[3], "error: nowhere");
	dyd_diags_clear(&diags);
	assert_int_equal(diags.count, 0);
	assert_int_equal(diags.errors, 0);
	diag_add(&diags, DYD_ERROR, NULL, 0, 0, NULL, "again");
	assert_int_equal(diags.count, 1);
	dyd_diags_release(&diags);
	/* NULL diags: a caller that does not want them. */
	diag_add(NULL, DYD_ERROR, "x", 1, 1, NULL, "ignored");
}

static void test_kept_count_is_bounded_errors_are_not(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	int i;

	(void)state;
	for (i = 0; i < 5000; i++)
		diag_add(&diags, DYD_ERROR, NULL, 0, 0, NULL, "problem %d", i);
	/* A hostile input cannot make the list grow without end, but the
	 * count of errors stays true, for "and N more". */
	assert_true(diags.count < 5000);
	assert_true(diags.count >= 100);
	assert_int_equal(diags.errors, 5000);
	assert_false(diags.out_of_memory);
	dyd_diags_release(&diags);
}

static void test_out_of_memory_is_recorded(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;

	(void)state;
	fail_after(0); /* the items array */
	diag_add(&diags, DYD_ERROR, "f", 1, 1, NULL, "lost");
	fail_never();
	assert_int_equal(diags.count, 0);
	assert_int_equal(diags.errors, 1);
	assert_true(diags.out_of_memory);
	diag_add(&diags, DYD_ERROR, "f", 1, 1, NULL, "kept");
	fail_after(0); /* the message of the next one */
	diag_add(&diags, DYD_ERROR, "f", 2, 1, NULL, "lost too");
	fail_never();
	assert_int_equal(diags.count, 1);
	assert_string_equal(diags.items[0].message, "kept");
	dyd_diags_release(&diags);
}

static void test_quote(void **state)
{
	char buf[DIAG_QUOTE_MAX + 8], big[200];
	const char eacute[] = "\xc3\xa9";
	size_t i;

	(void)state;
	diag_quote(buf, sizeof(buf), "it's a\\b\n\x7f", 10);
	assert_string_equal(buf, "it\\x27s a\\x5cb\\x0a\\x7f");
	/* Long text is cut with "...", never inside a UTF-8 sequence. */
	for (i = 0; i + 1 < sizeof(big); i += 2)
		memcpy(big + i, eacute, 2);
	diag_quote(buf, sizeof(buf), big, sizeof(big));
	assert_true(strlen(buf) <= DIAG_QUOTE_MAX + 3);
	assert_string_equal(buf + strlen(buf) - 3, "...");
	assert_true(strlen(buf) % 2 == 1); /* whole pairs, then "..." */
	diag_quote(buf, sizeof(buf), "", 0);
	assert_string_equal(buf, "");
}

static void test_json(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	char *text;
	cJSON *arr, *o;

	(void)state;
	diag_add(&diags, DYD_ERROR, "r.json", 0, 0, "/phone", "not E.164");
	diag_add(&diags, DYD_WARNING, NULL, 4, 2, NULL, "w");
	text = dyd_diags_to_json(&diags);
	assert_non_null(text);
	assert_string_equal(
	    text, "[{\"file\":\"r.json\",\"severity\":\"error\",\"line\":null,"
		  "\"column\":null,\"pointer\":\"/phone\",\"message\":\"not "
		  "E.164\"},{\"file\":null,\"severity\":\"warning\",\"line\":4,"
		  "\"column\":2,\"pointer\":null,\"message\":\"w\"}]");
	free(text);
	text =
	    dyd_file_result_json("r.json", false, "account_id", NULL, &diags);
	arr = cJSON_Parse(text);
	assert_non_null(arr);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(arr, "account_id")));
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(arr, "valid")));
	o = cJSON_GetObjectItem(arr, "diagnostics");
	assert_int_equal(cJSON_GetArraySize(o), 2);
	cJSON_Delete(arr);
	free(text);
	dyd_diags_release(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_leaves_out_what_is_unknown),
	    cmocka_unit_test(test_kept_count_is_bounded_errors_are_not),
	    cmocka_unit_test(test_out_of_memory_is_recorded),
	    cmocka_unit_test(test_quote),
	    cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
