/* SPDX-License-Identifier: MIT */
/* Escaping for report.html and its markup printf (html_text.c): every
 * special character becomes an entity, every control becomes visible and
 * none survives to act on the page, ordinary text of any script passes as
 * it is, and html_printf writes what printf would. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "html_text.h"

static char *text_of(const char *s, size_t len, bool attr)
{
	strbuf sb = STRBUF_INIT;

	strbuf_puts(&sb, "");
	if (attr)
		html_attr(&sb, s, len);
	else
		html_text(&sb, s, len);
	assert_false(sb.failed);
	return strbuf_detach(&sb);
}

/* The UTF-8 bytes of code point cp into buf; the length. */
static size_t utf8(unsigned cp, char *buf)
{
	if (cp < 0x80) {
		buf[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		buf[0] = (char)(0xC0 | cp >> 6);
		buf[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		buf[0] = (char)(0xE0 | cp >> 12);
		buf[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		buf[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	buf[0] = (char)(0xF0 | cp >> 18);
	buf[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	buf[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	buf[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* Whether s holds any of the characters that must not reach the page:
 * a raw special, a control but tab, newline and return, or a bidi
 * control. */
static bool has_active(const char *text, bool attr)
{
	static const char open[] = "<span class=\"" HTML_CONTROL_CLASS "\">";
	char s[256];
	const unsigned char *u = (const unsigned char *)s;
	size_t i, n = 0;

	/* The marked escape's own markup aside, nothing may be left. */
	for (i = 0; text[i] && n + 1 < sizeof(s);) {
		if (!attr && strncmp(text + i, open, sizeof(open) - 1) == 0)
			i += sizeof(open) - 1;
		else if (!attr && strncmp(text + i, "</span>", 7) == 0)
			i += 7;
		else
			s[n++] = text[i++];
	}
	s[n] = '\0';

	for (i = 0; u[i]; i++) {
		if ((u[i] < 0x20 && u[i] != '\t' && u[i] != '\n' &&
		     u[i] != '\r') ||
		    u[i] == 0x7f || u[i] == '"' || u[i] == '\'')
			return true;
		if (u[i] == '<' || u[i] == '>')
			return true;
		if (u[i] == 0xC2 && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F)
			return true;
		if (u[i] == 0xD8 && u[i + 1] == 0x9C)
			return true;
		if (u[i] == 0xE2 && u[i + 1] && u[i + 2]) {
			unsigned cp = 0x2000u | (u[i + 1] & 0x3Fu) << 6 |
				      (u[i + 2] & 0x3Fu);
			if (html_is_bidi_control(cp))
				return true;
		}
	}
	return false;
}

static void test_specials_become_entities(void **state)
{
	const char in[] = "<a href=\"x\" title='y'>&amp;</a>";
	char *t, *a;

	(void)state;
	t = text_of(in, strlen(in), false);
	a = text_of(in, strlen(in), true);
	assert_string_equal(t, "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;"
			       "&amp;amp;&lt;/a&gt;");
	assert_string_equal(a, t);
	free(t);
	free(a);
}

/* Every control of the classes the page makes visible, alone, at the
 * start, in the middle and at the end of a text, and at each offset of
 * the eight-byte scan: none is left, each is named. */
static void test_every_control_is_shown(void **state)
{
	static const unsigned ranges[][2] = {
	    {0x01, 0x08},     {0x0B, 0x0C},	{0x0E, 0x1F},
	    {0x7F, 0x7F},     {0x80, 0x9F},	{0x61C, 0x61C},
	    {0x200E, 0x200F}, {0x202A, 0x202E}, {0x2066, 0x2069},
	};
	char in[64], cpb[4], want[32];
	size_t r, pad, n, len;
	unsigned cp;
	int mode;

	(void)state;
	for (r = 0; r < sizeof(ranges) / sizeof(*ranges); r++)
		for (cp = ranges[r][0]; cp <= ranges[r][1]; cp++)
			for (pad = 0; pad < 10; pad++)
				for (mode = 0; mode < 2; mode++) {
					char *out;
					n = utf8(cp, cpb);
					memset(in, 'a', pad);
					memcpy(in + pad, cpb, n);
					memcpy(in + pad + n, "bc", 2);
					len = pad + n + 2;
					out = text_of(in, len, mode);
					if (has_active(out, mode))
						fail_msg("U+%04X at %zu left "
							 "active: %s",
							 cp, pad, out);
					if (cp >= 0x80) {
						snprintf(want, sizeof(want),
							 mode ? "[U+%04X]"
							      : ">U+%04X<",
							 cp);
						assert_non_null(
						    strstr(out, want));
					}
					/* What is around it stays. */
					assert_int_equal(strncmp(out, in, pad),
							 0);
					assert_non_null(strstr(out, "bc"));
					free(out);
				}
}

/* C0 controls are their Control Pictures; tab, newline and return stay. */
static void test_c0_pictures(void **state)
{
	char *out;

	(void)state;
	out = text_of("a\x1b[31mb\x7f\t\n\r", 11, false);
	assert_string_equal(out, "a&#x241B;[31mb&#x2421;\t\n\r");
	free(out);
}

/* The marked escape in text is a span report.css styles; in attributes
 * and SVG text no markup can go, so it is plain text there. */
static void test_marked_escape_shapes(void **state)
{
	char *t, *a;

	(void)state;
	t = text_of("x\xE2\x80\xAEy", 5, false);
	a = text_of("x\xE2\x80\xAEy", 5, true);
	assert_string_equal(t, "x<span class=\"" HTML_CONTROL_CLASS
			       "\">U+202E</span>y");
	assert_string_equal(a, "x[U+202E]y");
	free(t);
	free(a);
}

/* Text of every script passes byte for byte: the lead bytes the scan
 * stops at (0xC2, 0xD8, 0xE2) start ordinary characters too. */
static void test_ordinary_text_unchanged(void **state)
{
	static const char *const texts[] = {
	    "Budi Santoso — Toko Sinar Jaya",
	    "\xC2\xA0non-breaking \xC2\xA9 \xC2\xBF",
	    "\xD8\xA7\xD9\x84\xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A\xD8\xA9",
	    "\xE2\x80\x94 \xE2\x80\x9Cquote\xE2\x80\x9D \xE2\x82\xAC "
	    "\xE2\x80\x8D",
	    "\xE3\x82\xB5\xE3\x83\xBC\xE3\x83\x93\xE3\x82\xB9 \xF0\x9F\x98\x80",
	    "\xE0\xA4\x9C\xE0\xA4\xA8\xE0\xA4\xB5\xE0\xA4\xB0\xE0\xA5\x80",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		char *t = text_of(texts[i], strlen(texts[i]), false);
		assert_string_equal(t, texts[i]);
		free(t);
	}
}

/* A lead byte at the very end, without its continuation, is copied and
 * nothing past the end is read (ASan would see it). */
static void test_cut_characters_at_the_end(void **state)
{
	static const char *const ends[] = {"ab\xC2", "ab\xD8", "ab\xE2",
					   "ab\xE2\x80"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ends) / sizeof(*ends); i++) {
		size_t len = strlen(ends[i]);
		char *copy = malloc(len), *t;
		memcpy(copy, ends[i], len);
		t = text_of(copy, len, false);
		assert_memory_equal(t, ends[i], len);
		free(t);
		free(copy);
	}
}

/* html_printf writes what snprintf writes, on its fast conversions and on
 * any other (handed to vsnprintf). */
static void test_printf_agrees_with_printf(void **state)
{
	strbuf sb = STRBUF_INIT;
	char want[256];

	(void)state;
	html_printf(&sb, "<x a=\"%s\" b=\"%d\" c=\"%ld\" d=\"%u\" e=\"%zu\">%%",
		    "v", -12, -1234567890123L, 4000000000u, (size_t)77);
	snprintf(want, sizeof(want),
		 "<x a=\"%s\" b=\"%d\" c=\"%ld\" d=\"%u\" e=\"%zu\">%%", "v",
		 -12, -1234567890123L, 4000000000u, (size_t)77);
	assert_string_equal(sb.data, want);
	strbuf_truncate(&sb, 0);
	strbuf_puts(&sb, "kept ");
	html_printf(&sb, "%s %05d %x %.2f", "s", 42, 255, 1.5);
	snprintf(want, sizeof(want), "kept %s %05d %x %.2f", "s", 42, 255, 1.5);
	assert_string_equal(sb.data, want);
	strbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_specials_become_entities),
	    cmocka_unit_test(test_every_control_is_shown),
	    cmocka_unit_test(test_c0_pictures),
	    cmocka_unit_test(test_marked_escape_shapes),
	    cmocka_unit_test(test_ordinary_text_unchanged),
	    cmocka_unit_test(test_cut_characters_at_the_end),
	    cmocka_unit_test(test_printf_agrees_with_printf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
