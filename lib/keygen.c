/* SPDX-License-Identifier: MIT */
/* dyd_key_generate: a new key pair (sign.c) written as two files through
 * the writer, both or neither. */
#include "output.h"
#include "diag.h"
#include "sign.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int dyd_key_generate(const char *path, const dyd_write_options *options,
		     char fingerprint[DYD_KEY_SHA256_SIZE], dyd_diags *diags)
{
	dyd_write_options defaults = DYD_WRITE_OPTIONS_INIT;
	sign_key_pair *kp = NULL;
	const char *pem;
	char *pubpath;
	struct stat st;
	size_t n;
	int rc;

	if (!options)
		options = &defaults;
	/* Through libcrypto's allocator, as sign.c's own: a test fails
	 * them all with CRYPTO_set_mem_functions. */
	pubpath = OPENSSL_malloc(strlen(path) + 5);
	if (!pubpath)
		return DYD_ENOMEM;
	sprintf(pubpath, "%s.pub", path);
	/* dyd_output_write() checks each file; both are checked first so
	 * that neither is written when the second would be refused. */
	if (!options->force && stat(pubpath, &st) == 0) {
		diag_add(diags, DYD_ERROR, pubpath, 0, 0, NULL,
			 "already exists; use --force to replace it");
		rc = DYD_EIO;
		goto out;
	}
	rc = sign_key_pair_new(&kp, path, diags);
	if (rc)
		goto out;
	pem = sign_key_pair_pem(kp, true, &n);
	rc = dyd_output_write(path, pem, n, options, diags);
	if (rc)
		goto out;
	pem = sign_key_pair_pem(kp, false, &n);
	rc = dyd_output_write(pubpath, pem, n, options, diags);
	if (rc) {
		/* A private key without its public key serves nothing and
		 * is one more secret to keep. */
		output_remove(AT_FDCWD, path);
		diag_add(diags, DYD_ERROR, path, 0, 0, NULL,
			 "removed again: its public key could not be written");
		goto out;
	}
	if (fingerprint)
		memcpy(fingerprint, sign_key_pair_fingerprint(kp),
		       DYD_KEY_SHA256_SIZE);
out:
	sign_key_pair_free(kp);
	OPENSSL_free(pubpath);
	return rc;
}
