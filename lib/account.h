/* SPDX-License-Identifier: MIT */
/* The account record format (dyd.account/v1): the field tables and the
 * rules of single values (account ids, phone numbers, country codes,
 * language tags), which need no policy. */
#ifndef DYD_ACCOUNT_H
#define DYD_ACCOUNT_H

#include "doc.h"

#include <stdbool.h>
#include <stddef.h>

#define ACCOUNT_FORMAT "dyd.account/v1"

typedef enum {
	FIELD_TEXT,
	FIELD_TIME,
	FIELD_PHONE,
	FIELD_ENUM,
	FIELD_BOOL,
	FIELD_COUNT,  /* integer >= 0 */
	FIELD_NUMBER, /* a number, or a decimal string kept as written */
	FIELD_IP,
	FIELD_CURRENCY,
	FIELD_ACCOUNT_ID,
	FIELD_COUNTRY,
	FIELD_LANGUAGE,
	FIELD_OBJECT,	   /* members described by sub */
	FIELD_OBJECT_LIST, /* array of objects described by sub */
	FIELD_PHONE_LIST,  /* array of E.164 numbers */
	FIELD_EVENT_LIST,  /* events: validated by their own rules */
} field_kind;

typedef struct field_spec {
	const char *name;
	field_kind kind;
	bool required;
	const char *const *values;    /* FIELD_ENUM */
	const struct field_spec *sub; /* NULL-name terminated */
} field_spec;

/* The most items a list of a record holds (dyd-account(5)). Phone lists
 * (contacts, blocked) are long for some people: 100,000, the limit of
 * any array. Events, devices, groups, business chats and transactions
 * are things a person has a few dozen of; 10,000 each keeps what is
 * drawn or listed for them (the timeline, the items a category lists
 * for each of the policy's categories) to a few MB of report. */
#define ACCOUNT_MAX_PHONES 100000
#define ACCOUNT_MAX_OBJECTS 10000

/* ACCOUNT_MAX_PHONES or ACCOUNT_MAX_OBJECTS, for a list field. */
size_t account_list_limit(const field_spec *f);

/* The top-level fields of a record, NULL-name terminated. */
extern const field_spec record_fields[];

/* Finds "name" or "name.sub" among the record fields; NULL if unknown. */
const field_spec *record_field_find(const char *path,
				    const field_spec **parent);

/* The fields of one event of a valid record, by its type. */
const field_spec *record_event_fields(const doc_node *event);

/* Whether code is an assigned ISO 3166-1 alpha-2 code. */
bool iso3166_alpha2_known(const char *code, size_t len);

/* The field named name[0..len) of table; NULL if unknown. */
const field_spec *account_field_in(const field_spec *table, const char *name,
				   size_t len);

/* An account id names the bundle file: 1 to 128 of A-Z a-z 0-9 . _ -,
 * and not "." or "..". */
bool account_id_valid(const char *s, size_t len);
/* E.164: '+', a non-zero digit, then digits; 3 to 16 characters. */
bool account_phone_valid(const char *s, size_t len);
/* A BCP 47 shape: a 2-3 letter lower-case language, then -subtags of 2 to
 * 8 letters or digits. */
bool account_language_valid(const char *s, size_t len);
bool account_ip_valid(const char *s, size_t len);
/* Money is often exported as text: "-12.50", "100.00", "0.5". Digits as
 * JSON writes a number's, without an exponent, so the text can be kept
 * exactly as given; at most 64 characters. */
bool account_decimal_valid(const char *s, size_t len);
/* ISO 4217 shape: three upper-case letters. */
bool account_currency_valid(const char *s, size_t len);

#endif
