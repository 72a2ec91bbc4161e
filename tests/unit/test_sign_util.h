/* SPDX-License-Identifier: MIT */
/* What the two signing tests share: a scratch directory, files in it,
 * shell commands (OpenSSL's own tools), and looking into diagnostics. */
#ifndef DYD_TEST_SIGN_UTIL_H
#define DYD_TEST_SIGN_UTIL_H

#include "dyd.h"

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Makes the scratch directory (0 or -1, for a cmocka setup), and removes
 * it with everything in it. */
int scratch_make(const char *prefix);
int scratch_remove(void);
const char *scratch_dir(void);
/* dir/name, in one of a few static buffers. */
char *path_in(const char *name);

/* Writes a file (replacing one) with the given mode; fails the test if
 * it cannot. */
void write_file(const char *path, const void *data, size_t len, mode_t mode);

/* Runs a shell command: its exit status, and the first line of its
 * output into line (without the newline). */
int run_command(const char *cmd, char *line, size_t size);

/* Whether some diagnostic's message holds text. */
bool message_has(const dyd_diags *diags, const char *text);

#endif
