/* SPDX-License-Identifier: MIT */
/* Atomic, private, durable file output, and every other file write of
 * the library (the batch's bundles, journal, results and directories).
 * libzip's own zip_close() creates files with 0666 & ~umask and does not
 * fsync, so bundles are built in memory and written here instead. */
#define _GNU_SOURCE /* renameat2() and RENAME_NOREPLACE */
#include "output.h"
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int output_file_overwrite(int dirfd, const char *name, const void *data,
			  size_t len)
{
	int fd =
	    openat(dirfd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	if (output_write_all(fd, data, len) != 0 || fsync(fd) != 0) {
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

int output_dir_create(int at, const char *path)
{
	if (mkdirat(at, path, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

int output_dir_open(int at, const char *path)
{
	return openat(at, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
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

int output_append_open(int dirfd, const char *name)
{
	return openat(dirfd, name, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		      0600);
}

int output_append(int fd, const void *data, size_t len)
{
	off_t end = lseek(fd, 0, SEEK_END);
	int saved, rc;

	if (end < 0)
		return -1;
	if (output_write_all(fd, data, len) == 0 && fsync(fd) == 0)
		return 0;
	/* A full disk can cut the data short: take back what was written,
	 * so the file ends where it did instead of on half a line. */
	saved = errno;
	do
		rc = ftruncate(fd, end);
	while (rc != 0 && errno == EINTR);
	errno = saved;
	return -1;
}

int output_truncate(int dirfd, const char *name, off_t len)
{
	int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	do
		rc = ftruncate(fd, len);
	while (rc != 0 && errno == EINTR);
	if (rc != 0) {
		close_quietly(fd);
		return -1;
	}
	return close(fd);
}

int dyd_output_write(const char *path, const void *data, size_t len,
		     const dyd_write_options *options, dyd_diags *diags)
{
	dyd_write_options defaults = DYD_WRITE_OPTIONS_INIT;
	char *dir = NULL, *prefix = NULL, *tmp = NULL;
	const char *base;
	int fd = -1, dirfd = -1, rc = DYD_EIO;
	size_t plen;
	struct stat st;

	if (!options)
		options = &defaults;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			diag_add(diags, DYD_ERROR, path, 0, 0, NULL,
				 "is a directory; give a file name such as "
				 "'%s/bundle.zip'",
				 path);
			return DYD_EIO;
		}
		if (!options->force) {
			diag_add(diags, DYD_ERROR, path, 0, 0, NULL,
				 "already exists; use --force to replace it");
			return DYD_EIO;
		}
	}
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	dir = directory_of(path);
	plen = strlen(base) + 8;
	prefix = malloc(plen);
	if (!dir || !prefix) {
		rc = DYD_ENOMEM;
		goto out;
	}
	/* Hidden, next to the target, so the rename stays on one
	 * filesystem. O_PATH: creating a file needs no read permission on
	 * the directory. */
	snprintf(prefix, plen, ".%s.tmp-", base);
	dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
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
