/* Atomic, private, durable file output. libzip's own zip_close() creates
 * files with 0666 & ~umask and does not fsync, so bundles are built in
 * memory and written here instead. */
#define _GNU_SOURCE /* renameat2() and RENAME_NOREPLACE */
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Puts tmp in place as path without replacing anything already there. */
static int link_no_replace(const char *tmp, const char *path)
{
#ifdef RENAME_NOREPLACE
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
#endif
	/* Filesystems without renameat2 flags: a hard link fails with
	 * EEXIST just the same, and then the temporary name goes. */
	if (link(tmp, path) != 0)
		return -1;
	unlink(tmp);
	return 0;
}

int dyd_output_write(const char *path, const void *data, size_t len,
		     const dyd_write_options *options, dyd_diags *diags)
{
	dyd_write_options defaults = DYD_WRITE_OPTIONS_INIT;
	char *dir = NULL, *tmp = NULL;
	int fd = -1, dirfd = -1, rc = DYD_EIO;
	size_t tmplen;
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
	dir = directory_of(path);
	tmplen = strlen(path) + 32;
	tmp = malloc(tmplen);
	if (!dir || !tmp) {
		rc = DYD_ENOMEM;
		goto out;
	}
	/* Hidden, next to the target, so the rename stays on one
	 * filesystem; mkstemp creates it 0600. */
	{
		const char *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		snprintf(tmp, tmplen, "%s/.%s.tmp-XXXXXX", dir, base);
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		diag_add(diags, DYD_ERROR, path, 0, 0, NULL,
			 "cannot create a temporary file in '%s': %s", dir,
			 strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
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
	if (options->force ? rename(tmp, path) != 0
			   : link_no_replace(tmp, path) != 0) {
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
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0 || fsync(dirfd) != 0) {
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
	if (dirfd >= 0)
		close(dirfd);
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(dir);
	return rc;
}
