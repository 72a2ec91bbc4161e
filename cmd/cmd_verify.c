/* SPDX-License-Identifier: MIT */
/* dyd verify: re-check bundles against their manifests. */
#include "cli.h"
#include "commands.h"

#include <stdlib.h>
#include <string.h>

struct verify_args {
	const char *password_file;
	bool json;
};

#define AT(field) offsetof(struct verify_args, field)

static const struct cli_opt verify_options[] = {
    {0, "password-file", "FILE",
     "password of encrypted bundles (first line); else the DYD_PASSWORD "
     "environment variable",
     cli_set_string, AT(password_file)},
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
	"of report.json. Exit status 5 when any bundle fails.\n",
    .groups = verify_groups,
};

/* Text output: the problems name the entry; say which bundle. */
static void print_problems(const char *path, int rc, const dyd_diags *diags)
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
		printf("%s: ok\n", path);
}

/* Checks one bundle and reports on it; returns its exit status. */
static int verify_file(const char *path, bool first, bool json,
		       const char *password)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	char *data = NULL;
	size_t len;
	int rc, status, printed;

	rc = dyd_file_read(path, DYD_MAX_BUNDLE_BYTES, &data, &len, &diags);
	if (rc == DYD_EINVALID)
		rc = DYD_EIO; /* too large to be a bundle */
	if (rc == 0)
		rc = dyd_bundle_verify(data, len, password, &diags);
	status = cli_exit_code(rc);
	if (json) {
		printed = cli_files_json_item(first, path, rc == 0, "id", NULL,
					      &diags);
		if (printed > status)
			status = printed;
	} else {
		print_problems(path, rc, &diags);
	}
	if (rc == DYD_ENOMEM)
		cli_error("%s: out of memory", path);
	dyd_diags_release(&diags);
	free(data);
	return status;
}

int cmd_verify(int argc, char **argv)
{
	struct verify_args a = {NULL, false};
	const char *env = getenv("DYD_PASSWORD");
	char *password = NULL;
	int first, i, status, worst = EXIT_ALL_OK;

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
	if (a.json)
		cli_files_json_begin();
	for (i = first; i < argc; i++) {
		status = verify_file(argv[i], i == first, a.json, password);
		if (status > worst)
			worst = status;
	}
	if (a.json)
		cli_files_json_end();
	cli_password_free(password);
	return worst;
}
