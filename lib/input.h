/* SPDX-License-Identifier: MIT */
/* Reading whole files into memory, with a size limit, and the checks a
 * file in a directory that others may write to needs: no symbolic link
 * followed, and nothing but a regular file read, so that a FIFO or a
 * device planted under an expected name can neither block a read nor
 * feed it without end. */
#ifndef DYD_INPUT_H
#define DYD_INPUT_H

#include "dyd.h"

#include <stddef.h>

enum {
	INPUT_NOFOLLOW = 1, /* the name itself may not be a symbolic link */
	INPUT_REGULAR = 2,  /* only a regular file; opened without blocking */
};

/*
 * Reads name, relative to the directory dirfd (AT_FDCWD: the current
 * one), as dyd_file_read() reads a path; flags are INPUT_* bits. shown
 * names the file in diagnostics (NULL: name). A file that is not what
 * flags ask for is DYD_EIO, with a diagnostic that says what it is.
 */
int input_read_at(int dirfd, const char *name, const char *shown,
		  unsigned flags, size_t limit, char **out, size_t *len,
		  dyd_diags *diags);

/* What kind of file mode is, in words: "a directory", "a FIFO", ... */
const char *input_file_kind(unsigned mode);

#endif
