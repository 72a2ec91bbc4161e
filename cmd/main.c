/* dyd: the command table and dispatch. */
#include "cli.h"
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

/* Sorted by name. */
static const struct command commands[] = {
    {"batch", cmd_batch, "write bundles for many accounts, resumably"},
    {"export", cmd_export, "write a report bundle for one account"},
    {"policy", cmd_policy, "show the effective policy, or lint policy files"},
    {"schema", cmd_schema, "print the JSON Schemas of records, reports..."},
    {"status", cmd_status, "answer \"am I opted out, what is shared?\""},
    {"validate", cmd_validate,
     "check account records and report every problem"},
    {"verify", cmd_verify, "re-check bundles against their manifests"},
};

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: dyd [-h | --help] [--version] COMMAND [ARGS]\n\n"
		     "Commands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\nRun 'dyd COMMAND --help' for a command's options, "
		     "or see dyd(1).\n");
}

static int version(void)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *policy = NULL;
	int rc = dyd_policy_load_default(&policy, &diags);

	printf("dyd %s\n", DYD_VERSION);
	printf("default policy: %s (sha256 %s)\n",
	       rc == 0 ? dyd_policy_id(policy) : "(unavailable)",
	       rc == 0 ? dyd_policy_sha256(policy) : "-");
	printf("libraries: %s\n", dyd_library_versions());
	dyd_policy_free(policy);
	dyd_diags_release(&diags);
	return fflush(stdout) == 0 ? EXIT_ALL_OK : EXIT_IO;
}

int main(int argc, char **argv)
{
	size_t i;

	/* Every time dyd shows is in a zone named explicitly (--tz, UTC by
	 * default). Pinning the process zone keeps libzip, which converts
	 * ZIP timestamps with the C library's local time, from making
	 * bundles depend on the caller's TZ. */
	setenv("TZ", "UTC", 1);
	tzset();

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_ALL_OK;
	}
	if (strcmp(argv[1], "--version") == 0)
		return version();
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "dyd: '%s' is not a dyd command\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
