/* SPDX-License-Identifier: MIT */
/* Looking one record up in the inputs of a batch (dyd status --in): the
 * phone number's normal form, and the tests on a record's raw bytes that
 * tell, without parsing it, that it cannot be the one sought. */
#ifndef DYD_FIND_H
#define DYD_FIND_H

#include "dyd.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Whether the raw bytes of a record (JSON or YAML, as a record stream
 * hands them out) can hold the account id: never false for a record whose
 * account_id is exactly id. May be true for one that does not.
 */
bool find_may_have_id(const char *data, size_t len, const char *id,
		      size_t id_len);

/*
 * The same for a phone field whose normal form (dyd_phone_normalize) is
 * e164, a normal form itself.
 */
bool find_may_have_phone(const char *data, size_t len, const char *e164);

/* The parts of those tests: the value written out plainly (with the
 * spacing a phone field may have), and an escape sequence that could
 * spell part of it. Each test is the first or the second. */
bool find_literal_id(const char *data, size_t len, const char *id,
		     size_t id_len);
bool find_literal_phone(const char *data, size_t len, const char *e164);
bool find_escape_for_id(const char *data, size_t len);
bool find_escape_for_phone(const char *data, size_t len);

#endif
