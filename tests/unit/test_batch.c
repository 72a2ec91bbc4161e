/* SPDX-License-Identifier: MIT */
/* A whole batch (batch.c with its reader, workers and committer): the
 * results and bundles do not depend on the number of workers, bad and
 * duplicate records are lines of their own, a resumed run ends as the
 * clean one, shards add up to the whole, and nothing of the run's own is
 * left in the output directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dyd.h"
#include "testutil.h"

#define RECORDS 150 /* more than two groups of 64 */

static char *dir, *input;

static int setup(void **state)
{
	FILE *f;
	int i;

	(void)state;
	dir = make_tmpdir();
	input = strdup(join(dir, "in.jsonl"));
	f = fopen(input, "w");
	for (i = 0; i < RECORDS; i++) {
		if (i == 40) /* unparsable */
			fputs("{\"account_id\": \"bad\", \n", f);
		else if (i == 100) /* a second record for u007 */
			fputs("{\"account_id\":\"u007\",\"phone\":"
			      "\"+6281234567890\",\"registered_at\":"
			      "\"2015-01-01T00:00:00Z\"}\n",
			      f);
		else
			fprintf(f,
				"{\"account_id\":\"u%03d\",\"phone\":"
				"\"+628123456%04d\",\"registered_at\":"
				"\"2015-01-01T00:00:00Z\"}\n",
				i, i);
	}
	fclose(f);
	return load_policy(&policy);
}

static int teardown(void **state)
{
	(void)state;
	dyd_policy_free(policy);
	rm_tree(dir);
	free(dir);
	free(input);
	return 0;
}

struct seen {
	int count;
	char last[64];
	bool in_order;
};

static void on_record(const dyd_batch_record *r, void *arg)
{
	struct seen *s = arg;
	char where[64];

	snprintf(where, sizeof(where), "%s", r->where);
	/* "in.jsonl:N" with N growing. */
	if (s->count &&
	    atoi(strrchr(where, ':') + 1) <= atoi(strrchr(s->last, ':') + 1))
		s->in_order = false;
	memcpy(s->last, where, sizeof(where));
	s->count++;
}

static int run(const char *out, unsigned jobs, bool resume, unsigned k,
	       unsigned n, dyd_batch_progress *sum, dyd_diags *diags,
	       struct seen *seen)
{
	dyd_batch_options o = DYD_BATCH_OPTIONS_INIT;
	const char *inputs[] = {input};

	o.outdir = out;
	o.jobs = jobs;
	o.resume = resume;
	o.shard_index = k;
	o.shard_count = n;
	o.policy = policy;
	dyd_time_parse("2021-06-01", 10, true, &o.as_of);
	if (seen) {
		memset(seen, 0, sizeof(*seen));
		seen->in_order = true;
		o.on_record = on_record;
		o.arg = seen;
	}
	return dyd_batch_run(inputs, 1, &o, sum, diags);
}

static void assert_same_file(const char *a, const char *b)
{
	size_t alen, blen;
	char *x = slurp(a, &alen), *y = slurp(b, &blen);

	assert_non_null(x);
	assert_non_null(y);
	assert_int_equal(alen, blen);
	assert_memory_equal(x, y, alen);
	free(x);
	free(y);
}

/* The results of the unsharded, uninterrupted run of the first test. */
static char *clean_results(void)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/j1/results.jsonl", dir);
	return slurp(path, NULL);
}

static void test_jobs_do_not_change_the_output(void **state)
{
	char one[4096], three[4096], name[32], *results;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_batch_progress sum;
	struct seen seen;
	int i;

	(void)state;
	snprintf(one, sizeof(one), "%s", join(dir, "j1"));
	snprintf(three, sizeof(three), "%s", join(dir, "j3"));
	assert_int_equal(run(one, 1, false, 0, 0, &sum, &diags, &seen), 0);
	assert_int_equal(sum.records, RECORDS);
	assert_int_equal(sum.ok, RECORDS - 2);
	assert_int_equal(sum.failed, 2);
	assert_int_equal(seen.count, RECORDS);
	assert_true(seen.in_order);
	assert_int_equal(run(three, 3, false, 0, 0, &sum, &diags, NULL), 0);
	assert_same_file(join(one, "results.jsonl"),
			 join(three, "results.jsonl"));
	for (i = 0; i < RECORDS; i += 37) {
		snprintf(name, sizeof(name), "u%03d.zip", i);
		assert_same_file(join(one, name), join(three, name));
	}
	/* The bad line and the duplicate are error lines, in their place. */
	results = slurp(join(one, "results.jsonl"), NULL);
	assert_non_null(strstr(results, "in.jsonl:41\",\"error\""));
	assert_non_null(strstr(results, "in.jsonl:101\",\"error\":"));
	assert_non_null(strstr(results, "in.jsonl:101: duplicate account id "
					"'u007': its bundle was already "
					"written"));
	free(results);
	/* Bundles, results and the run's signature; no journal, no
	 * temporary directory. */
	assert_int_equal(count_entries(one), RECORDS - 2 + 2);
	results = slurp(join(one, ".dyd-run.json"), NULL);
	assert_non_null(results);
	free(results);
	dyd_diags_release(&diags);
}

static void test_refuses_to_overwrite_a_run(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_batch_progress sum;

	(void)state;
	assert_int_equal(
	    run(join(dir, "j1"), 1, false, 0, 0, &sum, &diags, NULL),
	    DYD_EUSAGE);
	assert_non_null(strstr(diags.items[0].message,
			       "exists: add --resume to continue that run"));
	assert_int_equal(
	    run(join(dir, "j1"), 1, false, 3, 2, &sum, &diags, NULL),
	    DYD_EUSAGE);
	assert_string_equal(diags.items[1].message,
			    "shard 3/2: K goes from 0 to N-1");
	dyd_diags_release(&diags);
}

static void test_resume_ends_as_the_clean_run(void **state)
{
	char clean[4096], crashed[4096], cmd[8192], name[32], *text, *cut;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_batch_progress sum;
	size_t len = 0;
	int i;

	(void)state;
	snprintf(clean, sizeof(clean), "%s", join(dir, "j1"));
	snprintf(crashed, sizeof(crashed), "%s", join(dir, "crashed"));
	/* Resuming a finished run changes nothing. */
	assert_int_equal(run(clean, 2, true, 0, 0, &sum, &diags, NULL), 0);
	assert_int_equal(sum.skipped, RECORDS - 2);
	assert_int_equal(sum.ok, 0);
	/* A copy of it as a kill can leave it: the results a prefix of 70
	 * whole lines and half of the next, no bundle of a record past
	 * them, and then a bundle lost and one damaged since. */
	assert_true(snprintf(cmd, sizeof(cmd), "cp -a '%s' '%s'", clean,
			     crashed) < (int)sizeof(cmd));
	assert_int_equal(system(cmd), 0);
	text = slurp(join(crashed, "results.jsonl"), &len);
	cut = text;
	for (i = 0; i < 70; i++)
		cut = strchr(cut, '\n') + 1;
	cut = cut + (strchr(cut, '\n') - cut) / 2;
	write_file(join(crashed, "results.jsonl"), text, (size_t)(cut - text));
	free(text);
	for (i = 70; i < RECORDS; i++) {
		snprintf(name, sizeof(name), "u%03d.zip", i);
		unlink(join(crashed, name));
	}
	unlink(join(crashed, "u003.zip"));
	write_file(join(crashed, "u004.zip"), "PK", 2);
	assert_int_equal(run(crashed, 2, true, 0, 0, &sum, &diags, NULL), 0);
	/* The 70 lines stand (record 40 failed then and fails now); the
	 * rest are made, the duplicate at record 100 failing again. */
	assert_int_equal(sum.skipped, 69);
	assert_int_equal(sum.failed, 2);
	assert_int_equal(sum.ok, RECORDS - 70 - 1);
	assert_same_file(join(clean, "results.jsonl"),
			 join(crashed, "results.jsonl"));
	assert_same_file(join(clean, "u003.zip"), join(crashed, "u003.zip"));
	assert_same_file(join(clean, "u004.zip"), join(crashed, "u004.zip"));
	dyd_diags_release(&diags);
}

static void test_shards_add_up(void **state)
{
	char out[4096], *whole, *r0, *r1, *line;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_batch_progress s0, s1;
	int lines = 0;

	(void)state;
	snprintf(out, sizeof(out), "%s", join(dir, "sharded"));
	assert_int_equal(run(out, 2, false, 0, 2, &s0, &diags, NULL), 0);
	assert_int_equal(run(out, 2, false, 1, 2, &s1, &diags, NULL), 0);
	assert_int_equal(s0.records + s1.records, RECORDS);
	assert_true(s0.records > 0 && s1.records > 0);
	whole = clean_results();
	r0 = slurp(join(out, "results-0-of-2.jsonl"), NULL);
	r1 = slurp(join(out, "results-1-of-2.jsonl"), NULL);
	/* Every line of the whole run is in exactly one shard's file. */
	for (line = strtok(whole, "\n"); line; line = strtok(NULL, "\n")) {
		assert_true(!!strstr(r0, line) != !!strstr(r1, line));
		lines++;
	}
	assert_int_equal(lines, RECORDS);
	free(whole);
	free(r0);
	free(r1);
	dyd_diags_release(&diags);
}

static bool after_first_group(void *arg)
{
	return ++*(int *)arg >= 1;
}

static void test_cancel_leaves_a_prefix(void **state)
{
	dyd_batch_options o = DYD_BATCH_OPTIONS_INIT;
	const char *inputs[] = {input};
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_batch_progress sum;
	char out[4096], *whole, *part;
	int polls = 0;

	(void)state;
	snprintf(out, sizeof(out), "%s", join(dir, "cancelled"));
	o.outdir = out;
	o.jobs = 2;
	o.policy = policy;
	o.cancelled = after_first_group;
	o.arg = &polls;
	dyd_time_parse("2021-06-01", 10, true, &o.as_of);
	assert_int_equal(dyd_batch_run(inputs, 1, &o, &sum, &diags),
			 DYD_ECANCELED);
	assert_true(sum.records > 0 && sum.records < RECORDS);
	whole = clean_results();
	part = slurp(join(out, "results.jsonl"), NULL);
	assert_int_equal(strncmp(whole, part, strlen(part)), 0);
	/* Every committed bundle, the results, the signature, and the
	 * journal of the last group for a --resume; nothing else. */
	assert_non_null(strstr(part, "\n"));
	assert_int_equal(count_entries(out), (int)sum.ok + 3);
	free(whole);
	free(part);
	dyd_diags_release(&diags);
}

static void test_unreadable_input_is_a_line(void **state)
{
	dyd_batch_options o = DYD_BATCH_OPTIONS_INIT;
	const char *inputs[] = {"/nonexistent/in.jsonl", input};
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_batch_progress sum;
	char out[4096], *text;

	(void)state;
	snprintf(out, sizeof(out), "%s", join(dir, "unreadable"));
	o.outdir = out;
	o.policy = policy;
	dyd_time_parse("2021-06-01", 10, true, &o.as_of);
	assert_int_equal(dyd_batch_run(inputs, 2, &o, &sum, &diags), 0);
	assert_int_equal(sum.records, RECORDS + 1);
	assert_int_equal(sum.failed, 3);
	text = slurp(join(out, "results.jsonl"), NULL);
	assert_int_equal(strncmp(text,
				 "{\"status\":\"error\",\"account_id\":null,"
				 "\"source\":\"/nonexistent/in.jsonl\"",
				 66),
			 0);
	free(text);
	dyd_diags_release(&diags);
}

/* With a signing key every bundle is signed by it, and is the bundle
 * dyd_export_record makes of that record with the same options: export
 * and batch sign alike, on every worker. */
static void test_bundles_are_signed(void **state)
{
	dyd_export_options eopt = DYD_EXPORT_OPTIONS_INIT;
	dyd_batch_options o = DYD_BATCH_OPTIONS_INIT;
	const char *inputs[] = {input};
	static const char one[] = "{\"account_id\":\"u001\",\"phone\":"
				  "\"+6281234560001\",\"registered_at\":"
				  "\"2015-01-01T00:00:00Z\"}";
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_export_result res;
	dyd_batch_progress sum;
	dyd_signing_key *key = NULL;
	dyd_trust *trust = NULL;
	char out[4096], name[32], *zip;
	size_t len = 0;
	int i;

	(void)state;
	make_signing_key(dir, &key, &trust);
	snprintf(out, sizeof(out), "%s", join(dir, "signed"));
	o.outdir = out;
	o.jobs = 3;
	o.policy = policy;
	o.bundle.sign_key = key;
	dyd_time_parse("2021-06-01", 10, true, &o.as_of);
	assert_int_equal(dyd_batch_run(inputs, 1, &o, &sum, &diags), 0);
	assert_int_equal(sum.ok, RECORDS - 2);
	for (i = 0; i < RECORDS; i++) {
		if (i == 40 || i == 100) /* unparsable; a second u007 */
			continue;
		snprintf(name, sizeof(name), "u%03d.zip", i);
		zip = slurp(join(out, name), &len);
		assert_non_null(zip);
		assert_true(signed_by(zip, len, trust));
		free(zip);
	}
	eopt.as_of = o.as_of;
	eopt.bundle = o.bundle;
	assert_int_equal(dyd_export_record(&res, one, sizeof(one) - 1,
					   "one.json", policy, &eopt, &diags),
			 0);
	zip = slurp(join(out, "u001.zip"), &len);
	assert_int_equal(len, res.zip_len);
	assert_memory_equal(zip, res.zip, len);
	free(zip);
	dyd_export_result_release(&res);
	dyd_trust_free(trust);
	dyd_signing_key_free(key);
	dyd_diags_release(&diags);
}

/* A zone that does not exist is the caller's mistake: the batch stops
 * before it makes OUTDIR or reads a record, with the zone named. */
static void test_bad_zone_stops_before_anything(void **state)
{
	static const char *const zones[] = {"Nowhere/Atlantis", "+25:00",
					    "../etc/passwd", ""};
	dyd_batch_options o = DYD_BATCH_OPTIONS_INIT;
	const char *inputs[] = {input};
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_batch_progress sum;
	char out[4096];
	size_t i;

	(void)state;
	snprintf(out, sizeof(out), "%s", join(dir, "badzone"));
	o.outdir = out;
	o.policy = policy;
	for (i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		o.bundle.tz = zones[i];
		dyd_diags_clear(&diags);
		assert_int_equal(dyd_batch_run(inputs, 1, &o, &sum, &diags),
				 DYD_EUSAGE);
		assert_int_equal(sum.records, 0);
		assert_int_equal(diags.errors, 1);
		if (*zones[i])
			assert_non_null(
			    strstr(diags.items[0].message, zones[i]));
		assert_int_equal(access(out, F_OK), -1);
	}
	dyd_diags_release(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_jobs_do_not_change_the_output),
	    cmocka_unit_test(test_refuses_to_overwrite_a_run),
	    cmocka_unit_test(test_resume_ends_as_the_clean_run),
	    cmocka_unit_test(test_shards_add_up),
	    cmocka_unit_test(test_cancel_leaves_a_prefix),
	    cmocka_unit_test(test_unreadable_input_is_a_line),
	    cmocka_unit_test(test_bundles_are_signed),
	    cmocka_unit_test(test_bad_zone_stops_before_anything),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
