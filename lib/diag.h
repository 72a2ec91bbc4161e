/* SPDX-License-Identifier: MIT */
/* Recording diagnostics from inside the library. */
#ifndef DYD_DIAG_H
#define DYD_DIAG_H

#include "dyd.h"

/* Appends a diagnostic; diags may be NULL. Any of file and pointer may be
 * NULL, line and column 0. */
void diag_add(dyd_diags *diags, dyd_severity severity, const char *file,
	      unsigned line, unsigned column, const char *pointer,
	      const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Quotes untrusted text for a message: at most max bytes, control
 * characters and quotes escaped, into a static-free caller buffer. */
#define DIAG_QUOTE_MAX 64
void diag_quote(char *buf, size_t size, const char *text, size_t len);

#endif
