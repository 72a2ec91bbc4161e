/* SPDX-License-Identifier: MIT */
/* dyd verify: is this bundle what its manifest says, is report.json a
 * report, and who signed the manifest? Every problem found is reported,
 * not just the first. */
#include "diag.h"
#include "digest.h"
#include "doc.h"
#include "json_out.h"
#include "sign.h"
#include "zipmem.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>
#include <zlib.h>

/* A JSON pointer into report.json, for messages. */
#define POINTER_SIZE 128
#define MANIFEST_NAME "manifest.json"
#define SIGNATURE_NAME "manifest.sig"

/* The entries dyd writes, and so the only ones a bundle may hold: any
 * other name (`../../x`, `/etc/passwd`, an extra 500 MB file) is not a
 * dyd bundle's, whatever its manifest lists. */
static const char *const entry_names[] = {MANIFEST_NAME, SIGNATURE_NAME,
					  "report.html", "report.json", NULL};
#define ENTRIES_MAX 4
/* The files the manifest lists, in the order dyd writes them. */
static const char *const listed_names[] = {"report.html", "report.json", NULL};
#define LISTED_COUNT 2

/*
 * manifest.json and report.json as dyd can write them (dyd-verify(1)):
 * report.json is some 8 levels deep and holds the record's values (at
 * most 250,000), the policy's (100,000) and a decision of at most
 * 256 x 64 cells; the manifest lists each unknown field of the record.
 * Checked by a linear scan before cJSON builds a tree, which costs some
 * 100 bytes a value.
 */
static const doc_limits json_limits = {40, 0, 0, 1000000};
/* manifest.sig is 64 bytes; a longer one is reported by its size. */
#define SIGNATURE_READ_MAX 4096

struct verifier {
	zip_t *za;
	dyd_diags *diags;
	size_t problems;
	size_t signature_problems; /* of problems, those of the signature */
	bool oom;
	dyd_verify_result *result;
};

static void vproblem(struct verifier *v, bool of_signature, const char *entry,
		     const char *ptr, const char *fmt, va_list ap)
    __attribute__((format(printf, 5, 0)));

static void vproblem(struct verifier *v, bool of_signature, const char *entry,
		     const char *ptr, const char *fmt, va_list ap)
{
	char msg[512];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	diag_add(v->diags, DYD_ERROR, entry, 0, 0, ptr, "%s", msg);
	v->problems++;
	if (of_signature)
		v->signature_problems++;
}

static void problem(struct verifier *v, const char *entry, const char *ptr,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void problem(struct verifier *v, const char *entry, const char *ptr,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(v, false, entry, ptr, fmt, ap);
	va_end(ap);
}

/* A problem of the signature: the entries may all be intact. */
static void sig_problem(struct verifier *v, const char *entry, const char *ptr,
			const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void sig_problem(struct verifier *v, const char *entry, const char *ptr,
			const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vproblem(v, true, entry, ptr, fmt, ap);
	va_end(ap);
}

/* Whether the entry's methods are those dyd writes: deflated (or
 * stored), and not encrypted or AES-256 encrypted. Anything else is
 * refused before libzip opens it: libzip 1.7 leaks the entry's source
 * when it meets an encryption method it cannot decrypt
 * (zip_source_zip_new.c returns on ZIP_ER_ENCRNOTSUPP without freeing
 * it), and no dyd bundle needs another method. */
static bool methods_known(struct verifier *v, const zip_stat_t *st,
			  const char *name)
{
	if ((st->valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	    st->encryption_method != ZIP_EM_NONE &&
	    st->encryption_method != ZIP_EM_AES_256) {
		problem(v, name, NULL,
			"is encrypted with method %u; dyd bundles are "
			"encrypted with AES-256 or not at all",
			(unsigned)st->encryption_method);
		return false;
	}
	if ((st->valid & ZIP_STAT_COMP_METHOD) &&
	    st->comp_method != ZIP_CM_DEFLATE &&
	    st->comp_method != ZIP_CM_STORE) {
		problem(v, name, NULL,
			"is compressed with method %d; dyd bundles are "
			"deflated",
			(int)st->comp_method);
		return false;
	}
	return true;
}

/* Inflates the stored data of f (opened ZIP_FL_COMPRESSED: decrypted,
 * still deflated) into buf, at most size bytes, reading to its end, where
 * libzip checks an AES entry's HMAC. The length, or -1 with *err. */
static zip_int64_t read_deflated(zip_file_t *f, char *buf, size_t size,
				 const char **err)
{
	unsigned char in[16384];
	zip_int64_t n;
	z_stream z;
	int zr = Z_OK;
	size_t got;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, -MAX_WBITS) != Z_OK) {
		*err = "out of memory";
		return -1;
	}
	z.next_out = (Bytef *)buf;
	z.avail_out = (uInt)size;
	while ((n = zip_fread(f, in, sizeof(in))) > 0) {
		z.next_in = in;
		z.avail_in = (uInt)n;
		while (z.avail_in > 0 && z.avail_out > 0 && zr == Z_OK)
			zr = inflate(&z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END && z.avail_in > 0)
			zr = Z_DATA_ERROR; /* bytes after the stream's end */
		if ((zr != Z_OK && zr != Z_STREAM_END) ||
		    (zr == Z_OK && z.avail_out == 0))
			break;
	}
	got = size - z.avail_out;
	inflateEnd(&z);
	if (n < 0) {
		*err = zip_file_strerror(f);
		return -1;
	}
	if (zr != Z_STREAM_END) {
		*err = z.avail_out == 0
			   ? "its size differs from the ZIP directory"
			   : "its deflate data is damaged";
		return -1;
	}
	return (zip_int64_t)got;
}

/* Whether libzip's own check of the entry's CRC is to be left out: an
 * AES entry stored as AE-2, which has no CRC (it is 0, as dyd writes it),
 * while libzip expects AE-1's. Its HMAC and the manifest's SHA-256 check
 * the bytes instead. */
static bool without_crc(const zip_stat_t *st)
{
	return (st->valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	       st->encryption_method != ZIP_EM_NONE &&
	       (st->valid & ZIP_STAT_COMP_METHOD) &&
	       st->comp_method == ZIP_CM_DEFLATE &&
	       (st->valid & ZIP_STAT_CRC) && st->crc == 0;
}

/* The bytes of one entry, inflated (and decrypted), checked; an entry
 * that says it holds more than limit bytes is not read. */
static char *read_entry(struct verifier *v, zip_int64_t idx, const char *name,
			size_t limit, size_t *len)
{
	const char *err = NULL;
	zip_stat_t st;
	zip_file_t *f;
	zip_int64_t n = 0;
	char *buf;
	size_t got = 0;
	bool raw;

	zip_stat_init(&st);
	if (zip_stat_index(v->za, (zip_uint64_t)idx, 0, &st) < 0 ||
	    !(st.valid & ZIP_STAT_SIZE)) {
		problem(v, name, NULL, "cannot read the entry: %s",
			zip_strerror(v->za));
		return NULL;
	}
	if (st.size > limit) {
		problem(v, name, NULL,
			"entry of %llu bytes is larger than any dyd writes "
			"(%zu bytes at most)",
			(unsigned long long)st.size, limit);
		return NULL;
	}
	if (!methods_known(v, &st, name))
		return NULL;
	raw = without_crc(&st);
	f = zip_fopen_index(v->za, (zip_uint64_t)idx,
			    raw ? ZIP_FL_COMPRESSED : 0);
	if (!f) {
		int code = zip_error_code_zip(zip_get_error(v->za));
		problem(v, name, NULL, "cannot open the entry: %s%s",
			zip_strerror(v->za),
			code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD
			    ? " (give the bundle's password with "
			      "--password-file or DYD_PASSWORD)"
			    : "");
		return NULL;
	}
	buf = malloc(st.size + 1);
	if (!buf) {
		v->oom = true;
		zip_fclose(f);
		return NULL;
	}
	/* Read one byte past the stated size to catch an entry that
	 * inflates to more than it claims. */
	if (raw) {
		n = read_deflated(f, buf, st.size + 1, &err);
		got = n > 0 ? (size_t)n : 0;
	} else {
		while ((n = zip_fread(f, buf + got, st.size + 1 - got)) > 0) {
			got += (size_t)n;
			if (got > st.size)
				break;
		}
		if (n < 0)
			err = zip_file_strerror(f);
	}
	if (err || got != st.size) {
		problem(v, name, NULL, "entry is damaged: %s",
			err ? err : "its size differs from the ZIP directory");
		zip_fclose(f);
		free(buf);
		return NULL;
	}
	zip_fclose(f);
	buf[got] = '\0';
	*len = got;
	return buf;
}

/* cJSON's tree of text, an entry, if its depth and size are what dyd
 * writes; NULL with a problem otherwise (or when it is not JSON). */
static cJSON *parse_entry(struct verifier *v, const char *entry,
			  const char *text, size_t len)
{
	doc_scan scan;
	cJSON *j;

	doc_json_scan(text, len, &json_limits, &scan);
	if (scan.problem == DOC_SCAN_TOO_DEEP) {
		problem(v, entry, NULL,
			"is nested deeper than %u levels, deeper than any "
			"dyd writes",
			json_limits.max_depth);
		return NULL;
	}
	if (scan.problem == DOC_SCAN_TOO_MANY) {
		problem(v, entry, NULL,
			"has more than %zu values, more than any dyd writes",
			json_limits.max_values);
		return NULL;
	}
	j = cJSON_ParseWithLength(text, len);
	if (!j)
		problem(v, entry, NULL, "is not valid JSON");
	return j;
}

/* ptr/key into at; a pointer too long for it ends in "..." (it only
 * names the place in a message). */
static void member_pointer(char at[POINTER_SIZE], const char *ptr,
			   const char *key)
{
	if (snprintf(at, POINTER_SIZE, "%s/%s", ptr, key) >= POINTER_SIZE)
		memcpy(at + POINTER_SIZE - 4, "...", 4);
}

static const cJSON *member(struct verifier *v, const char *entry,
			   const cJSON *obj, const char *key, int type_mask,
			   const char *ptr)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, key);
	char at[POINTER_SIZE];

	member_pointer(at, ptr, key);
	if (!m) {
		problem(v, entry, at, "missing");
		return NULL;
	}
	if (!(m->type & type_mask)) {
		problem(v, entry, at, "has the wrong type");
		return NULL;
	}
	return m;
}

static bool one_of(const char *s, const char *const *values)
{
	for (; *values; values++)
		if (strcmp(s, *values) == 0)
			return true;
	return false;
}

static void check_enum(struct verifier *v, const char *entry, const cJSON *obj,
		       const char *key, const char *const *values,
		       const char *ptr)
{
	const cJSON *m = member(v, entry, obj, key, cJSON_String, ptr);
	char at[POINTER_SIZE];

	member_pointer(at, ptr, key);
	if (m && !one_of(m->valuestring, values))
		problem(v, entry, at, "'%.40s' is not a known value",
			m->valuestring);
}

/* The decision's structure: what schemas/decision.schema.json requires of
 * the fields a reader relies on. */
static void check_decision(struct verifier *v, const cJSON *d)
{
	static const char *const optout_status[] = {
	    "opted_out", "not_opted_out", "not_offered", NULL};
	static const char *const optout_reason[] = {"optout_in_window",
						    "optin_in_window",
						    "no_choice_in_window",
						    "terms_not_accepted",
						    "before_offer",
						    "registered_after_offer",
						    NULL};
	static const char *const terms_status[] = {
	    "not_yet_effective", "accepted", "overdue", "pending", NULL};
	static const char *const cell_status[] = {"shared", "withheld", NULL};
	const char *e = "report.json";
	const cJSON *o, *arr, *item, *cell;
	char ptr[96];
	int i = 0, k;

	member(v, e, d, "format", cJSON_String, "/decision");
	member(v, e, d, "account_id", cJSON_String, "/decision");
	member(v, e, d, "as_of", cJSON_String, "/decision");
	member(v, e, d, "policy", cJSON_Object, "/decision");
	member(v, e, d, "region", cJSON_Object, "/decision");
	o = member(v, e, d, "optout", cJSON_Object | cJSON_NULL, "/decision");
	if (o && cJSON_IsObject(o)) {
		check_enum(v, e, o, "status", optout_status,
			   "/decision/optout");
		check_enum(v, e, o, "reason", optout_reason,
			   "/decision/optout");
		member(v, e, o, "window_open", cJSON_True | cJSON_False,
		       "/decision/optout");
		member(v, e, o, "ignored_requests", cJSON_Array,
		       "/decision/optout");
	}
	arr = member(v, e, d, "terms", cJSON_Array, "/decision");
	cJSON_ArrayForEach(item, arr)
	{
		snprintf(ptr, sizeof(ptr), "/decision/terms/%d", i++);
		member(v, e, item, "id", cJSON_String, ptr);
		check_enum(v, e, item, "status", terms_status, ptr);
	}
	member(v, e, d, "withheld_purposes", cJSON_Array, "/decision");
	arr = member(v, e, d, "categories", cJSON_Array, "/decision");
	i = 0;
	cJSON_ArrayForEach(item, arr)
	{
		const cJSON *cells;
		snprintf(ptr, sizeof(ptr), "/decision/categories/%d", i++);
		member(v, e, item, "id", cJSON_String, ptr);
		member(v, e, item, "shared", cJSON_True | cJSON_False, ptr);
		if (cJSON_GetObjectItemCaseSensitive(item, "never"))
			continue;
		cells = member(v, e, item, "purposes", cJSON_Array, ptr);
		k = 0;
		cJSON_ArrayForEach(cell, cells)
		{
			char cptr[POINTER_SIZE];
			snprintf(cptr, sizeof(cptr), "%s/purposes/%d", ptr,
				 k++);
			member(v, e, cell, "purpose", cJSON_String, cptr);
			check_enum(v, e, cell, "status", cell_status, cptr);
			member(v, e, cell, "rule", cJSON_String, cptr);
		}
	}
}

static const char *string_at(const cJSON *obj, const char *a, const char *b)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(obj, a);

	if (b)
		m = cJSON_GetObjectItemCaseSensitive(m, b);
	return cJSON_IsString(m) ? m->valuestring : NULL;
}

static void check_same(struct verifier *v, const char *what, const char *x,
		       const char *y, const char *ptr)
{
	if (x && y && strcmp(x, y) != 0)
		problem(v, "report.json", ptr, "%s differs from the manifest's",
			what);
}

static void check_report(struct verifier *v, const char *text, size_t len,
			 const cJSON *manifest)
{
	const char *e = "report.json";
	cJSON *r = parse_entry(v, e, text, len);
	const cJSON *f, *d;

	if (!r)
		return;
	f = member(v, e, r, "format", cJSON_String, "");
	if (f && strcmp(f->valuestring, "dyd.report/v1") != 0)
		problem(v, e, "/format", "'%.40s' is not dyd.report/v1",
			f->valuestring);
	member(v, e, r, "generator", cJSON_Object, "");
	member(v, e, r, "as_of", cJSON_String, "");
	member(v, e, r, "language", cJSON_String, "");
	member(v, e, r, "policy", cJSON_Object, "");
	member(v, e, r, "account", cJSON_Object, "");
	d = member(v, e, r, "decision", cJSON_Object, "");
	if (d)
		check_decision(v, d);
	check_same(v, "the account id", string_at(r, "account", "account_id"),
		   string_at(manifest, "account_id", NULL),
		   "/account/account_id");
	check_same(
	    v, "the decision's account id", string_at(d, "account_id", NULL),
	    string_at(manifest, "account_id", NULL), "/decision/account_id");
	check_same(v, "the as-of instant", string_at(r, "as_of", NULL),
		   string_at(manifest, "as_of", NULL), "/as_of");
	check_same(v, "the policy SHA-256", string_at(r, "policy", "sha256"),
		   string_at(manifest, "policy", "sha256"), "/policy/sha256");
	cJSON_Delete(r);
}

/* The manifest's /signature: the fingerprint of the key it names, or
 * NULL (with a problem) when the member is malformed. */
static const char *signature_key(struct verifier *v, const cJSON *sig)
{
	const char *e = MANIFEST_NAME, *alg, *fp;
	size_t before = v->problems;

	if (!cJSON_IsObject(sig)) {
		problem(v, e, "/signature", "is not an object");
	} else {
		alg = string_at(sig, "algorithm", NULL);
		fp = string_at(sig, "key_sha256", NULL);
		if (!alg || strcmp(alg, SIGN_ALGORITHM) != 0)
			problem(v, e, "/signature/algorithm",
				"is not \"" SIGN_ALGORITHM "\"");
		if (!fp || !sign_is_fingerprint(fp))
			problem(v, e, "/signature/key_sha256",
				"is not a key fingerprint (64 lower-case hex "
				"digits)");
		if (v->problems == before)
			return fp;
	}
	v->signature_problems += v->problems - before;
	return NULL;
}

/* Checks sig (the bytes of manifest.sig) over text, the manifest. */
static dyd_signature_status
check_signature_bytes(struct verifier *v, const char *fp, const char *text,
		      size_t len, const char *sig, size_t siglen,
		      const dyd_trust *trust)
{
	sign_check_result res;

	if (siglen != SIGN_SIZE) {
		sig_problem(v, SIGNATURE_NAME, NULL,
			    "is %zu bytes: an Ed25519 signature is %d "
			    "(cut short, or not a signature)",
			    siglen, SIGN_SIZE);
		return DYD_SIGNATURE_MALFORMED;
	}
	if (!trust)
		return DYD_SIGNATURE_UNCHECKED;
	if (sign_check(trust, fp, text, len, (const unsigned char *)sig,
		       &res)) {
		v->oom = true;
		return DYD_SIGNATURE_UNREAD;
	}
	if (res == SIGN_CHECK_UNKNOWN_KEY) {
		sig_problem(v, SIGNATURE_NAME, NULL,
			    "signed by key %s, which is not among the %zu "
			    "trusted keys",
			    fp, dyd_trust_count(trust));
		return DYD_SIGNATURE_UNKNOWN_KEY;
	}
	if (res == SIGN_CHECK_BAD) {
		sig_problem(v, SIGNATURE_NAME, NULL,
			    "is not a valid signature of this manifest.json "
			    "by key %s: the manifest was changed after it was "
			    "signed, or the signature is another's",
			    fp);
		return DYD_SIGNATURE_BAD;
	}
	return DYD_SIGNATURE_VALID;
}

/* Who signed text, the manifest's exact bytes; with trust, whether that
 * is a trusted key. Fills v->result. */
static void check_signature(struct verifier *v, const cJSON *manifest,
			    const char *text, size_t len,
			    const dyd_trust *trust)
{
	const cJSON *member =
	    cJSON_GetObjectItemCaseSensitive(manifest, "signature");
	zip_int64_t idx = zip_name_locate(v->za, SIGNATURE_NAME, 0);
	dyd_verify_result *r = v->result;
	const char *fp = NULL;
	size_t siglen, before;
	char *sig;

	if (!member && idx < 0) {
		r->signature = DYD_SIGNATURE_NONE;
		if (trust)
			sig_problem(v, NULL, NULL,
				    "the bundle is not signed (no "
				    "manifest.sig): nothing shows which key, "
				    "if any, made it");
		return;
	}
	if (member && !(fp = signature_key(v, member))) {
		r->signature = DYD_SIGNATURE_MALFORMED;
		return;
	}
	if (fp)
		memcpy(r->key_sha256, fp, DYD_KEY_SHA256_SIZE);
	if (idx < 0) {
		r->signature = DYD_SIGNATURE_MISSING;
		sig_problem(v, SIGNATURE_NAME, NULL,
			    "missing from the bundle, though the manifest says "
			    "key %s signed it",
			    fp);
		return;
	}
	if (!fp) {
		r->signature = DYD_SIGNATURE_MALFORMED;
		sig_problem(v, MANIFEST_NAME, "/signature",
			    "missing, though the bundle has a manifest.sig: "
			    "the manifest names no key to check it with");
		return;
	}
	before = v->problems;
	sig = read_entry(v, idx, SIGNATURE_NAME, SIGNATURE_READ_MAX, &siglen);
	if (!sig) {
		v->signature_problems += v->problems - before;
		r->signature = DYD_SIGNATURE_MALFORMED;
		return;
	}
	r->signature =
	    check_signature_bytes(v, fp, text, len, sig, siglen, trust);
	free(sig);
}

/* Opens the ZIP in memory; DYD_EVERIFY (a problem) when it is not one. */
static int open_bundle(struct verifier *v, const void *data, size_t len,
		       const char *password)
{
	zip_error_t ze;
	zip_source_t *src;

	zip_error_init(&ze);
	src = zip_source_buffer_create(data, len, 0, &ze);
	if (!src) {
		zip_error_fini(&ze);
		return DYD_ENOMEM;
	}
	v->za = zip_open_memory(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!v->za) {
		problem(v, NULL, NULL, "not a valid ZIP archive: %s",
			zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		return DYD_EVERIFY;
	}
	zip_error_fini(&ze);
	if (password && zip_set_default_password(v->za, password) < 0)
		return DYD_ENOMEM;
	return 0;
}

/* The entries' names: those dyd writes, each once. Reading goes on after
 * a wrong name, so that every problem is reported. */
static bool check_names(struct verifier *v, zip_int64_t count)
{
	char q[DIAG_QUOTE_MAX + 8];
	zip_int64_t i, j;
	const char *name;

	if (count > ENTRIES_MAX) {
		problem(v, NULL, NULL,
			"%lld entries: a dyd bundle has 3, or 4 "
			"when signed",
			(long long)count);
		return false;
	}
	for (i = 0; i < count; i++) {
		name = zip_get_name(v->za, (zip_uint64_t)i, 0);
		if (!name || !one_of(name, entry_names)) {
			/* Quoted, not named as the entry: a name is any
			 * bytes, escape sequences too. */
			diag_quote(q, sizeof(q), name ? name : "",
				   name ? strlen(name) : 0);
			problem(v, NULL, NULL,
				"entry '%s' is not one dyd writes (a bundle "
				"holds manifest.json, report.html, "
				"report.json and, when signed, manifest.sig)",
				q);
			continue;
		}
		for (j = 0; j < i; j++)
			if (strcmp(name, zip_get_name(v->za, (zip_uint64_t)j,
						      0)) == 0)
				problem(v, name, NULL,
					"the entry appears twice");
	}
	return true;
}

/* The manifest's files: report.html and report.json, once each, and
 * nothing else. */
static bool check_list(struct verifier *v, const cJSON *files)
{
	char q[DIAG_QUOTE_MAX + 8], ptr[48];
	const cJSON *f;
	const char *name, *seen[LISTED_COUNT] = {NULL, NULL};
	int n = cJSON_GetArraySize(files), i = 0;
	size_t before = v->problems;

	if (n != LISTED_COUNT) {
		problem(v, MANIFEST_NAME, "/files",
			"lists %d files; a dyd manifest lists 2, report.html "
			"and report.json",
			n);
		return false;
	}
	cJSON_ArrayForEach(f, files)
	{
		snprintf(ptr, sizeof(ptr), "/files/%d/name", i);
		name = string_at(f, "name", NULL);
		if (!name) {
			problem(v, MANIFEST_NAME, ptr, "missing");
		} else if (!one_of(name, listed_names)) {
			diag_quote(q, sizeof(q), name, strlen(name));
			problem(v, MANIFEST_NAME, ptr,
				"'%s' is not a file dyd lists (report.html, "
				"report.json)",
				q);
		} else if (i > 0 && seen[0] && strcmp(seen[0], name) == 0) {
			problem(v, MANIFEST_NAME, ptr, "'%s' is listed twice",
				name);
		}
		seen[i++] = name;
	}
	return v->problems == before;
}

/* Each file the manifest lists: there, of its size and SHA-256. */
static void check_files(struct verifier *v, const cJSON *files,
			const cJSON *manifest)
{
	const cJSON *f;
	long long i = 0;
	char *text;
	size_t tlen;

	cJSON_ArrayForEach(f, files)
	{
		const char *name = string_at(f, "name", NULL);
		const char *sha = string_at(f, "sha256", NULL);
		const cJSON *size = cJSON_GetObjectItemCaseSensitive(f, "size");
		char got[SHA256_HEX_SIZE], ptr[48];
		zip_int64_t idx;

		snprintf(ptr, sizeof(ptr), "/files/%lld", i++);
		if (!name || !sha || !cJSON_IsNumber(size)) {
			problem(v, MANIFEST_NAME, ptr,
				"needs a name, a size and a sha256");
			continue;
		}
		idx = zip_name_locate(v->za, name, 0);
		if (idx < 0) {
			problem(v, name, NULL,
				"is in the manifest but missing from the "
				"bundle");
			continue;
		}
		text = read_entry(v, idx, name, DYD_MAX_ENTRY_BYTES, &tlen);
		if (!text)
			continue;
		if ((double)tlen != size->valuedouble)
			problem(v, name, NULL,
				"is %zu bytes; the manifest says %.0f", tlen,
				size->valuedouble);
		if (sha256_hex(text, tlen, got))
			v->oom = true;
		else if (strcmp(got, sha) != 0)
			problem(v, name, NULL,
				"SHA-256 %s differs from the manifest's %.64s",
				got, sha);
		if (strcmp(name, "report.json") == 0)
			check_report(v, text, tlen, manifest);
		free(text);
	}
	if (zip_name_locate(v->za, "report.json", 0) < 0)
		problem(v, "report.json", NULL, "missing from the bundle");
	if (zip_name_locate(v->za, "report.html", 0) < 0)
		problem(v, "report.html", NULL, "missing from the bundle");
}

/* The manifest, its signature and every entry it lists. */
static void check_manifest(struct verifier *v, const dyd_trust *trust)
{
	zip_int64_t midx = zip_name_locate(v->za, MANIFEST_NAME, 0);
	cJSON *manifest = NULL;
	const cJSON *files, *f;
	char *text;
	size_t tlen;

	if (midx < 0) {
		problem(v, MANIFEST_NAME, NULL, "missing from the bundle");
		return;
	}
	text = read_entry(v, midx, MANIFEST_NAME, DYD_MAX_ENTRY_BYTES, &tlen);
	if (!text)
		return;
	manifest = parse_entry(v, MANIFEST_NAME, text, tlen);
	if (!manifest)
		goto out;
	if (!cJSON_IsObject(manifest)) {
		problem(v, MANIFEST_NAME, NULL, "is not a JSON object");
		goto out;
	}
	f = member(v, MANIFEST_NAME, manifest, "format", cJSON_String, "");
	if (f && strcmp(f->valuestring, "dyd.manifest/v1") != 0)
		problem(v, MANIFEST_NAME, "/format",
			"'%.40s' is not dyd.manifest/v1", f->valuestring);
	/* Over the exact bytes read, not over what cJSON made of them. */
	check_signature(v, manifest, text, tlen, trust);
	files = member(v, MANIFEST_NAME, manifest, "files", cJSON_Array, "");
	if (files && check_list(v, files))
		check_files(v, files, manifest);
out:
	cJSON_Delete(manifest);
	free(text);
}

int dyd_bundle_verify_ext(const void *data, size_t len,
			  const dyd_verify_options *options,
			  dyd_verify_result *result, dyd_diags *diags)
{
	dyd_verify_options defaults = DYD_VERIFY_OPTIONS_INIT;
	dyd_verify_result ignored;
	struct verifier v = {NULL, diags, 0, 0, false, NULL};
	zip_int64_t count;
	int rc;

	if (!options)
		options = &defaults;
	v.result = result ? result : &ignored;
	memset(v.result, 0, sizeof(*v.result));
	rc = open_bundle(&v, data, len, options->password);
	if (!rc) {
		count = zip_get_num_entries(v.za, 0);
		if (check_names(&v, count))
			check_manifest(&v, options->trust);
	}
	if (v.oom)
		rc = DYD_ENOMEM;
	else if (!rc && v.problems)
		rc = DYD_EVERIFY;
	v.result->intact =
	    rc != DYD_ENOMEM && v.za && v.problems == v.signature_problems;
	zip_discard(v.za);
	return rc;
}

int dyd_bundle_verify(const void *data, size_t len, const char *password,
		      dyd_diags *diags)
{
	dyd_verify_options options = DYD_VERIFY_OPTIONS_INIT;

	options.password = password;
	return dyd_bundle_verify_ext(data, len, &options, NULL, diags);
}

const char *dyd_signature_status_name(dyd_signature_status status)
{
	static const char *const names[] = {
	    "unread",	   "unsigned", "unchecked", "valid",
	    "unknown_key", "bad",      "missing",   "malformed"};

	if ((unsigned)status >= sizeof(names) / sizeof(names[0]))
		return "unread";
	return names[status];
}

char *dyd_verify_result_json(const char *file, int rc,
			     const dyd_verify_result *result,
			     const dyd_diags *diags)
{
	char *list_text = dyd_diags_to_json(diags);
	cJSON *list = list_text ? cJSON_Parse(list_text) : NULL;
	strbuf sb = STRBUF_INIT;
	json_writer w;

	free(list_text);
	if (!list)
		return NULL;
	json_writer_init(&w, &sb, false);
	json_open_object(&w);
	json_key(&w, "file", 4);
	json_cstring(&w, file);
	json_key(&w, "valid", 5);
	json_bool(&w, rc == 0);
	json_key(&w, "signature", 9);
	json_cstring(&w, dyd_signature_status_name(result->signature));
	json_key(&w, "key_sha256", 10);
	if (result->key_sha256[0])
		json_cstring(&w, result->key_sha256);
	else
		json_null(&w);
	json_key(&w, "authentic", 9);
	json_bool(&w, result->signature == DYD_SIGNATURE_VALID);
	json_key(&w, "intact", 6);
	json_bool(&w, result->intact);
	json_key(&w, "diagnostics", 11);
	json_cjson(&w, list);
	json_close_object(&w);
	cJSON_Delete(list);
	return strbuf_detach(&sb);
}
