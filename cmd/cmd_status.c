/* dyd status: the support desk's answer for one account. */
#include "cli.h"
#include "commands.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char status_usage[] =
    "usage: dyd status [options] ACCOUNT\n"
    "\n"
    "Says whether the account holder opted out of sharing with the parent\n"
    "company, the state of each terms version, and which categories of\n"
    "data are shared for which purposes. ACCOUNT is a record file (JSON or\n"
    "YAML) or '-' for standard input.\n"
    "\n"
    "Options:\n"
    "  --policy FILE   evaluate with this policy instead of the default\n"
    "  --as-of TIME    evaluate as of TIME (RFC 3339 or YYYY-MM-DD);\n"
    "                  default: SOURCE_DATE_EPOCH, else now\n"
    "  --lang LANG     language of the answer: en or id (default: the\n"
    "                  record's language, else en)\n"
    "  --explain       add the rule trace behind every line\n"
    "  --json          print the decision object as JSON\n"
    "  --verbose       show the full phone number and listed items\n"
    "  --strict        treat unknown record fields as errors\n"
    "  -h, --help      show this help\n";

int cmd_status(int argc, char **argv)
{
	enum {
		OPT_POLICY = 256,
		OPT_AS_OF,
		OPT_LANG,
		OPT_EXPLAIN,
		OPT_JSON,
		OPT_VERBOSE,
		OPT_STRICT
	};
	static const struct option options[] = {
	    {"policy", required_argument, NULL, OPT_POLICY},
	    {"as-of", required_argument, NULL, OPT_AS_OF},
	    {"lang", required_argument, NULL, OPT_LANG},
	    {"explain", no_argument, NULL, OPT_EXPLAIN},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"verbose", no_argument, NULL, OPT_VERBOSE},
	    {"strict", no_argument, NULL, OPT_STRICT},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *policy_path = NULL, *as_of_text = NULL;
	dyd_record_options ropt = DYD_RECORD_OPTIONS_INIT;
	dyd_status_options sopt = DYD_STATUS_OPTIONS_INIT;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *policy = NULL;
	dyd_record *record = NULL;
	dyd_decision *decision = NULL;
	char *text = NULL;
	bool json = false;
	dyd_time as_of;
	int c, rc, status;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case OPT_POLICY:
			policy_path = optarg;
			break;
		case OPT_AS_OF:
			as_of_text = optarg;
			break;
		case OPT_LANG:
			if (!dyd_language_supported(optarg))
				return cli_usage_error(
				    "status",
				    "--lang '%s' is not supported (en, id)",
				    optarg);
			sopt.lang = optarg;
			break;
		case OPT_EXPLAIN:
			sopt.explain = true;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_VERBOSE:
			sopt.verbose = true;
			ropt.verbose = true;
			break;
		case OPT_STRICT:
			ropt.strict = true;
			break;
		case 'h':
			fputs(status_usage, stdout);
			return EXIT_ALL_OK;
		default:
			return cli_option_error("status", c, argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(
		    "status", argc == optind ? "no ACCOUNT record given"
					     : "one ACCOUNT record at a time");
	status = cli_as_of("status", as_of_text, &as_of);
	if (status)
		return status;
	status = cli_load_policy(policy_path, &policy);
	if (status)
		return status;
	rc = cli_evaluate_file(argv[optind], policy, &ropt, as_of, &record,
			       &decision, &diags);
	cli_print_diags(&diags);
	if (rc == 0) {
		if (json) {
			text = dyd_decision_to_json(decision);
			if (!text)
				rc = DYD_ENOMEM;
		} else {
			rc = dyd_status_render(&text, decision, &sopt);
		}
	}
	if (rc == DYD_ENOMEM)
		cli_error("out of memory");
	status = cli_exit_code(rc);
	if (rc == 0)
		status = cli_write_stdout(text, strlen(text));
	free(text);
	dyd_decision_free(decision);
	dyd_record_free(record);
	dyd_policy_free(policy);
	dyd_diags_release(&diags);
	return status;
}
