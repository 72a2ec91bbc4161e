/* SPDX-License-Identifier: MIT */
/* The one writer: every file dyd creates, replaces, renames or removes
 * goes through here. Names are taken relative to a directory descriptor
 * (AT_FDCWD for the current directory), so that the directory is looked
 * up once and the calls can be hardened in one place. Each function
 * returns 0, or -1 with errno set (ENOMEM when an allocation failed), and
 * leaves nothing half-made behind on failure: messages are the caller's,
 * who knows what the file is for. */
#ifndef DYD_OUTPUT_H
#define DYD_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Makes the directory path (relative to at), mode 0700, unless it is
 * there already. */
int output_dir_create(int at, const char *path);
/* Opens the directory path (relative to at) for reading and as a base
 * for the calls below. Returns the descriptor, or -1. */
int output_dir_open(int at, const char *path);
/* Flushes the directory's entries to disk. */
int output_dir_sync(int dirfd);
/* Flushes the whole filesystem dirfd is on (syncfs), so that many files
 * written without a flush each reach the disk at once. */
int output_fs_sync(int dirfd);
/* Removes the empty directory name. */
int output_dir_remove(int dirfd, const char *name);

/* Writes all of data to fd, across short writes and signals. */
int output_write_all(int fd, const void *data, size_t len);

/* Creates a new file in dirfd named prefix followed by six characters
 * (mode 0600, never an existing name) holding data, and closes it; with
 * sync, flushed to disk first. *name receives the name (malloc'd). */
int output_temp_write(int dirfd, const char *prefix, const void *data,
		      size_t len, bool sync, char **name);
/* Creates or truncates name (mode 0600) and writes data, flushed to
 * disk. Not atomic: for the batch's own small files, whose readers
 * accept a torn one. */
int output_file_overwrite(int dirfd, const char *name, const void *data,
			  size_t len);
/* Flushes the file name to disk. */
int output_file_sync(int dirfd, const char *name);
/* Renames from (in fromdir) to to (in todir); without replace, fails
 * with EEXIST instead of replacing a file already there. */
int output_rename(int fromdir, const char *from, int todir, const char *to,
		  bool replace);
int output_remove(int dirfd, const char *name);

/* Opens name for appending (created 0600). Returns the descriptor. */
int output_append_open(int dirfd, const char *name);
/* Appends data to a descriptor of output_append_open() and flushes it;
 * on failure the file is cut back to its length before the call. */
int output_append(int fd, const void *data, size_t len);
/* Cuts the file name to len bytes. */
int output_truncate(int dirfd, const char *name, off_t len);

#endif
