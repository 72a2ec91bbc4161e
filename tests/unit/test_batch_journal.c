/* SPDX-License-Identifier: MIT */
/* The batch journal: written whole before a group's renames, read back
 * after a crash, with a torn line left out. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch_journal.h"
#include "dyd.h"
#include "failalloc.h"
#include "testutil.h"

static journal_entry entry(uint64_t seq, const char *id, char c)
{
	journal_entry e;

	e.seq = seq;
	e.account_id = (char *)id;
	memset(e.sha256, c, SHA256_HEX_SIZE - 1);
	e.sha256[SHA256_HEX_SIZE - 1] = '\0';
	return e;
}

static void test_round_trip(void **state)
{
	char *dir = make_tmpdir(), *text;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	journal_entry in[3] = {entry(7, "a", 'a'), entry(8, "b.c", 'b'),
			       entry(1ULL << 40, "d", 'd')};
	batch_journal j;

	(void)state;
	assert_int_equal(journal_write(dfd, "j", in, 3, NULL), 0);
	text = slurp(join(dir, "j"), NULL);
	assert_non_null(strstr(text,
			       "{\"seq\":7,\"account_id\":\"a\",\"sha256\":"
			       "\"aaaa"));
	free(text);
	assert_int_equal(journal_read(dfd, "j", &j, NULL), 0);
	assert_int_equal(j.count, 3);
	assert_int_equal(j.entries[2].seq, 1ULL << 40);
	assert_string_equal(j.entries[1].account_id, "b.c");
	assert_string_equal(j.entries[1].sha256, in[1].sha256);
	assert_ptr_equal(journal_find(&j, 8), &j.entries[1]);
	assert_null(journal_find(&j, 9));
	journal_release(&j);
	assert_int_equal(j.count, 0);
	/* A new group replaces the journal; an empty one is empty. */
	assert_int_equal(journal_write(dfd, "j", in, 1, NULL), 0);
	assert_int_equal(journal_read(dfd, "j", &j, NULL), 0);
	assert_int_equal(j.count, 1);
	journal_release(&j);
	assert_int_equal(journal_write(dfd, "j", in, 0, NULL), 0);
	assert_int_equal(journal_read(dfd, "j", &j, NULL), 0);
	assert_int_equal(j.count, 0);
	journal_release(&j);
	close(dfd);
	rm_tree(dir);
	free(dir);
}

static void test_torn_and_foreign_lines(void **state)
{
	char *dir = make_tmpdir();
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	const char text[] =
	    "{\"seq\":1,\"account_id\":\"a\",\"sha256\":\""
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    "\"}\n"
	    "{\"seq\":2,\"account_id\":\"b\",\"sha256\":\"short\"}\n"
	    "{\"seq\":\"3\",\"account_id\":\"c\",\"sha256\":\""
	    "0000000000000000000000000000000000000000000000000000000000000000"
	    "\"}\n"
	    "not json\n"
	    "{\"seq\":4,\"account_id\":\"d\",\"sha2";
	batch_journal j;

	(void)state;
	write_file(join(dir, "j"), text, sizeof(text) - 1);
	assert_int_equal(journal_read(dfd, "j", &j, NULL), 0);
	assert_int_equal(j.count, 1);
	assert_string_equal(j.entries[0].account_id, "a");
	journal_release(&j);
	/* No journal at all: the run was not committing. */
	assert_int_equal(journal_read(dfd, "missing", &j, NULL), 0);
	assert_int_equal(j.count, 0);
	assert_null(j.entries);
	close(dfd);
	rm_tree(dir);
	free(dir);
}

static void test_write_failures(void **state)
{
	char *dir = make_tmpdir();
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	journal_entry in[1] = {entry(1, "a", 'a')};

	(void)state;
	fail_after(0);
	assert_int_equal(journal_write(dfd, "j", in, 1, NULL), DYD_ENOMEM);
	fail_never();
	assert_int_equal(count_entries(dir), 0);
	assert_int_equal(journal_write(dfd, "no/such/j", in, 1, NULL), DYD_EIO);
	close(dfd);
	rm_tree(dir);
	free(dir);
}

/* A journal name that leads elsewhere (a link planted in OUTDIR) is
 * neither written through nor read: the file it leads to is untouched. */
static void test_links_are_not_followed(void **state)
{
	char *dir = make_tmpdir(), *text;
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	journal_entry in[1] = {entry(1, "a", 'a')};
	const char *why = NULL;
	dyd_diags diags = DYD_DIAGS_INIT;
	batch_journal j;

	(void)state;
	write_file(join(dir, "precious"), "keep\n", 5);
	assert_int_equal(symlink("precious", join(dir, "j")), 0);
	assert_int_equal(journal_write(dfd, "j", in, 1, &why), DYD_EIO);
	assert_non_null(why);
	assert_non_null(strstr(why, "symbolic link"));
	assert_int_equal(journal_read(dfd, "j", &j, &diags), DYD_EIO);
	assert_int_equal(j.count, 0);
	assert_non_null(strstr(diags.items[0].message, "symbolic link"));
	text = slurp(join(dir, "precious"), NULL);
	assert_string_equal(text, "keep\n");
	free(text);
	/* Nor a FIFO, which would block the read. */
	assert_int_equal(mkfifo(join(dir, "f"), 0600), 0);
	assert_int_equal(journal_read(dfd, "f", &j, &diags), DYD_EIO);
	dyd_diags_release(&diags);
	close(dfd);
	rm_tree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_torn_and_foreign_lines),
	    cmocka_unit_test(test_write_failures),
	    cmocka_unit_test(test_links_are_not_followed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
