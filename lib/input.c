/* SPDX-License-Identifier: MIT */
/* Reading whole input files with a size limit. */
#include "input.h"
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *input_file_kind(unsigned mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "a regular file";
	case S_IFDIR:
		return "a directory";
	case S_IFLNK:
		return "a symbolic link";
	case S_IFIFO:
		return "a FIFO";
	case S_IFSOCK:
		return "a socket";
	case S_IFCHR:
		return "a character device";
	case S_IFBLK:
		return "a block device";
	default:
		return "not a regular file";
	}
}

/* Reads fd to its end into *out (NUL-terminated), refusing more than
 * limit bytes; cap is the first buffer size. */
static int read_fd(int fd, const char *name, size_t limit, size_t cap,
		   char **out, size_t *len, dyd_diags *diags)
{
	size_t used = 0;
	char *buf = malloc(cap), *grown;
	ssize_t n;

	if (!buf)
		return DYD_ENOMEM;
	for (;;) {
		if (used + 1 >= cap) {
			if (cap > limit) {
				diag_add(diags, DYD_ERROR, name, 0, 0, NULL,
					 "input is larger than the limit of "
					 "%zu bytes",
					 limit);
				free(buf);
				return DYD_EINVALID;
			}
			grown = realloc(buf, cap * 2);
			if (!grown) {
				free(buf);
				return DYD_ENOMEM;
			}
			buf = grown;
			cap *= 2;
		}
		n = read(fd, buf + used, cap - used - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_add(diags, DYD_ERROR, name, 0, 0, NULL,
				 "read failed: %s", strerror(errno));
			free(buf);
			return DYD_EIO;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > limit) {
		diag_add(diags, DYD_ERROR, name, 0, 0, NULL,
			 "input is larger than the limit of %zu bytes", limit);
		free(buf);
		return DYD_EINVALID;
	}
	buf[used] = '\0';
	*out = buf;
	*len = used;
	return 0;
}

/* Checks what fd is against flags and limit; sets *cap to a first buffer
 * size that fits a regular file. */
static int check_fd(int fd, const char *name, unsigned flags, size_t limit,
		    size_t *cap, dyd_diags *diags)
{
	struct stat st;

	if (fstat(fd, &st) != 0)
		return 0; /* the read will tell */
	if (S_ISDIR(st.st_mode)) {
		diag_add(diags, DYD_ERROR, name, 0, 0, NULL,
			 "is a directory, not a file");
		return DYD_EIO;
	}
	if ((flags & INPUT_REGULAR) && !S_ISREG(st.st_mode)) {
		diag_add(diags, DYD_ERROR, name, 0, 0, NULL,
			 "is %s, not a regular file: not read",
			 input_file_kind(st.st_mode));
		return DYD_EIO;
	}
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > limit) {
		diag_add(diags, DYD_ERROR, name, 0, 0, NULL,
			 "file of %jd bytes is larger than the limit "
			 "of %zu bytes",
			 (intmax_t)st.st_size, limit);
		return DYD_EINVALID;
	}
	if (S_ISREG(st.st_mode) && (size_t)st.st_size + 1 > *cap)
		*cap = (size_t)st.st_size + 1;
	return 0;
}

int input_read_at(int dirfd, const char *name, const char *shown,
		  unsigned flags, size_t limit, char **out, size_t *len,
		  dyd_diags *diags)
{
	int oflags = O_RDONLY | O_CLOEXEC, fd, rc;
	size_t cap = 64 * 1024;

	*out = NULL;
	*len = 0;
	if (!shown)
		shown = name;
	if (flags & INPUT_NOFOLLOW)
		oflags |= O_NOFOLLOW;
	/* A FIFO without a writer would block the open itself. */
	if (flags & INPUT_REGULAR)
		oflags |= O_NONBLOCK;
	fd = openat(dirfd, name, oflags);
	if (fd < 0) {
		diag_add(diags, DYD_ERROR, shown, 0, 0, NULL, "cannot open: %s",
			 errno == ELOOP && (flags & INPUT_NOFOLLOW)
			     ? "it is a symbolic link, which dyd does not "
			       "follow here"
			     : strerror(errno));
		return DYD_EIO;
	}
	rc = check_fd(fd, shown, flags, limit, &cap, diags);
	if (!rc)
		rc = read_fd(fd, shown, limit, cap, out, len, diags);
	close(fd);
	return rc;
}

int dyd_file_read(const char *path, size_t limit, char **out, size_t *len,
		  dyd_diags *diags)
{
	const char *name = "<stdin>";
	size_t cap = 64 * 1024;
	int rc;

	if (strcmp(path, "-") != 0)
		return input_read_at(AT_FDCWD, path, NULL, 0, limit, out, len,
				     diags);
	*out = NULL;
	*len = 0;
	rc = check_fd(STDIN_FILENO, name, 0, limit, &cap, diags);
	if (!rc)
		rc = read_fd(STDIN_FILENO, name, limit, cap, out, len, diags);
	return rc;
}
