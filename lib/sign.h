/* SPDX-License-Identifier: MIT */
/* Ed25519 keys and signatures, through libcrypto: key files in, new key
 * pairs (keygen.c writes them), fingerprints, signing, and checking
 * against a set of trusted keys. */
#ifndef DYD_SIGN_H
#define DYD_SIGN_H

#include "dyd.h"

#define SIGN_ALGORITHM "ed25519" /* the manifest's /signature/algorithm */
#define SIGN_SIZE 64		 /* bytes of an Ed25519 signature */
/* Larger than any PEM key file dyd could read (an RSA-8192 key is about
 * 6.5 KB): a bigger file is not a key, and is not read in. */
#define SIGN_KEY_FILE_MAX (16u * 1024u)

/* Parses a private key file's bytes (as dyd_signing_key_load() does,
 * name naming them in diagnostics). */
int sign_key_parse(dyd_signing_key **out, const char *data, size_t len,
		   const char *name, dyd_diags *diags);

/* Parses a public key file's bytes and adds the key to trust. */
int trust_parse(dyd_trust *trust, const char *data, size_t len,
		const char *name, dyd_diags *diags);

/* The Ed25519 signature of data into sig. 0, DYD_ENOMEM, or DYD_EIO with
 * a diagnostic when libcrypto fails otherwise. */
int sign_data(const dyd_signing_key *key, const void *data, size_t len,
	      unsigned char sig[SIGN_SIZE], dyd_diags *diags);

typedef enum {
	SIGN_CHECK_VALID,
	SIGN_CHECK_UNKNOWN_KEY, /* no trusted key has that fingerprint */
	SIGN_CHECK_BAD,
} sign_check_result;

/* Checks sig (SIGN_SIZE bytes) over data against the trusted key whose
 * fingerprint is key_sha256. 0 with *result set, or DYD_ENOMEM. */
int sign_check(const dyd_trust *trust, const char *key_sha256, const void *data,
	       size_t len, const unsigned char *sig, sign_check_result *result);

/* A new Ed25519 key pair, as the two PEM texts of its files: the private
 * key PKCS#8 ("BEGIN PRIVATE KEY", unencrypted) in memory that is wiped
 * when freed, the public key SubjectPublicKeyInfo. file names the key in
 * diagnostics. 0, DYD_ENOMEM, or DYD_EIO when libcrypto fails otherwise. */
typedef struct sign_key_pair sign_key_pair;
int sign_key_pair_new(sign_key_pair **out, const char *file, dyd_diags *diags);
/* The private (secret) or the public key's PEM text (borrowed). */
const char *sign_key_pair_pem(const sign_key_pair *pair, bool secret,
			      size_t *len);
const char *sign_key_pair_fingerprint(const sign_key_pair *pair);
void sign_key_pair_free(sign_key_pair *pair);

/* Whether text is a fingerprint: 64 lower-case hex digits. */
bool sign_is_fingerprint(const char *text);

#endif
