/* SPDX-License-Identifier: MIT */
/* Small helpers the unit tests share: a scratch directory and whole
 * files. Each aborts the test (cmocka's fail_msg) when the system fails. */
#ifndef DYD_TEST_UTIL_H
#define DYD_TEST_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A new empty directory under $TMPDIR or /tmp; the caller frees the
 * name and removes it with rm_tree(). */
static inline char *make_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *path = malloc(4096);

	if (!path)
		fail_msg("out of memory");
	snprintf(path, 4096, "%s/dyd-unit-XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(path))
		fail_msg("mkdtemp: %s", strerror(errno));
	return path;
}

static inline void rm_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char sub[4096];

	if (!d) {
		unlink(path);
		return;
	}
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) <
		    (int)sizeof(sub))
			rm_tree(sub);
	}
	closedir(d);
	rmdir(path);
}

/* dir/name, in one of four rotating buffers: good for a few at a time. */
static inline char *join(const char *dir, const char *name)
{
	static char buf[4][4096];
	static int k;

	k = (k + 1) % 4;
	if (snprintf(buf[k], sizeof(buf[k]), "%s/%s", dir, name) >=
	    (int)sizeof(buf[k]))
		fail_msg("path too long: %s/%s", dir, name);
	return buf[k];
}

static inline void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		fail_msg("cannot write %s: %s", path, strerror(errno));
}

/* The file's bytes, NUL-terminated (malloc'd), or NULL when it is not
 * there. */
static inline char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n + 4097 > cap) {
			cap = cap ? cap * 2 : 8192;
			buf = realloc(buf, cap);
			if (!buf)
				fail_msg("out of memory");
		}
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
	} while (got > 0);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

/* How many entries (other than . and ..) the directory has. */
static inline int count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

#ifdef DYD_H
/* The default policy, or a failed test. */
static inline int load_policy(dyd_policy **out)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	int rc = dyd_policy_load_default(out, &diags);

	dyd_diags_release(&diags);
	return rc;
}

/* A new Ed25519 key made in dir, loaded, and a trust set holding it: what
 * a test signs with and checks against. */
static inline void make_signing_key(const char *dir, dyd_signing_key **key,
				    dyd_trust **trust)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	const char *path = join(dir, "key.pem");

	if (dyd_key_generate(path, NULL, NULL, &diags) ||
	    dyd_signing_key_load(key, path, &diags) || dyd_trust_new(trust) ||
	    dyd_trust_add_key(*trust, *key))
		fail_msg("cannot make a key in %s: %s", dir,
			 diags.count ? diags.items[0].message : "no memory");
	dyd_diags_release(&diags);
}

/* Whether the bundle's bytes verify, signed by a key of trust. */
static inline bool signed_by(const void *zip, size_t len,
			     const dyd_trust *trust)
{
	dyd_verify_options vopt = DYD_VERIFY_OPTIONS_INIT;
	dyd_verify_result result;
	dyd_diags diags = DYD_DIAGS_INIT;
	int rc;

	vopt.trust = trust;
	rc = dyd_bundle_verify_ext(zip, len, &vopt, &result, &diags);
	dyd_diags_release(&diags);
	return rc == 0 && result.signature == DYD_SIGNATURE_VALID;
}

/* The default policy for a group of tests: cmocka group setup and
 * teardown. */
static dyd_policy *policy __attribute__((unused));

static inline int policy_setup(void **state)
{
	(void)state;
	return load_policy(&policy);
}

static inline int policy_teardown(void **state)
{
	(void)state;
	dyd_policy_free(policy);
	return 0;
}
#endif

#endif
