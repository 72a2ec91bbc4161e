/* SPDX-License-Identifier: MIT */
/* The account schema: the field tables the record check, the policy lint
 * and the renderers read, and the rules of single values. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "account.h"

#define OK(fn, s) assert_true(fn(s, strlen(s)))
#define BAD(fn, s) assert_false(fn(s, strlen(s)))

static void test_account_id(void **state)
{
	char max[130];

	(void)state;
	OK(account_id_valid, "a");
	OK(account_id_valid, "siti.rahayu");
	OK(account_id_valid, "A-Z_0.9");
	OK(account_id_valid, "..."); /* only "." and ".." name directories */
	OK(account_id_valid,
	   ".hidden"); /* allowed: the bundle is .hidden.zip */
	BAD(account_id_valid, "");
	BAD(account_id_valid, ".");
	BAD(account_id_valid, "..");
	BAD(account_id_valid, "a/b");
	BAD(account_id_valid, "a b");
	BAD(account_id_valid, "caf\xc3\xa9");
	assert_false(account_id_valid("a\0b", 3));
	memset(max, 'x', sizeof(max));
	assert_true(account_id_valid(max, 128));
	assert_false(account_id_valid(max, 129));
}

static void test_phone(void **state)
{
	(void)state;
	OK(account_phone_valid, "+62");
	OK(account_phone_valid, "+6281234567890");
	OK(account_phone_valid, "+123456789012345"); /* 15 digits */
	BAD(account_phone_valid, "+1234567890123456");
	BAD(account_phone_valid, "+0812");
	BAD(account_phone_valid, "6281234");
	BAD(account_phone_valid, "+62 812");
	BAD(account_phone_valid, "+6");
	BAD(account_phone_valid, "+");
}

static void test_language_ip_currency(void **state)
{
	(void)state;
	OK(account_language_valid, "en");
	OK(account_language_valid, "ind");
	OK(account_language_valid, "id-ID");
	OK(account_language_valid, "zh-Hant-TW");
	BAD(account_language_valid, "e");
	BAD(account_language_valid, "engl");
	BAD(account_language_valid, "EN");
	BAD(account_language_valid, "en-");
	BAD(account_language_valid, "en-x");
	BAD(account_language_valid, "en-abcdefghi");
	OK(account_ip_valid, "192.0.2.1");
	OK(account_ip_valid, "2001:db8::1");
	BAD(account_ip_valid, "256.1.1.1");
	BAD(account_ip_valid, "192.0.2");
	BAD(account_ip_valid, "");
	/* Too long to be an address, and never copied past its buffer. */
	BAD(account_ip_valid,
	    "1111:2222:3333:4444:5555:6666:7777:8888:9999:aaaa:bbbb:cccc:dddd");
	OK(account_currency_valid, "IDR");
	BAD(account_currency_valid, "idr");
	BAD(account_currency_valid, "ID");
	BAD(account_currency_valid, "IDRR");
}

static void test_countries(void **state)
{
	(void)state;
	OK(iso3166_alpha2_known, "ID");
	OK(iso3166_alpha2_known, "DE");
	OK(iso3166_alpha2_known, "AD"); /* the first */
	OK(iso3166_alpha2_known, "ZW"); /* the last */
	BAD(iso3166_alpha2_known, "id");
	BAD(iso3166_alpha2_known, "UK"); /* reserved, not assigned */
	BAD(iso3166_alpha2_known, "XX");
	BAD(iso3166_alpha2_known, "IDN");
	BAD(iso3166_alpha2_known, "I");
	/* Codes are pairs: "DA" spans "AD" and "AE" in the table. */
	BAD(iso3166_alpha2_known, "DA");
}

static void test_fields(void **state)
{
	const field_spec *f, *parent;

	(void)state;
	f = record_field_find("account_id", &parent);
	assert_non_null(f);
	assert_int_equal(f->kind, FIELD_ACCOUNT_ID);
	assert_true(f->required);
	assert_null(parent);
	f = record_field_find("devices.last_ip", &parent);
	assert_non_null(f);
	assert_int_equal(f->kind, FIELD_IP);
	assert_string_equal(parent->name, "devices");
	f = record_field_find("business_chats.hosting", NULL);
	assert_int_equal(f->kind, FIELD_ENUM);
	assert_string_equal(f->values[0], "parent");
	/* Events are checked by their own rules, not looked up. */
	assert_null(record_field_find("events.type", NULL));
	assert_null(record_field_find("nope", NULL));
	assert_null(record_field_find("devices.nope", NULL));
	assert_null(record_field_find("phone.x", NULL));
	assert_null(record_field_find("devices.", NULL));
	/* Lengths, not prefixes. */
	assert_null(account_field_in(record_fields, "phon", 4));
	assert_non_null(account_field_in(record_fields, "phone!", 5));
	for (f = record_fields; f->name; f++)
		if (f->kind == FIELD_ENUM)
			assert_non_null(f->values);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_account_id),
	    cmocka_unit_test(test_phone),
	    cmocka_unit_test(test_language_ip_currency),
	    cmocka_unit_test(test_countries),
	    cmocka_unit_test(test_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
