/* SPDX-License-Identifier: MIT */
/* dyd validate: every problem of every record file, with its location. */
#include "cli.h"
#include "commands.h"

#include <stdlib.h>
#include <string.h>

struct validate_args {
	const char *policy;
	dyd_record_options record; /* --strict, --verbose */
	bool json, quiet;
};

#define AT(field) offsetof(struct validate_args, field)

static const struct cli_opt validate_options[] = {
    {0, "policy", "FILE", "check terms ids against this policy", cli_set_string,
     AT(policy)},
    {0, "strict", NULL, "treat unknown fields as errors", cli_set_true,
     AT(record.strict)},
    {0, "json", NULL, "print the results as JSON on standard output",
     cli_set_true, AT(json)},
    {0, "quiet", NULL, "print errors only", cli_set_true, AT(quiet)},
    {0, "verbose", NULL, "let messages quote personal values", cli_set_true,
     AT(record.verbose)},
    CLI_OPT_END,
};

static const struct cli_group validate_groups[] = {
    {validate_options, 0},
    {cli_help_options, 0},
    {NULL, 0},
};

const struct cli_spec cmd_validate_spec = {
    .name = "validate",
    .usage = "[options] FILE...",
    .about =
	"Checks account records (JSON or YAML; '-' reads standard input) and\n"
	"reports every problem with its file, line, column and JSON pointer.\n",
    .groups = validate_groups,
};

/* With --quiet, only the errors. */
static void print_errors(const dyd_diags *diags)
{
	size_t k;
	char *line;

	for (k = 0; k < diags->count; k++) {
		if (diags->items[k].severity != DYD_ERROR)
			continue;
		line = dyd_diag_format(&diags->items[k]);
		if (line)
			fprintf(stderr, "%s\n", line);
		free(line);
	}
}

/* Checks one file and reports on it; returns its exit status. */
static int validate_file(const char *path, bool first,
			 const struct validate_args *a,
			 const dyd_policy *policy)
{
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_record *record = NULL;
	char *data = NULL;
	size_t len;
	int rc, status, printed;

	rc = dyd_file_read(path, DYD_MAX_INPUT_BYTES, &data, &len, &diags);
	if (rc == 0)
		rc = dyd_record_load(&record, data, len, name, policy,
				     &a->record, &diags);
	status = cli_exit_code(rc);
	if (a->json) {
		printed = cli_files_json_item(
		    first, name, rc == 0, "account_id",
		    record ? dyd_record_account_id(record) : NULL, &diags);
		if (printed > status)
			status = printed;
	} else {
		if (a->quiet)
			print_errors(&diags);
		else
			cli_print_diags(&diags);
		if (rc == 0 && !a->quiet)
			printf("%s: ok\n", name);
		if (rc == DYD_ENOMEM)
			cli_error("%s: out of memory", name);
	}
	dyd_record_free(record);
	dyd_diags_release(&diags);
	free(data);
	return status;
}

int cmd_validate(int argc, char **argv)
{
	struct validate_args a = {NULL, DYD_RECORD_OPTIONS_INIT, false, false};
	dyd_policy *policy = NULL;
	int first, i, status, worst = EXIT_ALL_OK;

	status = cli_parse(&cmd_validate_spec, &a, argc, argv, &first);
	if (status != CLI_CONTINUE)
		return status;
	if (first == argc)
		return cli_usage_error("validate", "no FILE given");
	if (cli_stdin_twice((const char *const *)argv + first, argc - first))
		return cli_usage_error("validate",
				       "'-' (standard input) given twice");
	status = cli_load_policy(a.policy, &policy);
	if (status)
		return status;
	if (a.json)
		cli_files_json_begin();
	for (i = first; i < argc; i++) {
		status = validate_file(argv[i], i == first, &a, policy);
		if (status > worst)
			worst = status;
	}
	if (a.json)
		cli_files_json_end();
	dyd_policy_free(policy);
	return worst;
}
