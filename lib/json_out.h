/* SPDX-License-Identifier: MIT */
/* JSON the way dyd's outputs look: 2-space indent, keys in the order they
 * are written, UTF-8 unescaped, a final newline. A writer appends straight
 * to a strbuf, so a large report is never held as a cJSON tree too. */
#ifndef DYD_JSON_OUT_H
#define DYD_JSON_OUT_H

#include "strbuf.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct json_writer {
	strbuf *out;
	bool pretty;
	bool first;	/* nothing written yet in the open object or array */
	bool after_key; /* a key was written; its value comes next */
	unsigned depth;
} json_writer;

void json_writer_init(json_writer *w, strbuf *out, bool pretty);
void json_open_object(json_writer *w);
void json_open_array(json_writer *w);
void json_close_object(json_writer *w);
void json_close_array(json_writer *w);
void json_key(json_writer *w, const char *key, size_t len);
void json_string(json_writer *w, const char *s, size_t len);
void json_cstring(json_writer *w, const char *s);
/* Numbers as cJSON prints them, so both paths agree byte for byte. */
void json_number(json_writer *w, double d);
void json_bool(json_writer *w, bool b);
void json_null(json_writer *w);
void json_time(json_writer *w, int64_t t);
/* Writes a cJSON value (and everything under it). */
void json_cjson(json_writer *w, const cJSON *value);

/* Returns a malloc'd string, or NULL when out of memory. */
char *json_print(const cJSON *value, bool pretty);

/* Adds a timestamp string member; false when out of memory. */
bool json_add_time(cJSON *obj, const char *key, int64_t t);

#endif
