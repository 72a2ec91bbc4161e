/* dyd verify: re-check bundles against their manifests. */
#include "cli.h"
#include "commands.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char verify_usage[] =
    "usage: dyd verify [options] FILE.zip...\n"
    "\n"
    "Checks each bundle: the ZIP structure, that its entries are exactly\n"
    "those the manifest lists, every size and SHA-256, and the structure\n"
    "of report.json. Exit status 5 when any bundle fails.\n"
    "\n"
    "Options:\n"
    "  --password-file FILE  password of encrypted bundles (first line);\n"
    "                        else the DYD_PASSWORD environment variable\n"
    "  --json                print the results as JSON\n"
    "  -h, --help            show this help\n";

int cmd_verify(int argc, char **argv)
{
	enum { OPT_PASSWORD_FILE = 256, OPT_JSON };
	static const struct option options[] = {
	    {"password-file", required_argument, NULL, OPT_PASSWORD_FILE},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *password_file = NULL;
	char *password = NULL;
	bool json = false;
	int c, i, status, worst = EXIT_ALL_OK;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case OPT_PASSWORD_FILE:
			password_file = optarg;
			break;
		case OPT_JSON:
			json = true;
			break;
		case 'h':
			fputs(verify_usage, stdout);
			return EXIT_ALL_OK;
		default:
			return cli_option_error("verify", c, argv[optind - 1]);
		}
	}
	if (optind == argc)
		return cli_usage_error("verify", "no FILE given");
	for (c = optind, i = 0; c < argc; c++)
		if (strcmp(argv[c], "-") == 0 && i++)
			return cli_usage_error(
			    "verify", "'-' (standard input) given twice");
	if (password_file ||
	    (getenv("DYD_PASSWORD") && *getenv("DYD_PASSWORD"))) {
		status =
		    cli_password("verify", password_file, false, &password);
		if (status)
			return status;
	}
	if (json)
		printf("{\"files\": [\n    ");
	for (i = optind; i < argc; i++) {
		dyd_diags diags = DYD_DIAGS_INIT;
		char *data = NULL, *line;
		size_t len;
		int rc;

		rc = dyd_file_read(argv[i], DYD_MAX_BUNDLE_BYTES, &data, &len,
				   &diags);
		if (rc == DYD_EINVALID)
			rc = DYD_EIO; /* too large to be a bundle */
		if (rc == 0)
			rc = dyd_bundle_verify(data, len, password, &diags);
		status = cli_exit_code(rc);
		if (json) {
			line = dyd_file_result_json(argv[i], rc == 0, "id",
						    NULL, &diags);
			if (line)
				printf("%s%s", i > optind ? ",\n    " : "",
				       line);
			else
				status = EXIT_IO;
			free(line);
		} else if (rc == DYD_EIO || rc == DYD_ENOMEM) {
			cli_print_diags(&diags); /* they name the file */
		} else {
			/* The problems name the entry; say which bundle. */
			size_t k;
			for (k = 0; k < diags.count; k++) {
				line = dyd_diag_format(&diags.items[k]);
				if (line)
					fprintf(stderr, "%s: %s\n", argv[i],
						line);
				free(line);
			}
			if (rc == 0)
				printf("%s: ok\n", argv[i]);
		}
		if (rc == DYD_ENOMEM)
			cli_error("%s: out of memory", argv[i]);
		if (status > worst)
			worst = status;
		dyd_diags_release(&diags);
		free(data);
	}
	if (json)
		printf("\n]}\n");
	cli_password_free(password);
	if (fflush(stdout) != 0) {
		cli_error("cannot write to standard output");
		return EXIT_IO;
	}
	return worst;
}
