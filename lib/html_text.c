/* SPDX-License-Identifier: MIT */
/* Escaping for report.html, and html_printf. The escape loop looks at
 * eight bytes a turn, as most text has nothing to escape. */
#include "html_text.h"

#include <stdarg.h>
#include <stdio.h>

enum escape_mode { MODE_TEXT, MODE_ATTR };

bool html_is_bidi_control(unsigned cp)
{
	return cp == 0x061C || cp == 0x200E || cp == 0x200F ||
	       (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Bytes the escape must look at: the five HTML specials, C0 controls but
 * tab, newline and return, DEL, and the lead bytes of U+0080-U+009F
 * (0xC2), U+061C (0xD8) and U+2000-U+2FFF (0xE2), where the C1 and bidi
 * controls live. Every other byte is copied as it is, in runs. */
static const unsigned char escape_lead[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1, /* 0x00 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x10 */
    0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, /* 0x30 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x50 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, /* 0x70 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x80 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x90 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xA0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xB0 */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xC0 */
    0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, /* 0xD0 */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xE0 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0xF0 */
};

/* "&#xHEX;" for cp, in upper case as the page has always had it. */
static size_t hex_ref(char *buf, unsigned cp)
{
	static const char digits[] = "0123456789ABCDEF";
	char tmp[8];
	size_t n = 0, len = 3;

	do {
		tmp[n++] = digits[cp & 0xF];
		cp >>= 4;
	} while (cp);
	memcpy(buf, "&#x", 3);
	while (n)
		buf[len++] = tmp[--n];
	buf[len++] = ';';
	return len;
}

/* The marked escape of an invisible control: "U+202E", in a span that
 * report.css draws as a box in text, in brackets where no markup goes. */
static size_t control_escape(char *buf, unsigned cp, enum escape_mode mode)
{
	static const char digits[] = "0123456789ABCDEF";
	static const char open[] = "<span class=\"" HTML_CONTROL_CLASS "\">";
	static const char close[] = "</span>";
	size_t len = 0;
	int shift;

	if (mode == MODE_TEXT) {
		memcpy(buf, open, sizeof(open) - 1);
		len = sizeof(open) - 1;
	} else {
		buf[len++] = '[';
	}
	buf[len++] = 'U';
	buf[len++] = '+';
	for (shift = 12; shift >= 0; shift -= 4)
		buf[len++] = digits[(cp >> shift) & 0xF];
	if (mode == MODE_TEXT) {
		memcpy(buf + len, close, sizeof(close) - 1);
		len += sizeof(close) - 1;
	} else {
		buf[len++] = ']';
	}
	return len;
}

/* The replacement of the escape-lead byte at u[i] (of len), its length
 * in rep, and how many input bytes it stands for; 0 when the byte is
 * only the start of an ordinary character. */
static size_t replacement(const unsigned char *u, size_t i, size_t len,
			  enum escape_mode mode, char *rep, size_t *rep_len)
{
	static const char *const specials[] = {"&amp;", "&lt;", "&gt;",
					       "&quot;", "&#39;"};
	unsigned cp;

	switch (u[i]) {
	case '&':
		*rep_len = 5;
		memcpy(rep, specials[0], 5);
		return 1;
	case '<':
		*rep_len = 4;
		memcpy(rep, specials[1], 4);
		return 1;
	case '>':
		*rep_len = 4;
		memcpy(rep, specials[2], 4);
		return 1;
	case '"':
		*rep_len = 6;
		memcpy(rep, specials[3], 6);
		return 1;
	case '\'':
		*rep_len = 5;
		memcpy(rep, specials[4], 5);
		return 1;
	case 0xC2:
		if (i + 1 >= len || u[i + 1] < 0x80 || u[i + 1] > 0x9F)
			return 0;
		*rep_len = control_escape(rep, u[i + 1], mode);
		return 2;
	case 0xD8:
		if (i + 1 >= len || u[i + 1] != 0x9C)
			return 0;
		*rep_len = control_escape(rep, 0x061C, mode);
		return 2;
	case 0xE2:
		if (i + 2 >= len || (u[i + 1] & 0xC0) != 0x80 ||
		    (u[i + 2] & 0xC0) != 0x80)
			return 0;
		cp =
		    (0x2u << 12) | (u[i + 1] & 0x3Fu) << 6 | (u[i + 2] & 0x3Fu);
		if (!html_is_bidi_control(cp))
			return 0;
		*rep_len = control_escape(rep, cp, mode);
		return 3;
	default: /* C0 controls and DEL: their Control Pictures */
		*rep_len =
		    hex_ref(rep, u[i] == 0x7f ? 0x2421u : 0x2400u + u[i]);
		return 1;
	}
}

static void escape(strbuf *sb, const char *s, size_t len, enum escape_mode mode)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, start = 0, rep_len, skip;
	char rep[48];

	for (;;) {
		while (i + 8 <= len &&
		       !(escape_lead[u[i]] | escape_lead[u[i + 1]] |
			 escape_lead[u[i + 2]] | escape_lead[u[i + 3]] |
			 escape_lead[u[i + 4]] | escape_lead[u[i + 5]] |
			 escape_lead[u[i + 6]] | escape_lead[u[i + 7]]))
			i += 8;
		while (i < len && !escape_lead[u[i]])
			i++;
		if (i == len)
			break;
		skip = replacement(u, i, len, mode, rep, &rep_len);
		if (!skip) {
			i++;
			continue;
		}
		strbuf_append(sb, s + start, i - start);
		strbuf_append(sb, rep, rep_len);
		i += skip;
		start = i;
	}
	strbuf_append(sb, s + start, len - start);
}

void html_text(strbuf *sb, const char *s, size_t len)
{
	escape(sb, s, len, MODE_TEXT);
}

void html_attr(strbuf *sb, const char *s, size_t len)
{
	escape(sb, s, len, MODE_ATTR);
}

void html_printf(strbuf *sb, const char *fmt, ...)
{
	size_t start = sb->len;
	const char *run = fmt, *pct;
	char num[24];
	va_list ap, again;

	va_start(ap, fmt);
	va_copy(again, ap);
	while ((pct = strchr(run, '%'))) {
		strbuf_append(sb, run, (size_t)(pct - run));
		if (pct[1] == 's') {
			strbuf_puts(sb, va_arg(ap, const char *));
			run = pct + 2;
		} else if (pct[1] == 'd') {
			strbuf_append(sb, num,
				      format_signed(va_arg(ap, int), num));
			run = pct + 2;
		} else if (pct[1] == 'u') {
			strbuf_append(
			    sb, num,
			    format_unsigned(va_arg(ap, unsigned), num));
			run = pct + 2;
		} else if (pct[1] == 'l' && pct[2] == 'd') {
			strbuf_append(sb, num,
				      format_signed(va_arg(ap, long), num));
			run = pct + 3;
		} else if (pct[1] == 'z' && pct[2] == 'u') {
			strbuf_append(sb, num,
				      format_unsigned(va_arg(ap, size_t), num));
			run = pct + 3;
		} else if (pct[1] == '%') {
			strbuf_putc(sb, '%');
			run = pct + 2;
		} else {
			strbuf_truncate(sb, start);
			strbuf_vprintf(sb, fmt, again);
			goto done;
		}
	}
	strbuf_puts(sb, run);
done:
	va_end(again);
	va_end(ap);
}
