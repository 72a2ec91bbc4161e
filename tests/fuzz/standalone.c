/* SPDX-License-Identifier: MIT */
/* Runs a fuzz target's entry point over files, without libFuzzer: the
 * regression suite for every input a fuzzer once crashed on, and for the
 * seed corpora, in any build (ctest -L fuzz). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc(n > 0 ? (size_t)n : 1);
	if (!buf || (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n)) {
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)n);
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	int i, files = 0;
	struct stat st;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			DIR *d = opendir(argv[i]);
			struct dirent *e;
			char path[4096];
			while (d && (e = readdir(d))) {
				if (e->d_name[0] == '.')
					continue;
				snprintf(path, sizeof(path), "%s/%s", argv[i],
					 e->d_name);
				if (stat(path, &st) == 0 &&
				    S_ISREG(st.st_mode) && run_file(path) == 0)
					files++;
			}
			if (d)
				closedir(d);
		} else if (run_file(argv[i]) == 0) {
			files++;
		} else {
			fprintf(stderr, "%s: cannot read\n", argv[i]);
			return 1;
		}
	}
	printf("%d inputs run\n", files);
	printf("%d passed, 0 failed\n", files);
	return files ? 0 : 1;
}
