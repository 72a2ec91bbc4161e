/* SPDX-License-Identifier: MIT */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_sign_util.h"

static char dir[64];

int scratch_make(const char *prefix)
{
	struct stat st;

	/* In memory where there is a tmpfs: the writer flushes every file
	 * to disk, and the allocation-failure test writes a thousand. */
	snprintf(dir, sizeof(dir), "%s/%s-XXXXXX",
		 stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm"
								   : "/tmp",
		 prefix);
	return mkdtemp(dir) ? 0 : -1;
}

int scratch_remove(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

const char *scratch_dir(void)
{
	return dir;
}

char *path_in(const char *name)
{
	static char buf[4][256];
	static int next;
	char *p = buf[next++ % 4];

	snprintf(p, 256, "%s/%s", dir, name);
	return p;
}

void write_file(const char *path, const void *data, size_t len, mode_t mode)
{
	FILE *f;

	unlink(path);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

int run_command(const char *cmd, char *line, size_t size)
{
	FILE *p = popen(cmd, "r");

	assert_non_null(p);
	if (!fgets(line, (int)size, p))
		line[0] = '\0';
	line[strcspn(line, "\n")] = '\0';
	return pclose(p);
}

bool message_has(const dyd_diags *diags, const char *text)
{
	size_t i;

	for (i = 0; i < diags->count; i++)
		if (strstr(diags->items[i].message, text))
			return true;
	return false;
}
