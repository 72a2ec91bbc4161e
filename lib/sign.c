/* SPDX-License-Identifier: MIT */
/* Ed25519 keys and signatures through libcrypto, for signed bundles.
 *
 * Secrets: a key file is read into anonymous pages kept out of core dumps
 * (and, where RLIMIT_MEMLOCK allows, out of swap), and wiped once parsed;
 * PEM decoding asks libcrypto for its secure heap and the key's own bytes
 * live where libcrypto keeps them (wiped when freed). Diagnostics say
 * what is wrong with a key file, never what is in it. This module's own
 * allocations go through libcrypto's allocator, so that a test can fail
 * them with the libcrypto ones (CRYPTO_set_mem_functions). */
#include "sign.h"
#include "diag.h"
#include "digest.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct dyd_signing_key {
	EVP_PKEY *pkey;
	char fingerprint[DYD_KEY_SHA256_SIZE];
};

struct trusted {
	EVP_PKEY *pkey; /* the public key only */
	char fingerprint[DYD_KEY_SHA256_SIZE];
};

struct dyd_trust {
	struct trusted *keys;
	size_t count, capacity;
};

#define MAKE_ONE "make one with 'dyd key generate'"

/* Empties the thread's libcrypto error queue, telling whether any of its
 * errors was an allocation failure; *last gets the last error. */
static bool crypto_drain(unsigned long *last)
{
	unsigned long e;
	bool oom = false;

	*last = 0;
	while ((e = ERR_get_error()) != 0) {
		if (ERR_GET_REASON(e) == ERR_R_MALLOC_FAILURE)
			oom = true;
		*last = e;
	}
	return oom;
}

static const char *crypto_reason(unsigned long e)
{
	const char *r = e ? ERR_reason_error_string(e) : NULL;

	return r ? r : "no reason given";
}

/* After a libcrypto call failed: DYD_ENOMEM when it ran out of memory (or
 * could not even record why), else DYD_EIO with what it said. */
static int crypto_failure(dyd_diags *diags, const char *file, const char *what)
{
	unsigned long last;

	if (crypto_drain(&last) || !last)
		return DYD_ENOMEM;
	diag_add(diags, DYD_ERROR, file, 0, 0, NULL, "%s: %s", what,
		 crypto_reason(last));
	return DYD_EIO;
}

bool sign_is_fingerprint(const char *text)
{
	size_t i;

	for (i = 0; i < DYD_KEY_SHA256_SIZE - 1; i++)
		if (!((text[i] >= '0' && text[i] <= '9') ||
		      (text[i] >= 'a' && text[i] <= 'f')))
			return false;
	return text[i] == '\0';
}

/* SHA-256 of the key's DER SubjectPublicKeyInfo: what `openssl pkey
 * -pubin -outform DER | sha256sum` prints, and the same for a private
 * key and its public half. */
static int fingerprint_of(EVP_PKEY *pkey, char out[DYD_KEY_SHA256_SIZE])
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(pkey, &der), rc = 0;

	if (n <= 0) {
		ERR_clear_error();
		return DYD_ENOMEM;
	}
	if (sha256_hex(der, (size_t)n, out))
		rc = DYD_ENOMEM;
	OPENSSL_free(der);
	return rc;
}

/* A key file's bytes, in pages of their own. */
struct secret {
	char *data;
	size_t len, size;
};

static int secret_alloc(struct secret *s, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return DYD_ENOMEM;
	/* Both best effort: the key is as safe as the process without. */
	(void)madvise(p, size, MADV_DONTDUMP);
	(void)mlock(p, size);
	s->data = p;
	s->size = size;
	s->len = 0;
	return 0;
}

static void secret_free(struct secret *s)
{
	if (!s->data)
		return;
	OPENSSL_cleanse(s->data, s->size);
	munlock(s->data, s->size);
	munmap(s->data, s->size);
	s->data = NULL;
}

/* Reads a key file into s; *mode gets its permissions (0 if not a
 * regular file). */
static int read_key_file(const char *path, struct secret *s, mode_t *mode,
			 dyd_diags *diags)
{
	struct stat st;
	ssize_t n;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		diag_add(diags, DYD_ERROR, path, 0, 0, NULL, "cannot open: %s",
			 strerror(errno));
		return DYD_EIO;
	}
	rc = DYD_EINVALID;
	if (fstat(fd, &st) != 0) {
		diag_add(diags, DYD_ERROR, path, 0, 0, NULL, "cannot read: %s",
			 strerror(errno));
		rc = DYD_EIO;
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		diag_add(diags, DYD_ERROR, path, 0, 0, NULL,
			 "is a directory, not a key file");
		goto out;
	}
	if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > SIGN_KEY_FILE_MAX) {
		diag_add(diags, DYD_ERROR, path, 0, 0, NULL,
			 "file of %jd bytes is larger than any key file (%u "
			 "bytes at most)",
			 (intmax_t)st.st_size, SIGN_KEY_FILE_MAX);
		goto out;
	}
	*mode = S_ISREG(st.st_mode) ? st.st_mode & 07777 : 0;
	rc = secret_alloc(s, SIGN_KEY_FILE_MAX + 1);
	while (!rc && s->len < s->size) {
		n = read(fd, s->data + s->len, s->size - s->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			diag_add(diags, DYD_ERROR, path, 0, 0, NULL,
				 "read failed: %s", strerror(errno));
			rc = DYD_EIO;
		}
		if (n <= 0)
			break;
		s->len += (size_t)n;
	}
	if (!rc && s->len > SIGN_KEY_FILE_MAX) {
		diag_add(diags, DYD_ERROR, path, 0, 0, NULL,
			 "is larger than any key file (%u bytes at most)",
			 SIGN_KEY_FILE_MAX);
		rc = DYD_EINVALID;
	}
out:
	close(fd);
	return rc;
}

/* One PEM block: its label ("PRIVATE KEY"), headers, and DER bytes. */
struct pem {
	char *name, *header;
	unsigned char *der;
	long len;
};

static void pem_release(struct pem *pem)
{
	OPENSSL_secure_free(pem->name);
	OPENSSL_secure_free(pem->header);
	if (pem->der)
		OPENSSL_secure_clear_free(pem->der, (size_t)pem->len);
	memset(pem, 0, sizeof(*pem));
}

static bool pem_next(BIO *bio, struct pem *pem)
{
	/* PEM_FLAG_SECURE: the lines and the DER go to libcrypto's secure
	 * heap (its ordinary one, wiped on free, unless the program set a
	 * secure heap up). */
	return PEM_read_bio_ex(bio, &pem->name, &pem->header, &pem->der,
			       &pem->len,
			       PEM_FLAG_SECURE | PEM_FLAG_EAY_COMPATIBLE) == 1;
}

/* The one PEM block of a key file; want is the label expected, for the
 * message when there is none. */
static int pem_read_one(const char *data, size_t len, const char *file,
			const char *want, struct pem *pem, dyd_diags *diags)
{
	struct pem extra = {0};
	unsigned long last;
	BIO *bio;
	int rc = 0;

	memset(pem, 0, sizeof(*pem));
	bio = BIO_new_mem_buf(data, (int)len);
	if (!bio) {
		ERR_clear_error();
		return DYD_ENOMEM;
	}
	if (!pem_next(bio, pem)) {
		pem_release(pem);
		if (crypto_drain(&last))
			rc = DYD_ENOMEM;
		else if (ERR_GET_LIB(last) == ERR_LIB_PEM &&
			 ERR_GET_REASON(last) == PEM_R_NO_START_LINE)
			diag_add(diags, DYD_ERROR, file, 0, 0, NULL,
				 "holds no PEM block: a key file has a "
				 "'-----BEGIN %s-----' line",
				 want);
		else
			diag_add(diags, DYD_ERROR, file, 0, 0, NULL,
				 "the PEM block is damaged (%s): is the file "
				 "cut short or edited?",
				 crypto_reason(last));
		rc = rc ? rc : DYD_EINVALID;
		goto out;
	}
	if (pem_next(bio, &extra))
		rc = DYD_EINVALID;
	else if (crypto_drain(&last))
		rc = DYD_ENOMEM;
	else if (ERR_GET_LIB(last) != ERR_LIB_PEM ||
		 ERR_GET_REASON(last) != PEM_R_NO_START_LINE)
		rc = DYD_EINVALID; /* the start of a damaged second block */
	pem_release(&extra);
	if (rc == DYD_EINVALID)
		/* Which of two keys was meant would be a guess. */
		diag_add(diags, DYD_ERROR, file, 0, 0, NULL,
			 "holds more than one PEM block: keep one key in each "
			 "file");
	if (rc)
		pem_release(pem);
	ERR_clear_error();
out:
	BIO_free(bio);
	return rc;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Which key a parsed key is, for a message: "RSA", "EC", "ED448". */
static const char *type_name(const EVP_PKEY *pkey)
{
	const char *name = EVP_PKEY_get0_type_name(pkey);

	return name ? name : "unknown";
}

/* Why a PEM block is, for certain, not a key dyd can sign with; NULL
 * when that depends on what the block holds. */
static const char *not_private_key(const struct pem *pem)
{
	if (strcmp(pem->name, "ENCRYPTED PRIVATE KEY") == 0 ||
	    (pem->header && strstr(pem->header, "ENCRYPTED")))
		return "is encrypted with a passphrase, which dyd cannot ask "
		       "for: keep the key unencrypted in a file only its "
		       "owner can read (chmod 600), decrypting it with "
		       "'openssl pkey -in FILE -out NEWFILE'";
	if (strcmp(pem->name, "PUBLIC KEY") == 0)
		return "holds a public key: signing needs the private key (the "
		       "file without '.pub')";
	if (strcmp(pem->name, "OPENSSH PRIVATE KEY") == 0)
		return "is an OpenSSH key file: dyd reads PKCS#8 PEM keys "
		       "('-----BEGIN PRIVATE KEY-----'); " MAKE_ONE;
	return NULL;
}

static int private_from_pem(const struct pem *pem, const char *file,
			    EVP_PKEY **out, dyd_diags *diags)
{
	char label[DIAG_QUOTE_MAX + 8];
	const unsigned char *p = pem->der;
	PKCS8_PRIV_KEY_INFO *p8;
	const char *why;
	unsigned long last;
	bool whole;

	*out = NULL;
	diag_quote(label, sizeof(label), pem->name, strlen(pem->name));
	why = not_private_key(pem);
	if (why) {
		diag_add(diags, DYD_ERROR, file, 0, 0, NULL, "%s", why);
		return DYD_EINVALID;
	}
	if (strcmp(pem->name, "PRIVATE KEY") != 0) {
		if (ends_with(pem->name, " PRIVATE KEY"))
			diag_add(diags, DYD_ERROR, file, 0, 0, NULL,
				 "holds a '%s' block, a key of another type "
				 "than Ed25519 in a legacy format: dyd signs "
				 "with Ed25519 keys; " MAKE_ONE,
				 label);
		else
			diag_add(diags, DYD_ERROR, file, 0, 0, NULL,
				 "holds a '%s' PEM block, not a private key",
				 label);
		return DYD_EINVALID;
	}
	p8 = d2i_PKCS8_PRIV_KEY_INFO(NULL, &p, pem->len);
	whole = p8 && p == pem->der + pem->len;
	if (whole)
		*out = EVP_PKCS82PKEY(p8);
	PKCS8_PRIV_KEY_INFO_free(p8);
	if (!*out) {
		if (crypto_drain(&last))
			return DYD_ENOMEM;
		diag_add(diags, DYD_ERROR, file, 0, 0, NULL,
			 "the private key in the PEM block is damaged%s",
			 whole ? " or of a type libcrypto does not know" : "");
		return DYD_EINVALID;
	}
	if (!EVP_PKEY_is_a(*out, "ED25519")) {
		diag_add(diags, DYD_ERROR, file, 0, 0, NULL,
			 "is a private key of type %s: dyd signs with Ed25519 "
			 "keys only; " MAKE_ONE,
			 type_name(*out));
		EVP_PKEY_free(*out);
		*out = NULL;
		return DYD_EINVALID;
	}
	return 0;
}

int sign_key_parse(dyd_signing_key **out, const char *data, size_t len,
		   const char *name, dyd_diags *diags)
{
	dyd_signing_key *key = NULL;
	struct pem pem;
	EVP_PKEY *pkey = NULL;
	int rc;

	*out = NULL;
	rc = pem_read_one(data, len, name, "PRIVATE KEY", &pem, diags);
	if (!rc)
		rc = private_from_pem(&pem, name, &pkey, diags);
	pem_release(&pem);
	if (!rc && !(key = OPENSSL_zalloc(sizeof(*key))))
		rc = DYD_ENOMEM;
	if (!rc) {
		key->pkey = pkey;
		pkey = NULL;
		rc = fingerprint_of(key->pkey, key->fingerprint);
	}
	if (rc) {
		dyd_signing_key_free(key);
		key = NULL;
	}
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	*out = key;
	return rc;
}

int dyd_signing_key_load(dyd_signing_key **out, const char *path,
			 dyd_diags *diags)
{
	struct secret s = {0};
	mode_t mode = 0;
	int rc;

	*out = NULL;
	rc = read_key_file(path, &s, &mode, diags);
	if (!rc)
		rc = sign_key_parse(out, s.data, s.len, path, diags);
	secret_free(&s);
	if (!rc && (mode & 077))
		diag_add(diags, DYD_WARNING, path, 0, 0, NULL,
			 "others than its owner may read this private key "
			 "(mode %04o): chmod 600 '%s'",
			 (unsigned)mode, path);
	return rc;
}

const char *dyd_signing_key_fingerprint(const dyd_signing_key *key)
{
	return key->fingerprint;
}

void dyd_signing_key_free(dyd_signing_key *key)
{
	if (!key)
		return;
	EVP_PKEY_free(key->pkey); /* wipes the key's bytes */
	OPENSSL_free(key);
}

/* Public keys */

static const struct trusted *trust_find(const dyd_trust *trust,
					const char *fingerprint)
{
	size_t i;

	for (i = 0; i < trust->count; i++)
		if (strcmp(trust->keys[i].fingerprint, fingerprint) == 0)
			return &trust->keys[i];
	return NULL;
}

/* Takes pkey (a public key) into the set; a key already there is not
 * added twice. */
static int trust_push(dyd_trust *trust, EVP_PKEY *pkey,
		      const char fingerprint[DYD_KEY_SHA256_SIZE])
{
	struct trusted *keys;

	if (trust_find(trust, fingerprint)) {
		EVP_PKEY_free(pkey);
		return 0;
	}
	if (trust->count == trust->capacity) {
		size_t cap = trust->capacity ? trust->capacity * 2 : 4;
		keys = OPENSSL_realloc(trust->keys, cap * sizeof(*keys));
		if (!keys) {
			EVP_PKEY_free(pkey);
			return DYD_ENOMEM;
		}
		trust->keys = keys;
		trust->capacity = cap;
	}
	trust->keys[trust->count].pkey = pkey;
	memcpy(trust->keys[trust->count].fingerprint, fingerprint,
	       DYD_KEY_SHA256_SIZE);
	trust->count++;
	return 0;
}

/* Drops the keys added after the first count. */
static void trust_truncate(dyd_trust *trust, size_t count)
{
	while (trust->count > count)
		EVP_PKEY_free(trust->keys[--trust->count].pkey);
}

static int public_from_pem(const struct pem *pem, const char *file,
			   EVP_PKEY **out, dyd_diags *diags)
{
	char label[DIAG_QUOTE_MAX + 8];
	const unsigned char *p = pem->der;
	unsigned long last;

	*out = NULL;
	diag_quote(label, sizeof(label), pem->name, strlen(pem->name));
	if (ends_with(pem->name, "PRIVATE KEY")) {
		diag_add(diags, DYD_ERROR, file, 0, 0, NULL,
			 "holds a private key: trust its public key (written "
			 "beside it as FILE.pub), and keep the private key "
			 "where only the signer can read it");
		return DYD_EINVALID;
	}
	if (strcmp(pem->name, "PUBLIC KEY") != 0) {
		diag_add(diags, DYD_ERROR, file, 0, 0, NULL,
			 "holds a '%s' PEM block, not a public key "
			 "('-----BEGIN PUBLIC KEY-----')",
			 label);
		return DYD_EINVALID;
	}
	*out = d2i_PUBKEY(NULL, &p, pem->len);
	if (*out && p != pem->der + pem->len) {
		EVP_PKEY_free(*out);
		*out = NULL;
	}
	if (!*out) {
		if (crypto_drain(&last))
			return DYD_ENOMEM;
		diag_add(diags, DYD_ERROR, file, 0, 0, NULL,
			 "the public key in the PEM block is damaged");
		return DYD_EINVALID;
	}
	if (!EVP_PKEY_is_a(*out, "ED25519")) {
		diag_add(diags, DYD_ERROR, file, 0, 0, NULL,
			 "is a public key of type %s: dyd bundles are signed "
			 "with Ed25519 keys",
			 type_name(*out));
		EVP_PKEY_free(*out);
		*out = NULL;
		return DYD_EINVALID;
	}
	return 0;
}

int trust_parse(dyd_trust *trust, const char *data, size_t len,
		const char *name, dyd_diags *diags)
{
	char fingerprint[DYD_KEY_SHA256_SIZE];
	EVP_PKEY *pkey = NULL;
	struct pem pem;
	int rc;

	rc = pem_read_one(data, len, name, "PUBLIC KEY", &pem, diags);
	if (!rc)
		rc = public_from_pem(&pem, name, &pkey, diags);
	pem_release(&pem);
	if (!rc)
		rc = fingerprint_of(pkey, fingerprint);
	if (!rc) {
		rc = trust_push(trust, pkey, fingerprint);
		pkey = NULL;
	}
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	return rc;
}

static int trust_add_file(dyd_trust *trust, const char *path, dyd_diags *diags)
{
	struct secret s = {0};
	mode_t mode;
	int rc;

	/* Read as a secret too: it may be a private key given by mistake. */
	rc = read_key_file(path, &s, &mode, diags);
	if (!rc)
		rc = trust_parse(trust, s.data, s.len, path, diags);
	secret_free(&s);
	return rc;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_key_file_name(const char *name)
{
	return name[0] != '.' &&
	       (ends_with(name, ".pem") || ends_with(name, ".pub"));
}

/* The paths of dir's *.pem and *.pub files, sorted. */
static int key_files_of(const char *dir, char ***out, size_t *count,
			dyd_diags *diags)
{
	char **names = NULL, **grown, *path;
	size_t n = 0, cap = 0;
	struct dirent *e;
	struct stat st;
	DIR *d;
	int rc = 0;

	*out = NULL;
	*count = 0;
	d = opendir(dir);
	if (!d) {
		diag_add(diags, DYD_ERROR, dir, 0, 0, NULL, "cannot open: %s",
			 strerror(errno));
		return DYD_EIO;
	}
	while (!rc && (e = readdir(d))) {
		if (!is_key_file_name(e->d_name))
			continue;
		path = OPENSSL_malloc(strlen(dir) + strlen(e->d_name) + 2);
		if (!path) {
			rc = DYD_ENOMEM;
			break;
		}
		sprintf(path, "%s/%s", dir, e->d_name);
		/* Subdirectories are not looked into, whatever their name. */
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			OPENSSL_free(path);
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			grown = OPENSSL_realloc(names, cap * sizeof(*names));
			if (!grown) {
				OPENSSL_free(path);
				rc = DYD_ENOMEM;
				break;
			}
			names = grown;
		}
		names[n++] = path;
	}
	closedir(d);
	if (!rc && n == 0) {
		diag_add(diags, DYD_ERROR, dir, 0, 0, NULL,
			 "holds no key files (*.pem, *.pub) to trust");
		rc = DYD_EINVALID;
	}
	if (rc) {
		while (n)
			OPENSSL_free(names[--n]);
		OPENSSL_free(names);
		return rc;
	}
	qsort(names, n, sizeof(*names), compare_names);
	*out = names;
	*count = n;
	return 0;
}

static int trust_add_directory(dyd_trust *trust, const char *dir,
			       dyd_diags *diags)
{
	char **paths;
	size_t n, i;
	int rc, one;

	rc = key_files_of(dir, &paths, &n, diags);
	/* Every bad file is reported, not just the first. */
	for (i = 0; rc != DYD_ENOMEM && i < n; i++) {
		one = trust_add_file(trust, paths[i], diags);
		if (one == DYD_ENOMEM || (one && !rc))
			rc = one;
	}
	for (i = 0; i < n; i++)
		OPENSSL_free(paths[i]);
	OPENSSL_free(paths);
	return rc;
}

int dyd_trust_new(dyd_trust **out)
{
	*out = OPENSSL_zalloc(sizeof(**out));
	return *out ? 0 : DYD_ENOMEM;
}

int dyd_trust_add(dyd_trust *trust, const char *path, dyd_diags *diags)
{
	size_t before = trust->count;
	struct stat st;
	int rc;

	if (stat(path, &st) != 0) {
		diag_add(diags, DYD_ERROR, path, 0, 0, NULL, "cannot open: %s",
			 strerror(errno));
		return DYD_EIO;
	}
	rc = S_ISDIR(st.st_mode) ? trust_add_directory(trust, path, diags)
				 : trust_add_file(trust, path, diags);
	if (rc)
		trust_truncate(trust, before);
	return rc;
}

int dyd_trust_add_key(dyd_trust *trust, const dyd_signing_key *key)
{
	unsigned char *der = NULL;
	const unsigned char *p;
	EVP_PKEY *pub;
	int n;

	/* Through the DER encoding: the set holds no private key. */
	n = i2d_PUBKEY(key->pkey, &der);
	p = der;
	pub = n > 0 ? d2i_PUBKEY(NULL, &p, n) : NULL;
	OPENSSL_free(der);
	ERR_clear_error();
	if (!pub)
		return DYD_ENOMEM;
	return trust_push(trust, pub, key->fingerprint);
}

size_t dyd_trust_count(const dyd_trust *trust)
{
	return trust->count;
}

const char *dyd_trust_fingerprint(const dyd_trust *trust, size_t i)
{
	return i < trust->count ? trust->keys[i].fingerprint : NULL;
}

void dyd_trust_free(dyd_trust *trust)
{
	if (!trust)
		return;
	trust_truncate(trust, 0);
	OPENSSL_free(trust->keys);
	OPENSSL_free(trust);
}

/* Signatures. Ed25519 hashes the message itself (PureEdDSA, RFC 8032):
 * no digest is named. Each call has a context of its own and only reads
 * the key, which openssl-threads(7) allows from several threads at once:
 * the batch's workers share one key. */

int sign_data(const dyd_signing_key *key, const void *data, size_t len,
	      unsigned char sig[SIGN_SIZE], dyd_diags *diags)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t siglen = SIGN_SIZE;
	int rc = 0;

	if (!ctx ||
	    EVP_DigestSignInit_ex(ctx, NULL, NULL, NULL, NULL, key->pkey,
				  NULL) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, data, len) != 1)
		rc = crypto_failure(diags, NULL, "cannot sign the manifest");
	else if (siglen != SIGN_SIZE) {
		diag_add(diags, DYD_ERROR, NULL, 0, 0, NULL,
			 "libcrypto made a signature of %zu bytes, not %d",
			 siglen, SIGN_SIZE);
		rc = DYD_EIO;
	}
	EVP_MD_CTX_free(ctx);
	return rc;
}

/* 1 valid, 0 not, -1 libcrypto failed (out of memory). */
static int verify_once(EVP_PKEY *pkey, const void *data, size_t len,
		       const unsigned char *sig)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned long last;
	int r;

	r = ctx ? EVP_DigestVerifyInit_ex(ctx, NULL, NULL, NULL, NULL, pkey,
					  NULL)
		: 0;
	/* Setting up a check of a key of ours fails only for want of
	 * memory; the check then says valid or not. */
	if (r == 1)
		r = EVP_DigestVerify(ctx, sig, SIGN_SIZE, data, len) == 1;
	else
		r = -1;
	EVP_MD_CTX_free(ctx);
	if (crypto_drain(&last) && r == 0)
		r = -1;
	return r;
}

int sign_check(const dyd_trust *trust, const char *key_sha256, const void *data,
	       size_t len, const unsigned char *sig, sign_check_result *result)
{
	const struct trusted *t = trust_find(trust, key_sha256);
	int r;

	*result = SIGN_CHECK_UNKNOWN_KEY;
	if (!t)
		return 0;
	r = verify_once(t->pkey, data, len, sig);
	/* libcrypto 3.0 says "not valid" both for a bad signature and when
	 * an allocation inside its Ed25519 check fails, raising no error
	 * (ossl_ed25519_verify): a second look tells the two apart but for
	 * lasting memory exhaustion. */
	if (r == 0)
		r = verify_once(t->pkey, data, len, sig);
	if (r < 0)
		return DYD_ENOMEM;
	*result = r ? SIGN_CHECK_VALID : SIGN_CHECK_BAD;
	return 0;
}

/* Key generation: the key pair is made here, its files are written by
 * keygen.c through the writer. */

struct sign_key_pair {
	BIO *priv; /* a BIO that wipes its buffer */
	BIO *pub;
	char fingerprint[DYD_KEY_SHA256_SIZE];
};

/* The new key's two PEM texts. */
static int key_pems(EVP_PKEY *pkey, sign_key_pair *kp, const char *file,
		    dyd_diags *diags)
{
	kp->priv = BIO_new(BIO_s_secmem());
	kp->pub = BIO_new(BIO_s_mem());
	/* No cipher: PKCS#8 "BEGIN PRIVATE KEY", unencrypted. */
	if (!kp->priv || !kp->pub ||
	    !PEM_write_bio_PrivateKey(kp->priv, pkey, NULL, NULL, 0, NULL,
				      NULL) ||
	    !PEM_write_bio_PUBKEY(kp->pub, pkey))
		return crypto_failure(diags, file, "cannot encode the key");
	return 0;
}

int sign_key_pair_new(sign_key_pair **out, const char *file, dyd_diags *diags)
{
	sign_key_pair *kp = OPENSSL_zalloc(sizeof(*kp));
	EVP_PKEY *pkey = NULL;
	int rc;

	*out = NULL;
	if (!kp)
		return DYD_ENOMEM;
	pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	rc = pkey ? fingerprint_of(pkey, kp->fingerprint)
		  : crypto_failure(diags, file, "cannot make a key");
	if (!rc)
		rc = key_pems(pkey, kp, file, diags);
	EVP_PKEY_free(pkey);
	ERR_clear_error();
	if (rc)
		sign_key_pair_free(kp);
	else
		*out = kp;
	return rc;
}

const char *sign_key_pair_pem(const sign_key_pair *kp, bool secret, size_t *len)
{
	char *pem;
	long n = BIO_get_mem_data(secret ? kp->priv : kp->pub, &pem);

	*len = n > 0 ? (size_t)n : 0;
	return pem;
}

const char *sign_key_pair_fingerprint(const sign_key_pair *kp)
{
	return kp->fingerprint;
}

void sign_key_pair_free(sign_key_pair *kp)
{
	if (!kp)
		return;
	BIO_free(kp->priv);
	BIO_free(kp->pub);
	OPENSSL_free(kp);
}
