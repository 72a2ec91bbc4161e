/* SPDX-License-Identifier: MIT */
/* Signed bundles (lib/bundle.c, lib/verify.c): a signed bundle carries
 * manifest.sig over the exact manifest.json bytes, is deterministic, and
 * differs from an unsigned one only by the signature; OpenSSL's own
 * `pkeyutl -verify -rawin` accepts it; verify with trusted keys fails
 * every tampering with its own message, and without them fails only
 * damage; one key signs from several threads; and every libcrypto
 * allocation of signing and checking can fail cleanly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cjson/cJSON.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zip.h>

#include "digest.h"
#include "json_out.h"
#include "sign.h"
#include "test_sign_util.h"

/* libcrypto's allocations, counted and failed on demand (set up before
 * libcrypto allocates anything: the first thing main does). */
static long countdown = -1; /* fail the allocation at 0 */
static long allocations, live;

static bool fail_now(void)
{
	__atomic_add_fetch(&allocations, 1, __ATOMIC_RELAXED);
	return countdown >= 0 &&
	       __atomic_sub_fetch(&countdown, 1, __ATOMIC_RELAXED) == -1;
}

static void *counted_malloc(size_t n, const char *file, int line)
{
	void *p;

	(void)file;
	(void)line;
	if (fail_now())
		return NULL;
	p = malloc(n);
	if (p)
		__atomic_add_fetch(&live, 1, __ATOMIC_RELAXED);
	return p;
}

static void counted_free(void *p, const char *file, int line)
{
	(void)file;
	(void)line;
	if (p)
		__atomic_sub_fetch(&live, 1, __ATOMIC_RELAXED);
	free(p);
}

static void *counted_realloc(void *p, size_t n, const char *file, int line)
{
	if (!p)
		return counted_malloc(n, file, line);
	if (n == 0) {
		counted_free(p, file, line);
		return NULL;
	}
	return fail_now() ? NULL : realloc(p, n);
}

static const char record_a[] =
    "{\"account_id\": \"ahmad.fauzi\", \"phone\": \"+6281511223344\",\n"
    " \"registered_at\": \"2015-01-10T07:00:00+07:00\", \"region\": \"ID\",\n"
    " \"events\": [{\"type\": \"optout\", \"at\": \"2016-09-05T10:00:00Z\",\n"
    "   \"channel\": \"settings\"}],\n"
    " \"profile\": {\"display_name\": \"Ahmad Fauzi\"}}\n";
static const char record_b[] =
    "{\"account_id\": \"sophie.dubois\", \"phone\": \"+33612345678\",\n"
    " \"registered_at\": \"2017-03-01T09:00:00Z\", \"region\": \"FR\"}\n";

static dyd_policy *policy;
static dyd_record *rec_a, *rec_b;
static dyd_decision *dec_a, *dec_b;
static dyd_signing_key *key, *stranger;
static dyd_trust *trust;
static char *key_pem, *pub_pem;

static void build(const dyd_decision *d, const dyd_signing_key *k,
		  const char *password, void **out, size_t *len)
{
	dyd_bundle_options opt = DYD_BUNDLE_OPTIONS_INIT;
	dyd_diags diags = DYD_DIAGS_INIT;

	opt.sign_key = k;
	opt.password = password;
	assert_int_equal(dyd_bundle_build(out, len, d, &opt, &diags), 0);
	dyd_diags_release(&diags);
}

/* A bundle's entries, in ZIP order. */
struct entries {
	size_t count;
	char name[8][32];
	char *data[8];
	size_t len[8];
};

static void entries_read(const void *zip, size_t len, const char *password,
			 struct entries *e)
{
	zip_source_t *src = zip_source_buffer_create(zip, len, 0, NULL);
	zip_t *za = zip_open_from_source(src, ZIP_RDONLY, NULL);
	zip_stat_t st;
	zip_file_t *f;
	size_t i;

	assert_non_null(za);
	if (password)
		zip_set_default_password(za, password);
	memset(e, 0, sizeof(*e));
	e->count = (size_t)zip_get_num_entries(za, 0);
	assert_true(e->count <= 8);
	for (i = 0; i < e->count; i++) {
		assert_int_equal(zip_stat_index(za, i, 0, &st), 0);
		snprintf(e->name[i], sizeof(e->name[i]), "%s", st.name);
		e->len[i] = st.size;
		e->data[i] = malloc(st.size + 1);
		f = zip_fopen_index(za, i, 0);
		assert_non_null(f);
		assert_int_equal(zip_fread(f, e->data[i], st.size), st.size);
		e->data[i][st.size] = '\0';
		zip_fclose(f);
	}
	zip_discard(za);
}

static void entries_release(struct entries *e)
{
	size_t i;

	for (i = 0; i < e->count; i++)
		free(e->data[i]);
}

static int entry_index(const struct entries *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->count; i++)
		if (strcmp(e->name[i], name) == 0)
			return (int)i;
	return -1;
}

/* Replaces (or with data NULL, drops) an entry. */
static void entry_set(struct entries *e, const char *name, const char *data,
		      size_t len)
{
	int i = entry_index(e, name);

	assert_true(i >= 0);
	free(e->data[i]);
	if (!data) {
		memmove(&e->name[i], &e->name[i + 1],
			(e->count - i - 1) * sizeof(e->name[0]));
		memmove(&e->data[i], &e->data[i + 1],
			(e->count - i - 1) * sizeof(e->data[0]));
		memmove(&e->len[i], &e->len[i + 1],
			(e->count - i - 1) * sizeof(e->len[0]));
		e->count--;
		return;
	}
	e->data[i] = malloc(len + 1);
	memcpy(e->data[i], data, len);
	e->data[i][len] = '\0';
	e->len[i] = len;
}

/* A ZIP of the entries, as an attacker with libzip would write it. */
static void entries_write(const struct entries *e, void **out, size_t *len)
{
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, NULL), *d;
	zip_stat_t st;
	zip_t *za;
	size_t i;

	zip_source_keep(src);
	za = zip_open_from_source(src, ZIP_TRUNCATE, NULL);
	assert_non_null(za);
	for (i = 0; i < e->count; i++) {
		d = zip_source_buffer(za, e->data[i], e->len[i], 0);
		assert_true(zip_file_add(za, e->name[i], d, 0) >= 0);
	}
	assert_int_equal(zip_close(za), 0);
	assert_int_equal(zip_source_open(src), 0);
	zip_source_stat(src, &st);
	*out = malloc(st.size);
	*len = (size_t)zip_source_read(src, *out, st.size);
	zip_source_close(src);
	zip_source_free(src);
}

/* The manifest, its entry for name re-hashed to data. */
static char *rehashed(const char *manifest, const char *name, const char *data,
		      size_t len)
{
	cJSON *m = cJSON_Parse(manifest), *f;
	char sha[SHA256_HEX_SIZE], *out;

	assert_non_null(m);
	assert_int_equal(sha256_hex(data, len, sha), 0);
	cJSON_ArrayForEach(f, cJSON_GetObjectItem(m, "files"))
	{
		if (strcmp(cJSON_GetObjectItem(f, "name")->valuestring, name))
			continue;
		cJSON_ReplaceItemInObject(f, "size",
					  cJSON_CreateNumber((double)len));
		cJSON_ReplaceItemInObject(f, "sha256", cJSON_CreateString(sha));
	}
	out = json_print(m, true);
	cJSON_Delete(m);
	return out;
}

static char *without_member(const char *manifest, const char *member)
{
	cJSON *m = cJSON_Parse(manifest);
	char *out;

	cJSON_DeleteItemFromObject(m, member);
	out = json_print(m, true);
	cJSON_Delete(m);
	return out;
}

static char *with_signature(const char *manifest, const char *alg,
			    const char *fp)
{
	cJSON *m = cJSON_Parse(manifest),
	      *s = cJSON_GetObjectItem(m, "signature");
	char *out;

	cJSON_ReplaceItemInObject(s, "algorithm", cJSON_CreateString(alg));
	cJSON_ReplaceItemInObject(s, "key_sha256", cJSON_CreateString(fp));
	out = json_print(m, true);
	cJSON_Delete(m);
	return out;
}

static int verify(const void *zip, size_t len, const dyd_trust *t,
		  const char *password, dyd_verify_result *r, dyd_diags *diags)
{
	dyd_verify_options opt = DYD_VERIFY_OPTIONS_INIT;

	opt.trust = t;
	opt.password = password;
	return dyd_bundle_verify_ext(zip, len, &opt, r, diags);
}

/* The manifests of a signed and an unsigned bundle, without the signature
 * member and report.html's size and SHA-256, are the same. */
static void assert_manifests_differ_by_signature(const char *signed_text,
						 const char *plain_text)
{
	cJSON *a = cJSON_Parse(signed_text), *b = cJSON_Parse(plain_text);
	cJSON *m[2] = {a, b}, *f;
	char *x, *y;
	int i;

	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(cJSON_GetObjectItem(a, "signature"));
	cJSON_DeleteItemFromObject(a, "signature");
	for (i = 0; i < 2; i++) {
		f = cJSON_GetArrayItem(cJSON_GetObjectItem(m[i], "files"), 0);
		assert_string_equal(
		    cJSON_GetStringValue(cJSON_GetObjectItem(f, "name")),
		    "report.html");
		cJSON_DeleteItemFromObject(f, "size");
		cJSON_DeleteItemFromObject(f, "sha256");
	}
	x = cJSON_PrintUnformatted(a);
	y = cJSON_PrintUnformatted(b);
	assert_string_equal(x, y);
	cJSON_free(x);
	cJSON_free(y);
	cJSON_Delete(a);
	cJSON_Delete(b);
}

static void test_signed_bundle_layout(void **state)
{
	void *zs, *zu;
	size_t ls, lu;
	struct entries s, u;
	char expect[256], *start;

	(void)state;
	build(dec_a, key, NULL, &zs, &ls);
	build(dec_a, NULL, NULL, &zu, &lu);
	entries_read(zs, ls, NULL, &s);
	entries_read(zu, lu, NULL, &u);
	/* Sorted by name, the signature right after what it signs. */
	assert_int_equal(s.count, 4);
	assert_string_equal(s.name[0], "manifest.json");
	assert_string_equal(s.name[1], "manifest.sig");
	assert_string_equal(s.name[2], "report.html");
	assert_string_equal(s.name[3], "report.json");
	assert_int_equal(s.len[1], SIGN_SIZE); /* raw, as openssl reads it */
	assert_int_equal(u.count, 3);
	assert_null(strstr(u.data[0], "signature"));
	snprintf(expect, sizeof(expect),
		 "  \"encrypted\": false,\n  \"signature\": {\n"
		 "    \"algorithm\": \"ed25519\",\n"
		 "    \"key_sha256\": \"%s\"\n  },\n  \"files\"",
		 dyd_signing_key_fingerprint(key));
	start = strstr(s.data[0], expect);
	assert_non_null(start);
	/* Signing adds the signature and, in report.html's "about this
	 * report", the key and how to check it (so the manifest's size and
	 * SHA-256 of report.html differ); nothing else. */
	assert_manifests_differ_by_signature(s.data[0], u.data[0]);
	assert_non_null(strstr(s.data[2], dyd_signing_key_fingerprint(key)));
	assert_non_null(strstr(s.data[2], "openssl pkeyutl -verify -pubin "
					  "-inkey PUB.pem -rawin -in "
					  "manifest.json -sigfile "
					  "manifest.sig"));
	assert_null(strstr(u.data[1], dyd_signing_key_fingerprint(key)));
	assert_null(strstr(u.data[1], "openssl pkeyutl"));
	assert_int_equal(s.len[3], u.len[2]);
	assert_memory_equal(s.data[3], u.data[2], u.len[2]);
	entries_release(&s);
	entries_release(&u);
	free(zs);
	free(zu);
}

static void test_signed_bundles_are_deterministic(void **state)
{
	void *z1, *z2;
	size_t l1, l2;

	(void)state;
	build(dec_a, key, NULL, &z1, &l1);
	build(dec_a, key, NULL, &z2, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(z1, z2, l1);
	free(z1);
	free(z2);
}

static void test_verify_reports_the_signature(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_verify_result r;
	void *zs, *zu;
	size_t ls, lu;

	(void)state;
	build(dec_a, key, NULL, &zs, &ls);
	build(dec_a, NULL, NULL, &zu, &lu);
	assert_int_equal(verify(zs, ls, trust, NULL, &r, &diags), 0);
	assert_int_equal(r.signature, DYD_SIGNATURE_VALID);
	assert_string_equal(r.key_sha256, dyd_signing_key_fingerprint(key));
	assert_true(r.intact);
	/* Without trusted keys: intact, signed by that key, unchecked. */
	assert_int_equal(verify(zs, ls, NULL, NULL, &r, &diags), 0);
	assert_int_equal(r.signature, DYD_SIGNATURE_UNCHECKED);
	assert_string_equal(r.key_sha256, dyd_signing_key_fingerprint(key));
	assert_int_equal(verify(zu, lu, NULL, NULL, &r, &diags), 0);
	assert_int_equal(r.signature, DYD_SIGNATURE_NONE);
	assert_string_equal(r.key_sha256, "");
	assert_true(r.intact);
	assert_int_equal(diags.count, 0);
	/* The old entry point checks integrity as before. */
	assert_int_equal(dyd_bundle_verify(zs, ls, NULL, &diags), 0);
	/* Not even a ZIP: nothing read. */
	assert_int_equal(verify("PK", 2, trust, NULL, &r, &diags), DYD_EVERIFY);
	assert_int_equal(r.signature, DYD_SIGNATURE_UNREAD);
	assert_false(r.intact);
	free(zs);
	free(zu);
	dyd_diags_release(&diags);
}

/* One way of tampering, and what verify must say with the trusted key
 * and without. */
struct tampering {
	const char *what;
	dyd_signature_status with_trust;
	bool intact; /* what verify says of the entries */
	const char *message;
	int rc_without_trust;
};

static void check_tampered(const struct tampering *t, const struct entries *e)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_verify_result r;
	void *zip;
	size_t len;

	entries_write(e, &zip, &len);
	if (verify(zip, len, trust, NULL, &r, &diags) != DYD_EVERIFY)
		fail_msg("%s: verify --trust did not fail", t->what);
	if (r.signature != t->with_trust)
		fail_msg("%s: signature %s, not %s", t->what,
			 dyd_signature_status_name(r.signature),
			 dyd_signature_status_name(t->with_trust));
	if (r.intact != t->intact)
		fail_msg("%s: intact is %d", t->what, r.intact);
	if (!message_has(&diags, t->message))
		fail_msg("%s: no message says '%s'; first: %s", t->what,
			 t->message,
			 diags.count ? diags.items[0].message : "(none)");
	dyd_diags_clear(&diags);
	if (verify(zip, len, NULL, NULL, &r, &diags) != t->rc_without_trust)
		fail_msg("%s: without --trust, not %d", t->what,
			 t->rc_without_trust);
	free(zip);
	dyd_diags_release(&diags);
}

static void test_tampering_matrix(void **state)
{
	static const struct tampering
	    html = {"report.html edited, manifest re-hashed", DYD_SIGNATURE_BAD,
		    true, "is not a valid signature of this manifest.json", 0},
	    manifest = {"manifest edited", DYD_SIGNATURE_BAD, true,
			"is not a valid signature of this manifest.json", 0},
	    resigned = {"re-signed by another key, naming the trusted one",
			DYD_SIGNATURE_BAD, true, "is not a valid signature", 0},
	    swapped = {"another bundle's manifest and signature",
		       DYD_SIGNATURE_VALID, false, "differs from the manifest",
		       DYD_EVERIFY},
	    dropped = {"manifest.sig dropped", DYD_SIGNATURE_MISSING, true,
		       "missing from the bundle, though the manifest says",
		       DYD_EVERIFY},
	    unsigned_ = {"manifest.sig and /signature dropped",
			 DYD_SIGNATURE_NONE, true, "the bundle is not signed",
			 0},
	    stranger_ = {"signed by an untrusted key",
			 DYD_SIGNATURE_UNKNOWN_KEY, true,
			 "which is not among the 1 trusted keys", 0},
	    no_key = {"/signature dropped", DYD_SIGNATURE_MALFORMED, true,
		      "names no key", DYD_EVERIFY},
	    bad_alg = {"/signature/algorithm changed", DYD_SIGNATURE_MALFORMED,
		       true, "is not \"ed25519\"", DYD_EVERIFY},
	    bad_fp = {"/signature/key_sha256 not a fingerprint",
		      DYD_SIGNATURE_MALFORMED, true, "not a key fingerprint",
		      DYD_EVERIFY};
	static const size_t cut_lengths[] = {0, 1, 32, 63, 65, 128};
	struct entries a, b, e;
	unsigned char sig[SIGN_SIZE];
	void *za, *zb, *zx;
	size_t la, lb, lx, i;
	char *m, upper[DYD_KEY_SHA256_SIZE], msg[64];

	(void)state;
	build(dec_a, key, NULL, &za, &la);
	build(dec_b, key, NULL, &zb, &lb);
	entries_read(za, la, NULL, &a);
	entries_read(zb, lb, NULL, &b);

	entries_read(za, la, NULL, &e);
	entry_set(&e, "report.html", "<p>opted out</p>", 16);
	m = rehashed(e.data[0], "report.html", "<p>opted out</p>", 16);
	entry_set(&e, "manifest.json", m, strlen(m));
	check_tampered(&html, &e);
	/* ... and signed again by the attacker's key. */
	assert_int_equal(sign_data(stranger, m, strlen(m), sig, NULL), 0);
	entry_set(&e, "manifest.sig", (char *)sig, SIGN_SIZE);
	check_tampered(&resigned, &e);
	free(m);
	entries_release(&e);

	entries_read(za, la, NULL, &e);
	m = strdup(e.data[0]);
	strstr(m, "\"version\": \"")[12] = '9'; /* the tool's version */
	entry_set(&e, "manifest.json", m, strlen(m));
	check_tampered(&manifest, &e);
	free(m);
	entries_release(&e);

	entries_read(za, la, NULL, &e);
	entry_set(&e, "manifest.json", b.data[0], b.len[0]);
	entry_set(&e, "manifest.sig", b.data[1], b.len[1]);
	check_tampered(&swapped, &e);
	entries_release(&e);

	entries_read(za, la, NULL, &e);
	entry_set(&e, "manifest.sig", NULL, 0);
	check_tampered(&dropped, &e);
	m = without_member(a.data[0], "signature");
	entry_set(&e, "manifest.json", m, strlen(m));
	check_tampered(&unsigned_, &e);
	free(m);
	entries_release(&e);

	build(dec_a, stranger, NULL, &zx, &lx);
	entries_read(zx, lx, NULL, &e);
	check_tampered(&stranger_, &e);
	entries_release(&e);
	free(zx);

	for (i = 0; i < sizeof(cut_lengths) / sizeof(cut_lengths[0]); i++) {
		struct tampering cut = {"manifest.sig of another length",
					DYD_SIGNATURE_MALFORMED, true, msg,
					DYD_EVERIFY};
		char longer[128] = {0};
		memcpy(longer, a.data[1], SIGN_SIZE);
		snprintf(msg, sizeof(msg), "is %zu bytes: an Ed25519",
			 cut_lengths[i]);
		entries_read(za, la, NULL, &e);
		entry_set(&e, "manifest.sig", longer, cut_lengths[i]);
		check_tampered(&cut, &e);
		entries_release(&e);
	}

	entries_read(za, la, NULL, &e);
	m = without_member(a.data[0], "signature");
	entry_set(&e, "manifest.json", m, strlen(m));
	check_tampered(&no_key, &e);
	free(m);
	m = with_signature(a.data[0], "rsa", dyd_signing_key_fingerprint(key));
	entry_set(&e, "manifest.json", m, strlen(m));
	check_tampered(&bad_alg, &e);
	free(m);
	for (i = 0; i < DYD_KEY_SHA256_SIZE; i++)
		upper[i] = (char)toupper(dyd_signing_key_fingerprint(key)[i]);
	m = with_signature(a.data[0], "ed25519", upper);
	entry_set(&e, "manifest.json", m, strlen(m));
	check_tampered(&bad_fp, &e);
	free(m);
	entries_release(&e);

	entries_release(&a);
	entries_release(&b);
	free(za);
	free(zb);
}

/* Encrypted and signed: signed first, so the signature is over the plain
 * manifest; every entry, manifest.sig too, is encrypted. */
static void test_encrypted_bundles_are_signed_inside(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_verify_result r;
	sign_check_result res;
	struct entries e;
	zip_source_t *src;
	zip_stat_t st;
	zip_t *za;
	void *zip;
	size_t len, i;

	(void)state;
	if (!dyd_bundle_encryption_supported())
		fail_msg("this libzip cannot encrypt: install one that can");
	build(dec_a, key, "pw", &zip, &len);
	src = zip_source_buffer_create(zip, len, 0, NULL);
	za = zip_open_from_source(src, ZIP_RDONLY, NULL);
	assert_int_equal(zip_get_num_entries(za, 0), 4);
	for (i = 0; i < 4; i++) {
		assert_int_equal(zip_stat_index(za, i, 0, &st), 0);
		assert_int_equal(st.encryption_method, ZIP_EM_AES_256);
	}
	zip_discard(za);
	entries_read(zip, len, "pw", &e);
	assert_string_equal(e.name[1], "manifest.sig");
	assert_int_equal(sign_check(trust, dyd_signing_key_fingerprint(key),
				    e.data[0], e.len[0],
				    (unsigned char *)e.data[1], &res),
			 0);
	assert_int_equal(res, SIGN_CHECK_VALID);
	entries_release(&e);
	assert_int_equal(verify(zip, len, trust, "pw", &r, &diags), 0);
	assert_int_equal(r.signature, DYD_SIGNATURE_VALID);
	/* Without the password nothing of it can be read or shown. */
	assert_int_equal(verify(zip, len, trust, NULL, &r, &diags),
			 DYD_EVERIFY);
	assert_int_equal(r.signature, DYD_SIGNATURE_UNREAD);
	free(zip);
	dyd_diags_release(&diags);
}

/* What the README tells anyone to run, without dyd: unzip, then
 * `openssl pkeyutl -verify -pubin -inkey PUB.pem -rawin -in
 * manifest.json -sigfile manifest.sig`. */
static void test_openssl_checks_a_bundle_without_dyd(void **state)
{
	char cmd[512], line[256];
	void *zip;
	size_t len;

	(void)state;
	build(dec_a, key, NULL, &zip, &len);
	assert_int_equal(mkdir(path_in("by-hand"), 0700), 0);
	write_file(path_in("by-hand/bundle.zip"), zip, len, 0600);
	write_file(path_in("by-hand/PUB.pem"), pub_pem, strlen(pub_pem), 0600);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && unzip -q bundle.zip && openssl pkeyutl -verify "
		 "-pubin -inkey PUB.pem -rawin -in manifest.json -sigfile "
		 "manifest.sig",
		 path_in("by-hand"));
	assert_int_equal(run_command(cmd, line, sizeof(line)), 0);
	assert_string_equal(line, "Signature Verified Successfully");
	/* The fingerprint the manifest names is the one OpenSSL computes. */
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && openssl pkey -pubin -in PUB.pem -outform DER | "
		 "sha256sum | cut -c1-64",
		 path_in("by-hand"));
	assert_int_equal(run_command(cmd, line, sizeof(line)), 0);
	assert_string_equal(line, dyd_signing_key_fingerprint(key));
	/* One byte more in the manifest, and OpenSSL says no. */
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && echo >> manifest.json && openssl pkeyutl -verify "
		 "-pubin -inkey PUB.pem -rawin -in manifest.json -sigfile "
		 "manifest.sig",
		 path_in("by-hand"));
	assert_int_not_equal(run_command(cmd, line, sizeof(line)), 0);
	assert_string_equal(line, "Signature Verification Failure");
	free(zip);
}

static void test_verify_json_says_what_was_found(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_verify_result r;
	struct entries e;
	void *zip, *bad;
	size_t len, blen;
	char *line;
	cJSON *o;
	int rc;

	(void)state;
	build(dec_a, key, NULL, &zip, &len);
	rc = verify(zip, len, trust, NULL, &r, &diags);
	line = dyd_verify_result_json("a.zip", rc, &r, &diags);
	assert_non_null(line);
	assert_null(strchr(line, '\n'));
	o = cJSON_Parse(line);
	assert_string_equal(cJSON_GetObjectItem(o, "file")->valuestring,
			    "a.zip");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "valid")));
	assert_string_equal(cJSON_GetObjectItem(o, "signature")->valuestring,
			    "valid");
	assert_string_equal(cJSON_GetObjectItem(o, "key_sha256")->valuestring,
			    dyd_signing_key_fingerprint(key));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "authentic")));
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "intact")));
	assert_int_equal(
	    cJSON_GetArraySize(cJSON_GetObjectItem(o, "diagnostics")), 0);
	cJSON_Delete(o);
	free(line);
	entries_read(zip, len, NULL, &e);
	entry_set(&e, "manifest.sig", NULL, 0);
	entries_write(&e, &bad, &blen);
	rc = verify(bad, blen, trust, NULL, &r, &diags);
	line = dyd_verify_result_json("b.zip", rc, &r, &diags);
	o = cJSON_Parse(line);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(o, "valid")));
	assert_string_equal(cJSON_GetObjectItem(o, "signature")->valuestring,
			    "missing");
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(o, "authentic")));
	assert_string_equal(
	    cJSON_GetObjectItem(
		cJSON_GetArrayItem(cJSON_GetObjectItem(o, "diagnostics"), 0),
		"file")
		->valuestring,
	    "manifest.sig");
	cJSON_Delete(o);
	free(line);
	entries_release(&e);
	free(bad);
	free(zip);
	dyd_diags_release(&diags);
}

#define THREADS 4

struct builder {
	void *zip;
	size_t len;
	int rc;
};

static void *build_one(void *arg)
{
	dyd_bundle_options opt = DYD_BUNDLE_OPTIONS_INIT;
	struct builder *b = arg;

	opt.sign_key = key;
	b->rc = dyd_bundle_build(&b->zip, &b->len, dec_a, &opt, NULL);
	return NULL;
}

/* Batch workers share one key: bundles built at once are the bundle. */
static void test_threads_sign_bundles_at_once(void **state)
{
	struct builder b[THREADS];
	pthread_t t[THREADS];
	void *alone;
	size_t len;
	int i, round;

	(void)state;
	build(dec_a, key, NULL, &alone, &len);
	for (round = 0; round < 10; round++) {
		for (i = 0; i < THREADS; i++)
			assert_int_equal(
			    pthread_create(&t[i], NULL, build_one, &b[i]), 0);
		for (i = 0; i < THREADS; i++) {
			assert_int_equal(pthread_join(t[i], NULL), 0);
			assert_int_equal(b[i].rc, 0);
			assert_int_equal(b[i].len, len);
			assert_memory_equal(b[i].zip, alone, len);
			free(b[i].zip);
		}
	}
	free(alone);
}

/* Allocation failure: each libcrypto allocation of an operation fails in
 * turn; the operation ends in success (and a right result) or a clean
 * error, and holds on to nothing. The clean errors: DYD_ENOMEM; DYD_EIO
 * where libcrypto gives another reason ("error instantiating drbg");
 * and, for a key file being parsed, DYD_EINVALID, since libcrypto's
 * decoders report some allocation failures as undecodable input. */
typedef int (*operation)(void);

static int op_trust_dir(void)
{
	dyd_trust *t = NULL;
	int rc = dyd_trust_new(&t);

	if (!rc)
		rc = dyd_trust_add(t, path_in("trusted"), NULL);
	if (!rc && dyd_trust_count(t) != 1)
		rc = 1;
	dyd_trust_free(t);
	return rc;
}

static int op_load_key(void)
{
	dyd_signing_key *k = NULL;
	int rc = dyd_signing_key_load(&k, path_in("key.pem"), NULL);

	if (!rc && strcmp(dyd_signing_key_fingerprint(k),
			  dyd_signing_key_fingerprint(key)) != 0)
		rc = 1;
	dyd_signing_key_free(k);
	return rc;
}

static int op_generate(void)
{
	int rc = dyd_key_generate(path_in("gen.pem"), NULL, NULL, NULL);
	bool priv = access(path_in("gen.pem"), F_OK) == 0,
	     pub = access(path_in("gen.pem.pub"), F_OK) == 0;

	unlink(path_in("gen.pem"));
	unlink(path_in("gen.pem.pub"));
	/* Both files or, on failure, neither. */
	return rc ? (priv || pub ? 1 : rc) : (priv && pub ? 0 : 1);
}

static void *built;
static size_t built_len;

static int op_build(void)
{
	dyd_bundle_options opt = DYD_BUNDLE_OPTIONS_INIT;
	void *zip = NULL;
	size_t len = 0;
	int rc;

	opt.sign_key = key;
	rc = dyd_bundle_build(&zip, &len, dec_a, &opt, NULL);
	if (!rc && (len != built_len || memcmp(zip, built, len) != 0))
		rc = 1;
	free(zip);
	return rc;
}

static int op_verify(void)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_verify_result r;
	int rc = verify(built, built_len, trust, NULL, &r, &diags);

	if (!rc && r.signature != DYD_SIGNATURE_VALID)
		rc = 1;
	dyd_diags_release(&diags);
	return rc;
}

static void torture(const char *name, operation op, bool parses)
{
	long total, i, base;
	int rc;

	/* Twice first: libcrypto's lasting tables fill on first use. */
	assert_int_equal(op(), 0);
	assert_int_equal(op(), 0);
	OPENSSL_thread_stop();
	base = live;
	allocations = 0;
	assert_int_equal(op(), 0);
	total = allocations;
	OPENSSL_thread_stop();
	assert_int_equal(live, base);
	for (i = 0; i < total; i++) {
		countdown = i;
		rc = op();
		countdown = -1;
		/* The thread's error queue and random state go too. */
		OPENSSL_thread_stop();
		if (rc != 0 && rc != DYD_ENOMEM && rc != DYD_EIO &&
		    !(parses && rc == DYD_EINVALID))
			fail_msg("%s: allocation %ld of %ld failed: result %d",
				 name, i, total, rc);
		if (live != base)
			fail_msg("%s: allocation %ld of %ld failed: %ld blocks "
				 "leaked",
				 name, i, total, live - base);
	}
}

static void test_allocation_failures(void **state)
{
	(void)state;
	assert_int_equal(mkdir(path_in("trusted"), 0700), 0);
	write_file(path_in("trusted/k.pub"), pub_pem, strlen(pub_pem), 0600);
	write_file(path_in("key.pem"), key_pem, strlen(key_pem), 0600);
	build(dec_a, key, NULL, &built, &built_len);
	torture("load a private key", op_load_key, true);
	torture("trust a directory", op_trust_dir, true);
	torture("generate a key pair", op_generate, false);
	torture("build a signed bundle", op_build, false);
	torture("verify with trusted keys", op_verify, false);
	free(built);
}

static char *pem_text(EVP_PKEY *pkey, bool private_key)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;

	if (private_key)
		PEM_write_bio_PrivateKey(bio, pkey, NULL, NULL, 0, NULL, NULL);
	else
		PEM_write_bio_PUBKEY(bio, pkey);
	n = BIO_get_mem_data(bio, &data);
	data = strndup(data, (size_t)n);
	BIO_free(bio);
	return data;
}

static int setup(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	EVP_PKEY *a = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519"),
		 *b = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	char *other;
	dyd_time as_of;
	int rc;

	(void)state;
	key_pem = pem_text(a, true);
	pub_pem = pem_text(a, false);
	other = pem_text(b, true);
	dyd_time_parse("2021-06-01", 10, true, &as_of);
	rc = scratch_make("dyd-test-sign-bundle") ||
	     dyd_policy_load_default(&policy, &diags) ||
	     dyd_record_load(&rec_a, record_a, strlen(record_a), "a.json",
			     policy, NULL, &diags) ||
	     dyd_record_load(&rec_b, record_b, strlen(record_b), "b.json",
			     policy, NULL, &diags) ||
	     dyd_evaluate(&dec_a, rec_a, policy, as_of, &diags) ||
	     dyd_evaluate(&dec_b, rec_b, policy, as_of, &diags) ||
	     sign_key_parse(&key, key_pem, strlen(key_pem), "a", &diags) ||
	     sign_key_parse(&stranger, other, strlen(other), "b", &diags) ||
	     dyd_trust_new(&trust) ||
	     trust_parse(trust, pub_pem, strlen(pub_pem), "a.pub", &diags);
	free(other);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
	dyd_diags_release(&diags);
	return rc ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	dyd_trust_free(trust);
	dyd_signing_key_free(key);
	dyd_signing_key_free(stranger);
	dyd_decision_free(dec_a);
	dyd_decision_free(dec_b);
	dyd_record_free(rec_a);
	dyd_record_free(rec_b);
	dyd_policy_free(policy);
	free(key_pem);
	free(pub_pem);
	return scratch_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_signed_bundle_layout),
	    cmocka_unit_test(test_signed_bundles_are_deterministic),
	    cmocka_unit_test(test_verify_reports_the_signature),
	    cmocka_unit_test(test_tampering_matrix),
	    cmocka_unit_test(test_encrypted_bundles_are_signed_inside),
	    cmocka_unit_test(test_openssl_checks_a_bundle_without_dyd),
	    cmocka_unit_test(test_verify_json_says_what_was_found),
	    cmocka_unit_test(test_threads_sign_bundles_at_once),
	    cmocka_unit_test(test_allocation_failures),
	};

	if (!CRYPTO_set_mem_functions(counted_malloc, counted_realloc,
				      counted_free))
		return fprintf(stderr, "libcrypto allocated before main\n"), 1;
	return cmocka_run_group_tests_name("sign_bundle", tests, setup,
					   teardown);
}
