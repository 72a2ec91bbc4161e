/* dyd_library_versions: the versions of the libraries actually linked,
 * for --version and bug reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>
#include <zip.h>
#include <zlib.h>

#include "dyd.h"

static void test_names_each_library_at_its_version(void **state)
{
	const char *v = dyd_library_versions();
	char want[128];

	(void)state;
	snprintf(want, sizeof(want), "cJSON %s, ", cJSON_Version());
	assert_non_null(strstr(v, want));
	snprintf(want, sizeof(want), "libyaml %s, ", yaml_get_version_string());
	assert_non_null(strstr(v, want));
	snprintf(want, sizeof(want), "libzip %s, ", zip_libzip_version());
	assert_non_null(strstr(v, want));
	snprintf(want, sizeof(want), "zlib %s, ", zlibVersion());
	assert_non_null(strstr(v, want));
	assert_non_null(strstr(v, "OpenSSL"));
	assert_null(strchr(v, '\n'));
	/* Static and the same each time. */
	assert_ptr_equal(v, dyd_library_versions());
	assert_string_equal(DYD_VERSION, "0.1.0");
}

static void *ask(void *out)
{
	*(const char **)out = dyd_library_versions();
	return NULL;
}

static void test_first_call_from_threads(void **state)
{
	pthread_t t[4];
	const char *got[4];
	int i;

	(void)state;
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, ask, &got[i]), 0);
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_string_equal(got[i], dyd_library_versions());
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_first_call_from_threads),
	    cmocka_unit_test(test_names_each_library_at_its_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
