/* SPDX-License-Identifier: MIT */
/* libFuzzer target: bundles through dyd verify's checks, signed and not:
 * without trust, with a trust of the published test key
 * (testdata/keys/fuzz-test.pem.pub), and with the seeds' password. Seeds:
 * testdata/fuzz/verify (tests/fuzz/make_seeds.sh) and testdata/bad. */
#include "dyd.h"
#include "sign.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char test_key[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAV7HUUlDlFHRSijR9wotxfWBfoGswDdQTehJA1AUCpaM=\n"
    "-----END PUBLIC KEY-----\n";

static dyd_trust *trust;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	dyd_diags diags = DYD_DIAGS_INIT;

	(void)argc;
	(void)argv;
	if (dyd_trust_new(&trust) ||
	    trust_parse(trust, test_key, sizeof(test_key) - 1, "test key",
			&diags))
		abort();
	dyd_diags_release(&diags);
	return 0;
}

/* What one result must be, whatever the input. */
static void check(int rc, const dyd_verify_result *r, const dyd_diags *diags,
		  bool trusted)
{
	bool passed = rc == 0;

	if (rc != 0 && rc != DYD_EVERIFY && rc != DYD_ENOMEM)
		abort();
	if (rc == DYD_EVERIFY && diags->errors == 0 && !diags->out_of_memory)
		abort();
	if (passed && (diags->errors || !r->intact))
		abort();
	if (passed && trusted && r->signature != DYD_SIGNATURE_VALID)
		abort();
	if (passed && !trusted && r->signature != DYD_SIGNATURE_NONE &&
	    r->signature != DYD_SIGNATURE_UNCHECKED)
		abort();
	if (r->signature == DYD_SIGNATURE_VALID &&
	    strcmp(r->key_sha256, dyd_trust_fingerprint(trust, 0)) != 0)
		abort();
	if (r->key_sha256[0] && !sign_is_fingerprint(r->key_sha256))
		abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	static const char *const passwords[] = {NULL, "fuzz"};
	dyd_verify_options opt = DYD_VERIFY_OPTIONS_INIT;
	dyd_verify_result r;
	dyd_diags diags = DYD_DIAGS_INIT;
	size_t i, t;
	char *json;
	int rc;

	for (i = 0; i < 2; i++) {
		for (t = 0; t < 2; t++) {
			opt.password = passwords[i];
			opt.trust = t ? trust : NULL;
			rc =
			    dyd_bundle_verify_ext(data, size, &opt, &r, &diags);
			check(rc, &r, &diags, t == 1);
			json = dyd_verify_result_json("fuzz", rc, &r, &diags);
			free(json);
			dyd_diags_clear(&diags);
		}
	}
	dyd_diags_release(&diags);
	return 0;
}
