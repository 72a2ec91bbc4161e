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
/* Writes v in decimal and a NUL into buf (at least 21 bytes); returns the
 * number of digits. For array indexes in pointers: faster than printf. */
size_t format_size(size_t v, char *buf);
/* Hands the string to the caller (free()); NULL if an allocation failed. */
char *strbuf_detach(strbuf *sb);

#endif
