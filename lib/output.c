/* SPDX-License-Identifier: MIT */
/* Atomic, private, durable file output, and every other file write of
 * the library (the batch's bundles, journal, results and directories).
 * libzip's own zip_close() creates files with 0666 & ~umask and does not
 * fsync, so bundles are built in memory and written here instead. */
#define _GNU_SOURCE /* renameat2() and RENAME_NOREPLACE */
#include "output.h"
#include "diag.h"
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char *directory_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

int output_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Closes fd keeping the errno of the failure being handled. */
static void close_quietly(int fd)
{
	int saved = errno;

	close(fd);
	errno = saved;
}

/* Six name characters that differ between calls, threads and processes;
 * O_EXCL, not these, is what keeps an existing file safe. */
static void temp_suffix(char out[7])
{
	static const char letters[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	static uint64_t counter;
	struct timespec now;
	uint64_t x;
	int i;

	clock_gettime(CLOCK_REALTIME, &now);
	x = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED) ^
	    ((uint64_t)getpid() << 40) ^ (uint64_t)now.tv_nsec ^
	    ((uint64_t)now.tv_sec << 20);
	/* splitmix64's finaliser spreads consecutive counts apart. */
	x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
	x ^= x >> 31;
	for (i = 0; i < 6; i++, x /= 62)
		out[i] = letters[x % 62];
	out[6] = '\0';
}

/* Creates a new file prefix + six characters in dirfd, 0600. Returns the
 * descriptor with *name set (malloc'd), or -1. */
static int temp_create(int dirfd, const char *prefix, char **name)
{
	size_t plen = strlen(prefix);
	char *buf = malloc(plen + 7);
	int fd = -1, tries;

	*name = NULL;
	if (!buf) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(buf, prefix, plen);
	for (tries = 0; tries < 100; tries++) {
		temp_suffix(buf + plen);
		fd = openat(
		    dirfd, buf,
		    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd >= 0 || errno != EEXIST)
			break;
	}
	if (fd < 0) {
		int saved = errno;
		free(buf);
		errno = saved;
		return -1;
	}
	*name = buf;
	return fd;
}

int output_temp_write(int dirfd, const char *prefix, const void *data,
		      size_t len, bool sync, char **name)
{
	int fd = temp_create(dirfd, prefix, name);

	if (fd < 0)
		return -1;
	if (output_write_all(fd, data, len) != 0 || (sync && fsync(fd) != 0)) {
		close_quietly(fd);
		goto fail;
	}
	if (close(fd) != 0)
		goto fail;
	return 0;
fail:
	output_remove(dirfd, *name);
	free(*name);
	*name = NULL;
	return -1;
}

/* Why fd, just opened by name, is not a file to write into: NULL when it
 * is one, a regular file of this user with one link. */
static const char *unfit_file(int fd)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return NULL; /* the next call on fd will tell */
	if (!S_ISREG(st.st_mode))
		return input_file_kind(st.st_mode);
	if (st.st_nlink != 1)
		return "a file with another hard link";
	if (st.st_uid != geteuid())
		return "a file of another user";
	return NULL;
}

int output_file_open(int dirfd, const char *name, int how, const char **why)
{
	int flags = O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, fd;
	const char *unfit;

	if (why)
		*why = NULL;
	if (how & OUTPUT_CREATE)
		flags |= O_CREAT | (how & OUTPUT_EXCL ? O_EXCL : 0);
	if (how & OUTPUT_APPEND)
		flags |= O_APPEND;
	fd = openat(dirfd, name, flags, 0600);
	if (fd < 0) {
		if (errno == ELOOP && why)
			*why = "a symbolic link, which dyd does not follow";
		return -1;
	}
	unfit = unfit_file(fd);
	if (unfit) {
		close(fd);
		if (why)
			*why = unfit;
		errno = EPERM;
		return -1;
	}
	return fd;
}

int output_file_overwrite(int dirfd, const char *name, const void *data,
			  size_t len, const char **why)
{
	int fd = output_file_open(dirfd, name, OUTPUT_CREATE, why);

	if (fd < 0)
		return -1;
	/* Cut only once the file is known to be this one's. */
	if (output_fd_truncate(fd, 0) != 0 ||
	    output_write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		close_quietly(fd);
		return -1;
	}
	return close(fd);
}

/* Opens name in dirfd for reading only to flush it. */
static int sync_at(int dirfd, const char *name, int flags)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | flags);

	if (fd < 0)
		return -1;
	if (fsync(fd) != 0) {
		close_quietly(fd);
		return -1;
	}
	return close(fd);
}

int output_file_sync(int dirfd, const char *name)
{
	return sync_at(dirfd, name, 0);
}

int output_rename(int fromdir, const char *from, int todir, const char *to,
		  bool replace)
{
	if (replace)
		return renameat(fromdir, from, todir, to);
#ifdef RENAME_NOREPLACE
	if (renameat2(fromdir, from, todir, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
#endif
	/* Filesystems without renameat2 flags: a hard link fails with
	 * EEXIST just the same, and then the temporary name goes. */
	if (linkat(fromdir, from, todir, to, 0) != 0)
		return -1;
	return unlinkat(fromdir, from, 0);
}

int output_remove(int dirfd, const char *name)
{
	return unlinkat(dirfd, name, 0);
}

int output_remove_own(int dirfd, const char *name, const char **why)
{
	struct stat st;

	if (why)
		*why = NULL;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return -1;
	if (!S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
		if (why)
			*why = S_ISREG(st.st_mode)
				   ? "a file of another user"
				   : input_file_kind(st.st_mode);
		errno = EPERM;
		return -1;
	}
	return unlinkat(dirfd, name, 0);
}

int output_dir_create(int at, const char *path)
{
	if (mkdirat(at, path, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

int output_dir_open(int at, const char *path)
{
	return openat(at, path,
		      O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int output_dir_private(int dirfd, const char **why)
{
	struct stat st;

	if (why)
		*why = NULL;
	if (fstat(dirfd, &st) != 0)
		return -1;
	if (st.st_uid == geteuid() && !(st.st_mode & (S_IWGRP | S_IWOTH)))
		return 0;
	if (why)
		*why = st.st_uid != geteuid()
			   ? "a directory of another user"
			   : "a directory that others may write to";
	errno = EPERM;
	return -1;
}

int output_dir_sync(int dirfd)
{
	if (fsync(dirfd) == 0)
		return 0;
	if (errno != EBADF)
		return -1;
	/* An O_PATH descriptor, which fsync refuses. */
	return sync_at(dirfd, ".", O_DIRECTORY);
}

int output_fs_sync(int dirfd)
{
	return syncfs(dirfd);
}

int output_dir_remove(int dirfd, const char *name)
{
	return unlinkat(dirfd, name, AT_REMOVEDIR);
}

int output_fd_truncate(int fd, off_t len)
{
	int rc;

	do
		rc = ftruncate(fd, len);
	while (rc != 0 && errno == EINTR);
	return rc;
}

int output_fd_patch(int fd, off_t at, const void *data, size_t len)
{
	int flags = fcntl(fd, F_GETFL), rc = 0;
	const char *p = data;
	ssize_t n;

	/* Linux's pwrite() on an O_APPEND descriptor appends, whatever the
	 * offset (pwrite(2), BUGS): the flag is off for the patch. */
	if (flags < 0 ||
	    ((flags & O_APPEND) && fcntl(fd, F_SETFL, flags & ~O_APPEND) != 0))
		return -1;
	while (len && rc == 0) {
		n = pwrite(fd, p, len, at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -1;
			break;
		}
		p += n;
		at += n;
		len -= (size_t)n;
	}
	if (rc == 0)
		rc = fsync(fd);
	if ((flags & O_APPEND) && fcntl(fd, F_SETFL, flags) != 0)
		rc = -1;
	return rc;
}

int output_append(int fd, const void *data, size_t len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	int saved;

	if (end < 0)
		return -1;
	if (output_write_all(fd, data, len) == 0 && fsync(fd) == 0)
		return 0;
	/* A full disk can cut the data short: take back what was written,
	 * so the file ends where it did instead of on half a line. */
	saved = errno;
	if (output_fd_truncate(fd, end) != 0) {
		errno = saved;
		return -2;
	}
	errno = saved;
	return -1;
}

/* Whether the name in dirfd still leads to the file of fd. */
static bool same_file(int dirfd, const char *name, int fd)
{
	struct stat named, held;

	return fstatat(dirfd, name, &named, AT_SYMLINK_NOFOLLOW) == 0 &&
	       fstat(fd, &held) == 0 && named.st_dev == held.st_dev &&
	       named.st_ino == held.st_ino;
}

int output_lock(int dirfd, const char *name, const char **why)
{
	int tries, fd;

	/* A holder that ends removes the file while it holds the lock; one
	 * who opened the file just before that then locks a file no name
	 * leads to any more, and must take the new one. */
	for (tries = 0; tries < 100; tries++) {
		fd = output_file_open(dirfd, name, OUTPUT_CREATE, why);
		if (fd < 0)
			return -1;
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			close_quietly(fd);
			return -1;
		}
		if (same_file(dirfd, name, fd))
			return fd;
		close(fd);
	}
	errno = EAGAIN;
	return -1;
}

void output_unlock(int dirfd, const char *name, int fd)
{
	if (fd < 0)
		return;
	if (same_file(dirfd, name, fd))
		unlinkat(dirfd, name, 0);
	close(fd);
}

/* Whether path may be written, or with force replaced. A directory, or
 * anything else that is not a regular file (nor a link to one), is kept
 * even with force: the rename would put a regular file in the place of a
 * device node, a FIFO or a socket that something else uses. */
static int check_target(const char *path, bool force, dyd_diags *diags)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return 0; /* nothing there */
	if (S_ISLNK(st.st_mode) && stat(path, &st) != 0)
		st.st_mode =
		    S_IFREG; /* a dangling link: the rename replaces it */
	if (S_ISDIR(st.st_mode)) {
		diag_add(diags, DYD_ERROR, path, 0, 0, NULL,
			 "is a directory; give a file name such as "
			 "'%s/bundle.zip'",
			 path);
		return DYD_EIO;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_add(diags, DYD_ERROR, path, 0, 0, NULL,
			 "is %s, not a regular file: dyd replaces only regular "
			 "files, even with --force; give another name",
			 input_file_kind(st.st_mode));
		return DYD_EIO;
	}
	if (!force) {
		diag_add(diags, DYD_ERROR, path, 0, 0, NULL,
			 "already exists; use --force to replace it");
		return DYD_EIO;
	}
	return 0;
}

/* The temporary file's prefix: hidden and next to the target, so that the
 * rename stays on one filesystem. ".NAME.tmp-" and six characters are 12
 * bytes more than NAME, too many for a name near the directory's limit:
 * such a name gets a prefix of its own instead. */
static char *temp_prefix(int dirfd, const char *base)
{
	long max = fpathconf(dirfd, _PC_NAME_MAX);
	size_t n = strlen(base) + 8;
	char *prefix;

	if (max <= 0)
		max = 255;
	if (n + 4 > (size_t)max)
		return strdup(".dyd-export.tmp-");
	prefix = malloc(n);
	if (prefix)
		snprintf(prefix, n, ".%s.tmp-", base);
	return prefix;
}

int dyd_output_write(const char *path, const void *data, size_t len,
		     const dyd_write_options *options, dyd_diags *diags)
{
	dyd_write_options defaults = DYD_WRITE_OPTIONS_INIT;
	char *dir = NULL, *prefix = NULL, *tmp = NULL;
	const char *base;
	int fd = -1, dirfd = -1, rc;

	if (!options)
		options = &defaults;
	rc = check_target(path, options->force, diags);
	if (rc)
		return rc;
	rc = DYD_EIO;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	dir = directory_of(path);
	if (!dir) {
		rc = DYD_ENOMEM;
		goto out;
	}
	/* O_PATH: creating a file needs no read permission on the
	 * directory. */
	dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	prefix = dirfd < 0 ? NULL : temp_prefix(dirfd, base);
	if (dirfd >= 0 && !prefix) {
		rc = DYD_ENOMEM;
		goto out;
	}
	fd = dirfd < 0 ? -1 : temp_create(dirfd, prefix, &tmp);
	if (fd < 0) {
		if (errno == ENOMEM) {
			rc = DYD_ENOMEM;
			goto out;
		}
		diag_add(diags, DYD_ERROR, path, 0, 0, NULL,
			 "cannot create a temporary file in '%s': %s", dir,
			 strerror(errno));
		goto out;
	}
	if (output_write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		diag_add(diags, DYD_ERROR, path, 0, 0, NULL, "cannot write: %s",
			 strerror(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		diag_add(diags, DYD_ERROR, path, 0, 0, NULL, "cannot write: %s",
			 strerror(errno));
		goto out;
	}
	fd = -1;
	if (options->cancelled && options->cancelled(options->arg)) {
		rc = DYD_ECANCELED;
		goto out;
	}
	if (output_rename(dirfd, tmp, dirfd, base, options->force) != 0) {
		if (errno == EEXIST)
			diag_add(diags, DYD_ERROR, path, 0, 0, NULL,
				 "already exists; use --force to replace it");
		else
			diag_add(diags, DYD_ERROR, path, 0, 0, NULL,
				 "cannot put the file in place: %s",
				 strerror(errno));
		goto out;
	}
	free(tmp);
	tmp = NULL; /* in place: nothing to remove any more */
	if (output_dir_sync(dirfd) != 0) {
		/* The file is complete and in place; only its directory
		 * entry may not have reached the disk yet. */
		diag_add(diags, DYD_ERROR, path, 0, 0, NULL,
			 "written, but the directory '%s' could not be "
			 "flushed: %s",
			 dir, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp) {
		output_remove(dirfd, tmp);
		free(tmp);
	}
	if (dirfd >= 0)
		close(dirfd);
	free(prefix);
	free(dir);
	return rc;
}
