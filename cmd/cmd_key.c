/* SPDX-License-Identifier: MIT */
/* dyd key generate: the key pair to sign bundles with. */
#include "cli.h"
#include "cli_signals.h"
#include "commands.h"

#include <string.h>

struct key_args {
	const char *output; /* -o: the private key; FILE.pub the public */
	dyd_write_options write;
};

#define AT(field) offsetof(struct key_args, field)

static const struct cli_opt key_options[] = {
    {'o', "output", "FILE",
     "write the private key to FILE (mode 0600) and the public key to "
     "FILE.pub",
     cli_set_string, AT(output)},
    {0, "force", NULL, "replace the two files if they exist", cli_set_true,
     AT(write.force)},
    CLI_OPT_END,
};

static const struct cli_group key_groups[] = {
    {key_options, 0},
    {cli_help_options, 0},
    {NULL, 0},
};

const struct cli_spec cmd_key_spec = {
    .name = "key",
    .usage = "generate -o FILE [--force]",
    .about =
	"generate makes a new Ed25519 key pair with OpenSSL's libcrypto: the\n"
	"private key in FILE (PKCS#8 PEM, unencrypted, mode 0600), to sign\n"
	"bundles with (dyd export --sign-key FILE), and the public key in\n"
	"FILE.pub, for those who check them (dyd verify --trust FILE.pub).\n"
	"Neither file is replaced without --force.\n",
    .groups = key_groups,
};

static int key_generate(struct key_args *a)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	char fingerprint[DYD_KEY_SHA256_SIZE];
	int rc;

	a->write.cancelled = cli_signal_pending;
	/* The private key is in memory until it is on disk. */
	cli_no_core_dumps();
	cli_signals_block();
	rc = dyd_key_generate(a->output, &a->write, fingerprint, &diags);
	cli_signals_unblock();
	rc = cli_diags_done(&diags, rc);
	if (rc)
		return rc;
	printf("%s: private key (keep it secret)\n%s.pub: public key\n"
	       "fingerprint %s\n",
	       a->output, a->output, fingerprint);
	return EXIT_ALL_OK;
}

int cmd_key(int argc, char **argv)
{
	static const char *const actions[] = {"generate", NULL};
	struct key_args a = {NULL, DYD_WRITE_OPTIONS_INIT};
	const char *action, *nearest;
	int first, status;

	status = cli_parse(&cmd_key_spec, &a, argc, argv, &first);
	if (status != CLI_CONTINUE)
		return status;
	if (first == argc)
		return cli_usage_error("key", "say 'generate'");
	action = argv[first++];
	if (strcmp(action, "generate") == 0) {
		if (first != argc)
			return cli_usage_error(
			    "key", "generate takes no FILE; use -o FILE");
		if (!a.output)
			return cli_usage_error(
			    "key", "generate needs -o FILE, where the private "
				   "key goes");
		return key_generate(&a);
	}
	nearest = cli_nearest(action, actions);
	if (nearest)
		return cli_usage_error("key",
				       "unknown action '%s'; did you mean "
				       "'%s'?",
				       action, nearest);
	return cli_usage_error("key", "unknown action '%s' (generate)", action);
}
