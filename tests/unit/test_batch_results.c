/* SPDX-License-Identifier: MIT */
/* Results lines: one compact JSON object per record, and read back for
 * --resume. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "batch_results.h"

static void test_lines_as_written(void **state)
{
	char sha[65];
	results_entry ok = {.status = "ok",
			    .account_id = "siti.rahayu",
			    .source = "in.jsonl:2",
			    .bytes = 9412,
			    .sha256 = sha};
	results_entry err = {.status = "error",
			     .source = "in.jsonl:10",
			     .error = "in.jsonl:10: /phone: \"bad\"\tvalue"};
	strbuf sb = STRBUF_INIT;

	(void)state;
	memset(sha, 'a', 64);
	sha[64] = '\0';
	results_line(&sb, &ok);
	results_line(&sb, &err);
	assert_false(sb.failed);
	assert_string_equal(
	    sb.data,
	    "{\"status\":\"ok\",\"account_id\":\"siti.rahayu\",\"source\":"
	    "\"in.jsonl:2\",\"bundle\":\"siti.rahayu.zip\",\"bytes\":9412,"
	    "\"sha256\":"
	    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaa\"}\n"
	    "{\"status\":\"error\",\"account_id\":null,\"source\":"
	    "\"in.jsonl:10\",\"error\":\"in.jsonl:10: /phone: \\\"bad\\\"\\t"
	    "value\"}\n");
	strbuf_release(&sb);
}

static void test_read_back(void **state)
{
	char sha[65];
	results_entry ok = {.status = "ok",
			    .account_id = "a",
			    .source = "f:1",
			    .bytes = 1,
			    .sha256 = sha,
			    .key_sha256 = sha,
			    .answer =
				"\"optout\":null,\"withheld\":{},"
				"\"shared\":[],\"terms\":{\"t\":\"pending\"}"};
	results_entry err = {
	    .status = "error", .source = "f:2", .error = "f:2: x"};
	strbuf sb = STRBUF_INIT;
	old_line l;
	char *nl;

	(void)state;
	memset(sha, 'b', 64);
	sha[64] = '\0';
	results_line(&sb, &ok);
	nl = strchr(sb.data, '\n');
	assert_int_equal(results_parse(sb.data, (size_t)(nl - sb.data + 1), &l),
			 0);
	assert_string_equal(l.status, "ok");
	assert_string_equal(l.account_id, "a");
	assert_string_equal(l.source, "f:1");
	assert_string_equal(l.sha256, sha);
	assert_null(l.error);
	assert_int_equal(l.bytes, 1);
	/* Where the sha256's digits are in the line, for a fix in place;
	 * key_sha256 (the same digits here) is not taken for it. */
	assert_true(l.sha256_at > 0);
	assert_memory_equal(sb.data + l.sha256_at - 10, "\"sha256\":\"", 10);
	assert_memory_equal(sb.data + l.sha256_at, sha, 64);
	/* The answer and the key are inside the object, after the bundle. */
	assert_non_null(strstr(sb.data, "\"key_sha256\":\"bbbb"));
	assert_non_null(strstr(sb.data, ",\"optout\":null,\"withheld\":{},"
					"\"shared\":[],\"terms\":{\"t\":"
					"\"pending\"}}\n"));
	old_line_release(&l);
	assert_null(l.status);
	strbuf_truncate(&sb, 0);
	results_line(&sb, &err);
	assert_int_equal(results_parse(sb.data, sb.len, &l), 0);
	assert_null(l.account_id); /* null, not "null" */
	assert_string_equal(l.error, "f:2: x");
	old_line_release(&l);
	strbuf_release(&sb);
}

static void test_not_a_results_line(void **state)
{
	static const char *const bad[] = {
	    "",
	    "not json",
	    "[1,2]",
	    "{\"status\":\"ok\"}",		     /* no source */
	    "{\"source\":\"f:1\"}",		     /* no status */
	    "{\"status\":1,\"source\":\"f:1\"}",     /* not a string */
	    "{\"status\":\"ok\",\"source\":\"f:1\"", /* torn */
	};
	old_line l;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (results_parse(bad[i], strlen(bad[i]), &l) == 0)
			fail_msg("'%s' read as a results line", bad[i]);
		old_line_release(&l);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lines_as_written),
	    cmocka_unit_test(test_read_back),
	    cmocka_unit_test(test_not_a_results_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
