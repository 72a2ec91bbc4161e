/* SPDX-License-Identifier: MIT */
/* dyd_file_read: a whole file into memory, NUL-terminated, refused when
 * larger than the caller's limit, with the file named in every error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dyd.h"
#include "testutil.h"

static void test_reads_bytes_and_terminates(void **state)
{
	const char bytes[] = "a\0b\nc"; /* NULs are the parser's business */
	char *dir = make_tmpdir(), path[4096], *out = NULL;
	dyd_diags diags = DYD_DIAGS_INIT;
	size_t len = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/f", dir);
	write_file(path, bytes, sizeof(bytes) - 1);
	assert_int_equal(dyd_file_read(path, 100, &out, &len, &diags), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(out, bytes, 6);
	free(out);
	/* An empty file is an empty buffer, not NULL. */
	write_file(path, "", 0);
	assert_int_equal(dyd_file_read(path, 100, &out, &len, &diags), 0);
	assert_non_null(out);
	assert_int_equal(len, 0);
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(diags.count, 0);
	rm_tree(dir);
	free(dir);
}

static void test_limit_is_inclusive(void **state)
{
	char *dir = make_tmpdir(), path[4096], *out = (char *)1;
	dyd_diags diags = DYD_DIAGS_INIT;
	size_t len = 7;

	(void)state;
	snprintf(path, sizeof(path), "%s/f", dir);
	write_file(path, "12345", 5);
	assert_int_equal(dyd_file_read(path, 5, &out, &len, &diags), 0);
	free(out);
	assert_int_equal(dyd_file_read(path, 4, &out, &len, &diags),
			 DYD_EINVALID);
	assert_null(out);
	assert_int_equal(len, 0);
	assert_int_equal(diags.count, 1);
	assert_string_equal(diags.items[0].file, path);
	assert_string_equal(diags.items[0].message,
			    "file of 5 bytes is larger than the limit of 4 "
			    "bytes");
	dyd_diags_release(&diags);
	rm_tree(dir);
	free(dir);
}

static void test_errors_name_the_file(void **state)
{
	char *dir = make_tmpdir(), path[4096], *out;
	dyd_diags diags = DYD_DIAGS_INIT;
	size_t len;

	(void)state;
	assert_int_equal(dyd_file_read(dir, 100, &out, &len, &diags), DYD_EIO);
	assert_string_equal(diags.items[0].message,
			    "is a directory, not a file");
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(dyd_file_read(path, 100, &out, &len, &diags), DYD_EIO);
	assert_string_equal(diags.items[1].file, path);
	assert_string_equal(diags.items[1].message,
			    "cannot open: No such file or directory");
	assert_null(out);
	dyd_diags_release(&diags);
	rm_tree(dir);
	free(dir);
}

/* Standard input has no size to check first: the limit is kept while
 * reading. */
static void test_stdin_limit_while_reading(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	int fds[2], saved = dup(STDIN_FILENO);
	char *out = NULL;
	size_t len;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], "0123456789", 10), 10);
	close(fds[1]);
	dup2(fds[0], STDIN_FILENO);
	close(fds[0]);
	assert_int_equal(dyd_file_read("-", 4, &out, &len, &diags),
			 DYD_EINVALID);
	dup2(saved, STDIN_FILENO);
	close(saved);
	assert_null(out);
	assert_string_equal(diags.items[0].file, "<stdin>");
	assert_string_equal(diags.items[0].message,
			    "input is larger than the limit of 4 bytes");
	dyd_diags_release(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reads_bytes_and_terminates),
	    cmocka_unit_test(test_limit_is_inclusive),
	    cmocka_unit_test(test_errors_name_the_file),
	    cmocka_unit_test(test_stdin_limit_while_reading),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
