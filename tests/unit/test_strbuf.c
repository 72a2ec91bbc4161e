/* SPDX-License-Identifier: MIT */
/* strbuf: a growable string that remembers an allocation failure, the
 * number formatters that replace printf in hot paths, and the JSON
 * pointer builder every walk over a document uses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "failalloc.h"
#include "strbuf.h"

static void test_append_grows_and_terminates(void **state)
{
	strbuf sb = STRBUF_INIT;
	char expect[5001];
	int i;

	(void)state;
	for (i = 0; i < 5000; i++)
		strbuf_putc(&sb, (char)('a' + i % 26));
	for (i = 0; i < 5000; i++)
		expect[i] = (char)('a' + i % 26);
	expect[5000] = '\0';
	assert_false(sb.failed);
	assert_int_equal(sb.len, 5000);
	assert_string_equal(sb.data, expect);
	strbuf_truncate(&sb, 3);
	assert_string_equal(sb.data, "abc");
	/* Truncating past the end changes nothing. */
	strbuf_truncate(&sb, 10);
	assert_string_equal(sb.data, "abc");
	strbuf_append(&sb, "de\0f", 4); /* bytes, NUL included */
	assert_int_equal(sb.len, 7);
	assert_memory_equal(sb.data, "abcde\0f", 8);
	strbuf_release(&sb);
	assert_null(sb.data);
	assert_int_equal(sb.len, 0);
}

static void test_printf_longer_than_the_first_guess(void **state)
{
	strbuf sb = STRBUF_INIT;
	char big[300], *out;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strbuf_puts(&sb, "<");
	strbuf_printf(&sb, "%s|%d|%s", big, -42, "end");
	strbuf_puts(&sb, ">");
	assert_int_equal(sb.len, 1 + 299 + 4 + 4 + 1);
	assert_memory_equal(sb.data + 300, "|-42|end>", 9);
	out = strbuf_detach(&sb);
	assert_non_null(out);
	assert_null(sb.data); /* handed over */
	free(out);
}

static void test_failure_is_sticky(void **state)
{
	strbuf sb = STRBUF_INIT;

	(void)state;
	strbuf_puts(&sb, "kept");
	/* A size that cannot be had fails without allocating... */
	assert_false(strbuf_grow(&sb, SIZE_MAX - 2));
	assert_true(sb.failed);
	/* ...and stays failed through later appends, so a builder checks
	 * once, at the end: the content is incomplete, and detach says so. */
	strbuf_puts(&sb, "more");
	strbuf_printf(&sb, "%d", 7);
	strbuf_putc(&sb, '!');
	assert_false(strbuf_grow(&sb, 1));
	assert_true(sb.failed);
	assert_null(strbuf_detach(&sb));
	assert_null(sb.data);
}

static void test_enomem_in_realloc(void **state)
{
	strbuf sb = STRBUF_INIT;

	(void)state;
	fail_after(0);
	strbuf_puts(&sb, "x");
	fail_never();
	assert_true(sb.failed);
	assert_null(sb.data);
	strbuf_puts(&sb, "y"); /* stays failed */
	assert_null(strbuf_detach(&sb));

	/* A failure while growing keeps what was there, terminated. */
	strbuf_puts(&sb, "abc");
	fail_after(0);
	strbuf_printf(&sb, "%0200d", 1);
	fail_never();
	assert_true(sb.failed);
	assert_string_equal(sb.data, "abc");
	strbuf_release(&sb);
	assert_false(sb.failed); /* released: usable again */
}

static void test_number_formatters_match_printf(void **state)
{
	static const unsigned long long u[] = {0,  1,	    9,	       10,
					       99, 1000000, ULLONG_MAX};
	static const long long s[] = {0, -1, 1, -10, LLONG_MAX, LLONG_MIN};
	char buf[32], want[32], *end;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(u) / sizeof(u[0]); i++) {
		n = format_unsigned(u[i], buf);
		snprintf(want, sizeof(want), "%llu", u[i]);
		assert_string_equal(buf, want);
		assert_int_equal(n, strlen(want));
	}
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
		n = format_signed(s[i], buf);
		snprintf(want, sizeof(want), "%lld", s[i]);
		assert_string_equal(buf, want);
		assert_int_equal(n, strlen(want));
	}
	memset(buf, '#', sizeof(buf));
	end = format_digits(buf, 7, 3);
	assert_int_equal(end - buf, 3);
	assert_memory_equal(buf, "007#", 4); /* no NUL written */
	end = format_digits(buf, 2026, 4);
	assert_memory_equal(buf, "2026", 4);
}

static void test_json_pointer_escapes(void **state)
{
	strbuf sb = STRBUF_INIT;
	size_t top, mid;

	(void)state;
	/* RFC 6901: '~' is written "~0" and '/' "~1", in that order, so
	 * "~1" as a key is "~01", not "~1". */
	top = strbuf_pointer_push(&sb, "a/b", 3);
	assert_int_equal(top, 0);
	mid = strbuf_pointer_index(&sb, 12);
	strbuf_pointer_push(&sb, "~1", 2);
	assert_string_equal(sb.data, "/a~1b/12/~01");
	strbuf_truncate(&sb, mid);
	assert_string_equal(sb.data, "/a~1b");
	/* A key may hold any byte, NUL included: length, not strlen. */
	strbuf_pointer_push(&sb, "x\0y", 3);
	assert_int_equal(sb.len, 5 + 4);
	assert_memory_equal(sb.data + 5, "/x\0y", 4);
	strbuf_truncate(&sb, top);
	strbuf_pointer_push(&sb, "", 0);
	assert_string_equal(sb.data, "/"); /* the empty key */
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_append_grows_and_terminates),
	    cmocka_unit_test(test_printf_longer_than_the_first_guess),
	    cmocka_unit_test(test_failure_is_sticky),
	    cmocka_unit_test(test_enomem_in_realloc),
	    cmocka_unit_test(test_number_formatters_match_printf),
	    cmocka_unit_test(test_json_pointer_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
