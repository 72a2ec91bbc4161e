/* SPDX-License-Identifier: MIT */
/* The one writer: every file dyd creates, replaces, renames or removes
 * goes through here. Names are taken relative to a directory descriptor
 * (AT_FDCWD for the current directory), so that the directory is looked
 * up once and the calls can be hardened in one place:
 *
 * - no symbolic link is followed at the last step of a name: a link
 *   planted under a name dyd uses makes the call fail (ELOOP), it never
 *   sends the data, or a removal, somewhere else;
 * - new files are created with O_EXCL, mode 0600;
 * - a file dyd opens again (a results file, a journal) must be a regular
 *   file of this user with no other hard link, so that truncating or
 *   appending to it cannot reach a file that merely shares its inode;
 * - removals are of names dyd made, checked with fstatat() first.
 *
 * Each function returns 0 (or a descriptor), or -1 with errno set (ENOMEM
 * when an allocation failed), and leaves nothing half-made behind on
 * failure. Where a file is refused for what it is rather than for an
 * error of a call, errno is EPERM and *why (when why is not NULL) says
 * what is wrong with it, in words for a message ("is a symbolic link");
 * else *why is NULL. Messages are the caller's, who knows what the file
 * is for. */
#ifndef DYD_OUTPUT_H
#define DYD_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Makes the directory path (relative to at), mode 0700, unless it is
 * there already. */
int output_dir_create(int at, const char *path);
/* Opens the directory path (relative to at) for reading and as a base
 * for the calls below; a symbolic link as its last component is refused
 * (ELOOP). Returns the descriptor, or -1. */
int output_dir_open(int at, const char *path);
/* Whether the directory dirfd can hold this user's private files: it
 * belongs to this user and neither its group nor others may write to it
 * (else they could rename, replace or plant files in it). 0, or -1 with
 * errno EPERM and *why. */
int output_dir_private(int dirfd, const char **why);
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

enum {
	OUTPUT_CREATE = 1, /* create the file if it is not there */
	OUTPUT_EXCL = 2,   /* with OUTPUT_CREATE: it must not be there */
	OUTPUT_APPEND = 4, /* every write goes to its end */
};
/* Opens name in dirfd for reading and writing, as the OUTPUT_* bits of
 * how say (created mode 0600), and checks that it is a regular file of
 * this user with one link. Returns the descriptor, or -1. */
int output_file_open(int dirfd, const char *name, int how, const char **why);
/* Creates or replaces the content of name (mode 0600) with data,
 * flushed to disk. Not atomic: for the batch's own small files, whose
 * readers accept a torn one. */
int output_file_overwrite(int dirfd, const char *name, const void *data,
			  size_t len, const char **why);
/* Flushes the file name to disk. */
int output_file_sync(int dirfd, const char *name);
/* Renames from (in fromdir) to to (in todir); without replace, fails
 * with EEXIST instead of replacing a file already there. A name that is
 * replaced is replaced itself, whatever it is: a symbolic link there is
 * not followed. */
int output_rename(int fromdir, const char *from, int todir, const char *to,
		  bool replace);
/* Removes name, a file dyd created itself: the name is not looked up
 * again between the caller's making it and this. */
int output_remove(int dirfd, const char *name);
/* Removes name only if it is a regular file of this user (a name dyd
 * uses, found on disk: it may be anything). */
int output_remove_own(int dirfd, const char *name, const char **why);

/* Appends data to fd, a descriptor of output_file_open() with
 * OUTPUT_APPEND, in one write where the system allows, and flushes it.
 * On failure the file is cut back to its length before the call; -2
 * (errno of the write) when even that failed. */
int output_append(int fd, const void *data, size_t len);
/* Cuts the file of fd to len bytes. */
int output_fd_truncate(int fd, off_t len);
/* Writes len bytes at offset at of fd's file, over what is there, and
 * flushes it: for a value of fixed width inside a line. */
int output_fd_patch(int fd, off_t at, const void *data, size_t len);

/* Takes the lock file name in dirfd, created if need be, with flock(2):
 * returns its descriptor, held until output_unlock(). -1 with errno
 * EWOULDBLOCK when another process holds it. The check that the name
 * still leads to the file locked makes the lock survive its holder
 * removing the file as it ends. */
int output_lock(int dirfd, const char *name, const char **why);
/* Removes the lock file, if it is still the one fd holds, and lets the
 * lock go. fd may be -1: nothing to do. */
void output_unlock(int dirfd, const char *name, int fd);

#endif
