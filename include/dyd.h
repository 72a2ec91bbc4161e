/* SPDX-License-Identifier: MIT */
/*
 * dyd.h - the public interface of libdyd, the "download your data" exporter.
 *
 * Data flows one way: read a policy and an account record, evaluate them
 * into a decision as of an instant, render the decision (text or JSON).
 *
 * Conventions: functions return 0 on success or a negative DYD_E* code;
 * problems are appended to a caller-provided dyd_diags with their location.
 * `T **out` arguments hand ownership to the caller; a pointer returned
 * directly is borrowed from its parent object. Every _free accepts NULL.
 * Nothing here prints, exits, or keeps global mutable state, so separate
 * objects may be used from separate threads.
 */
#ifndef DYD_H
#define DYD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* DYD_VERSION "MAJOR.MINOR.PATCH", its parts, DYD_VERSION_NUMBER for #if */
#include "dyd_version.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
	DYD_OK = 0,
	DYD_EINVALID = -1,  /* the input (record, policy, option) is invalid */
	DYD_ENOMEM = -2,    /* out of memory */
	DYD_EIO = -3,	    /* reading or writing failed */
	DYD_EVERIFY = -4,   /* a bundle failed verification */
	DYD_EUSAGE = -5,    /* an argument is out of its domain */
	DYD_ECANCELED = -6, /* the caller asked to stop */
};

/* The versions of the libraries in use, as one line of text (static). */
const char *dyd_library_versions(void);

/* Diagnostics: every problem found, with where it was found. */

typedef enum { DYD_ERROR, DYD_WARNING } dyd_severity;

typedef struct dyd_diag {
	dyd_severity severity;
	char *file;    /* input name, or NULL */
	unsigned line; /* 1-based; 0 when unknown */
	unsigned column;
	char *pointer; /* JSON pointer into the document, or NULL */
	char *message; /* lower case, no final full stop */
} dyd_diag;

typedef struct dyd_diags {
	dyd_diag *items;
	size_t count;
	size_t capacity;
	size_t errors;
	bool out_of_memory; /* a diagnostic could not be recorded */
} dyd_diags;

#define DYD_DIAGS_INIT                                                         \
	{                                                                      \
		NULL, 0, 0, 0, false                                           \
	}

void dyd_diags_init(dyd_diags *diags);
void dyd_diags_release(dyd_diags *diags);
/* Removes every diagnostic, keeping the storage. */
void dyd_diags_clear(dyd_diags *diags);

/*
 * Formats one diagnostic as "file:line:column: error: /pointer: message"
 * (the parts that are unknown are left out). Returns a string the caller
 * frees with free(), or NULL when out of memory.
 */
char *dyd_diag_format(const dyd_diag *diag);

/* Appends the diagnostics as a JSON array; returns a malloc'd string. */
char *dyd_diags_to_json(const dyd_diags *diags);

/*
 * One checked file as a one-line JSON object: {"file": file, "valid": valid,
 * id_key: id or null, "diagnostics": [...]}. Returns a malloc'd string, or
 * NULL when out of memory.
 */
char *dyd_file_result_json(const char *file, bool valid, const char *id_key,
			   const char *id, const dyd_diags *diags);

/* Time: nanoseconds since 1970-01-01T00:00:00Z. */

typedef int64_t dyd_time;

/*
 * Parses an RFC 3339 timestamp with any offset, or (when allow_date is set)
 * a plain YYYY-MM-DD meaning 00:00:00Z that day. Returns 0 or DYD_EINVALID.
 */
int dyd_time_parse(const char *text, size_t len, bool allow_date,
		   dyd_time *out);

#define DYD_TIME_BUFSIZE 40

/* Writes YYYY-MM-DDTHH:MM:SS[.fraction]Z into buf (DYD_TIME_BUFSIZE). */
void dyd_time_format(dyd_time t, char *buf);

/*
 * Checks a time zone name as --tz takes it: "UTC", a fixed offset such as
 * "+07:00", or a zone of the system's tz database. 0, or DYD_EINVALID
 * with a diagnostic that names the zone and what is accepted (DYD_ENOMEM
 * when out of memory).
 */
int dyd_tz_check(const char *name, dyd_diags *diags);

/* Files */

/* Upper bound for a record or policy file, in bytes. */
#define DYD_MAX_INPUT_BYTES (16u * 1024u * 1024u)
/* Upper bound for a bundle file: dyd writes nothing near it, so anything
 * larger is refused unread. */
#define DYD_MAX_BUNDLE_BYTES (512u * 1024u * 1024u)
/* Upper bound for each entry of a bundle once inflated (ZIP bombs): dyd
 * verify reads no larger one, and dyd refuses to build one (a record of
 * 16 MiB of names that all need escaping comes near it; real records
 * make reports of some 100 KB). */
#define DYD_MAX_ENTRY_BYTES (256u * 1024u * 1024u)

/*
 * Reads a whole file (or standard input when path is "-") into memory,
 * refusing anything larger than limit bytes. *out is NUL-terminated and
 * freed by the caller with free().
 */
int dyd_file_read(const char *path, size_t limit, char **out, size_t *len,
		  dyd_diags *diags);

/* Policies */

typedef struct dyd_policy dyd_policy;

/*
 * Loads and lints a policy document (YAML or JSON). name is used in
 * diagnostics. On failure *out is NULL and diags holds every problem.
 */
int dyd_policy_load(dyd_policy **out, const char *data, size_t len,
		    const char *name, dyd_diags *diags);

/*
 * Checks what loading lets pass but a policy whose every claim carries its
 * source must not: a terms version, opt-out, when_overdue consequence,
 * region, purpose, sharing rule or never entry without a source; an
 * opt-out that does not say whether it is final; a quote longer than a
 * few words; a listed source nobody cites. Each is a warning, or an error
 * when strict. Returns DYD_EINVALID when strict and there was one.
 */
int dyd_policy_lint(const dyd_policy *policy, bool strict, dyd_diags *diags);

/* Loads the default policy compiled into the library. */
int dyd_policy_load_default(dyd_policy **out, dyd_diags *diags);

void dyd_policy_free(dyd_policy *policy);

const char *dyd_policy_id(const dyd_policy *policy);
const char *dyd_policy_name(const dyd_policy *policy); /* file name */
/* Lower-case hex SHA-256 of the policy bytes (64 characters). */
const char *dyd_policy_sha256(const dyd_policy *policy);
/* The policy document exactly as loaded. */
const char *dyd_policy_source(const dyd_policy *policy, size_t *len);
/* The policy document as JSON; the caller frees the string with free(). */
char *dyd_policy_to_json(const dyd_policy *policy);

/* The default policy source, as embedded at build time. */
const char *dyd_default_policy_source(size_t *len);

/* JSON Schemas (draft 2020-12) of what dyd reads and writes: "account",
 * "decision", "manifest", "policy", "report", "results". */
const char *dyd_schema(const char *name, size_t *len);
/* The i-th schema name, or NULL past the last. */
const char *dyd_schema_name(size_t i);

/* Account records */

typedef struct dyd_record dyd_record;

typedef enum {
	DYD_FORMAT_AUTO = 0, /* by file name extension, else by content */
	DYD_FORMAT_JSON,
	DYD_FORMAT_YAML,
} dyd_format;

typedef struct dyd_record_options {
	dyd_format format;
	bool strict;  /* unknown fields are errors instead of warnings */
	bool verbose; /* diagnostics may quote personal values (phones, IPs) */
} dyd_record_options;

#define DYD_RECORD_OPTIONS_INIT                                                \
	{                                                                      \
		DYD_FORMAT_AUTO, false, false                                  \
	}

/*
 * Parses and validates one account record against the record format and
 * the policy (which names the terms versions). Every problem is appended
 * to diags; on any error *out is NULL and DYD_EINVALID is returned.
 * Warnings alone do not make a record invalid.
 */
int dyd_record_load(dyd_record **out, const char *data, size_t len,
		    const char *name, const dyd_policy *policy,
		    const dyd_record_options *options, dyd_diags *diags);

void dyd_record_free(dyd_record *record);

const char *dyd_record_account_id(const dyd_record *record);
/* The record's language tag, or NULL. */
const char *dyd_record_language(const dyd_record *record);
dyd_time dyd_record_registered_at(const dyd_record *record);

/* Decisions */

typedef struct dyd_decision dyd_decision;

/*
 * Works out the opt-out status, the terms statuses and what is shared, as
 * of the instant as_of. A record registered after as_of has nothing to
 * report: DYD_EINVALID with a diagnostic. The decision borrows from the
 * record and the policy: free it first.
 */
int dyd_evaluate(dyd_decision **out, const dyd_record *record,
		 const dyd_policy *policy, dyd_time as_of, dyd_diags *diags);

void dyd_decision_free(dyd_decision *decision);

/* The decision object as JSON text (2-space indented, newline at end). */
char *dyd_decision_to_json(const dyd_decision *decision);

typedef struct dyd_status_options {
	const char *lang; /* "en" or "id"; NULL: the record's, else "en" */
	bool explain;	  /* beside each line, why, its rule and sources */
	bool verbose;	  /* show personal data (full phone, business names) */
	const char *tz;	  /* zone of the times shown, as --tz; NULL: UTC */
	/* One line for a ticket: account, masked phone, the opt-out in
	 * words, what is withheld, the as-of instant (explain is ignored). */
	bool brief;
} dyd_status_options;

#define DYD_STATUS_OPTIONS_INIT                                                \
	{                                                                      \
		NULL, false, false, NULL, false                                \
	}

/*
 * Renders the short plain-language answer for support staff. The caller
 * frees the string with free(). DYD_EUSAGE for a language or zone that is
 * not supported.
 */
int dyd_status_render(char **out, const dyd_decision *decision,
		      const dyd_status_options *options);

/* Whether lang names a language dyd has translations for. */
bool dyd_language_supported(const char *lang);

/* The supported language that best fits a BCP 47 tag ("id-ID" -> "id"),
 * or NULL when none does. */
const char *dyd_language_pick(const char *tag);

/* Bundles: report.html, report.json and manifest.json in one ZIP. */

typedef struct dyd_bundle_options {
	const char *lang;     /* "en" or "id"; NULL: the record's, else "en" */
	const char *tz;	      /* IANA zone for times shown; NULL: "UTC" */
	int level;	      /* deflate level 1..9 */
	const char *password; /* AES-256 encrypt every entry; NULL: none */
	/* Sign manifest.json with this key (see "Signing" below); NULL:
	 * an unsigned bundle. Borrowed; shared read-only by batch workers. */
	const struct dyd_signing_key *sign_key;
} dyd_bundle_options;

#define DYD_BUNDLE_DEFAULT_LEVEL 6
#define DYD_BUNDLE_OPTIONS_INIT                                                \
	{                                                                      \
		NULL, NULL, DYD_BUNDLE_DEFAULT_LEVEL, NULL, NULL               \
	}

/*
 * Builds the bundle for a decision in memory. Without a password the
 * bytes depend only on the record, the policy, the options (the signing
 * key included: Ed25519 is deterministic) and the as-of instant. *out is
 * freed by the caller with free().
 */
int dyd_bundle_build(void **out, size_t *len, const dyd_decision *decision,
		     const dyd_bundle_options *options, dyd_diags *diags);

/*
 * Checks a bundle: the ZIP structure, the entries (exactly those the
 * manifest lists, plus the manifest and manifest.sig), every size and
 * SHA-256, and the structure of report.json. Every problem goes to diags;
 * DYD_EVERIFY when there is one. password may be NULL. Who signed it is
 * not checked: see dyd_bundle_verify_ext().
 */
int dyd_bundle_verify(const void *data, size_t len, const char *password,
		      dyd_diags *diags);

/* Whether this libzip can write AES-256 encrypted entries. */
bool dyd_bundle_encryption_supported(void);

typedef struct dyd_write_options {
	bool force; /* replace an existing file */
	/* Asked just before the file is put in place; returning true
	 * abandons the write (no file is left): for signals. May be NULL. */
	bool (*cancelled)(void *arg);
	void *arg;
} dyd_write_options;

#define DYD_WRITE_OPTIONS_INIT                                                 \
	{                                                                      \
		false, NULL, NULL                                              \
	}

/*
 * Writes data to path atomically: into a temporary file (mode 0600) in the
 * same directory, flushed to disk, then renamed into place, and the
 * directory flushed. An existing file is kept unless options->force. On
 * any failure neither the temporary nor the final file is left behind.
 */
int dyd_output_write(const char *path, const void *data, size_t len,
		     const dyd_write_options *options, dyd_diags *diags);

/* ---- Signing: Ed25519 keys, signed bundles, trusted keys (issue 16) ---- */

/*
 * A bundle may carry manifest.sig, the Ed25519 signature (RFC 8032, 64
 * raw bytes) of the exact bytes of manifest.json, which hash every other
 * entry; the manifest names the key by its fingerprint. Anyone can check
 * one with `openssl pkeyutl -verify -pubin -inkey PUB.pem -rawin -in
 * manifest.json -sigfile manifest.sig`. Keys are PEM files: the private
 * key PKCS#8 ("BEGIN PRIVATE KEY", unencrypted), the public key
 * SubjectPublicKeyInfo ("BEGIN PUBLIC KEY").
 */

/* A key fingerprint: the lower-case hex SHA-256 of the key's DER
 * SubjectPublicKeyInfo (`openssl pkey -pubin -in PUB.pem -outform DER |
 * sha256sum`), 64 digits and a NUL. */
#define DYD_KEY_SHA256_SIZE 65

/*
 * Makes a new Ed25519 key pair: the private key into path (PKCS#8 PEM)
 * and the public key into path + ".pub" (SPKI PEM), both written as
 * dyd_output_write() does (mode 0600, atomic). Neither file is replaced
 * unless options->force; if the public key cannot be written, the
 * private key just written is removed again. fingerprint (may be NULL)
 * receives the new key's. options may be NULL.
 */
int dyd_key_generate(const char *path, const dyd_write_options *options,
		     char fingerprint[DYD_KEY_SHA256_SIZE], dyd_diags *diags);

/* A private key to sign bundles with. Once loaded it is only read, so one
 * key may sign from several threads at once. */
typedef struct dyd_signing_key dyd_signing_key;

/*
 * Reads an Ed25519 private key from a PEM file. An encrypted key, a key
 * of another type (named in the message), a public key, a damaged or
 * oversized file is DYD_EINVALID; an unreadable one DYD_EIO. A file that
 * others than its owner may read gets a warning. No diagnostic holds key
 * material; the file's bytes are wiped from memory once parsed.
 */
int dyd_signing_key_load(dyd_signing_key **out, const char *path,
			 dyd_diags *diags);

/* The key's fingerprint (borrowed). */
const char *dyd_signing_key_fingerprint(const dyd_signing_key *key);

/* Frees the key, wiping it. */
void dyd_signing_key_free(dyd_signing_key *key);

/* A set of trusted public keys to check signatures with. */
typedef struct dyd_trust dyd_trust;

int dyd_trust_new(dyd_trust **out);

/*
 * Adds the Ed25519 public key of a PEM file, or of every *.pem and *.pub
 * file of a directory (not its subdirectories; in name order). A private
 * key, a key of another type, or a damaged file is DYD_EINVALID, and a
 * directory without key files too; nothing of a failed call is added.
 */
int dyd_trust_add(dyd_trust *trust, const char *path, dyd_diags *diags);

/* Adds the public half of a signing key (to check one's own bundles). */
int dyd_trust_add_key(dyd_trust *trust, const dyd_signing_key *key);

/* The number of distinct keys, and the i-th one's fingerprint. */
size_t dyd_trust_count(const dyd_trust *trust);
const char *dyd_trust_fingerprint(const dyd_trust *trust, size_t i);

void dyd_trust_free(dyd_trust *trust);

typedef enum dyd_signature_status {
	DYD_SIGNATURE_UNREAD = 0,  /* the manifest could not be read */
	DYD_SIGNATURE_NONE,	   /* unsigned: no manifest.sig, no key named */
	DYD_SIGNATURE_UNCHECKED,   /* signed; no trusted keys were given */
	DYD_SIGNATURE_VALID,	   /* valid, by a trusted key */
	DYD_SIGNATURE_UNKNOWN_KEY, /* by a key that is not trusted */
	DYD_SIGNATURE_BAD,	   /* not a signature of this manifest.json */
	DYD_SIGNATURE_MISSING,	   /* the manifest names a key, no .sig */
	/* manifest.sig of the wrong length, without a key named, or the
	 * manifest's /signature malformed */
	DYD_SIGNATURE_MALFORMED,
} dyd_signature_status;

/* The status as a word for JSON: "unread", "unsigned", "unchecked",
 * "valid", "unknown_key", "bad", "missing", "malformed" (static). */
const char *dyd_signature_status_name(dyd_signature_status status);

typedef struct dyd_verify_options {
	const char *password; /* of an encrypted bundle; NULL: none */
	/* NULL: check integrity only, and report a signature unchecked.
	 * Else the bundle must be signed by one of these keys. */
	const dyd_trust *trust;
} dyd_verify_options;

#define DYD_VERIFY_OPTIONS_INIT                                                \
	{                                                                      \
		NULL, NULL                                                     \
	}

typedef struct dyd_verify_result {
	dyd_signature_status signature;
	/* The key the manifest names; "" when it names none. */
	char key_sha256[DYD_KEY_SHA256_SIZE];
	/* The ZIP, the entries, sizes, SHA-256s and report.json are sound:
	 * every problem found, if any, is of the signature. */
	bool intact;
} dyd_verify_result;

/*
 * dyd_bundle_verify() with options, filling *result (may be NULL) with
 * what was found of the signature. DYD_EVERIFY when any integrity problem
 * is found, when a signature is damaged (missing, malformed, bad), and
 * with options->trust when the signature is not VALID; each problem is a
 * diagnostic with the entry's name. options may be NULL.
 */
int dyd_bundle_verify_ext(const void *data, size_t len,
			  const dyd_verify_options *options,
			  dyd_verify_result *result, dyd_diags *diags);

/*
 * One verified file as a one-line JSON object: {"file", "valid" (rc is
 * 0), "signature" (dyd_signature_status_name), "key_sha256" (or null),
 * "authentic" (VALID), "intact", "diagnostics"}. Returns a malloc'd
 * string, or NULL when out of memory.
 */
char *dyd_verify_result_json(const char *file, int rc,
			     const dyd_verify_result *result,
			     const dyd_diags *diags);

/* ---- end of signing ---- */

/* Exports: one record in, its bundle out, as dyd export and every record
 * of a batch make it. */

typedef struct dyd_export_options {
	dyd_record_options record;
	dyd_bundle_options bundle;
	dyd_time as_of;
	/* Asked with the account id once the record is evaluated, before
	 * the bundle is built: returning false skips the build. May be
	 * NULL: always build. */
	bool (*wanted)(const char *account_id, void *arg);
	void *arg;
	/* Also give the answer of the decision, as results lines carry it. */
	bool answer;
} dyd_export_options;

#define DYD_EXPORT_OPTIONS_INIT                                                \
	{                                                                      \
		DYD_RECORD_OPTIONS_INIT, DYD_BUNDLE_OPTIONS_INIT, 0, NULL,     \
		    NULL, false                                                \
	}

typedef struct dyd_export_result {
	/* The record's account id, whenever the record loaded (even if it
	 * then failed to evaluate), else NULL. */
	char *account_id;
	void *zip; /* the bundle; NULL on failure or when not wanted */
	size_t zip_len;
	/* With options->answer and a decision: its answer as the members
	 * of a JSON object, without the braces ("optout":{...},
	 * "withheld":{...},"shared":[...],"terms":{...}: see
	 * schemas/results.schema.json). */
	char *answer;
} dyd_export_result;

/*
 * Loads the record in data (name for diagnostics) with dyd_record_load,
 * evaluates it as of options->as_of with dyd_evaluate and builds its
 * bundle with dyd_bundle_build and options->bundle (signed when its
 * sign_key is set; the key is only read, so the workers of a batch share
 * it). Returns 0 with the bundle in out->zip, 0
 * with out->zip NULL when options->wanted declined it, or the error of
 * the step that failed. out is filled in either case; the caller frees
 * it with dyd_export_result_release().
 */
int dyd_export_record(dyd_export_result *out, const char *data, size_t len,
		      const char *name, const dyd_policy *policy,
		      const dyd_export_options *options, dyd_diags *diags);

void dyd_export_result_release(dyd_export_result *result);

/* Batch exports: many records in, one bundle each, a results file. */

typedef struct dyd_batch_progress {
	uint64_t records; /* records finished (ok, failed or skipped) */
	uint64_t ok, failed, skipped;
	uint64_t input_done, input_total; /* bytes (or files); total 0 if
					     unknown */
	double seconds;			  /* since the start */
} dyd_batch_progress;

typedef struct dyd_batch_record {
	const char *status;	/* "ok", "error" or "skipped" */
	const char *where;	/* "file:line", or a file for directories */
	const char *account_id; /* or NULL when not known */
	const char *error;	/* for "error" */
} dyd_batch_record;

typedef struct dyd_batch_options {
	const char *outdir;
	unsigned jobs; /* worker threads; 0: the number of processors */
	bool resume;   /* keep what an earlier run of the same input did */
	unsigned shard_index, shard_count; /* K/N; count 0: no sharding */
	/* NULL: OUTDIR/results.jsonl, or OUTDIR/results-K-of-N.jsonl with
	 * a shard. */
	const char *results;
	dyd_time as_of;
	const dyd_policy *policy;
	dyd_record_options record;
	dyd_bundle_options bundle;
	/* Called on the calling thread, at most a few times a second. */
	void (*progress)(const dyd_batch_progress *p, void *arg);
	/* Called on the calling thread for every record, in input order. */
	void (*on_record)(const dyd_batch_record *r, void *arg);
	/* Polled on the calling thread, a few times a second and wherever
	 * the batch waits (for input too): true stops the batch cleanly,
	 * within a second. */
	bool (*cancelled)(void *arg);
	void *arg;
	/* Write into an OUTDIR that belongs to another user or that others
	 * may write to; refused by default. */
	bool allow_shared_outdir;
} dyd_batch_options;

#define DYD_BATCH_OPTIONS_INIT                                                 \
	{                                                                      \
		NULL, 0, false, 0, 0, NULL, 0, NULL, DYD_RECORD_OPTIONS_INIT,  \
		    DYD_BUNDLE_OPTIONS_INIT, NULL, NULL, NULL, NULL, false     \
	}

/* Which of count shards an account id belongs to: FNV-1a (64-bit) of
 * the id, modulo count. Stable across machines and versions. */
unsigned dyd_shard_of(const char *account_id, unsigned count);

/*
 * Exports every record of the inputs (JSON Lines, plain or gzip; YAML
 * streams; directories of record files; "-" for standard input) into
 * OUTDIR/<account_id>.zip, with one results line per record in input
 * order. The bundles and the results do not depend on jobs. A bad record
 * is a results line and the batch goes on; DYD_EIO when the output itself
 * fails. *summary receives the final counts.
 */
int dyd_batch_run(const char *const *inputs, size_t input_count,
		  const dyd_batch_options *options, dyd_batch_progress *summary,
		  dyd_diags *diags);

/* Looking a record up: the support desk's `dyd status --in`. */

/* An E.164 phone number: '+', 2 to 15 digits, and the NUL. */
#define DYD_PHONE_SIZE 17

/*
 * The E.164 form of a phone number as a person types it: '+', the country
 * code and the number, with any spaces, '-', '.', '/' and brackets (and
 * their Unicode look-alikes: no-break and thin spaces, dashes, the minus
 * sign) left out: "+62 812-3456-7890" is "+6281234567890". 0, or
 * DYD_EINVALID with a diagnostic that says what is wrong without quoting
 * the number.
 */
int dyd_phone_normalize(const char *typed, char out[DYD_PHONE_SIZE],
			dyd_diags *diags);

typedef enum dyd_find_key {
	DYD_FIND_ACCOUNT_ID, /* the record's account_id, exactly */
	DYD_FIND_PHONE,	     /* its phone, compared in E.164 form */
} dyd_find_key;

typedef struct dyd_find_options {
	dyd_find_key key;
	const char *value; /* the account id, or the phone number as typed */
	dyd_record_options record; /* for the record found (format unused) */
} dyd_find_options;

#define DYD_FIND_OPTIONS_INIT                                                  \
	{                                                                      \
		DYD_FIND_ACCOUNT_ID, NULL, DYD_RECORD_OPTIONS_INIT             \
	}

/* How many matches a result names. */
#define DYD_FIND_PLACES 8

typedef struct dyd_find_result {
	uint64_t records; /* records (and unreadable parts) of the inputs */
	size_t matches;	  /* of them, those with the value sought */
	/* The first matches (up to DYD_FIND_PLACES): where each starts
	 * ("file:line", or a file of a directory), and its account id, or
	 * NULL when that is not a valid one. */
	char *where[DYD_FIND_PLACES];
	char *account_id[DYD_FIND_PLACES];
	/* Parts of the inputs that could not be read, and records that hold
	 * the value but cannot be parsed; each is a warning in diags. With
	 * any, the lookup may have missed a match. */
	size_t unreadable;
} dyd_find_result;

/*
 * Looks the record with options->value up in the inputs, which are read
 * as dyd_batch_run() reads them (JSON Lines, plain or gzip; YAML streams;
 * directories; "-"), one record at a time: memory stays that of a record
 * or two whatever their size. A record is parsed only when its bytes can
 * hold the value, which makes a lookup about as fast as reading the
 * inputs. Every input is read to the end, to find a second match.
 *
 * 0 with *out the record (loaded and checked against the policy, as
 * dyd_record_load() does) when exactly one matches and it is valid.
 * DYD_EINVALID when none matches, more than one does (result says where),
 * or the one that does is invalid (its problems are in diags, with the
 * lines of its file). DYD_EUSAGE when the value is not an account id or a
 * phone number; DYD_EIO when an input cannot be opened or read (each
 * input is checked before any is read). result is filled in every case;
 * the caller releases it with dyd_find_result_release() and frees *out
 * with dyd_record_free().
 */
int dyd_record_find(dyd_record **out, dyd_find_result *result,
		    const char *const *inputs, size_t input_count,
		    const dyd_policy *policy, const dyd_find_options *options,
		    dyd_diags *diags);

void dyd_find_result_release(dyd_find_result *result);

#ifdef __cplusplus
}
#endif

#endif
