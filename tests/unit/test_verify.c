/* SPDX-License-Identifier: MIT */
/* dyd_bundle_verify: a bundle as written verifies; each way of damaging
 * one is found and named, and every problem is reported, not just the
 * first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <zip.h>

#include "dyd.h"
#include "testutil.h"

static void *bundle;
static size_t bundle_len;

static int setup(void **state)
{
	dyd_export_options eopt = DYD_EXPORT_OPTIONS_INIT;
	dyd_export_result res;
	dyd_diags diags = DYD_DIAGS_INIT;
	char path[4096], *text;
	size_t len;
	int rc;

	(void)state;
	snprintf(path, sizeof(path), "%s/testdata/records/budi-santoso.json",
		 DYD_SOURCE_DIR);
	text = slurp(path, &len);
	if (!text || load_policy(&policy))
		return -1;
	dyd_time_parse("2021-06-01", 10, true, &eopt.as_of);
	rc = dyd_export_record(&res, text, len, path, policy, &eopt, &diags);
	bundle = res.zip;
	bundle_len = res.zip_len;
	res.zip = NULL;
	dyd_export_result_release(&res);
	dyd_diags_release(&diags);
	free(text);
	return rc;
}

static int teardown(void **state)
{
	(void)state;
	dyd_policy_free(policy);
	free(bundle);
	return 0;
}

/* Verifies data; returns the result with every message joined by '|'. */
static int verify(const void *data, size_t len, char *msgs, size_t size)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	int rc = dyd_bundle_verify(data, len, NULL, &diags);
	size_t i;

	msgs[0] = '\0';
	for (i = 0; i < diags.count; i++) {
		char *s = dyd_diag_format(&diags.items[i]);
		snprintf(msgs + strlen(msgs), size - strlen(msgs), "%s|", s);
		free(s);
	}
	dyd_diags_release(&diags);
	return rc;
}

/* The bundle with entry name's bytes replaced (NULL: removed) and maybe
 * an extra entry; the caller frees it. */
static void *rewrite(const char *name, const char *with, const char *extra,
		     size_t *len)
{
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, NULL), *s;
	zip_t *za;
	zip_stat_t st;
	void *out;

	zip_source_keep(src);
	za = zip_open_from_source(src, ZIP_TRUNCATE, NULL);
	assert_non_null(za);
	{
		zip_source_t *in =
		    zip_source_buffer_create(bundle, bundle_len, 0, NULL);
		zip_t *old = zip_open_from_source(in, ZIP_RDONLY, NULL);
		zip_int64_t i, n = zip_get_num_entries(old, 0);
		for (i = 0; i < n; i++) {
			const char *e = zip_get_name(old, (zip_uint64_t)i, 0);
			if (strcmp(e, name) == 0) {
				if (!with)
					continue;
				s = zip_source_buffer(za, with, strlen(with),
						      0);
			} else {
				s = zip_source_zip(za, old, (zip_uint64_t)i, 0,
						   0, -1);
			}
			assert_true(zip_file_add(za, e, s, 0) >= 0);
		}
		if (extra)
			zip_file_add(za, extra,
				     zip_source_buffer(za, "x", 1, 0), 0);
		assert_int_equal(zip_close(za), 0);
		zip_close(old);
	}
	zip_source_open(src);
	zip_source_stat(src, &st);
	out = malloc(st.size);
	zip_source_read(src, out, st.size);
	zip_source_close(src);
	zip_source_free(src);
	*len = st.size;
	return out;
}

static void test_sound_bundle(void **state)
{
	char msgs[4096];

	(void)state;
	assert_int_equal(verify(bundle, bundle_len, msgs, sizeof(msgs)), 0);
	assert_string_equal(msgs, "");
}

static void test_not_a_zip(void **state)
{
	char msgs[4096];
	char *cut = malloc(bundle_len);

	(void)state;
	assert_int_equal(verify("hello", 5, msgs, sizeof(msgs)), DYD_EVERIFY);
	assert_non_null(strstr(msgs, "not a valid ZIP archive"));
	memcpy(cut, bundle, bundle_len);
	assert_int_equal(verify(cut, bundle_len / 2, msgs, sizeof(msgs)),
			 DYD_EVERIFY);
	free(cut);
}

static void test_changed_entry_is_named(void **state)
{
	char msgs[4096];
	size_t len;
	void *z = rewrite("report.html", "<p>changed</p>", NULL, &len);

	(void)state;
	assert_int_equal(verify(z, len, msgs, sizeof(msgs)), DYD_EVERIFY);
	assert_non_null(strstr(msgs, "report.html: error: is 14 bytes; the "
				     "manifest says"));
	assert_non_null(strstr(msgs, "report.html: error: SHA-256 "));
	free(z);
}

static void test_missing_and_extra_entries(void **state)
{
	char msgs[4096];
	size_t len;
	void *z = rewrite("report.json", NULL, "extra.txt", &len);

	(void)state;
	assert_int_equal(verify(z, len, msgs, sizeof(msgs)), DYD_EVERIFY);
	/* Both problems, not just the first. */
	assert_non_null(strstr(msgs, "error: entry 'extra.txt' is not one dyd "
				     "writes"));
	assert_non_null(strstr(msgs, "report.json: error: is in the manifest "
				     "but missing from the bundle"));
	free(z);
	z = rewrite("manifest.json", NULL, NULL, &len);
	assert_int_equal(verify(z, len, msgs, sizeof(msgs)), DYD_EVERIFY);
	assert_non_null(
	    strstr(msgs, "manifest.json: error: missing from the bundle"));
	free(z);
}

/* Only the entries dyd writes: any other name is an error whatever the
 * manifest says, quoted (a name is any bytes), and the manifest lists
 * report.html and report.json once each. */
static void test_only_dyd_entries(void **state)
{
#define FILE_(name) "{\"name\":\"" name "\",\"size\":1,\"sha256\":\"x\"}"
	static const struct {
		const char *manifest, *says;
	} lists[] = {
	    {"{\"format\":\"dyd.manifest/v1\",\"files\":[" FILE_(
		 "report.html") "," FILE_("report.json") "," FILE_("../../"
								   "x") "]"
									"}",
	     "manifest.json: error: /files: lists 3 files; a dyd manifest "
	     "lists 2"},
	    {"{\"format\":\"dyd.manifest/v1\",\"files\":[" FILE_(
		 "report.html") "," FILE_("report.html") "]}",
	     "/files/1/name: 'report.html' is listed twice"},
	    {"{\"format\":\"dyd.manifest/v1\",\"files\":[" FILE_(
		 "report.html") "," FILE_("/etc/passwd") "]}",
	     "/files/1/name: '/etc/passwd' is not a file dyd lists"},
	};
#undef FILE_
	char msgs[4096];
	size_t len, i;
	void *z;

	(void)state;
	z = rewrite("none", NULL, "\x1b]0;x\x07../../x", &len);
	assert_int_equal(verify(z, len, msgs, sizeof(msgs)), DYD_EVERIFY);
	/* libzip reads a name not marked UTF-8 as CP437, which has a glyph
	 * for each control byte: nothing of it reaches a terminal raw. */
	assert_non_null(strstr(msgs, "../../x' is not one dyd writes"));
	assert_null(strchr(msgs, '\x1b'));
	assert_null(strchr(msgs, '\x07'));
	free(z);
	for (i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		z = rewrite("manifest.json", lists[i].manifest, NULL, &len);
		assert_int_equal(verify(z, len, msgs, sizeof(msgs)),
				 DYD_EVERIFY);
		assert_non_null(strstr(msgs, lists[i].says));
		free(z);
	}
}

/* report.json and manifest.json deeper or larger than dyd writes are
 * refused before a tree is built of them. */
static void test_json_entries_bounded(void **state)
{
	char msgs[4096], *deep = malloc(2 * 100 + 1);
	size_t len;
	void *z;

	(void)state;
	assert_non_null(deep);
	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	deep[200] = '\0';
	z = rewrite("manifest.json", deep, NULL, &len);
	assert_int_equal(verify(z, len, msgs, sizeof(msgs)), DYD_EVERIFY);
	assert_non_null(strstr(msgs, "manifest.json: error: is nested deeper "
				     "than 40 levels"));
	free(z);
	free(deep);
}

static void test_manifest_not_json(void **state)
{
	char msgs[4096];
	size_t len;
	void *z = rewrite("manifest.json", "[1,2]", NULL, &len);

	(void)state;
	assert_int_equal(verify(z, len, msgs, sizeof(msgs)), DYD_EVERIFY);
	assert_non_null(
	    strstr(msgs, "manifest.json: error: is not a JSON object"));
	free(z);
	z = rewrite("manifest.json", "{\"format\":\"other/v9\",\"files\":[]}",
		    NULL, &len);
	assert_int_equal(verify(z, len, msgs, sizeof(msgs)), DYD_EVERIFY);
	assert_non_null(strstr(msgs, "'other/v9' is not dyd.manifest/v1"));
	free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sound_bundle),
	    cmocka_unit_test(test_not_a_zip),
	    cmocka_unit_test(test_changed_entry_is_named),
	    cmocka_unit_test(test_missing_and_extra_entries),
	    cmocka_unit_test(test_only_dyd_entries),
	    cmocka_unit_test(test_json_entries_bounded),
	    cmocka_unit_test(test_manifest_not_json),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
