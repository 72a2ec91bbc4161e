/* SPDX-License-Identifier: MIT */
/* The bundle: report.html, report.json and manifest.json in one ZIP whose
 * bytes depend only on the record, policy, options and as-of instant, and
 * whose manifest describes exactly the entries beside it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cjson/cJSON.h>
#include <zip.h>

#include "digest.h"
#include "dyd.h"
#include "testutil.h"

static char *record_text;
static size_t record_len;

static int setup(void **state)
{
	char path[4096];

	(void)state;
	if (load_policy(&policy))
		return -1;
	snprintf(path, sizeof(path), "%s/testdata/records/siti-rahayu.yaml",
		 DYD_SOURCE_DIR);
	record_text = slurp(path, &record_len);
	return record_text ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	dyd_policy_free(policy);
	free(record_text);
	return 0;
}

/* The bundle of the sample record with these options. */
static int build(const dyd_bundle_options *bopt, void **zip, size_t *len,
		 dyd_diags *diags)
{
	dyd_record *rec = NULL;
	dyd_decision *d = NULL;
	dyd_time as_of;
	int rc;

	assert_int_equal(dyd_time_parse("2021-06-01", 10, true, &as_of), 0);
	assert_int_equal(dyd_record_load(&rec, record_text, record_len,
					 "siti-rahayu.yaml", policy, NULL,
					 diags),
			 0);
	assert_int_equal(dyd_evaluate(&d, rec, policy, as_of, diags), 0);
	rc = dyd_bundle_build(zip, len, d, bopt, diags);
	dyd_decision_free(d);
	dyd_record_free(rec);
	return rc;
}

static char *entry(zip_t *za, const char *name, zip_uint64_t *len)
{
	zip_stat_t st;
	zip_file_t *f;
	char *buf;

	assert_int_equal(zip_stat(za, name, 0, &st), 0);
	buf = malloc(st.size + 1);
	f = zip_fopen(za, name, 0);
	assert_non_null(f);
	assert_int_equal(zip_fread(f, buf, st.size), (zip_int64_t)st.size);
	zip_fclose(f);
	buf[st.size] = '\0';
	*len = st.size;
	return buf;
}

static void test_manifest_describes_the_entries(void **state)
{
	dyd_bundle_options bopt = DYD_BUNDLE_OPTIONS_INIT;
	dyd_diags diags = DYD_DIAGS_INIT;
	void *zip = NULL;
	size_t len = 0;
	zip_source_t *src;
	zip_t *za;
	cJSON *m, *f;
	char *text, sha[SHA256_HEX_SIZE];
	zip_uint64_t mlen, elen;

	(void)state;
	assert_int_equal(build(&bopt, &zip, &len, &diags), 0);
	src = zip_source_buffer_create(zip, len, 0, NULL);
	za = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, NULL);
	assert_non_null(za);
	/* The manifest first, so a reader finds it without the rest. */
	assert_int_equal(zip_get_num_entries(za, 0), 3);
	assert_string_equal(zip_get_name(za, 0, 0), "manifest.json");
	text = entry(za, "manifest.json", &mlen);
	m = cJSON_Parse(text);
	assert_non_null(m);
	assert_string_equal(
	    cJSON_GetStringValue(cJSON_GetObjectItem(m, "format")),
	    "dyd.manifest/v1");
	assert_string_equal(
	    cJSON_GetStringValue(cJSON_GetObjectItem(m, "account_id")),
	    "siti.rahayu");
	assert_string_equal(
	    cJSON_GetStringValue(cJSON_GetObjectItem(m, "as_of")),
	    "2021-06-01T00:00:00Z");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(m, "encrypted")));
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(
				cJSON_GetObjectItem(m, "policy"), "sha256")),
			    dyd_policy_sha256(policy));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(m, "files")),
			 2);
	cJSON_ArrayForEach(f, cJSON_GetObjectItem(m, "files"))
	{
		const char *name =
		    cJSON_GetStringValue(cJSON_GetObjectItem(f, "name"));
		char *data = entry(za, name, &elen);
		zip_uint8_t opsys;
		zip_uint32_t attr;
		assert_int_equal((zip_uint64_t)cJSON_GetNumberValue(
				     cJSON_GetObjectItem(f, "size")),
				 elen);
		assert_int_equal(sha256_hex(data, elen, sha), 0);
		assert_string_equal(
		    cJSON_GetStringValue(cJSON_GetObjectItem(f, "sha256")),
		    sha);
		/* Private files when unpacked. */
		assert_int_equal(zip_file_get_external_attributes(
				     za,
				     (zip_uint64_t)zip_name_locate(za, name, 0),
				     0, &opsys, &attr),
				 0);
		assert_int_equal(opsys, ZIP_OPSYS_UNIX);
		assert_int_equal(attr >> 16, 0100600);
		free(data);
	}
	assert_true(cJSON_IsArray(cJSON_GetObjectItem(m, "omitted")));
	assert_int_equal(
	    cJSON_GetArraySize(cJSON_GetObjectItem(m, "truncated")), 0);
	cJSON_Delete(m);
	free(text);
	zip_close(za);
	free(zip);
	dyd_diags_release(&diags);
}

static void test_same_inputs_same_bytes(void **state)
{
	dyd_bundle_options bopt = DYD_BUNDLE_OPTIONS_INIT;
	dyd_diags diags = DYD_DIAGS_INIT;
	void *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;

	(void)state;
	assert_int_equal(build(&bopt, &a, &alen, &diags), 0);
	assert_int_equal(build(&bopt, &b, &blen, &diags), 0);
	assert_int_equal(alen, blen);
	assert_memory_equal(a, b, alen);
	free(b);
	/* Another language is another bundle, still a sound one. */
	bopt.lang = "en";
	assert_int_equal(build(&bopt, &b, &blen, &diags), 0);
	assert_false(alen == blen && memcmp(a, b, alen) == 0);
	assert_int_equal(dyd_bundle_verify(b, blen, NULL, &diags), 0);
	free(a);
	free(b);
	dyd_diags_release(&diags);
}

static void test_options_out_of_their_domain(void **state)
{
	dyd_bundle_options bopt = DYD_BUNDLE_OPTIONS_INIT;
	dyd_diags diags = DYD_DIAGS_INIT;
	void *zip = (void *)1;
	size_t len = 1;

	(void)state;
	bopt.level = 0;
	assert_int_equal(build(&bopt, &zip, &len, &diags), DYD_EUSAGE);
	assert_null(zip);
	assert_int_equal(len, 0);
	assert_string_equal(diags.items[diags.count - 1].message,
			    "compression level 0 is not from 1 to 9");
	bopt.level = 10;
	assert_int_equal(build(&bopt, &zip, &len, &diags), DYD_EUSAGE);
	bopt.level = 9;
	bopt.lang = "fr";
	assert_int_equal(build(&bopt, &zip, &len, &diags), DYD_EUSAGE);
	assert_string_equal(diags.items[diags.count - 1].message,
			    "language 'fr' is not supported (en, id)");
	bopt.lang = NULL;
	bopt.tz = "Not/AZone";
	assert_int_equal(build(&bopt, &zip, &len, &diags), DYD_EUSAGE);
	assert_null(zip);
	dyd_diags_release(&diags);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_manifest_describes_the_entries),
	    cmocka_unit_test(test_same_inputs_same_bytes),
	    cmocka_unit_test(test_options_out_of_their_domain),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
