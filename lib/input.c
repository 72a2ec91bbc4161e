/* SPDX-License-Identifier: MIT */
/* Reading whole input files with a size limit. */
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int dyd_file_read(const char *path, size_t limit, char **out, size_t *len,
		  dyd_diags *diags)
{
	bool is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? "<stdin>" : path;
	size_t cap = 64 * 1024, used = 0;
	char *buf = NULL, *grown;
	struct stat st;
	int fd, rc = DYD_EIO;
	ssize_t n;

	*out = NULL;
	*len = 0;
	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		diag_add(diags, DYD_ERROR, name, 0, 0, NULL, "cannot open: %s",
			 strerror(errno));
		return DYD_EIO;
	}
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			diag_add(diags, DYD_ERROR, name, 0, 0, NULL,
				 "is a directory, not a file");
			goto out;
		}
		if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > limit) {
			diag_add(diags, DYD_ERROR, name, 0, 0, NULL,
				 "file of %jd bytes is larger than the limit "
				 "of %zu bytes",
				 (intmax_t)st.st_size, limit);
			rc = DYD_EINVALID;
			goto out;
		}
		if (S_ISREG(st.st_mode) && (size_t)st.st_size + 1 > cap)
			cap = (size_t)st.st_size + 1;
	}
	buf = malloc(cap);
	if (!buf) {
		rc = DYD_ENOMEM;
		goto out;
	}
	for (;;) {
		if (used + 1 >= cap) {
			if (cap > limit) {
				diag_add(diags, DYD_ERROR, name, 0, 0, NULL,
					 "input is larger than the limit of "
					 "%zu bytes",
					 limit);
				rc = DYD_EINVALID;
				goto out;
			}
			grown = realloc(buf, cap * 2);
			if (!grown) {
				rc = DYD_ENOMEM;
				goto out;
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
			goto out;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	if (used > limit) {
		diag_add(diags, DYD_ERROR, name, 0, 0, NULL,
			 "input is larger than the limit of %zu bytes", limit);
		rc = DYD_EINVALID;
		goto out;
	}
	buf[used] = '\0';
	*out = buf;
	*len = used;
	buf = NULL;
	rc = 0;
out:
	free(buf);
	if (!is_stdin)
		close(fd);
	return rc;
}
