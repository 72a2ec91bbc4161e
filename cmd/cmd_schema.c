/* SPDX-License-Identifier: MIT */
/* dyd schema: print the JSON Schemas built into dyd. */
#include "cli.h"
#include "commands.h"

#include <stdio.h>

static const struct cli_group schema_groups[] = {
    {cli_help_options, 0},
    {NULL, 0},
};

const struct cli_spec cmd_schema_spec = {
    .name = "schema",
    .usage = "[NAME]",
    .about = "Prints the JSON Schema (draft 2020-12) NAME: account, decision,\n"
	     "manifest, policy, report or results. Without NAME, lists the\n"
	     "names.\n",
    .groups = schema_groups,
};

/* The error for a NAME that is no schema, with the one it may mean. */
static int no_schema(const char *name)
{
	const char *names[16] = {NULL}, *nearest;
	size_t i;

	for (i = 0; i + 1 < sizeof(names) / sizeof(names[0]); i++)
		if (!(names[i] = dyd_schema_name(i)))
			break;
	nearest = cli_nearest(name, names);
	if (nearest)
		return cli_usage_error("schema",
				       "no schema '%s'; did you mean '%s'?",
				       name, nearest);
	return cli_usage_error(
	    "schema", "no schema '%s' (run 'dyd schema' for the list)", name);
}

int cmd_schema(int argc, char **argv)
{
	const char *text, *name;
	size_t len, i;
	int first, status;

	status = cli_parse(&cmd_schema_spec, NULL, argc, argv, &first);
	if (status != CLI_CONTINUE)
		return status;
	if (first == argc) {
		for (i = 0; (name = dyd_schema_name(i)); i++)
			printf("%s\n", name);
		return EXIT_ALL_OK;
	}
	if (argc - first > 1)
		return cli_usage_error("schema", "one NAME at a time");
	text = dyd_schema(argv[first], &len);
	if (!text)
		return no_schema(argv[first]);
	return cli_write_stdout(text, len);
}
