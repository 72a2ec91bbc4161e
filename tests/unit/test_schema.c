/* SPDX-License-Identifier: MIT */
/* The JSON Schemas built into the library: listed by name, each the file
 * of schemas/ as embedded, each a draft 2020-12 schema. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dyd.h"
#include "testutil.h"

static void test_every_name_is_its_file(void **state)
{
	static const char *const want[] = {"account", "decision", "manifest",
					   "policy",  "report",	  "results"};
	char path[4096];
	size_t i, len, flen;

	(void)state;
	for (i = 0; i < 6; i++) {
		const char *text;
		char *file;
		cJSON *doc;
		assert_string_equal(dyd_schema_name(i), want[i]);
		text = dyd_schema(want[i], &len);
		assert_non_null(text);
		snprintf(path, sizeof(path), "%s/schemas/%s.schema.json",
			 DYD_SOURCE_DIR, want[i]);
		file = slurp(path, &flen);
		assert_non_null(file);
		assert_int_equal(len, flen);
		assert_memory_equal(text, file, len);
		doc = cJSON_ParseWithLength(text, len);
		assert_non_null(doc);
		assert_string_equal(
		    cJSON_GetStringValue(cJSON_GetObjectItem(doc, "$schema")),
		    "https://json-schema.org/draft/2020-12/schema");
		cJSON_Delete(doc);
		free(file);
	}
	assert_null(dyd_schema_name(6));
}

static void test_unknown_name(void **state)
{
	size_t len = 99;

	(void)state;
	assert_null(dyd_schema("accounts", &len));
	assert_null(dyd_schema("", &len));
	assert_null(dyd_schema("ACCOUNT", &len));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_name_is_its_file),
	    cmocka_unit_test(test_unknown_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
