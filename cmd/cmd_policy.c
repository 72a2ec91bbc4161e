/* dyd policy show | check */
#include "cli.h"
#include "commands.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char policy_usage[] =
    "usage: dyd policy show [--policy FILE] [--json]\n"
    "       dyd policy check [--strict] [--json] FILE...\n"
    "\n"
    "show prints the effective policy: the default one compiled into dyd,\n"
    "or FILE given with --policy. With --json it prints the policy as JSON\n"
    "with its id and the SHA-256 of its bytes.\n"
    "check lints policy files and reports every problem with its file,\n"
    "line and column; a claim without a source is a warning, with\n"
    "--strict an error.\n"
    "\n"
    "Options:\n"
    "  --policy FILE   (show) the policy to show instead of the default\n"
    "  --strict        (check) every claim must carry its source\n"
    "  --json          print JSON\n"
    "  -h, --help      show this help\n";

static int policy_show(const char *path, bool json)
{
	dyd_policy *policy = NULL;
	const char *source;
	char *text;
	size_t len;
	int status = cli_load_policy(path, &policy);

	if (status)
		return status;
	if (json) {
		text = dyd_policy_to_json(policy);
		if (!text) {
			cli_error("out of memory");
			status = EXIT_IO;
		} else {
			status = cli_write_stdout(text, strlen(text));
		}
		free(text);
	} else {
		source = dyd_policy_source(policy, &len);
		status = cli_write_stdout(source, len);
	}
	dyd_policy_free(policy);
	return status;
}

static int policy_check(char **files, int count, bool json, bool strict)
{
	int i, worst = EXIT_ALL_OK, status;

	if (json)
		printf("{\"files\": [\n    ");
	for (i = 0; i < count; i++) {
		dyd_diags diags = DYD_DIAGS_INIT;
		dyd_policy *policy = NULL;
		char *data = NULL, *line;
		size_t len;
		int rc;

		rc = dyd_file_read(files[i], 1024 * 1024, &data, &len, &diags);
		if (rc == 0)
			rc = dyd_policy_load(&policy, data, len, files[i],
					     &diags);
		if (rc == 0)
			rc = dyd_policy_lint(policy, strict, &diags);
		status = cli_exit_code(rc);
		if (json) {
			line = dyd_file_result_json(
			    files[i], rc == 0, "id",
			    policy ? dyd_policy_id(policy) : NULL, &diags);
			if (line)
				printf("%s%s", i ? ",\n    " : "", line);
			else
				status = EXIT_IO;
			free(line);
		} else {
			cli_print_diags(&diags);
			if (rc == 0)
				printf("%s: ok\n", files[i]);
		}
		if (rc == DYD_ENOMEM)
			cli_error("%s: out of memory", files[i]);
		if (status > worst)
			worst = status;
		dyd_policy_free(policy);
		dyd_diags_release(&diags);
		free(data);
	}
	if (json)
		printf("\n]}\n");
	if (fflush(stdout) != 0) {
		cli_error("cannot write to standard output");
		return EXIT_IO;
	}
	return worst;
}

int cmd_policy(int argc, char **argv)
{
	enum { OPT_POLICY = 256, OPT_JSON, OPT_STRICT };
	static const struct option options[] = {
	    {"policy", required_argument, NULL, OPT_POLICY},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"strict", no_argument, NULL, OPT_STRICT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *policy_path = NULL, *action;
	bool json = false, strict = false;
	int c;

	opterr = 0;
	optind = 0;
	/* Options may come before or after the action word. */
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case OPT_POLICY:
			policy_path = optarg;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_STRICT:
			strict = true;
			break;
		case 'h':
			fputs(policy_usage, stdout);
			return EXIT_ALL_OK;
		default:
			return cli_option_error("policy", c, argv[optind - 1]);
		}
	}
	if (optind == argc)
		return cli_usage_error("policy", "say 'show' or 'check'");
	action = argv[optind++];
	if (strcmp(action, "show") == 0) {
		if (optind != argc)
			return cli_usage_error(
			    "policy", "show takes no FILE; use --policy FILE");
		return policy_show(policy_path, json);
	}
	if (strcmp(action, "check") == 0) {
		if (policy_path)
			return cli_usage_error(
			    "policy",
			    "check takes FILE arguments, not --policy");
		if (optind == argc)
			return cli_usage_error("policy", "check needs a FILE");
		return policy_check(argv + optind, argc - optind, json, strict);
	}
	return cli_usage_error("policy", "unknown action '%s' (show, check)",
			       action);
}
