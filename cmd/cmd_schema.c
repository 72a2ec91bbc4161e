/* dyd schema: print the JSON Schemas built into dyd. */
#include "cli.h"
#include "commands.h"

#include <getopt.h>
#include <string.h>

static const char schema_usage[] =
    "usage: dyd schema [NAME]\n"
    "\n"
    "Prints the JSON Schema (draft 2020-12) NAME: account, decision,\n"
    "manifest, policy or report. Without NAME, lists the names.\n"
    "\n"
    "Options:\n"
    "  -h, --help      show this help\n";

int cmd_schema(int argc, char **argv)
{
	static const struct option options[] = {
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *text, *name;
	size_t len, i;
	int c;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(schema_usage, stdout);
			return EXIT_ALL_OK;
		default:
			return cli_option_error("schema", c, argv[optind - 1]);
		}
	}
	if (optind == argc) {
		for (i = 0; (name = dyd_schema_name(i)); i++)
			printf("%s\n", name);
		return fflush(stdout) == 0 ? EXIT_ALL_OK : EXIT_IO;
	}
	if (argc - optind > 1)
		return cli_usage_error("schema", "one NAME at a time");
	text = dyd_schema(argv[optind], &len);
	if (!text)
		return cli_usage_error("schema",
				       "no schema '%s' (run 'dyd schema' for "
				       "the list)",
				       argv[optind]);
	return cli_write_stdout(text, len);
}
