/* dyd export: one account's bundle. */
#include "cli.h"
#include "commands.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char export_usage[] =
    "usage: dyd export [options] ACCOUNT\n"
    "\n"
    "Writes the account's data and the sharing decision as a ZIP bundle:\n"
    "report.html for people, report.json for machines, manifest.json with\n"
    "checksums. ACCOUNT is a record file (JSON or YAML) or '-'.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE     the bundle to write (default: ACCOUNT_ID.zip\n"
    "                        in the current directory; '-': standard output)\n"
    "  --force               replace FILE if it exists\n"
    "  --policy FILE         evaluate with this policy instead of the default\n"
    "  --as-of TIME          evaluate as of TIME (RFC 3339 or YYYY-MM-DD);\n"
    "                        default: SOURCE_DATE_EPOCH, else now\n"
    "  --lang LANG           language of report.html: en or id (default: the\n"
    "                        record's language, else en)\n"
    "  --tz ZONE             time zone for times in report.html, such as\n"
    "                        Asia/Jakarta (default: UTC)\n"
    "  --level N             deflate compression level, 1 to 9 (default: 6)\n"
    "  --encrypt             encrypt every entry with AES-256\n"
    "  --password-file FILE  read the password from FILE's first line\n"
    "                        (else DYD_PASSWORD, else a prompt)\n"
    "  --strict              treat unknown record fields as errors\n"
    "  --verbose             let messages quote personal values\n"
    "  -h, --help            show this help\n";

int cmd_export(int argc, char **argv)
{
	enum {
		OPT_POLICY = 256,
		OPT_AS_OF,
		OPT_LANG,
		OPT_TZ,
		OPT_LEVEL,
		OPT_ENCRYPT,
		OPT_PASSWORD_FILE,
		OPT_FORCE,
		OPT_STRICT,
		OPT_VERBOSE
	};
	static const struct option options[] = {
	    {"output", required_argument, NULL, 'o'},
	    {"force", no_argument, NULL, OPT_FORCE},
	    {"policy", required_argument, NULL, OPT_POLICY},
	    {"as-of", required_argument, NULL, OPT_AS_OF},
	    {"lang", required_argument, NULL, OPT_LANG},
	    {"tz", required_argument, NULL, OPT_TZ},
	    {"level", required_argument, NULL, OPT_LEVEL},
	    {"encrypt", no_argument, NULL, OPT_ENCRYPT},
	    {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
	    {"strict", no_argument, NULL, OPT_STRICT},
	    {"verbose", no_argument, NULL, OPT_VERBOSE},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *policy_path = NULL, *as_of_text = NULL, *output = NULL;
	const char *password_file = NULL;
	dyd_export_options eopt = DYD_EXPORT_OPTIONS_INIT;
	dyd_record_options ropt = DYD_RECORD_OPTIONS_INIT;
	dyd_bundle_options bopt = DYD_BUNDLE_OPTIONS_INIT;
	dyd_export_result result = {0};
	dyd_write_options wopt = DYD_WRITE_OPTIONS_INIT;
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *policy = NULL;
	char *password = NULL, *default_output = NULL, *end, *data = NULL;
	bool encrypt = false;
	size_t len;
	dyd_time as_of;
	long level;
	int c, rc, status;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":ho:", options, NULL)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case OPT_FORCE:
			wopt.force = true;
			break;
		case OPT_POLICY:
			policy_path = optarg;
			break;
		case OPT_AS_OF:
			as_of_text = optarg;
			break;
		case OPT_LANG:
			if (!dyd_language_supported(optarg))
				return cli_usage_error(
				    "export",
				    "--lang '%s' is not supported (en, id)",
				    optarg);
			bopt.lang = optarg;
			break;
		case OPT_TZ:
			bopt.tz = optarg;
			break;
		case OPT_LEVEL:
			level = strtol(optarg, &end, 10);
			if (*end || end == optarg || level < 1 || level > 9)
				return cli_usage_error(
				    "export",
				    "--level '%s' is not a number from 1 "
				    "to 9",
				    optarg);
			bopt.level = (int)level;
			break;
		case OPT_ENCRYPT:
			encrypt = true;
			break;
		case OPT_PASSWORD_FILE:
			password_file = optarg;
			break;
		case OPT_STRICT:
			ropt.strict = true;
			break;
		case OPT_VERBOSE:
			ropt.verbose = true;
			break;
		case 'h':
			fputs(export_usage, stdout);
			return EXIT_ALL_OK;
		default:
			return cli_option_error("export", c, argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cli_usage_error(
		    "export", argc == optind ? "no ACCOUNT record given"
					     : "one ACCOUNT record at a time");
	if (password_file && !encrypt)
		return cli_usage_error("export",
				       "--password-file goes with --encrypt");
	if (output && strcmp(output, "-") == 0 && isatty(STDOUT_FILENO))
		return cli_usage_error(
		    "export", "not writing a ZIP to a terminal; "
			      "redirect standard output or use -o FILE");
	status = cli_as_of("export", as_of_text, &as_of);
	if (status)
		return status;
	if (encrypt) {
		status = cli_password("export", password_file, true, &password);
		if (status)
			return status;
		bopt.password = password;
	}
	status = cli_load_policy(policy_path, &policy);
	if (status)
		goto out;
	eopt.record = ropt;
	eopt.bundle = bopt;
	eopt.as_of = as_of;
	rc = dyd_file_read(argv[optind], DYD_MAX_INPUT_BYTES, &data, &len,
			   &diags);
	if (rc == 0)
		rc = dyd_export_record(
		    &result, data, len,
		    strcmp(argv[optind], "-") == 0 ? "<stdin>" : argv[optind],
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
	if (rc == 0 && strcmp(output, "-") == 0) {
		cli_print_diags(&diags);
		status = cli_write_stdout(result.zip, result.zip_len);
		goto out;
	}
	if (rc == 0) {
		wopt.cancelled = cli_signal_pending;
		cli_signals_block();
		rc = dyd_output_write(output, result.zip, result.zip_len, &wopt,
				      &diags);
		cli_signals_unblock();
	}
	cli_print_diags(&diags);
	if (rc == DYD_ENOMEM)
		cli_error("out of memory");
	status = cli_exit_code(rc);
	if (rc == 0)
		fprintf(stderr, "dyd: wrote %s (%zu bytes)\n", output,
			result.zip_len);
out:
	dyd_export_result_release(&result);
	free(data);
	free(default_output);
	cli_password_free(password);
	dyd_policy_free(policy);
	dyd_diags_release(&diags);
	return status;
}
