/* SPDX-License-Identifier: MIT */
/* Translations, read from lib/messages.yaml as embedded at build time. */
#ifndef DYD_I18N_H
#define DYD_I18N_H

#include "strbuf.h"

#include <stdbool.h>

/* Loads the catalog on first use; 0 or DYD_ENOMEM. Thread safe. */
int i18n_load(void);

/* The language to show a record in when none was asked for: the
 * supported one that fits its language tag (NULL: none), else English. */
const char *i18n_language_for(const char *tag);

/* The template for key in lang, falling back to English, then to the key
 * itself so a missing translation is visible rather than fatal. */
const char *i18n_get(const char *lang, const char *key);

/* The plural category of a count n in lang, as CLDR names them, for the
 * catalog's keys "KEY.one" and "KEY.other": English says "1 item" and "2
 * items"; Indonesian does not inflect ("1 item", "2 item"), so every count
 * is "other". */
const char *i18n_plural(const char *lang, unsigned long long n);

/* Appends a value to the output, escaping it as the output needs. */
typedef void (*i18n_put_fn)(strbuf *sb, const char *value);

/* Appends template t with each {name} replaced by the value that follows
 * name in vars (a NULL-terminated list of name, value pairs); values go
 * through put. For a template already fetched with i18n_get. */
void i18n_expand(strbuf *sb, const char *t, i18n_put_fn put,
		 const char *const *vars);

/* i18n_expand of the template for key in lang. */
void i18n_format(strbuf *sb, const char *lang, const char *key, i18n_put_fn put,
		 const char *const *vars);

#endif
