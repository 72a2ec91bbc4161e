/* SPDX-License-Identifier: MIT */
/* sha256_hex: lower-case hex SHA-256 through libcrypto, checked against
 * the FIPS 180-2 test vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "digest.h"

static void assert_digest(const void *data, size_t len, const char *want)
{
	char out[SHA256_HEX_SIZE];

	memset(out, 'Z', sizeof(out));
	assert_int_equal(sha256_hex(data, len, out), 0);
	assert_string_equal(out, want);
}

static void test_vectors(void **state)
{
	const char *million;
	char *a;

	(void)state;
	assert_digest("", 0,
		      "e3b0c44298fc1c149afbf4c8996fb924"
		      "27ae41e4649b934ca495991b7852b855");
	assert_digest("abc", 3,
		      "ba7816bf8f01cfea414140de5dae2223"
		      "b00361a396177a9cb410ff61f20015ad");
	million = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	assert_digest(million, strlen(million),
		      "248d6a61d20638b8e5c026930c3e6039"
		      "a33ce45964ff2167f6ecedd419db06c1");
	a = malloc(1000000);
	assert_non_null(a);
	memset(a, 'a', 1000000);
	assert_digest(a, 1000000,
		      "cdc76e5c9914fb9281a1c7e284d73e67"
		      "f1809a48a497200e046d39ccc7112cd0");
	free(a);
	/* Bytes, not strings: a NUL inside counts (sha256sum of the same
	 * three bytes). */
	assert_digest("a\0b", 3,
		      "59b271ae1bbcb1d31d41929817f4b16f"
		      "b439eb4f31520b5ad1d5ce98920a7138");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_vectors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
