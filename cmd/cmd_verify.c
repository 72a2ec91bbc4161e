/* SPDX-License-Identifier: MIT */
/* dyd verify: re-check bundles against their manifests, and who signed
 * them. */
#include "cli.h"
#include "commands.h"

#include <stdlib.h>
#include <string.h>

/* More --trust options than anyone types; a directory holds any number
 * of keys. */
#define TRUST_MAX 64

struct trust_list {
	const char *paths[TRUST_MAX];
	size_t count;
};

struct verify_args {
	const char *password_file;
	struct trust_list trust;
	bool json;
};

static int add_trust(const struct cli_arg *arg)
{
	struct trust_list *t = arg->dest;

	if (t->count == TRUST_MAX)
		return cli_usage_error(arg->cmd,
				       "more than %d --trust options: put the "
				       "keys in a directory and trust that",
				       TRUST_MAX);
	t->paths[t->count++] = arg->value;
	return CLI_CONTINUE;
}

#define AT(field) offsetof(struct verify_args, field)

static const struct cli_opt verify_options[] = {
    {0, "password-file", "FILE",
     "password of encrypted bundles (first line); else the DYD_PASSWORD "
     "environment variable",
     cli_set_string, AT(password_file)},
    {0, "trust", "KEY",
     "pass only bundles signed by this Ed25519 public key (a PEM file), or "
     "by any key of a directory of *.pem and *.pub files; repeatable",
     add_trust, AT(trust)},
    {0, "json", NULL, "print the results as JSON", cli_set_true, AT(json)},
    CLI_OPT_END,
};

static const struct cli_group verify_groups[] = {
    {verify_options, 0},
    {cli_help_options, 0},
    {NULL, 0},
};

const struct cli_spec cmd_verify_spec = {
    .name = "verify",
    .usage = "[options] FILE.zip...",
    .about =
	"Checks each bundle: the ZIP structure, that its entries are exactly\n"
	"those the manifest lists, every size and SHA-256, and the structure\n"
	"of report.json, and says whether it is signed and by which key. With\n"
	"--trust, a bundle passes only if it is signed by a trusted key.\n"
	"Exit status 5 when any bundle fails.\n",
    .groups = verify_groups,
};

/* The line of a bundle that passed: what it shows of who made it. */
static void print_ok(const char *path, const dyd_verify_result *res)
{
	if (res->signature == DYD_SIGNATURE_VALID)
		printf("%s: ok (signed by trusted key %s)\n", path,
		       res->key_sha256);
	else if (res->signature == DYD_SIGNATURE_UNCHECKED)
		printf("%s: ok (signed by key %s; authenticity not checked: "
		       "give --trust PUB.pem)\n",
		       path, res->key_sha256);
	else
		printf("%s: ok (not signed; authenticity not checked)\n", path);
}

/* Text output: the problems name the entry; say which bundle. */
static void print_problems(const char *path, int rc, const dyd_diags *diags,
			   const dyd_verify_result *res)
{
	size_t k;
	char *line;

	if (rc == DYD_EIO || rc == DYD_ENOMEM) {
		cli_print_diags(diags); /* they name the file */
		return;
	}
	for (k = 0; k < diags->count; k++) {
		line = dyd_diag_format(&diags->items[k]);
		if (line)
			fprintf(stderr, "%s: %s\n", path, line);
		free(line);
	}
	if (rc == 0)
		print_ok(path, res);
}

/* Checks one bundle and reports on it; returns its exit status. */
static int verify_file(const char *path, bool first, bool json,
		       const dyd_verify_options *vopt)
{
	dyd_verify_result res = {DYD_SIGNATURE_UNREAD, "", false};
	dyd_diags diags = DYD_DIAGS_INIT;
	char *data = NULL;
	size_t len;
	int rc, status, printed;

	rc = dyd_file_read(path, DYD_MAX_BUNDLE_BYTES, &data, &len, &diags);
	if (rc == DYD_EINVALID)
		rc = DYD_EIO; /* too large to be a bundle */
	if (rc == 0)
		rc = dyd_bundle_verify_ext(data, len, vopt, &res, &diags);
	status = cli_exit_code(rc);
	if (json) {
		printed = cli_files_json_line(
		    first, path,
		    dyd_verify_result_json(path, rc, &res, &diags));
		if (printed > status)
			status = printed;
	} else {
		print_problems(path, rc, &diags, &res);
	}
	if (rc == DYD_ENOMEM)
		cli_error("%s: out of memory", path);
	dyd_diags_release(&diags);
	free(data);
	return status;
}

/* The keys of every --trust, before any bundle is checked. */
static int load_trust(const struct trust_list *list, dyd_trust **out)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	size_t i;
	int rc;

	*out = NULL;
	if (!list->count)
		return EXIT_ALL_OK;
	rc = dyd_trust_new(out);
	for (i = 0; !rc && i < list->count; i++)
		rc = dyd_trust_add(*out, list->paths[i], &diags);
	cli_print_diags(&diags);
	dyd_diags_release(&diags);
	if (rc == DYD_ENOMEM)
		cli_error("out of memory");
	return cli_exit_code(rc);
}

static int verify_files(char **files, int count, bool json,
			const dyd_verify_options *vopt)
{
	int i, status, worst = EXIT_ALL_OK;

	if (json)
		cli_files_json_begin();
	for (i = 0; i < count; i++) {
		status = verify_file(files[i], i == 0, json, vopt);
		if (status > worst)
			worst = status;
	}
	if (json)
		cli_files_json_end();
	return worst;
}

int cmd_verify(int argc, char **argv)
{
	struct verify_args a = {NULL, {{NULL}, 0}, false};
	dyd_verify_options vopt = DYD_VERIFY_OPTIONS_INIT;
	const char *env = getenv("DYD_PASSWORD");
	dyd_trust *trust = NULL;
	char *password = NULL;
	int first, status;

	status = cli_parse(&cmd_verify_spec, &a, argc, argv, &first);
	if (status != CLI_CONTINUE)
		return status;
	if (first == argc)
		return cli_usage_error("verify", "no FILE given");
	if (cli_stdin_twice((const char *const *)argv + first, argc - first))
		return cli_usage_error("verify",
				       "'-' (standard input) given twice");
	if (a.password_file || (env && *env)) {
		status =
		    cli_password("verify", a.password_file, false, &password);
		if (status)
			return status;
	}
	status = load_trust(&a.trust, &trust);
	if (!status) {
		vopt.password = password;
		vopt.trust = trust;
		status =
		    verify_files(argv + first, argc - first, a.json, &vopt);
	}
	dyd_trust_free(trust);
	cli_password_free(password);
	return status;
}
