/* SPDX-License-Identifier: MIT */
/* Keys and signatures (lib/sign.c): a generated pair is standard PEM
 * that OpenSSL's own tools read, with the fingerprint they compute; it
 * signs deterministically and its signatures check; every other kind of
 * key file (other types, encrypted, public for private, damaged, cut
 * short, too big) is refused with a message that names the problem and
 * quotes nothing of the key; one key signs from several threads at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sign.h"
#include "test_sign_util.h"

/* The fingerprint as the documented OpenSSL command line computes it. */
static void openssl_fingerprint(const char *pub, bool private_key,
				char out[DYD_KEY_SHA256_SIZE])
{
	char cmd[512], line[128];

	snprintf(cmd, sizeof(cmd),
		 private_key ? "openssl pkey -in '%s' -pubout -outform DER | "
			       "sha256sum"
			     : "openssl pkey -pubin -in '%s' -outform DER | "
			       "sha256sum",
		 pub);
	assert_int_equal(run_command(cmd, line, sizeof(line)), 0);
	line[strcspn(line, " ")] = '\0';
	assert_int_equal(strlen(line), DYD_KEY_SHA256_SIZE - 1);
	memcpy(out, line, DYD_KEY_SHA256_SIZE);
}

/* A key's PEM text: private (PKCS#8, or traditional), maybe encrypted,
 * or public. Freed with free(). */
static char *pem_of(EVP_PKEY *pkey, bool private_key, bool traditional,
		    const EVP_CIPHER *cipher)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *out;
	long n;
	int ok;

	assert_non_null(bio);
	if (!private_key)
		ok = PEM_write_bio_PUBKEY(bio, pkey);
	else if (traditional)
		ok = PEM_write_bio_PrivateKey_traditional(
		    bio, pkey, cipher, (unsigned char *)"secret", 6, NULL,
		    NULL);
	else
		ok = PEM_write_bio_PrivateKey(bio, pkey, cipher,
					      (unsigned char *)"secret", 6,
					      NULL, NULL);
	assert_int_equal(ok, 1);
	n = BIO_get_mem_data(bio, &data);
	out = malloc((size_t)n + 1);
	assert_non_null(out);
	memcpy(out, data, (size_t)n);
	out[n] = '\0';
	BIO_free(bio);
	return out;
}

/* Whether any diagnostic holds a piece of the key file's base64 body:
 * messages may name the file and the problem, never quote the key. */
static void assert_no_key_material(const dyd_diags *diags, const char *pem)
{
	const char *line = strchr(pem, '\n'), *end;
	char piece[17];
	size_t i;

	for (; line && line[1] && line[1] != '-'; line = end) {
		line++;
		end = strchr(line, '\n');
		if (!end || end - line < 16)
			break;
		memcpy(piece, line, 16);
		piece[16] = '\0';
		for (i = 0; i < diags->count; i++)
			assert_null(strstr(diags->items[i].message, piece));
	}
}

static void assert_refused(const char *pem, size_t len, bool private_key,
			   const char *why)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_signing_key *key = NULL;
	dyd_trust *trust;
	int rc;

	assert_int_equal(dyd_trust_new(&trust), 0);
	rc = private_key ? sign_key_parse(&key, pem, len, "k.pem", &diags)
			 : trust_parse(trust, pem, len, "k.pem", &diags);
	assert_int_equal(rc, DYD_EINVALID);
	assert_null(key);
	assert_int_equal(dyd_trust_count(trust), 0);
	if (!message_has(&diags, why))
		fail_msg("no message says '%s'; first: %s", why,
			 diags.count ? diags.items[0].message : "(none)");
	assert_string_equal(diags.items[0].file, "k.pem");
	assert_no_key_material(&diags, pem);
	dyd_trust_free(trust);
	dyd_diags_release(&diags);
}

static EVP_PKEY *ed25519(void)
{
	EVP_PKEY *pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");

	assert_non_null(pkey);
	return pkey;
}

static void test_generated_pair_signs_and_verifies(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	char fp[DYD_KEY_SHA256_SIZE], cli[DYD_KEY_SHA256_SIZE];
	const char *priv = path_in("pair.pem"), *pub = path_in("pair.pem.pub");
	unsigned char sig[SIGN_SIZE];
	dyd_signing_key *key = NULL;
	sign_check_result res;
	dyd_trust *trust;
	struct stat st;

	(void)state;
	assert_int_equal(dyd_key_generate(priv, NULL, fp, &diags), 0);
	assert_true(sign_is_fingerprint(fp));
	/* Both private to the owner, as the output writer makes files. */
	assert_int_equal(stat(priv, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(stat(pub, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* The same fingerprint from dyd and from OpenSSL's tools, for the
	 * public key file and for the private one. */
	openssl_fingerprint(pub, false, cli);
	assert_string_equal(fp, cli);
	openssl_fingerprint(priv, true, cli);
	assert_string_equal(fp, cli);
	assert_int_equal(dyd_signing_key_load(&key, priv, &diags), 0);
	assert_int_equal(diags.count, 0); /* mode 0600: no warning */
	assert_string_equal(dyd_signing_key_fingerprint(key), fp);
	assert_int_equal(dyd_trust_new(&trust), 0);
	assert_int_equal(dyd_trust_add(trust, pub, &diags), 0);
	assert_int_equal(dyd_trust_count(trust), 1);
	assert_string_equal(dyd_trust_fingerprint(trust, 0), fp);
	assert_null(dyd_trust_fingerprint(trust, 1));
	assert_int_equal(sign_data(key, "abc", 3, sig, &diags), 0);
	assert_int_equal(sign_check(trust, fp, "abc", 3, sig, &res), 0);
	assert_int_equal(res, SIGN_CHECK_VALID);
	dyd_trust_free(trust);
	dyd_signing_key_free(key);
	dyd_diags_release(&diags);
}

static void test_generate_never_replaces_without_force(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	char fp1[DYD_KEY_SHA256_SIZE], fp2[DYD_KEY_SHA256_SIZE], fp3[65];
	const char *priv = path_in("keep.pem"), *pub = path_in("keep.pem.pub");
	dyd_write_options force = DYD_WRITE_OPTIONS_INIT;

	(void)state;
	assert_int_equal(dyd_key_generate(priv, NULL, fp1, &diags), 0);
	/* The private key there: refused, nothing changed. */
	assert_int_equal(dyd_key_generate(priv, NULL, fp2, &diags), DYD_EIO);
	assert_true(message_has(&diags, "use --force"));
	openssl_fingerprint(pub, false, fp3);
	assert_string_equal(fp3, fp1);
	openssl_fingerprint(priv, true, fp3);
	assert_string_equal(fp3, fp1);
	/* Only the public key there: refused before the private key is
	 * written. */
	assert_int_equal(unlink(priv), 0);
	dyd_diags_clear(&diags);
	assert_int_equal(dyd_key_generate(priv, NULL, fp2, &diags), DYD_EIO);
	assert_string_equal(diags.items[0].file, pub);
	assert_int_equal(access(priv, F_OK), -1);
	/* --force replaces both, with a new key. */
	force.force = true;
	assert_int_equal(dyd_key_generate(priv, &force, fp2, &diags), 0);
	assert_string_not_equal(fp1, fp2);
	openssl_fingerprint(pub, false, fp3);
	assert_string_equal(fp3, fp2);
	openssl_fingerprint(priv, true, fp3);
	assert_string_equal(fp3, fp2);
	dyd_diags_release(&diags);
}

/* The public key cannot be written (its name is a directory): the
 * private key written just before is taken back. */
static void test_generate_leaves_no_lone_private_key(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_write_options force = DYD_WRITE_OPTIONS_INIT;
	const char *priv = path_in("lone.pem");

	(void)state;
	assert_int_equal(mkdir(path_in("lone.pem.pub"), 0700), 0);
	force.force = true;
	assert_int_not_equal(dyd_key_generate(priv, &force, NULL, &diags), 0);
	assert_int_equal(access(priv, F_OK), -1);
	assert_true(message_has(&diags, "removed again"));
	dyd_diags_release(&diags);
}

/* Keys made by `openssl genpkey` load, with OpenSSL's fingerprint. */
static void test_openssl_made_keys_load(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	char cmd[512], cli[DYD_KEY_SHA256_SIZE], line[64];
	const char *priv = path_in("ossl.pem"), *pub = path_in("ossl.pub");
	dyd_signing_key *key = NULL;
	dyd_trust *trust;

	(void)state;
	snprintf(cmd, sizeof(cmd),
		 "openssl genpkey -algorithm ed25519 -out '%s' && "
		 "openssl pkey -in '%s' -pubout -out '%s' && echo done",
		 priv, priv, pub);
	assert_int_equal(run_command(cmd, line, sizeof(line)), 0);
	assert_string_equal(line, "done");
	assert_int_equal(chmod(priv, 0600), 0);
	openssl_fingerprint(pub, false, cli);
	assert_int_equal(dyd_signing_key_load(&key, priv, &diags), 0);
	assert_string_equal(dyd_signing_key_fingerprint(key), cli);
	assert_int_equal(dyd_trust_new(&trust), 0);
	assert_int_equal(dyd_trust_add(trust, pub, &diags), 0);
	assert_string_equal(dyd_trust_fingerprint(trust, 0), cli);
	dyd_trust_free(trust);
	dyd_signing_key_free(key);
	dyd_diags_release(&diags);
}

static void test_signatures_are_deterministic_and_exact(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	EVP_PKEY *pkey = ed25519();
	char *pem = pem_of(pkey, true, false, NULL);
	unsigned char sig[SIGN_SIZE], again[SIGN_SIZE];
	const char msg[] = "{\"format\": \"dyd.manifest/v1\"}\n";
	dyd_signing_key *key = NULL;
	sign_check_result res;
	dyd_trust *trust;
	char other[sizeof(msg)];
	int bit;

	(void)state;
	assert_int_equal(sign_key_parse(&key, pem, strlen(pem), "k", &diags),
			 0);
	assert_int_equal(dyd_trust_new(&trust), 0);
	assert_int_equal(dyd_trust_add_key(trust, key), 0);
	assert_int_equal(sign_data(key, msg, sizeof(msg) - 1, sig, &diags), 0);
	assert_int_equal(sign_data(key, msg, sizeof(msg) - 1, again, &diags),
			 0);
	assert_memory_equal(sig, again, SIGN_SIZE);
	assert_int_equal(sign_check(trust, dyd_signing_key_fingerprint(key),
				    msg, sizeof(msg) - 1, sig, &res),
			 0);
	assert_int_equal(res, SIGN_CHECK_VALID);
	/* Every one-bit change of the signature, and of the message, is
	 * caught. */
	for (bit = 0; bit < SIGN_SIZE * 8; bit++) {
		memcpy(again, sig, SIGN_SIZE);
		again[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		assert_int_equal(sign_check(trust,
					    dyd_signing_key_fingerprint(key),
					    msg, sizeof(msg) - 1, again, &res),
				 0);
		assert_int_equal(res, SIGN_CHECK_BAD);
	}
	for (bit = 0; bit < (int)(sizeof(msg) - 1) * 8; bit++) {
		memcpy(other, msg, sizeof(msg));
		other[bit / 8] ^= (char)(1u << (bit % 8));
		assert_int_equal(sign_check(trust,
					    dyd_signing_key_fingerprint(key),
					    other, sizeof(msg) - 1, sig, &res),
				 0);
		assert_int_equal(res, SIGN_CHECK_BAD);
	}
	/* A key the set does not hold. */
	assert_int_equal(sign_check(trust,
				    "00000000000000000000000000000000"
				    "00000000000000000000000000000000",
				    msg, sizeof(msg) - 1, sig, &res),
			 0);
	assert_int_equal(res, SIGN_CHECK_UNKNOWN_KEY);
	dyd_trust_free(trust);
	dyd_signing_key_free(key);
	EVP_PKEY_free(pkey);
	free(pem);
	dyd_diags_release(&diags);
}

/* Every other key type, private or public, PKCS#8 or legacy: refused,
 * naming the type found. */
static void test_other_key_types_are_refused_by_name(void **state)
{
	struct {
		EVP_PKEY *pkey;
		const char *type;
	} keys[] = {
	    {EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024), "RSA"},
	    {EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"), "EC"},
	    {EVP_PKEY_Q_keygen(NULL, NULL, "ED448"), "ED448"},
	    {EVP_PKEY_Q_keygen(NULL, NULL, "X25519"), "X25519"},
	};
	char why[64], *pem;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		assert_non_null(keys[i].pkey);
		snprintf(why, sizeof(why), "type %s:", keys[i].type);
		pem = pem_of(keys[i].pkey, true, false, NULL);
		assert_refused(pem, strlen(pem), true, why);
		free(pem);
		pem = pem_of(keys[i].pkey, false, false, NULL);
		assert_refused(pem, strlen(pem), false, why);
		free(pem);
		EVP_PKEY_free(keys[i].pkey);
	}
	keys[0].pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	pem = pem_of(keys[0].pkey, true, true, NULL);
	assert_refused(pem, strlen(pem), true, "'RSA PRIVATE KEY' block");
	free(pem);
	EVP_PKEY_free(keys[0].pkey);
}

/* An encrypted key is refused, never prompted for: PKCS#8 encrypted, and
 * the legacy PEM encryption (Proc-Type: 4,ENCRYPTED). */
static void test_encrypted_keys_are_refused(void **state)
{
	EVP_PKEY *ed = ed25519(),
		 *rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	char *pem;

	(void)state;
	assert_non_null(rsa);
	pem = pem_of(ed, true, false, EVP_aes_256_cbc());
	assert_non_null(strstr(pem, "BEGIN ENCRYPTED PRIVATE KEY"));
	assert_refused(pem, strlen(pem), true, "is encrypted");
	free(pem);
	pem = pem_of(rsa, true, true, EVP_aes_128_cbc());
	assert_non_null(strstr(pem, "Proc-Type: 4,ENCRYPTED"));
	assert_refused(pem, strlen(pem), true, "is encrypted");
	free(pem);
	EVP_PKEY_free(ed);
	EVP_PKEY_free(rsa);
}

/* Every prefix of a key file is refused, or is the whole key (a file
 * without its last newline still is). */
static void test_cut_short_files_never_give_another_key(void **state)
{
	EVP_PKEY *pkey = ed25519();
	char *priv = pem_of(pkey, true, false, NULL),
	     *pub = pem_of(pkey, false, false, NULL);
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_signing_key *key = NULL, *whole = NULL;
	dyd_trust *trust;
	size_t n, ok = 0;
	int rc;

	(void)state;
	assert_int_equal(
	    sign_key_parse(&whole, priv, strlen(priv), "k", &diags), 0);
	for (n = 0; n < strlen(priv); n++) {
		rc = sign_key_parse(&key, priv, n, "k", &diags);
		if (rc == 0) {
			assert_string_equal(dyd_signing_key_fingerprint(key),
					    dyd_signing_key_fingerprint(whole));
			ok++;
		} else {
			assert_int_equal(rc, DYD_EINVALID);
			assert_null(key);
		}
		dyd_signing_key_free(key);
		key = NULL;
	}
	/* Only the last line's newline may go. */
	assert_true(ok <= 1);
	for (n = 0; n < strlen(pub); n++) {
		assert_int_equal(dyd_trust_new(&trust), 0);
		rc = trust_parse(trust, pub, n, "k", &diags);
		assert_true(rc == DYD_EINVALID ||
			    (rc == 0 && n + 1 == strlen(pub)));
		dyd_trust_free(trust);
	}
	assert_no_key_material(&diags, priv);
	dyd_signing_key_free(whole);
	EVP_PKEY_free(pkey);
	free(priv);
	free(pub);
	dyd_diags_release(&diags);
}

static char *twice(const char *text)
{
	size_t n = strlen(text);
	char *out = malloc(2 * n + 1);

	assert_non_null(out);
	memcpy(out, text, n);
	memcpy(out + n, text, n + 1);
	return out;
}

/* A PEM block made of a label and DER bytes. */
static char *pem_block(const char *label, const unsigned char *der, long len)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *out;
	long n;

	assert_true(PEM_write_bio(bio, label, "", der, len) > 0);
	n = BIO_get_mem_data(bio, &data);
	out = strndup(data, (size_t)n);
	BIO_free(bio);
	return out;
}

static void test_damaged_files_are_refused_with_a_reason(void **state)
{
	EVP_PKEY *pkey = ed25519();
	char *priv = pem_of(pkey, true, false, NULL),
	     *pub = pem_of(pkey, false, false, NULL), *text, *two;
	unsigned char *der = NULL, *grown;
	int n;

	(void)state;
	assert_refused("", 0, true, "holds no PEM block");
	assert_refused("hello\n", 6, false, "holds no PEM block");
	/* Base64 that is not. */
	text = strdup(priv);
	memcpy(strchr(text, '\n') + 1, "!!!!", 4);
	assert_refused(text, strlen(text), true, "damaged");
	free(text);
	/* The END line gone. */
	text = strdup(priv);
	*strstr(text, "-----END") = '\0';
	assert_refused(text, strlen(text), true, "damaged");
	free(text);
	/* Two keys in one file. */
	two = twice(priv);
	assert_refused(two, strlen(two), true, "more than one PEM block");
	free(two);
	two = twice(pub);
	assert_refused(two, strlen(two), false, "more than one PEM block");
	free(two);
	/* DER with a byte more after the key, and DER cut short. */
	n = i2d_PrivateKey(pkey, &der);
	assert_true(n > 0);
	grown = malloc((size_t)n + 1);
	memcpy(grown, der, (size_t)n);
	grown[n] = 0;
	text = pem_block("PRIVATE KEY", grown, n + 1);
	assert_refused(text, strlen(text), true, "damaged");
	free(text);
	text = pem_block("PRIVATE KEY", grown, n - 1);
	assert_refused(text, strlen(text), true, "damaged");
	free(text);
	free(grown);
	OPENSSL_free(der);
	der = NULL;
	n = i2d_PUBKEY(pkey, &der);
	text = pem_block("PUBLIC KEY", der, n - 1);
	assert_refused(text, strlen(text), false, "damaged");
	free(text);
	OPENSSL_free(der);
	EVP_PKEY_free(pkey);
	free(priv);
	free(pub);
}

/* The right file in the wrong place. */
static void test_wrong_kinds_of_file_are_named(void **state)
{
	EVP_PKEY *pkey = ed25519();
	char *priv = pem_of(pkey, true, false, NULL),
	     *pub = pem_of(pkey, false, false, NULL), *text;
	static const unsigned char der[] = {0x30, 0x00};

	(void)state;
	assert_refused(pub, strlen(pub), true, "holds a public key");
	assert_refused(priv, strlen(priv), false, "holds a private key");
	text = pem_block("CERTIFICATE", der, sizeof(der));
	assert_refused(text, strlen(text), true,
		       "'CERTIFICATE' PEM block, not a private key");
	assert_refused(text, strlen(text), false,
		       "'CERTIFICATE' PEM block, not a public key");
	free(text);
	text = pem_block("OPENSSH PRIVATE KEY", der, sizeof(der));
	assert_refused(text, strlen(text), true, "OpenSSH key file");
	free(text);
	EVP_PKEY_free(pkey);
	free(priv);
	free(pub);
}

static void test_key_files_are_read_with_care(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	EVP_PKEY *pkey = ed25519();
	char *priv = pem_of(pkey, true, false, NULL), *big;
	dyd_signing_key *key = NULL;

	(void)state;
	/* Readable by its group: loaded, with a warning to fix it. */
	write_file(path_in("open.pem"), priv, strlen(priv), 0640);
	assert_int_equal(
	    dyd_signing_key_load(&key, path_in("open.pem"), &diags), 0);
	assert_int_equal(diags.count, 1);
	assert_int_equal(diags.items[0].severity, DYD_WARNING);
	assert_non_null(strstr(diags.items[0].message, "chmod 600"));
	dyd_signing_key_free(key);
	dyd_diags_clear(&diags);
	/* Missing, a directory, too big: refused before parsing. */
	assert_int_equal(
	    dyd_signing_key_load(&key, path_in("none.pem"), &diags), DYD_EIO);
	assert_true(message_has(&diags, "cannot open"));
	assert_int_equal(dyd_signing_key_load(&key, scratch_dir(), &diags),
			 DYD_EINVALID);
	assert_true(message_has(&diags, "is a directory"));
	big = malloc(SIGN_KEY_FILE_MAX + 1);
	memset(big, '\n', SIGN_KEY_FILE_MAX + 1);
	memcpy(big, priv, strlen(priv));
	write_file(path_in("big.pem"), big, SIGN_KEY_FILE_MAX + 1, 0600);
	assert_int_equal(dyd_signing_key_load(&key, path_in("big.pem"), &diags),
			 DYD_EINVALID);
	assert_true(message_has(&diags, "larger than any key file"));
	/* Through a pipe, where the size is not known beforehand. */
	{
		int fds[2];
		char name[32];
		assert_int_equal(pipe(fds), 0);
		assert_int_equal(write(fds[1], priv, strlen(priv)),
				 (ssize_t)strlen(priv));
		close(fds[1]);
		snprintf(name, sizeof(name), "/dev/fd/%d", fds[0]);
		assert_int_equal(dyd_signing_key_load(&key, name, &diags), 0);
		close(fds[0]);
		dyd_signing_key_free(key);
		key = NULL;
	}
	/* At the limit exactly: read, and one key. */
	write_file(path_in("big.pem"), big, SIGN_KEY_FILE_MAX, 0600);
	assert_int_equal(dyd_signing_key_load(&key, path_in("big.pem"), &diags),
			 0);
	assert_no_key_material(&diags, priv);
	dyd_signing_key_free(key);
	free(big);
	EVP_PKEY_free(pkey);
	free(priv);
	dyd_diags_release(&diags);
}

static void test_trust_directories(void **state)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	EVP_PKEY *a = ed25519(), *b = ed25519();
	char *pa = pem_of(a, false, false, NULL),
	     *pb = pem_of(b, false, false, NULL),
	     *priv = pem_of(a, true, false, NULL);
	dyd_trust *trust;

	(void)state;
	assert_int_equal(mkdir(path_in("keys"), 0700), 0);
	assert_int_equal(mkdir(path_in("keys/sub.pem"), 0700), 0);
	write_file(path_in("keys/a.pem"), pa, strlen(pa), 0644);
	write_file(path_in("keys/b.pub"), pb, strlen(pb), 0644);
	write_file(path_in("keys/again.pem"), pa, strlen(pa), 0644);
	/* Not key files by name: not read (they would be refused). */
	write_file(path_in("keys/notes.txt"), "x", 1, 0644);
	write_file(path_in("keys/.old.pem"), "x", 1, 0644);
	write_file(path_in("keys/sub.pem/c.pem"), "x", 1, 0644);
	assert_int_equal(dyd_trust_new(&trust), 0);
	assert_int_equal(dyd_trust_add(trust, path_in("keys"), &diags), 0);
	assert_int_equal(diags.count, 0);
	/* a.pem and again.pem are one key. */
	assert_int_equal(dyd_trust_count(trust), 2);
	/* A directory with one bad file adds nothing, and names it. */
	write_file(path_in("keys/zz.pem"), priv, strlen(priv), 0600);
	assert_int_equal(dyd_trust_add(trust, path_in("keys"), &diags),
			 DYD_EINVALID);
	assert_int_equal(dyd_trust_count(trust), 2);
	assert_string_equal(diags.items[0].file, path_in("keys/zz.pem"));
	assert_no_key_material(&diags, priv);
	dyd_trust_free(trust);
	/* One file, then the other: the same set. */
	assert_int_equal(dyd_trust_new(&trust), 0);
	assert_int_equal(dyd_trust_add(trust, path_in("keys/zz.pem"), &diags),
			 DYD_EINVALID);
	assert_int_equal(dyd_trust_count(trust), 0);
	assert_int_equal(dyd_trust_add(trust, path_in("keys/b.pub"), &diags),
			 0);
	assert_int_equal(dyd_trust_add(trust, path_in("keys/a.pem"), &diags),
			 0);
	assert_int_equal(dyd_trust_count(trust), 2);
	dyd_trust_free(trust);
	/* No key files at all. */
	dyd_diags_clear(&diags);
	assert_int_equal(dyd_trust_new(&trust), 0);
	assert_int_equal(mkdir(path_in("empty"), 0700), 0);
	assert_int_equal(dyd_trust_add(trust, path_in("empty"), &diags),
			 DYD_EINVALID);
	assert_true(message_has(&diags, "holds no key files"));
	dyd_trust_free(trust);
	EVP_PKEY_free(a);
	EVP_PKEY_free(b);
	free(pa);
	free(pb);
	free(priv);
	dyd_diags_release(&diags);
}

#define THREADS 4
#define ROUNDS 200

struct signer {
	const dyd_signing_key *key;
	unsigned char sigs[ROUNDS][SIGN_SIZE];
	int failures;
};

static void *sign_many(void *arg)
{
	struct signer *s = arg;
	char msg[32];
	int i;

	for (i = 0; i < ROUNDS; i++) {
		snprintf(msg, sizeof(msg), "message %d", i);
		if (sign_data(s->key, msg, strlen(msg), s->sigs[i], NULL))
			s->failures++;
	}
	return NULL;
}

/* One key, shared by threads that sign at once (as batch workers do):
 * every signature is the one a lone thread makes. */
static void test_threads_share_one_key(void **state)
{
	EVP_PKEY *pkey = ed25519();
	char *pem = pem_of(pkey, true, false, NULL);
	static struct signer alone, s[THREADS];
	dyd_signing_key *key = NULL;
	pthread_t t[THREADS];
	int i;

	(void)state;
	assert_int_equal(sign_key_parse(&key, pem, strlen(pem), "k", NULL), 0);
	alone.key = key;
	sign_many(&alone);
	assert_int_equal(alone.failures, 0);
	for (i = 0; i < THREADS; i++) {
		s[i].key = key;
		assert_int_equal(pthread_create(&t[i], NULL, sign_many, &s[i]),
				 0);
	}
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(s[i].failures, 0);
		assert_memory_equal(s[i].sigs, alone.sigs, sizeof(alone.sigs));
	}
	dyd_signing_key_free(key);
	EVP_PKEY_free(pkey);
	free(pem);
}

static int setup(void **state)
{
	(void)state;
	return scratch_make("dyd-test-sign");
}

static int teardown(void **state)
{
	(void)state;
	return scratch_remove();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_generated_pair_signs_and_verifies),
	    cmocka_unit_test(test_generate_never_replaces_without_force),
	    cmocka_unit_test(test_generate_leaves_no_lone_private_key),
	    cmocka_unit_test(test_openssl_made_keys_load),
	    cmocka_unit_test(test_signatures_are_deterministic_and_exact),
	    cmocka_unit_test(test_other_key_types_are_refused_by_name),
	    cmocka_unit_test(test_encrypted_keys_are_refused),
	    cmocka_unit_test(test_cut_short_files_never_give_another_key),
	    cmocka_unit_test(test_damaged_files_are_refused_with_a_reason),
	    cmocka_unit_test(test_wrong_kinds_of_file_are_named),
	    cmocka_unit_test(test_key_files_are_read_with_care),
	    cmocka_unit_test(test_trust_directories),
	    cmocka_unit_test(test_threads_share_one_key),
	};

	return cmocka_run_group_tests_name("sign", tests, setup, teardown);
}
