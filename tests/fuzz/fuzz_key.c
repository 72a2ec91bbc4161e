/* SPDX-License-Identifier: MIT */
/* libFuzzer target: key files through the private and the public key
 * parsers. A key that parses must sign and check; no diagnostic may carry
 * any of the input's key material. Seeds: testdata/fuzz/key, testdata/keys
 * (tests/fuzz/make_seeds.sh). */
#define _GNU_SOURCE /* memmem */
#include "dyd.h"
#include "sign.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* 16 bytes of key material, base64 or binary, would be a leak. */
#define PIECE 16

/* Whether a message repeats a run of PIECE bytes of the input's PEM body
 * (what lies between its first "-----" line and its last). */
static bool quotes_input(const char *msg, const unsigned char *data,
			 size_t size)
{
	const unsigned char *body = memmem(data, size, "-----\n", 6);
	size_t n = strlen(msg), i, len;

	if (!body)
		return false;
	body += 6;
	len = size - (size_t)(body - data);
	for (i = 0; i + PIECE <= n; i++) {
		const char *w = msg + i;
		size_t k;
		for (k = 0; k < PIECE; k++) /* the shape of key text */
			if (w[k] == ' ' || w[k] == '\'' || w[k] == '-')
				break;
		if (k == PIECE && memmem(body, len, w, PIECE))
			return true;
	}
	return false;
}

static void check_diags(const dyd_diags *diags, int rc,
			const unsigned char *data, size_t size)
{
	size_t i;

	if (rc == DYD_EINVALID && diags->errors == 0 && !diags->out_of_memory)
		abort();
	for (i = 0; i < diags->count; i++)
		if (quotes_input(diags->items[i].message, data, size))
			abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char text[] = "manifest.json";
	unsigned char sig[SIGN_SIZE];
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_signing_key *key = NULL;
	dyd_trust *trust = NULL;
	sign_check_result res;
	int rc;

	rc = sign_key_parse(&key, (const char *)data, size, "fuzz", &diags);
	if ((rc == 0) != (key != NULL))
		abort();
	check_diags(&diags, rc, data, size);
	dyd_diags_clear(&diags);
	if (dyd_trust_new(&trust))
		goto out;
	/* A key that parses signs, and its signature checks. */
	if (key && !sign_data(key, text, sizeof(text) - 1, sig, &diags) &&
	    !dyd_trust_add_key(trust, key)) {
		if (!sign_is_fingerprint(dyd_signing_key_fingerprint(key)))
			abort();
		if (!sign_check(trust, dyd_signing_key_fingerprint(key), text,
				sizeof(text) - 1, sig, &res) &&
		    res != SIGN_CHECK_VALID)
			abort();
	}
	dyd_diags_clear(&diags);
	rc = trust_parse(trust, (const char *)data, size, "fuzz", &diags);
	check_diags(&diags, rc, data, size);
out:
	dyd_trust_free(trust);
	dyd_signing_key_free(key);
	dyd_diags_release(&diags);
	return 0;
}
