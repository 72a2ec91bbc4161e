/* SPDX-License-Identifier: MIT */
#include "strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void strbuf_release(strbuf *sb)
{
	free(sb->data);
	sb->data = NULL;
	sb->len = sb->cap = 0;
	sb->failed = false;
}

bool strbuf_grow(strbuf *sb, size_t extra)
{
	size_t need, cap;
	char *data;

	if (sb->failed)
		return false;
	if (extra > (size_t)-1 / 2 - sb->len) {
		sb->failed = true;
		return false;
	}
	need = sb->len + extra + 1;
	if (need <= sb->cap)
		return true;
	cap = sb->cap ? sb->cap : 64;
	while (cap < need)
		cap *= 2;
	data = realloc(sb->data, cap);
	if (!data) {
		sb->failed = true;
		return false;
	}
	sb->data = data;
	sb->cap = cap;
	return true;
}

void strbuf_vprintf(strbuf *sb, const char *fmt, va_list ap)
{
	va_list copy;
	size_t room;
	int n;

	/* Format straight into the free space; only when it does not fit,
	 * grow and format again. */
	if (!strbuf_grow(sb, 32))
		return;
	room = sb->cap - sb->len;
	va_copy(copy, ap);
	n = vsnprintf(sb->data + sb->len, room, fmt, copy);
	va_end(copy);
	if (n < 0) {
		sb->data[sb->len] = '\0';
		sb->failed = true;
		return;
	}
	if ((size_t)n >= room) {
		sb->data[sb->len] = '\0';
		if (!strbuf_grow(sb, (size_t)n))
			return;
		vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
	}
	sb->len += (size_t)n;
}

void strbuf_printf(strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	strbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

size_t format_unsigned(unsigned long long v, char *buf)
{
	char tmp[24], *p = tmp + sizeof(tmp);
	size_t n;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	n = (size_t)(tmp + sizeof(tmp) - p);
	memcpy(buf, p, n);
	buf[n] = '\0';
	return n;
}

size_t format_signed(long long v, char *buf)
{
	if (v >= 0)
		return format_unsigned((unsigned long long)v, buf);
	buf[0] = '-';
	return 1 + format_unsigned(0ULL - (unsigned long long)v, buf + 1);
}

char *format_digits(char *p, unsigned long v, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

void strbuf_truncate(strbuf *sb, size_t len)
{
	if (len < sb->len) {
		sb->len = len;
		sb->data[len] = '\0';
	}
}

char *strbuf_detach(strbuf *sb)
{
	char *data;

	if (sb->failed) {
		strbuf_release(sb);
		return NULL;
	}
	if (!sb->data && !strbuf_grow(sb, 0))
		return NULL;
	if (!sb->data[0] && sb->len == 0)
		sb->data[0] = '\0';
	data = sb->data;
	sb->data = NULL;
	sb->len = sb->cap = 0;
	return data;
}

size_t strbuf_pointer_push(strbuf *sb, const char *seg, size_t len)
{
	size_t saved = sb->len, i;

	strbuf_putc(sb, '/');
	for (i = 0; i < len; i++) {
		if (seg[i] == '~')
			strbuf_append(sb, "~0", 2);
		else if (seg[i] == '/')
			strbuf_append(sb, "~1", 2);
		else
			strbuf_putc(sb, seg[i]);
	}
	return saved;
}

size_t strbuf_pointer_index(strbuf *sb, size_t i)
{
	size_t saved = sb->len;
	char digits[24];

	strbuf_putc(sb, '/');
	strbuf_append(sb, digits, format_unsigned(i, digits));
	return saved;
}
