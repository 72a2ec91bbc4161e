/* SPDX-License-Identifier: MIT */
/* Resuming a batch (batch_resume.c): the first run's options, kept in its
 * signature file, must be those of the resumed run; the results file
 * loses a torn last line and is read back a line at a time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>

#include "batch.h"
#include "testutil.h"

static struct batch b;
static dyd_batch_options opt = DYD_BATCH_OPTIONS_INIT;
static dyd_diags diags = DYD_DIAGS_INIT;
static char *dir;

static int setup(void **state)
{
	(void)state;
	dir = make_tmpdir();
	if (load_policy(&policy))
		return -1;
	opt.policy = policy;
	opt.outdir = dir;
	dyd_time_parse("2021-06-01", 10, true, &opt.as_of);
	memset(&b, 0, sizeof(b));
	b.opt = &opt;
	b.diags = &diags;
	b.outdir = dir;
	b.outdir_fd = open(dir, O_RDONLY | O_DIRECTORY);
	snprintf(b.prefix, sizeof(b.prefix), ".dyd");
	snprintf(b.journal_name, sizeof(b.journal_name), ".dyd-journal.jsonl");
	b.results_path = strdup(join(dir, "results.jsonl"));
	b.results_dirfd = b.outdir_fd;
	b.results_name = strdup("results.jsonl");
	b.results_fd = -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (b.results_fd >= 0)
		close(b.results_fd);
	free(b.old.buf);
	journal_release(&b.journal);
	close(b.outdir_fd);
	free(b.results_path);
	free(b.results_name);
	dyd_policy_free(policy);
	dyd_diags_release(&diags);
	rm_tree(dir);
	free(dir);
	return 0;
}

static void test_signature_must_match(void **state)
{
	char *text;

	(void)state;
	/* The first run writes it... */
	assert_int_equal(batch_check_signature(&b, false), 0);
	text = slurp(join(dir, ".dyd-run.json"), NULL);
	assert_non_null(text);
	assert_non_null(strstr(text, "\"as_of\":\"2021-06-01T00:00:00Z\""));
	assert_non_null(strstr(text, dyd_policy_sha256(policy)));
	assert_string_equal(text + strlen(text) - 1, "\n");
	free(text);
	/* ...a resumed run with the same options agrees... */
	assert_int_equal(batch_check_signature(&b, true), 0);
	assert_int_equal(diags.count, 0);
	/* ...and one with any other is refused in one line, naming each
	 * option that differs with both values, and nothing else. */
	opt.bundle.level = 9;
	opt.bundle.tz = "Asia/Jakarta";
	assert_int_equal(batch_check_signature(&b, true), DYD_EUSAGE);
	assert_int_equal(diags.count, 1);
	assert_non_null(
	    strstr(diags.items[0].message,
		   "--resume needs the options of the first run: "));
	assert_non_null(strstr(diags.items[0].message, "--level was 6, is 9"));
	assert_non_null(
	    strstr(diags.items[0].message, "--tz was UTC, is Asia/Jakarta"));
	assert_null(strstr(diags.items[0].message, "as-of"));
	assert_null(strchr(diags.items[0].message, '\n'));
	assert_null(strchr(diags.items[0].message, '{'));
	opt.bundle.level = 6;
	opt.bundle.tz = NULL;
	opt.record.strict = true;
	assert_int_equal(batch_check_signature(&b, true), DYD_EUSAGE);
	assert_non_null(
	    strstr(diags.items[1].message, "--strict was false, is true"));
	opt.record.strict = false;
	dyd_diags_clear(&diags);
}

static void test_results_cut_to_whole_lines(void **state)
{
	const char text[] =
	    "{\"status\":\"ok\",\"source\":\"f:1\",\"account_id\":"
	    "\"a\",\"sha256\":\"x\"}\n"
	    "{\"status\":\"error\",\"source\":\"f:2\",\"error\":"
	    "\"e\"}\n"
	    "{\"status\":\"ok\",\"sour";
	old_line l;
	char *after;

	(void)state;
	write_file(b.results_path, text, sizeof(text) - 1);
	assert_int_equal(batch_open_resume(&b), 0);
	assert_int_equal(b.old_remaining, 2);
	after = slurp(b.results_path, NULL);
	assert_int_equal(strlen(after),
			 strchr(strchr(text, '\n') + 1, '\n') - text + 1);
	free(after);
	batch_read_old_line(&b, &l);
	assert_string_equal(l.source, "f:1");
	old_line_release(&l);
	batch_read_old_line(&b, &l);
	assert_string_equal(l.status, "error");
	assert_string_equal(l.error, "e");
	old_line_release(&l);
	/* Past the end: a line that does not read. */
	batch_read_old_line(&b, &l);
	assert_null(l.status);
	close(b.results_fd);
	b.results_fd = -1;
	free(b.old.buf);
	memset(&b.old, 0, sizeof(b.old));
	b.old_remaining = 0;
}

static void test_no_results_file_starts_anew(void **state)
{
	(void)state;
	unlink(b.results_path);
	assert_int_equal(batch_open_resume(&b), 1);
	assert_int_equal(b.results_fd, -1);
	assert_null(b.old.buf);
}

static void test_journal_read_with_the_results(void **state)
{
	const char j[] =
	    "{\"seq\":5,\"account_id\":\"a\",\"sha256\":\""
	    "1111111111111111111111111111111111111111111111111111111111111111"
	    "\"}\n";

	(void)state;
	write_file(b.results_path, "", 0);
	write_file(join(dir, ".dyd-journal.jsonl"), j, sizeof(j) - 1);
	assert_int_equal(batch_open_resume(&b), 0);
	assert_int_equal(b.old_remaining, 0);
	assert_int_equal(b.journal.count, 1);
	assert_non_null(journal_find(&b.journal, 5));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_signature_must_match),
	    cmocka_unit_test(test_results_cut_to_whole_lines),
	    cmocka_unit_test(test_no_results_file_starts_anew),
	    cmocka_unit_test(test_journal_read_with_the_results),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
