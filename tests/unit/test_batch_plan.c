/* SPDX-License-Identifier: MIT */
/* The batch commit's group decision (batch_plan.c), apart from the disk:
 * which records of a group get which status and line, which bundles go
 * into place, duplicates, the journal after a crash, and replaying the
 * lines of an earlier run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "batch_plan.h"
#include "dyd.h"
#include "failalloc.h"
#include "testutil.h"

static batch_item items[8];
static batch_item *group[8];
static plan_input in[8];
static batch_journal journal;
static journal_entry entries[4];

static int reset(void **state)
{
	int i;

	(void)state;
	fail_never();
	for (i = 0; i < 8; i++) {
		free(items[i].error);
		memset(&items[i], 0, sizeof(items[i]));
		memset(&in[i], 0, sizeof(in[i]));
		group[i] = &items[i];
	}
	journal.entries = entries;
	journal.count = 0;
	return 0;
}

static void item(int i, enum outcome o, const char *id, const char *where,
		 char sha)
{
	items[i].outcome = o;
	items[i].account_id = (char *)id;
	items[i].in.where = (char *)where;
	memset(items[i].sha256, sha, SHA256_HEX_SIZE - 1);
	items[i].sha256[SHA256_HEX_SIZE - 1] = '\0';
}

static void journaled(uint64_t seq, const char *id, char sha)
{
	journal_entry *e = &entries[journal.count++];

	e->seq = seq;
	e->account_id = (char *)id;
	memset(e->sha256, sha, SHA256_HEX_SIZE - 1);
	e->sha256[SHA256_HEX_SIZE - 1] = '\0';
}

static void test_fresh_group(void **state)
{
	group_plan p;

	(void)state;
	item(0, OUT_BUNDLE, "a", "in:1", '1');
	item(1, OUT_ERROR, "b", "in:2", '2');
	items[1].error = strdup("in:2: bad");
	item(2, OUT_NOT_MINE, "c", "in:3", '3');
	item(3, OUT_BUNDLE, "d", "in:4", '4');
	item(4, OUT_ERROR, NULL, "in:5", '5');
	items[4].error = strdup("in:5: unparsable");
	assert_int_equal(batch_plan_group(&p, group, 5, 0, in, &journal), 0);
	assert_string_equal(p.status[0], "ok");
	assert_string_equal(p.status[1], "error");
	assert_string_equal(p.status[3], "ok");
	assert_string_equal(p.status[4], "error");
	/* Every record of this shard gets a line, another shard's none. */
	assert_true(p.line[0] && p.line[1] && p.line[3] && p.line[4]);
	assert_false(p.line[2]);
	assert_int_equal(p.moving_count, 2);
	assert_int_equal(p.moving[0], 0);
	assert_int_equal(p.moving[1], 3);
	assert_int_equal(p.mismatch, PLAN_MATCHES);
	for (int i = 0; i < 5; i++)
		assert_false(p.drop[i]);
}

static void test_duplicates_in_the_group_and_on_disk(void **state)
{
	group_plan p;

	(void)state;
	item(0, OUT_BUNDLE, "a", "in:1", '1');
	item(1, OUT_BUNDLE, "a", "in:2", '2'); /* same id, same group */
	item(2, OUT_BUNDLE, "z", "in:3", '3');
	in[2].on_disk = true; /* committed before, by an earlier group */
	assert_int_equal(batch_plan_group(&p, group, 3, 10, in, &journal), 0);
	assert_string_equal(p.status[0], "ok");
	assert_int_equal(p.moving_count, 1);
	for (int i = 1; i < 3; i++) {
		assert_string_equal(p.status[i], "error");
		assert_true(p.line[i]);
		assert_true(p.drop[i]); /* its temporary bundle goes */
		assert_int_equal(items[i].outcome, OUT_ERROR);
	}
	assert_string_equal(items[1].error,
			    "in:2: duplicate account id 'a': its bundle was "
			    "already written for an earlier record");
	assert_non_null(strstr(items[2].error, "duplicate account id 'z'"));
}

/* After a crash in the middle of a commit: the journal tells a bundle
 * of the group being committed from a duplicate. */
static void test_journal_settles_the_interrupted_group(void **state)
{
	group_plan p;

	(void)state;
	/* Renamed into place before the crash, and it verifies. */
	item(0, OUT_EXISTS, "a", "in:1", '1');
	journaled(20, "a", '1');
	/* There and damaged: replaced, since the journal says it is its. */
	item(1, OUT_BUNDLE, "b", "in:2", '2');
	items[1].replace = true;
	in[1].on_disk = true;
	journaled(21, "b", '2');
	/* There, verifies, but the journal gives it another digest. */
	item(2, OUT_EXISTS, "c", "in:3", '3');
	journaled(22, "c", '9');
	/* Damaged and not journaled: someone else's file. */
	item(3, OUT_BUNDLE, "d", "in:4", '4');
	items[3].replace = true;
	in[3].on_disk = true;
	assert_int_equal(batch_plan_group(&p, group, 4, 20, in, &journal), 0);
	assert_string_equal(p.status[0], "ok");
	assert_string_equal(p.status[1], "ok");
	assert_string_equal(p.status[2], "error");
	assert_string_equal(p.status[3], "error");
	assert_int_equal(p.moving_count, 1);
	assert_int_equal(p.moving[0], 1);
	assert_false(p.drop[2]); /* OUT_EXISTS has no temporary */
	assert_true(p.drop[3]);
	/* The same group at another place in the input: the journal is
	 * not about it. */
	reset(NULL);
	item(0, OUT_EXISTS, "a", "in:1", '1');
	journaled(20, "a", '1');
	assert_int_equal(batch_plan_group(&p, group, 1, 0, in, &journal), 0);
	assert_string_equal(p.status[0], "error");
}

static void test_replay_of_an_earlier_run(void **state)
{
	old_line ok1 = {.status = "ok", .account_id = "a", .source = "in:1"};
	old_line ok2 = {.status = "ok", .account_id = "b", .source = "in:2"};
	old_line err = {.status = "error", .source = "in:3"};
	char sha1[SHA256_HEX_SIZE], sha2[SHA256_HEX_SIZE];
	group_plan p;

	(void)state;
	memset(sha1, '1', 64);
	sha1[64] = '\0';
	memset(sha2, '2', 64);
	sha2[64] = '\0';
	ok1.sha256 = sha1;
	ok2.sha256 = sha2;
	err.error = strdup("in:3: what it said then");
	item(0, OUT_EXISTS, "a", "in:1", '1');
	item(1, OUT_BUNDLE, "b", "in:2", '2'); /* lost since: made again */
	item(2, OUT_ERROR, NULL, "in:3", '3');
	item(3, OUT_BUNDLE, "d", "in:4", '4'); /* past the earlier run */
	in[0].old = &ok1;
	in[1].old = &ok2;
	in[2].old = &err;
	assert_int_equal(batch_plan_group(&p, group, 4, 0, in, &journal), 0);
	assert_string_equal(p.status[0], "skipped");
	assert_string_equal(p.status[1], "skipped");
	assert_string_equal(p.status[2], "error");
	assert_string_equal(p.status[3], "ok");
	/* The earlier lines stand: only the new record gets one. */
	assert_false(p.line[0] || p.line[1] || p.line[2]);
	assert_true(p.line[3]);
	assert_int_equal(p.moving_count, 2);
	assert_int_equal(p.moving[0], 1);
	assert_int_equal(p.moving[1], 3);
	/* A failed record fails with the earlier message. */
	assert_string_equal(items[2].error, "in:3: what it said then");
	assert_null(err.error);
}

static void test_replay_mismatches(void **state)
{
	old_line other = {.status = "ok", .account_id = "a", .source = "in:9"};
	old_line torn = {0};
	old_line ok = {.status = "ok", .account_id = "a", .source = "in:1"};
	char sha[SHA256_HEX_SIZE];
	group_plan p;

	(void)state;
	memset(sha, '7', 64);
	sha[64] = '\0';
	ok.sha256 = sha;
	item(0, OUT_BUNDLE, "x", "in:0", '0');
	item(1, OUT_BUNDLE, "a", "in:1", '1');
	in[1].old = &other; /* the earlier run read other input */
	assert_int_equal(batch_plan_group(&p, group, 2, 0, in, &journal),
			 DYD_EUSAGE);
	assert_int_equal(p.mismatch, PLAN_OTHER_INPUT);
	assert_int_equal(p.mismatch_at, 1);
	in[1].old = &torn; /* a line that does not read */
	assert_int_equal(batch_plan_group(&p, group, 2, 0, in, &journal),
			 DYD_EUSAGE);
	assert_int_equal(p.mismatch, PLAN_OTHER_INPUT);
	in[1].old = &ok; /* the same record, another bundle */
	assert_int_equal(batch_plan_group(&p, group, 2, 0, in, &journal),
			 DYD_EUSAGE);
	assert_int_equal(p.mismatch, PLAN_OTHER_BUNDLE);
	assert_int_equal(p.mismatch_at, 1);
	/* The same id on both sides, but the earlier run's is another. */
	ok.account_id = "b";
	memset(sha, '1', 64);
	assert_int_equal(batch_plan_group(&p, group, 2, 0, in, &journal),
			 DYD_EUSAGE);
	assert_int_equal(p.mismatch, PLAN_OTHER_INPUT);
}

static void test_out_of_memory_for_the_message(void **state)
{
	group_plan p;

	(void)state;
	item(0, OUT_BUNDLE, "a", "in:1", '1');
	item(1, OUT_BUNDLE, "a", "in:2", '2');
	fail_after(0);
	assert_int_equal(batch_plan_group(&p, group, 2, 0, in, &journal),
			 DYD_ENOMEM);
	fail_never();
	assert_null(items[1].error);
}

/* --encrypt: a bundle made again never has the bytes of the first, so
 * one of the recorded size stands for it, and its line is to get the new
 * sha256; a bundle of another size, or any other bundle unencrypted, is
 * a mismatch. */
static void test_encrypted_bundle_made_again(void **state)
{
	old_line was = {.status = "ok",
			.account_id = "a",
			.source = "in:1",
			.bytes = 100,
			.at = 1000,
			.sha256_at = 77};
	char sha[SHA256_HEX_SIZE];
	group_plan p;

	(void)state;
	memset(sha, '9', 64);
	sha[64] = '\0';
	was.sha256 = sha;
	item(0, OUT_BUNDLE, "a", "in:1", '1');
	items[0].bytes = 100;
	in[0].old = &was;
	in[0].encrypted = true;
	assert_int_equal(batch_plan_group(&p, group, 1, 0, in, &journal), 0);
	assert_string_equal(p.status[0], "skipped");
	assert_int_equal(p.moving_count, 1);
	assert_int_equal(p.fix_sha256_at[0], 1077);
	/* Found in OUTDIR instead (made by a resume that stopped before
	 * its line was fixed): the same. */
	items[0].outcome = OUT_EXISTS;
	assert_int_equal(batch_plan_group(&p, group, 1, 0, in, &journal), 0);
	assert_string_equal(p.status[0], "skipped");
	assert_int_equal(p.moving_count, 0);
	assert_int_equal(p.fix_sha256_at[0], 1077);
	/* The same bytes: nothing to fix. */
	memset(items[0].sha256, '9', 64);
	assert_int_equal(batch_plan_group(&p, group, 1, 0, in, &journal), 0);
	assert_int_equal(p.fix_sha256_at[0], 0);
	/* Another size, or not encrypted: not the record's bundle. */
	item(0, OUT_BUNDLE, "a", "in:1", '1');
	items[0].bytes = 101;
	assert_int_equal(batch_plan_group(&p, group, 1, 0, in, &journal),
			 DYD_EUSAGE);
	assert_int_equal(p.mismatch, PLAN_OTHER_BUNDLE);
	items[0].bytes = 100;
	in[0].encrypted = false;
	assert_int_equal(batch_plan_group(&p, group, 1, 0, in, &journal),
			 DYD_EUSAGE);
	in[0].old = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup(test_fresh_group, reset),
	    cmocka_unit_test_setup(test_duplicates_in_the_group_and_on_disk,
				   reset),
	    cmocka_unit_test_setup(test_journal_settles_the_interrupted_group,
				   reset),
	    cmocka_unit_test_setup(test_replay_of_an_earlier_run, reset),
	    cmocka_unit_test_setup(test_replay_mismatches, reset),
	    cmocka_unit_test_setup(test_out_of_memory_for_the_message, reset),
	    cmocka_unit_test_setup(test_encrypted_bundle_made_again, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
