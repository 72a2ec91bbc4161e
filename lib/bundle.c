/* SPDX-License-Identifier: MIT */
/* The bundle: report.html, report.json and manifest.json in one ZIP built
 * in memory with libzip (entries deflated by libdeflate), and manifest.sig
 * when it is signed. */
#include "deflate.h"
#include "diag.h"
#include "digest.h"
#include "i18n.h"
#include "json_out.h"
#include "report.h"
#include "sign.h"
#include "zipmem.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#define MANIFEST_FORMAT "dyd.manifest/v1"
#define MANIFEST_NAME "manifest.json"
#define SIGNATURE_NAME "manifest.sig"

struct entry {
	const char *name;
	char *data;
	size_t len;
	char sha256[SHA256_HEX_SIZE];
};

/* The documents of the bundle, each rendered from the report view; the
 * manifest lists them in this order, and the signature signs the
 * manifest. A new document is one row here. */
static const struct document {
	const char *name;
	report_render_fn render;
} documents[] = {
    {"report.html", report_html_render},
    {"report.json", report_json_render},
};

#define DOCUMENT_COUNT (sizeof(documents) / sizeof(*documents))
/* The manifest, manifest.sig and the documents. */
#define BUNDLE_MAX_ENTRIES (2 + DOCUMENT_COUNT)

bool dyd_bundle_encryption_supported(void)
{
	return zip_encryption_method_supported(ZIP_EM_AES_256, 1) != 0;
}

/* DOS date and time fields of an instant, in UTC: the ZIP format has no
 * zone, and the as-of instant is what the bundle is stamped with. */
static void dos_time(dyd_time t, zip_uint16_t *dtime, zip_uint16_t *ddate)
{
	tz_local l;

	time_civil(t, &l);
	if (l.year < 1980) {
		l.year = 1980;
		l.month = l.day = 1;
		l.hour = l.minute = l.second = 0;
	}
	if (l.year > 2107)
		l.year = 2107;
	*ddate =
	    (zip_uint16_t)(((l.year - 1980) << 9) | (l.month << 5) | l.day);
	*dtime =
	    (zip_uint16_t)((l.hour << 11) | (l.minute << 5) | (l.second / 2));
}

/* The manifest's "signature": which key signed it, so that a checker
 * knows which trusted key to try. */
static bool add_signature(cJSON *root, const char *key_sha256)
{
	cJSON *o = cJSON_AddObjectToObject(root, "signature");

	return o && cJSON_AddStringToObject(o, "algorithm", SIGN_ALGORITHM) &&
	       cJSON_AddStringToObject(o, "key_sha256", key_sha256);
}

static char *manifest_render(const report_view *v, const struct entry *files,
			     size_t count, bool encrypted)
{
	const dyd_decision *d = v->d;
	cJSON *root = cJSON_CreateObject(), *o, *arr;
	char *out = NULL;
	size_t i;
	bool ok;

	if (!root)
		return NULL;
	ok = cJSON_AddStringToObject(root, "format", MANIFEST_FORMAT) &&
	     (o = cJSON_AddObjectToObject(root, "generator")) &&
	     cJSON_AddStringToObject(o, "name", "dyd") &&
	     cJSON_AddStringToObject(o, "version", DYD_VERSION) &&
	     cJSON_AddStringToObject(root, "account_id",
				     d->record->account_id) &&
	     json_add_time(root, "as_of", d->as_of) &&
	     (o = cJSON_AddObjectToObject(root, "policy")) &&
	     cJSON_AddStringToObject(o, "id", d->policy->id) &&
	     cJSON_AddStringToObject(o, "sha256", d->policy->sha256) &&
	     cJSON_AddBoolToObject(root, "encrypted", encrypted) &&
	     (!v->key_sha256 || add_signature(root, v->key_sha256)) &&
	     (arr = cJSON_AddArrayToObject(root, "files"));
	for (i = 0; ok && i < count; i++) {
		o = cJSON_CreateObject();
		ok = o && cJSON_AddItemToArray(arr, o);
		if (!ok) {
			cJSON_Delete(o);
			break;
		}
		ok = cJSON_AddStringToObject(o, "name", files[i].name) &&
		     cJSON_AddNumberToObject(o, "size", (double)files[i].len) &&
		     cJSON_AddStringToObject(o, "sha256", files[i].sha256);
	}
	ok = ok && (arr = cJSON_AddArrayToObject(root, "omitted"));
	for (i = 0; ok && i < v->omitted_count; i++) {
		o = cJSON_CreateObject();
		ok = o && cJSON_AddItemToArray(arr, o);
		if (!ok) {
			cJSON_Delete(o);
			break;
		}
		ok = cJSON_AddStringToObject(o, "pointer",
					     v->omitted[i].pointer) &&
		     cJSON_AddStringToObject(o, "reason", v->omitted[i].reason);
	}
	/* Nothing is cut short today; the list is there so that a future
	 * limit cannot drop data without saying so. */
	ok = ok && cJSON_AddArrayToObject(root, "truncated");
	if (ok)
		out = json_print(root, true);
	cJSON_Delete(root);
	return out;
}

static int zip_failure(dyd_diags *diags, const char *what, zip_error_t *ze)
{
	if (zip_error_code_zip(ze) == ZIP_ER_MEMORY)
		return DYD_ENOMEM;
	diag_add(diags, DYD_ERROR, NULL, 0, 0, NULL, "%s: %s", what,
		 zip_error_strerror(ze));
	return DYD_EIO;
}

/* Takes the bytes zip_close() wrote into the buffer source. */
static int source_bytes(zip_source_t *src, void **out, size_t *len,
			dyd_diags *diags)
{
	zip_stat_t st;
	zip_int64_t n;
	char *buf;
	int rc;

	if (zip_source_open(src) < 0)
		return zip_failure(diags, "cannot read the built ZIP",
				   zip_source_error(src));
	zip_stat_init(&st);
	if (zip_source_stat(src, &st) < 0 || !(st.valid & ZIP_STAT_SIZE)) {
		rc = zip_failure(diags, "cannot read the built ZIP",
				 zip_source_error(src));
		zip_source_close(src);
		return rc;
	}
	buf = malloc(st.size ? st.size : 1);
	if (!buf) {
		zip_source_close(src);
		return DYD_ENOMEM;
	}
	n = zip_source_read(src, buf, st.size);
	zip_source_close(src);
	if (n < 0 || (zip_uint64_t)n != st.size) {
		free(buf);
		return zip_failure(diags, "cannot read the built ZIP",
				   zip_source_error(src));
	}
	*out = buf;
	*len = (size_t)st.size;
	return 0;
}

/* Deflates every entry, once, with one compressor for the bundle. */
static int deflate_entries(deflated *packed, const struct entry *entries,
			   size_t count, int level, dyd_diags *diags)
{
	deflater *d;
	size_t i;
	int rc;

	rc = deflater_new(&d, level);
	for (i = 0; !rc && i < count; i++) {
		rc = deflater_run(d, entries[i].data, entries[i].len,
				  &packed[i]);
		if (rc == DYD_EIO)
			diag_add(diags, DYD_ERROR, NULL, 0, 0, NULL,
				 "cannot deflate '%s' (libdeflate wrote "
				 "nothing); please report this",
				 entries[i].name);
	}
	deflater_free(d);
	return rc;
}

/* The ZIP of the deflated entries: libzip writes the headers and copies
 * each deflated stream as it is (deflated_source), or encrypts it. */
static int zip_entries(void **out, size_t *len, const struct entry *entries,
		       deflated *packed, size_t count, dyd_time as_of,
		       const char *password, dyd_diags *diags)
{
	zip_error_t ze;
	zip_source_t *src, *data;
	zip_t *za;
	zip_uint16_t dtime, ddate;
	zip_int64_t idx;
	size_t i;
	int rc;

	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	if (!src) {
		rc = zip_failure(diags, "cannot start the ZIP", &ze);
		zip_error_fini(&ze);
		return rc;
	}
	za = zip_open_memory(src, ZIP_TRUNCATE, &ze);
	if (!za) {
		rc = zip_failure(diags, "cannot start the ZIP", &ze);
		zip_source_free(src);
		zip_error_fini(&ze);
		return rc;
	}
	zip_error_fini(&ze);
	/* Keep the buffer source alive past zip_close() to read it. */
	zip_source_keep(src);
	dos_time(as_of, &dtime, &ddate);
	for (i = 0; i < count; i++) {
		/* libzip marks encrypted entries AE-2, which stores no CRC
		 * (WinZip's AES specification): the CRC-32 of the plain text
		 * would let anyone check a guess at it without the password. */
		if (password)
			packed[i].crc = 0;
		data = deflated_source(za, &packed[i]);
		if (!data)
			goto fail;
		idx = zip_file_add(za, entries[i].name, data, ZIP_FL_ENC_UTF_8);
		if (idx < 0) {
			zip_source_free(data);
			goto fail;
		}
		if (zip_file_set_dostime(za, (zip_uint64_t)idx, dtime, ddate,
					 0) < 0 ||
		    zip_file_set_external_attributes(
			za, (zip_uint64_t)idx, 0, ZIP_OPSYS_UNIX,
			(zip_uint32_t)0100600 << 16) < 0)
			goto fail;
		if (password &&
		    zip_file_set_encryption(za, (zip_uint64_t)idx,
					    ZIP_EM_AES_256, password) < 0)
			goto fail;
	}
	if (zip_close(za) < 0)
		goto fail;
	rc = source_bytes(src, out, len, diags);
	zip_source_free(src);
	return rc;
fail:
	rc = zip_failure(diags, "cannot build the ZIP", zip_get_error(za));
	zip_discard(za);
	zip_source_free(src);
	return rc;
}

/* dyd verify reads no entry larger than DYD_MAX_ENTRY_BYTES: a bundle
 * dyd writes is one it can check. */
static int entries_fit(const struct entry *entries, size_t count,
		       const char *record, dyd_diags *diags)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (entries[i].len > DYD_MAX_ENTRY_BYTES) {
			diag_add(diags, DYD_ERROR, record, 0, 0, NULL,
				 "%s would be %zu bytes, more than the %u a "
				 "bundle entry may hold: the record is too "
				 "large to report on",
				 entries[i].name, entries[i].len,
				 DYD_MAX_ENTRY_BYTES);
			return DYD_EINVALID;
		}
	return 0;
}

/* manifest.sig: the raw 64 bytes, as `openssl pkeyutl -verify -rawin
 * -sigfile` reads them, over the exact bytes of manifest.json. Ed25519
 * is deterministic, so a signed bundle stays byte-identical. */
static int sign_manifest(struct entry *sig, const struct entry *manifest,
			 const dyd_signing_key *key, dyd_diags *diags)
{
	int rc;

	sig->data = malloc(SIGN_SIZE);
	if (!sig->data)
		return DYD_ENOMEM;
	rc = sign_data(key, manifest->data, manifest->len,
		       (unsigned char *)sig->data, diags);
	sig->len = SIGN_SIZE;
	return rc;
}

/* Deflated by libdeflate, zipped by libzip. */
static int zip_bundle(void **out, size_t *len, const struct entry *entries,
		      size_t count, dyd_time as_of, int level,
		      const char *password, dyd_diags *diags)
{
	deflated packed[BUNDLE_MAX_ENTRIES];
	size_t i;
	int rc;

	memset(packed, 0, sizeof(packed));
	rc = deflate_entries(packed, entries, count, level, diags);
	if (!rc)
		rc = zip_entries(out, len, entries, packed, count, as_of,
				 password, diags);
	for (i = 0; i < count; i++)
		deflated_release(&packed[i]);
	return rc;
}

/* The options, checked; the language to render in into *lang. */
static int check_options(const dyd_bundle_options *options,
			 const dyd_decision *d, const char **lang,
			 dyd_diags *diags)
{
	*lang = options->lang ? options->lang
			      : i18n_language_for(d->record->language);
	if (!dyd_language_supported(*lang)) {
		diag_add(diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "language '%s' is not supported (en, id)", *lang);
		return DYD_EUSAGE;
	}
	if (options->level < 1 || options->level > 9) {
		diag_add(diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "compression level %d is not from 1 to 9",
			 options->level);
		return DYD_EUSAGE;
	}
	if (options->password && !dyd_bundle_encryption_supported()) {
		diag_add(diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "this libzip cannot write AES-256 encrypted entries");
		return DYD_EUSAGE;
	}
	return 0;
}

/* The documents rendered into entries[1..], with their SHA-256, and the
 * manifest that lists them into entries[0]. */
static int render_entries(struct entry *entries, const report_view *v,
			  bool encrypted)
{
	size_t i;
	int rc = 0;

	for (i = 0; !rc && i < DOCUMENT_COUNT; i++) {
		struct entry *e = &entries[1 + i];
		e->name = documents[i].name;
		rc = documents[i].render(&e->data, &e->len, v);
		if (!rc && sha256_hex(e->data, e->len, e->sha256))
			rc = DYD_ENOMEM;
	}
	if (rc)
		return rc;
	entries[0].name = MANIFEST_NAME;
	entries[0].data =
	    manifest_render(v, entries + 1, DOCUMENT_COUNT, encrypted);
	if (!entries[0].data)
		return DYD_ENOMEM;
	entries[0].len = strlen(entries[0].data);
	return 0;
}

/* The entries in ZIP order, sorted by name: manifest.json, manifest.sig
 * when signed, then the documents (already in name order). */
static size_t zip_order(struct entry *order, const struct entry *entries,
			const struct entry *sig)
{
	size_t n = 0, i;

	order[n++] = entries[0];
	if (sig)
		order[n++] = *sig;
	for (i = 0; i < DOCUMENT_COUNT; i++)
		order[n++] = entries[1 + i];
	return n;
}

int dyd_bundle_build(void **out, size_t *len, const dyd_decision *d,
		     const dyd_bundle_options *options, dyd_diags *diags)
{
	dyd_bundle_options defaults = DYD_BUNDLE_OPTIONS_INIT;
	struct entry entries[1 + DOCUMENT_COUNT],
	    sig = {SIGNATURE_NAME, NULL, 0, ""};
	struct entry order[BUNDLE_MAX_ENTRIES];
	report_view_options vo = {NULL, NULL, NULL};
	report_view view;
	const dyd_signing_key *key;
	tz *zone = NULL;
	size_t i;
	int rc;

	*out = NULL;
	*len = 0;
	memset(entries, 0, sizeof(entries));
	if (!options)
		options = &defaults;
	key = options->sign_key;
	rc = check_options(options, d, &vo.lang, diags);
	if (rc)
		return rc;
	rc = tz_load(&zone, options->tz ? options->tz : "UTC", diags);
	if (rc)
		return rc == DYD_EINVALID ? DYD_EUSAGE : rc;
	vo.zone = zone;
	vo.key_sha256 = key ? dyd_signing_key_fingerprint(key) : NULL;
	rc = report_view_init(&view, d, &vo);
	if (!rc)
		rc = render_entries(entries, &view, options->password != NULL);
	if (!rc)
		rc = entries_fit(entries, 1 + DOCUMENT_COUNT, d->record->name,
				 diags);
	/* Signed before encryption: the signature is over the manifest's
	 * plain bytes, and is itself an entry encrypted like the others. */
	if (!rc && key)
		rc = sign_manifest(&sig, &entries[0], key, diags);
	if (!rc)
		rc = zip_bundle(out, len, order,
				zip_order(order, entries, key ? &sig : NULL),
				d->as_of, options->level, options->password,
				diags);
	for (i = 0; i < 1 + DOCUMENT_COUNT; i++)
		free(entries[i].data);
	free(sig.data);
	report_view_release(&view);
	tz_free(zone);
	return rc;
}
