/* SPDX-License-Identifier: MIT */
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
}

/* DYD_VERSION and the numbers for #if say the same version, the one
 * project() gives CMake (DYD_PROJECT_VERSION, from tests/unit). */
static void test_version_macros_agree(void **state)
{
	char parts[32];

	(void)state;
	assert_string_equal(DYD_VERSION, DYD_PROJECT_VERSION);
	snprintf(parts, sizeof(parts), "%d.%d.%d", DYD_VERSION_MAJOR,
		 DYD_VERSION_MINOR, DYD_VERSION_PATCH);
	assert_string_equal(parts, DYD_VERSION);
	assert_int_equal(DYD_VERSION_NUMBER,
			 DYD_VERSION_AT(DYD_VERSION_MAJOR, DYD_VERSION_MINOR,
					DYD_VERSION_PATCH));
	/* Ordered as versions are, however many digits a part has. */
	assert_true(DYD_VERSION_AT(0, 10, 0) > DYD_VERSION_AT(0, 9, 99));
	assert_true(DYD_VERSION_AT(1, 0, 0) > DYD_VERSION_AT(0, 99, 99));
}

/* The numbers are usable in #if, as programs use them. */
#if DYD_VERSION_NUMBER <= DYD_VERSION_AT(0, 0, 0) ||                           \
    DYD_VERSION_NUMBER != DYD_VERSION_AT(DYD_VERSION_MAJOR, DYD_VERSION_MINOR, \
					 DYD_VERSION_PATCH)
#error "DYD_VERSION_NUMBER does not work in #if"
#endif

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
	    cmocka_unit_test(test_version_macros_agree),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
