/* SPDX-License-Identifier: MIT */
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
	const struct cli_spec *spec;
};

/* Sorted by name. */
static const struct command commands[] = {
    {"batch", cmd_batch, "write bundles for many accounts, resumably",
     &cmd_batch_spec},
    {"export", cmd_export, "write a report bundle for one account",
     &cmd_export_spec},
    {"key", cmd_key, "make a key pair to sign bundles with", &cmd_key_spec},
    {"policy", cmd_policy, "show the effective policy, or lint policy files",
     &cmd_policy_spec},
    {"schema", cmd_schema, "print the JSON Schemas of records, reports...",
     &cmd_schema_spec},
    {"status", cmd_status, "answer \"am I opted out, what is shared?\"",
     &cmd_status_spec},
    {"validate", cmd_validate, "check account records and report every problem",
     &cmd_validate_spec},
    {"verify", cmd_verify, "re-check bundles against their manifests",
     &cmd_verify_spec},
};

#define COMMAND_COUNT (sizeof(commands) / sizeof(commands[0]))

static int show_help(const struct cli_arg *arg);
static int show_version(const struct cli_arg *arg);

static const struct cli_opt main_options[] = {
    {'h', "help", NULL, "show this help", show_help, 0},
    {'V', "version", NULL,
     "show the version, the built-in policy and the libraries", show_version,
     0},
    CLI_OPT_END,
};

static const struct cli_group main_groups[] = {
    {main_options, 0},
    {NULL, 0},
};

static const struct cli_spec main_spec = {
    .name = "dyd",
    .usage = "[-h | --help] [-V | --version] COMMAND [ARGS]\nhelp [COMMAND]",
    .groups = main_groups,
    .stop_at_operand = true, /* the command's options are its own */
};

static void usage(FILE *out)
{
	size_t i;

	cli_help_usage(&main_spec, out);
	fprintf(out, "\nCommands:\n");
	for (i = 0; i < COMMAND_COUNT; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	cli_help_table(&main_spec, out);
	fprintf(out, "\nRun 'dyd help COMMAND' for a command's options, or "
		     "see dyd(1).\n");
}

static int show_help(const struct cli_arg *arg)
{
	(void)arg;
	usage(stdout);
	return EXIT_ALL_OK;
}

static int show_version(const struct cli_arg *arg)
{
	dyd_diags diags = DYD_DIAGS_INIT;
	dyd_policy *policy = NULL;
	int rc = dyd_policy_load_default(&policy, &diags);

	(void)arg;
	printf("dyd %s\n", DYD_VERSION);
	printf("default policy: %s (sha256 %s)\n",
	       rc == 0 ? dyd_policy_id(policy) : "(unavailable)",
	       rc == 0 ? dyd_policy_sha256(policy) : "-");
	printf("libraries: %s\n", dyd_library_versions());
	dyd_policy_free(policy);
	dyd_diags_release(&diags);
	return EXIT_ALL_OK;
}

/* For tests/cli/check_docs.py, which holds the man pages and the bash
 * completion to the tables; hidden, as it is no interface for people. */
static int dump_options(void)
{
	const struct cli_spec *specs[COMMAND_COUNT + 1];
	size_t i;

	specs[0] = &main_spec;
	for (i = 0; i < COMMAND_COUNT; i++) {
		printf("command\t%s\t%s\n", commands[i].name,
		       commands[i].summary);
		specs[i + 1] = commands[i].spec;
	}
	cli_dump_options(specs, COMMAND_COUNT + 1);
	return EXIT_ALL_OK;
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < COMMAND_COUNT; i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

static int not_a_command(const char *name)
{
	const char *names[COMMAND_COUNT + 2], *nearest;
	size_t i;

	for (i = 0; i < COMMAND_COUNT; i++)
		names[i] = commands[i].name;
	names[i++] = "help";
	names[i] = NULL;
	nearest = cli_nearest(name, names);
	if (nearest)
		fprintf(stderr,
			"dyd: '%s' is not a dyd command; did you mean "
			"'%s'?\n",
			name, nearest);
	else
		fprintf(stderr, "dyd: '%s' is not a dyd command\n", name);
	usage(stderr);
	return EXIT_USAGE;
}

/* dyd help [COMMAND], as git help: the command's --help. */
static int help(int argc, char **argv)
{
	static char help_option[] = "--help";
	const struct command *cmd;
	char *args[3];

	if (argc == 1 || (argc == 2 && strcmp(argv[1], "help") == 0)) {
		usage(stdout);
		return EXIT_ALL_OK;
	}
	if (argc > 2)
		return cli_usage_error(NULL, "help takes one COMMAND");
	cmd = find_command(argv[1]);
	if (!cmd)
		return not_a_command(argv[1]);
	args[0] = argv[1];
	args[1] = help_option;
	args[2] = NULL;
	return cmd->run(2, args);
}

static int run(int argc, char **argv)
{
	const struct command *cmd;
	int first, status;

	if (argc == 2 && strcmp(argv[1], "--dump-options") == 0)
		return dump_options();
	status = cli_parse(&main_spec, NULL, argc, argv, &first);
	if (status != CLI_CONTINUE)
		return status;
	if (first == argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[first], "help") == 0)
		return help(argc - first, argv + first);
	cmd = find_command(argv[first]);
	if (!cmd)
		return not_a_command(argv[first]);
	return cmd->run(argc - first, argv + first);
}

int main(int argc, char **argv)
{
	/* Every time dyd shows is in a zone named explicitly (--tz, UTC by
	 * default). Pinning the process zone keeps libzip, which converts
	 * ZIP timestamps with the C library's local time, from making
	 * bundles depend on the caller's TZ. */
	setenv("TZ", "UTC", 1);
	tzset();

	return cli_close_stdout(run(argc, argv));
}
