/* dyd verify: is this bundle what its manifest says, and is report.json
 * a report? Every problem found is reported, not just the first. */
#include "diag.h"
#include "digest.h"
#include "zipmem.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define ENTRIES_MAX 64
/* A JSON pointer into report.json, for messages. */
#define POINTER_SIZE 128

struct verifier {
	zip_t *za;
	dyd_diags *diags;
	size_t problems;
	bool oom;
};

static void problem(struct verifier *v, const char *entry, const char *ptr,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void problem(struct verifier *v, const char *entry, const char *ptr,
		    const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_add(v->diags, DYD_ERROR, entry, 0, 0, ptr, "%s", msg);
	v->problems++;
}

/* The bytes of one entry, inflated (and decrypted), CRC checked. */
static char *read_entry(struct verifier *v, zip_int64_t idx, const char *name,
			size_t *len)
{
	zip_stat_t st;
	zip_file_t *f;
	zip_int64_t n;
	char *buf;
	size_t got = 0;

	zip_stat_init(&st);
	if (zip_stat_index(v->za, (zip_uint64_t)idx, 0, &st) < 0 ||
	    !(st.valid & ZIP_STAT_SIZE)) {
		problem(v, name, NULL, "cannot read the entry: %s",
			zip_strerror(v->za));
		return NULL;
	}
	if (st.size > DYD_MAX_BUNDLE_BYTES) {
		problem(v, name, NULL,
			"entry of %llu bytes is larger than any dyd writes",
			(unsigned long long)st.size);
		return NULL;
	}
	f = zip_fopen_index(v->za, (zip_uint64_t)idx, 0);
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
	while ((n = zip_fread(f, buf + got, st.size + 1 - got)) > 0) {
		got += (size_t)n;
		if (got > st.size)
			break;
	}
	if (n < 0 || got != st.size) {
		problem(v, name, NULL, "entry is damaged: %s",
			n < 0 ? zip_file_strerror(f)
			      : "its size differs from the ZIP directory");
		zip_fclose(f);
		free(buf);
		return NULL;
	}
	zip_fclose(f);
	buf[got] = '\0';
	*len = got;
	return buf;
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
	cJSON *r = cJSON_ParseWithLength(text, len);
	const cJSON *f, *d;

	if (!r) {
		problem(v, e, NULL, "is not valid JSON");
		return;
	}
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

/* Every entry is either the manifest or listed in it. */
static void check_listing(struct verifier *v, zip_int64_t count,
			  const cJSON *files)
{
	const cJSON *f;
	zip_int64_t i;

	for (i = 0; i < count; i++) {
		const char *name = zip_get_name(v->za, (zip_uint64_t)i, 0);
		bool listed = strcmp(name, "manifest.json") == 0;
		cJSON_ArrayForEach(f, files)
		{
			const char *n = string_at(f, "name", NULL);
			listed = listed || (n && strcmp(n, name) == 0);
		}
		if (!listed)
			problem(v, name, NULL,
				"is in the bundle but not in the manifest");
	}
}

/* Each file the manifest lists: there, of its size and SHA-256, and
 * report.json a report. */
static void check_files(struct verifier *v, const cJSON *files,
			const cJSON *manifest)
{
	const cJSON *f;
	zip_int64_t i;
	char *text;
	size_t tlen;

	i = 0;
	cJSON_ArrayForEach(f, files)
	{
		const char *name = string_at(f, "name", NULL);
		const char *sha = string_at(f, "sha256", NULL);
		const cJSON *size = cJSON_GetObjectItemCaseSensitive(f, "size");
		char got[SHA256_HEX_SIZE], ptr[48];
		zip_int64_t idx;

		snprintf(ptr, sizeof(ptr), "/files/%lld", (long long)i++);
		if (!name || !sha || !cJSON_IsNumber(size)) {
			problem(v, "manifest.json", ptr,
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
		text = read_entry(v, idx, name, &tlen);
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
}

int dyd_bundle_verify(const void *data, size_t len, const char *password,
		      dyd_diags *diags)
{
	struct verifier v = {NULL, diags, 0, false};
	zip_error_t ze;
	zip_source_t *src;
	zip_int64_t count, i, j, midx;
	cJSON *manifest = NULL;
	const cJSON *files, *f;
	char *text = NULL;
	size_t tlen;
	int rc = DYD_EVERIFY;

	zip_error_init(&ze);
	src = zip_source_buffer_create(data, len, 0, &ze);
	if (!src) {
		zip_error_fini(&ze);
		return DYD_ENOMEM;
	}
	v.za = zip_open_memory(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze);
	if (!v.za) {
		problem(&v, NULL, NULL, "not a valid ZIP archive: %s",
			zip_error_strerror(&ze));
		zip_source_free(src);
		zip_error_fini(&ze);
		return DYD_EVERIFY;
	}
	zip_error_fini(&ze);
	if (password && zip_set_default_password(v.za, password) < 0) {
		rc = DYD_ENOMEM;
		goto out;
	}
	count = zip_get_num_entries(v.za, 0);
	if (count > ENTRIES_MAX) {
		problem(&v, NULL, NULL, "%lld entries: a dyd bundle has 3",
			(long long)count);
		goto out;
	}
	for (i = 0; i < count; i++)
		for (j = 0; j < i; j++)
			if (strcmp(zip_get_name(v.za, (zip_uint64_t)i, 0),
				   zip_get_name(v.za, (zip_uint64_t)j, 0)) == 0)
				problem(&v,
					zip_get_name(v.za, (zip_uint64_t)i, 0),
					NULL, "the entry appears twice");
	midx = zip_name_locate(v.za, "manifest.json", 0);
	if (midx < 0) {
		problem(&v, "manifest.json", NULL, "missing from the bundle");
		goto out;
	}
	text = read_entry(&v, midx, "manifest.json", &tlen);
	if (!text)
		goto out;
	manifest = cJSON_ParseWithLength(text, tlen);
	free(text);
	text = NULL;
	if (!manifest || !cJSON_IsObject(manifest)) {
		problem(&v, "manifest.json", NULL, "is not a JSON object");
		goto out;
	}
	f = member(&v, "manifest.json", manifest, "format", cJSON_String, "");
	if (f && strcmp(f->valuestring, "dyd.manifest/v1") != 0)
		problem(&v, "manifest.json", "/format",
			"'%.40s' is not dyd.manifest/v1", f->valuestring);
	files = member(&v, "manifest.json", manifest, "files", cJSON_Array, "");
	check_listing(&v, count, files);
	check_files(&v, files, manifest);
	if (zip_name_locate(v.za, "report.json", 0) < 0)
		problem(&v, "report.json", NULL, "missing from the bundle");
	if (zip_name_locate(v.za, "report.html", 0) < 0)
		problem(&v, "report.html", NULL, "missing from the bundle");
out:
	if (v.oom)
		rc = DYD_ENOMEM;
	else if (!v.problems && rc == DYD_EVERIFY)
		rc = 0;
	cJSON_Delete(manifest);
	free(text);
	zip_discard(v.za);
	return rc;
}
