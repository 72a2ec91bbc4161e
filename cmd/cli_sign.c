/* SPDX-License-Identifier: MIT */
/* The signing key of export and batch: a file named on the command line
 * or in the environment, never the key itself. */
#include "cli.h"

#include <stdlib.h>

int cli_bundle_sign_key(struct cli_bundle *bundle, dyd_signing_key **key)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	const char *path = bundle->sign_key_file;
	int rc;

	*key = NULL;
	if (!path) {
		path = getenv("DYD_SIGN_KEY_FILE");
		if (!path || !*path)
			return EXIT_ALL_OK;
	}
	/* Before the key is read: a failed load may have held some of it. */
	cli_no_core_dumps();
	rc = dyd_signing_key_load(key, path, &diags);
	rc = cli_diags_done(&diags, rc);
	if (rc)
		return rc;
	bundle->options.sign_key = *key;
	return EXIT_ALL_OK;
}
