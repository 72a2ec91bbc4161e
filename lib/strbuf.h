/* SPDX-License-Identifier: MIT */
/* A growable byte string that remembers allocation failure, so builders can
 * append freely and check once at the end. */
#ifndef DYD_STRBUF_H
#define DYD_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef struct strbuf {
	char *data; /* always NUL-terminated once anything was appended */
	size_t len;
	size_t cap;
	bool failed; /* an allocation failed; the content is incomplete */
} strbuf;

#define STRBUF_INIT                                                            \
	{                                                                      \
		NULL, 0, 0, false                                              \
	}

void strbuf_release(strbuf *sb);
/* Makes room for extra more bytes and the NUL; false once failed. */
bool strbuf_grow(strbuf *sb, size_t extra);

/* The appends are inline: the reports are built from many short pieces,
 * and a call per piece showed in the profile. */
static inline void strbuf_append(strbuf *sb, const char *data, size_t len)
{
	if (len >= sb->cap - sb->len && !strbuf_grow(sb, len))
		return;
	if (len)
		memcpy(sb->data + sb->len, data, len);
	sb->len += len;
	sb->data[sb->len] = '\0';
}

static inline void strbuf_puts(strbuf *sb, const char *s)
{
	strbuf_append(sb, s, strlen(s));
}

static inline void strbuf_putc(strbuf *sb, char c)
{
	if (sb->cap - sb->len < 2 && !strbuf_grow(sb, 1))
		return;
	sb->data[sb->len++] = c;
	sb->data[sb->len] = '\0';
}

void strbuf_printf(strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void strbuf_truncate(strbuf *sb, size_t len);
/* Numbers as printf's %llu, %lld and %0*lu write them, without printf:
 * reports and pointers are made of thousands of them. format_unsigned and
 * format_signed write a NUL after the digits into buf (at least 22 bytes)
 * and return the length; format_digits writes exactly width digits of v
 * (v < 10^width), no NUL, and returns the end. */
size_t format_unsigned(unsigned long long v, char *buf);
size_t format_signed(long long v, char *buf);
char *format_digits(char *p, unsigned long v, int width);
/* JSON pointers (RFC 6901), built in a strbuf as a walk goes down a
 * tree: strbuf_pointer_push appends "/" and seg with '~' written "~0" and
 * '/' written "~1"; strbuf_pointer_index appends "/" and i in decimal.
 * Both return the length before, for strbuf_truncate() on the way up. */
size_t strbuf_pointer_push(strbuf *sb, const char *seg, size_t len);
size_t strbuf_pointer_index(strbuf *sb, size_t i);
/* Hands the string to the caller (free()); NULL if an allocation failed. */
char *strbuf_detach(strbuf *sb);

#endif
