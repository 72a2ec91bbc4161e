/* SPDX-License-Identifier: MIT */
/* dyd export: one account's bundle. */
#include "cli.h"
#include "cli_signals.h"
#include "commands.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct export_args {
	const char *output; /* -o; NULL: ACCOUNT_ID.zip; "-": stdout */
	dyd_write_options write;
	struct cli_eval eval;
	struct cli_bundle bundle;
};

#define AT(field) offsetof(struct export_args, field)

static const struct cli_opt export_options[] = {
    {'o', "output", "FILE",
     "the bundle to write (default: ACCOUNT_ID.zip in the current "
     "directory; '-': standard output)",
     cli_set_string, AT(output)},
    {0, "force", NULL, "replace FILE if it exists", cli_set_true,
     AT(write.force)},
    {0, "verbose", NULL, "let messages quote personal values", cli_set_true,
     AT(eval.record.verbose)},
    CLI_OPT_END,
};

static const struct cli_group export_groups[] = {
    {export_options, 0},
    {cli_eval_options, AT(eval)},
    {cli_bundle_options, AT(bundle)},
    {cli_help_options, 0},
    {NULL, 0},
};

const struct cli_spec cmd_export_spec = {
    .name = "export",
    .usage = "[options] ACCOUNT",
    .about =
	"Writes the account's data and the sharing decision as a ZIP bundle:\n"
	"report.html for people, report.json for machines, manifest.json with\n"
	"checksums. ACCOUNT is a record file (JSON or YAML) or '-'.\n",
    .groups = export_groups,
};

/* Puts the bundle where -o says: standard output, or a file written
 * atomically, abandoned if a signal arrives on the way. */
static int export_write(const char *output, const void *zip, size_t len,
			dyd_write_options *write, const dyd_signing_key *key,
			dyd_diags *diags)
{
	int rc;

	if (strcmp(output, "-") == 0) {
		cli_print_diags(diags);
		return cli_write_stdout(zip, len);
	}
	write->cancelled = cli_signal_pending;
	cli_signals_block();
	rc = dyd_output_write(output, zip, len, write, diags);
	cli_signals_unblock();
	cli_print_diags(diags);
	if (rc == DYD_ENOMEM)
		cli_error("out of memory");
	if (rc == 0 && key)
		fprintf(stderr, "dyd: wrote %s (%zu bytes, signed by key %s)\n",
			output, len, dyd_signing_key_fingerprint(key));
	else if (rc == 0)
		fprintf(stderr, "dyd: wrote %s (%zu bytes)\n", output, len);
	return cli_exit_code(rc);
}

/* Evaluates the record at path and writes its bundle. */
static int export_run(const char *path, struct export_args *a,
		      const dyd_policy *policy, dyd_time as_of)
{
	dyd_export_options eopt = DYD_EXPORT_OPTIONS_INIT;
	dyd_export_result result = {0};
	dyd_diags diags = DYD_DIAGS_INIT;
	char *data = NULL, *default_output = NULL;
	const char *output = a->output;
	size_t len;
	int rc, status;

	eopt.record = a->eval.record;
	eopt.bundle = a->bundle.options;
	eopt.as_of = as_of;
	rc = dyd_file_read(path, DYD_MAX_INPUT_BYTES, &data, &len, &diags);
	if (rc == 0)
		rc =
		    dyd_export_record(&result, data, len,
				      strcmp(path, "-") == 0 ? "<stdin>" : path,
				      policy, &eopt, &diags);
	if (rc == 0 && !output) {
		size_t n = strlen(result.account_id) + 5;
		default_output = malloc(n);
		if (!default_output)
			rc = DYD_ENOMEM;
		else
			snprintf(default_output, n, "%s.zip",
				 result.account_id);
		output = default_output;
	}
	if (rc == 0) {
		status =
		    export_write(output, result.zip, result.zip_len, &a->write,
				 a->bundle.options.sign_key, &diags);
	} else if (rc == DYD_EUSAGE) {
		status = cli_usage_diags("export", &diags);
	} else {
		cli_print_diags(&diags);
		if (rc == DYD_ENOMEM)
			cli_error("out of memory");
		status = cli_exit_code(rc);
	}
	dyd_export_result_release(&result);
	free(data);
	free(default_output);
	dyd_diags_release(&diags);
	return status;
}

int cmd_export(int argc, char **argv)
{
	struct export_args a = {NULL, DYD_WRITE_OPTIONS_INIT, CLI_EVAL_INIT,
				CLI_BUNDLE_INIT};
	dyd_policy *policy = NULL;
	dyd_signing_key *key = NULL;
	char *password = NULL;
	dyd_time as_of;
	int first, status;

	status = cli_parse(&cmd_export_spec, &a, argc, argv, &first);
	if (status != CLI_CONTINUE)
		return status;
	if (argc - first != 1)
		return cli_usage_error(
		    "export", argc == first ? "no ACCOUNT record given"
					    : "one ACCOUNT record at a time");
	status = cli_bundle_check("export", &a.bundle);
	if (status)
		return status;
	if (a.output && strcmp(a.output, "-") == 0 && isatty(STDOUT_FILENO))
		return cli_usage_error(
		    "export", "not writing a ZIP to a terminal; "
			      "redirect standard output or use -o FILE");
	status = cli_as_of("export", a.eval.as_of, &as_of);
	if (!status)
		status = cli_bundle_password("export", &a.bundle, &password);
	if (!status)
		status = cli_bundle_sign_key(&a.bundle, &key);
	if (!status)
		status = cli_load_policy(a.eval.policy, &policy);
	if (!status)
		status = export_run(argv[first], &a, policy, as_of);
	cli_password_free(password);
	dyd_signing_key_free(key);
	dyd_policy_free(policy);
	return status;
}
