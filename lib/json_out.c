/* SPDX-License-Identifier: MIT */
#include "json_out.h"
#include "dyd.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_writer_init(json_writer *w, strbuf *out, bool pretty)
{
	w->out = out;
	w->pretty = pretty;
	w->first = true;
	w->after_key = false;
	w->depth = 0;
}

static void newline(json_writer *w)
{
	static const char spaces[] = "                                ";
	size_t n = (size_t)w->depth * 2;

	strbuf_putc(w->out, '\n');
	while (n > sizeof(spaces) - 1) {
		strbuf_append(w->out, spaces, sizeof(spaces) - 1);
		n -= sizeof(spaces) - 1;
	}
	strbuf_append(w->out, spaces, n);
}

/* The separator a value needs: none after its key, else a comma after an
 * earlier sibling, and in pretty output a new indented line. */
static void before_value(json_writer *w)
{
	if (w->after_key) {
		w->after_key = false;
		return;
	}
	if (!w->first)
		strbuf_putc(w->out, ',');
	if (w->pretty && w->depth > 0)
		newline(w);
	w->first = false;
}

static void open_container(json_writer *w, char c)
{
	before_value(w);
	strbuf_putc(w->out, c);
	w->depth++;
	w->first = true;
}

static void close_container(json_writer *w, char c)
{
	w->depth--;
	if (!w->first && w->pretty)
		newline(w);
	strbuf_putc(w->out, c);
	w->first = false;
}

void json_open_object(json_writer *w)
{
	open_container(w, '{');
}

void json_open_array(json_writer *w)
{
	open_container(w, '[');
}

void json_close_object(json_writer *w)
{
	close_container(w, '}');
}

void json_close_array(json_writer *w)
{
	close_container(w, ']');
}

/* Escapes as cJSON does: the two-character escapes, other control
 * characters as \u00XX, everything else (UTF-8 included) as is. */
static void put_quoted(strbuf *sb, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	strbuf_putc(sb, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc;
		if (c >= 32 && c != '"' && c != '\\')
			continue;
		strbuf_append(sb, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '"':
			esc = '"';
			break;
		case '\\':
			esc = '\\';
			break;
		case '\b':
			esc = 'b';
			break;
		case '\f':
			esc = 'f';
			break;
		case '\n':
			esc = 'n';
			break;
		case '\r':
			esc = 'r';
			break;
		case '\t':
			esc = 't';
			break;
		default: {
			char u[6] = {'\\', 'u',		'0',
				     '0',  hex[c >> 4], hex[c & 15]};
			strbuf_append(sb, u, sizeof(u));
			continue;
		}
		}
		strbuf_putc(sb, '\\');
		strbuf_putc(sb, esc);
	}
	strbuf_append(sb, s + run, len - run);
	strbuf_putc(sb, '"');
}

void json_key(json_writer *w, const char *key, size_t len)
{
	before_value(w);
	put_quoted(w->out, key, len);
	if (w->pretty)
		strbuf_append(w->out, ": ", 2);
	else
		strbuf_putc(w->out, ':');
	w->after_key = true;
}

void json_string(json_writer *w, const char *s, size_t len)
{
	before_value(w);
	put_quoted(w->out, s, len);
}

void json_cstring(json_writer *w, const char *s)
{
	json_string(w, s, strlen(s));
}

void json_bool(json_writer *w, bool b)
{
	before_value(w);
	if (b)
		strbuf_append(w->out, "true", 4);
	else
		strbuf_append(w->out, "false", 5);
}

void json_null(json_writer *w)
{
	before_value(w);
	strbuf_append(w->out, "null", 4);
}

void json_time(json_writer *w, int64_t t)
{
	char buf[DYD_TIME_BUFSIZE];

	dyd_time_format(t, buf);
	json_cstring(w, buf);
}

void json_number(json_writer *w, double d)
{
	int as_int;
	char buf[24];
	cJSON *item;
	char *text;

	before_value(w);
	/* A whole number that fits an int prints as cJSON's "%1.15g" would
	 * print it; -0 does not ("-0"), nor anything else: cJSON prints
	 * those. */
	as_int = d >= INT_MAX	? INT_MAX
		 : d <= INT_MIN ? INT_MIN
		 : isnan(d)	? 0
				: (int)d;
	if (!isnan(d) && !isinf(d) && d == (double)as_int &&
	    !(d == 0 && signbit(d))) {
		strbuf_append(w->out, buf, format_signed(as_int, buf));
		return;
	}
	/* Fractions and the rest are rare in a record: let cJSON print them
	 * rather than restate its precision rules. */
	item = cJSON_CreateNumber(d);
	text = item ? cJSON_PrintUnformatted(item) : NULL;
	if (text)
		strbuf_puts(w->out, text);
	else
		w->out->failed = true;
	cJSON_free(text);
	cJSON_Delete(item);
}

void json_cjson(json_writer *w, const cJSON *value)
{
	const cJSON *child;

	if (cJSON_IsObject(value) || cJSON_IsArray(value)) {
		bool object = cJSON_IsObject(value);
		if (object)
			json_open_object(w);
		else
			json_open_array(w);
		for (child = value->child; child; child = child->next) {
			if (object)
				json_key(w, child->string,
					 strlen(child->string));
			json_cjson(w, child);
		}
		if (object)
			json_close_object(w);
		else
			json_close_array(w);
	} else if (cJSON_IsString(value)) {
		json_cstring(w, value->valuestring ? value->valuestring : "");
	} else if (cJSON_IsNumber(value)) {
		json_number(w, value->valuedouble);
	} else if (cJSON_IsBool(value)) {
		json_bool(w, cJSON_IsTrue(value));
	} else if (cJSON_IsRaw(value)) {
		before_value(w);
		strbuf_puts(w->out, value->valuestring);
	} else {
		json_null(w);
	}
}

char *json_print(const cJSON *value, bool pretty)
{
	strbuf sb = STRBUF_INIT;
	json_writer w;

	json_writer_init(&w, &sb, pretty);
	json_cjson(&w, value);
	strbuf_putc(&sb, '\n');
	return strbuf_detach(&sb);
}

bool json_add_time(cJSON *obj, const char *key, int64_t t)
{
	char buf[DYD_TIME_BUFSIZE];

	dyd_time_format(t, buf);
	return cJSON_AddStringToObject(obj, key, buf) != NULL;
}
