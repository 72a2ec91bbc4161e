/* A growable byte string that remembers allocation failure, so builders can
 * append freely and check once at the end. */
#ifndef DYD_STRBUF_H
#define DYD_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

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
void strbuf_append(strbuf *sb, const char *data, size_t len);
void strbuf_puts(strbuf *sb, const char *s);
void strbuf_putc(strbuf *sb, char c);
void strbuf_printf(strbuf *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void strbuf_vprintf(strbuf *sb, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void strbuf_truncate(strbuf *sb, size_t len);
/* Hands the string to the caller (free()); NULL if an allocation failed. */
char *strbuf_detach(strbuf *sb);

#endif
