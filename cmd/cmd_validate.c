/* dyd validate: every problem of every record file, with its location. */
#include "cli.h"
#include "commands.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char validate_usage[] =
    "usage: dyd validate [options] FILE...\n"
    "\n"
    "Checks account records (JSON or YAML; '-' reads standard input) and\n"
    "reports every problem with its file, line, column and JSON pointer.\n"
    "\n"
    "Options:\n"
    "  --policy FILE   check terms ids against this policy\n"
    "  --strict        treat unknown fields as errors\n"
    "  --json          print the results as JSON on standard output\n"
    "  --quiet         print errors only\n"
    "  --verbose       let messages quote personal values\n"
    "  -h, --help      show this help\n";

/* Prints one file's result as an element of the "files" array. */
static int print_json_result(const char *name, bool valid,
			     const char *account_id, const dyd_diags *diags,
			     bool first)
{
	char *line =
	    dyd_file_result_json(name, valid, "account_id", account_id, diags);

	if (!line) {
		cli_error("out of memory");
		return EXIT_IO;
	}
	printf("%s%s", first ? "" : ",\n    ", line);
	free(line);
	return EXIT_ALL_OK;
}

int cmd_validate(int argc, char **argv)
{
	enum { OPT_POLICY = 256, OPT_STRICT, OPT_JSON, OPT_QUIET, OPT_VERBOSE };
	static const struct option options[] = {
	    {"policy", required_argument, NULL, OPT_POLICY},
	    {"strict", no_argument, NULL, OPT_STRICT},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"quiet", no_argument, NULL, OPT_QUIET},
	    {"verbose", no_argument, NULL, OPT_VERBOSE},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *policy_path = NULL;
	dyd_record_options ropt = DYD_RECORD_OPTIONS_INIT;
	dyd_policy *policy = NULL;
	bool json = false, quiet = false, stdin_used = false;
	int c, i, status, worst = EXIT_ALL_OK;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case OPT_POLICY:
			policy_path = optarg;
			break;
		case OPT_STRICT:
			ropt.strict = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_QUIET:
			quiet = true;
			break;
		case OPT_VERBOSE:
			ropt.verbose = true;
			break;
		case 'h':
			fputs(validate_usage, stdout);
			return EXIT_ALL_OK;
		default:
			return cli_option_error("validate", c,
						argv[optind - 1]);
		}
	}
	if (optind == argc)
		return cli_usage_error("validate", "no FILE given");
	for (i = optind; i < argc; i++) {
		if (strcmp(argv[i], "-") == 0) {
			if (stdin_used)
				return cli_usage_error(
				    "validate",
				    "'-' (standard input) given twice");
			stdin_used = true;
		}
	}
	status = cli_load_policy(policy_path, &policy);
	if (status)
		return status;
	if (json)
		printf("{\"files\": [\n    ");
	for (i = optind; i < argc; i++) {
		const char *name =
		    strcmp(argv[i], "-") == 0 ? "<stdin>" : argv[i];
		dyd_diags diags = DYD_DIAGS_INIT;
		dyd_record *record = NULL;
		char *data = NULL;
		size_t len, k;
		int rc;

		rc = dyd_file_read(argv[i], DYD_MAX_INPUT_BYTES, &data, &len,
				   &diags);
		if (rc == 0)
			rc = dyd_record_load(&record, data, len, name, policy,
					     &ropt, &diags);
		status = cli_exit_code(rc);
		if (status > worst)
			worst = status;
		if (json) {
			status = print_json_result(
			    name, rc == 0,
			    record ? dyd_record_account_id(record) : NULL,
			    &diags, i == optind);
			if (status > worst)
				worst = status;
		} else {
			if (quiet) {
				for (k = 0; k < diags.count; k++) {
					if (diags.items[k].severity !=
					    DYD_ERROR)
						continue;
					char *line =
					    dyd_diag_format(&diags.items[k]);
					if (line)
						fprintf(stderr, "%s\n", line);
					free(line);
				}
			} else {
				cli_print_diags(&diags);
				if (rc == 0)
					printf("%s: ok\n", name);
			}
			if (rc == DYD_ENOMEM)
				cli_error("%s: out of memory", name);
		}
		dyd_record_free(record);
		dyd_diags_release(&diags);
		free(data);
	}
	if (json)
		printf("\n]}\n");
	dyd_policy_free(policy);
	if (fflush(stdout) != 0) {
		cli_error("cannot write to standard output");
		return EXIT_IO;
	}
	return worst;
}
