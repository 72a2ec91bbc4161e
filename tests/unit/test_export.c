/* SPDX-License-Identifier: MIT */
/* dyd_export_record: what dyd export and every record of a batch do, so
 * that the two write the same bytes: load, evaluate, build (signed when
 * the options carry a key), with a say before the build. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "dyd.h"
#include "testutil.h"

static dyd_signing_key *key;
static dyd_trust *trust;
static char *dir;

static int setup(void **state)
{
	dir = make_tmpdir();
	make_signing_key(dir, &key, &trust);
	return policy_setup(state);
}

static int teardown(void **state)
{
	dyd_trust_free(trust);
	dyd_signing_key_free(key);
	rm_tree(dir);
	free(dir);
	return policy_teardown(state);
}

static const char good[] =
    "{\"account_id\": \"a.b\", \"phone\": \"+6281234567890\", "
    "\"registered_at\": \"2015-01-01T00:00:00Z\"}";

static dyd_time day(const char *d)
{
	dyd_time t;

	assert_int_equal(dyd_time_parse(d, strlen(d), true, &t), 0);
	return t;
}

/* The bytes dyd_export_record makes are those of the three steps with the
 * same options, whatever they are: here a language, a zone and, with
 * key, a signature. */
static void check_same_bytes(const dyd_signing_key *signer)
{
	dyd_export_options eopt = DYD_EXPORT_OPTIONS_INIT;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_export_result res;
	dyd_record *rec = NULL;
	dyd_decision *d = NULL;
	void *zip = NULL;
	size_t len = 0;

	eopt.as_of = day("2021-06-01");
	eopt.bundle.lang = "id";
	eopt.bundle.tz = "+07:00";
	eopt.bundle.sign_key = signer;
	assert_int_equal(dyd_export_record(&res, good, sizeof(good) - 1,
					   "r.json", policy, &eopt, &diags),
			 0);
	assert_string_equal(res.account_id, "a.b");
	assert_non_null(res.zip);
	assert_int_equal(dyd_record_load(&rec, good, sizeof(good) - 1, "r.json",
					 policy, NULL, &diags),
			 0);
	assert_int_equal(dyd_evaluate(&d, rec, policy, eopt.as_of, &diags), 0);
	assert_int_equal(dyd_bundle_build(&zip, &len, d, &eopt.bundle, &diags),
			 0);
	assert_int_equal(len, res.zip_len);
	assert_memory_equal(zip, res.zip, len);
	free(zip);
	dyd_decision_free(d);
	dyd_record_free(rec);
	if (signer)
		assert_true(signed_by(res.zip, res.zip_len, trust));
	else
		assert_false(signed_by(res.zip, res.zip_len, trust));
	dyd_export_result_release(&res);
	assert_null(res.zip);
	assert_null(res.account_id);
	dyd_export_result_release(NULL);
	dyd_diags_release(&diags);
}

static void test_same_bytes_as_the_steps(void **state)
{
	(void)state;
	check_same_bytes(NULL);
	check_same_bytes(key);
}

static bool refuse(const char *account_id, void *arg)
{
	snprintf(arg, 64, "%s", account_id);
	return false;
}

static void test_wanted_is_asked_with_the_id(void **state)
{
	dyd_export_options eopt = DYD_EXPORT_OPTIONS_INIT;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_export_result res;
	char asked[64] = "";

	(void)state;
	eopt.as_of = day("2021-06-01");
	eopt.wanted = refuse;
	eopt.arg = asked;
	assert_int_equal(dyd_export_record(&res, good, sizeof(good) - 1,
					   "r.json", policy, &eopt, &diags),
			 0);
	assert_string_equal(asked, "a.b");
	assert_null(res.zip);
	assert_int_equal(res.zip_len, 0);
	assert_string_equal(res.account_id, "a.b");
	dyd_export_result_release(&res);
	dyd_diags_release(&diags);
}

static void test_failures_keep_what_is_known(void **state)
{
	dyd_export_options eopt = DYD_EXPORT_OPTIONS_INIT;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_export_result res;
	char asked[64] = "";

	(void)state;
	/* An invalid record: no id, and wanted is never asked. */
	eopt.wanted = refuse;
	eopt.arg = asked;
	eopt.as_of = day("2021-06-01");
	assert_int_equal(dyd_export_record(&res, "{\"phone\": 1}", 12, "x.json",
					   policy, &eopt, &diags),
			 DYD_EINVALID);
	assert_null(res.account_id);
	assert_null(res.zip);
	assert_string_equal(asked, "");
	dyd_export_result_release(&res);
	/* Valid, but registered after the as-of time: the id is known. */
	eopt.as_of = day("2010-01-01");
	dyd_diags_clear(&diags);
	assert_int_equal(dyd_export_record(&res, good, sizeof(good) - 1,
					   "r.json", policy, &eopt, &diags),
			 DYD_EINVALID);
	assert_string_equal(res.account_id, "a.b");
	assert_null(res.zip);
	assert_true(diags.errors > 0);
	assert_string_equal(asked, "");
	dyd_export_result_release(&res);
	/* A bad bundle option: the build's error. */
	eopt.as_of = day("2021-06-01");
	eopt.wanted = NULL;
	eopt.bundle.level = 0;
	assert_int_equal(dyd_export_record(&res, good, sizeof(good) - 1,
					   "r.json", policy, &eopt, &diags),
			 DYD_EUSAGE);
	assert_string_equal(res.account_id, "a.b");
	dyd_export_result_release(&res);
	dyd_diags_release(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_bytes_as_the_steps),
	    cmocka_unit_test(test_wanted_is_asked_with_the_id),
	    cmocka_unit_test(test_failures_keep_what_is_known),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
