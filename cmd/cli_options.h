/* SPDX-License-Identifier: MIT */
/*
 * Option tables: one per command, from which the getopt_long array, the
 * --help text, the "did you mean" hints and the listing the docs check
 * reads (dyd --dump-options) are all made, so that they cannot disagree.
 * After libgit2's cli_opt_spec[] and git's parse_options_concat(): a
 * command joins its own table with shared groups (cli.h) into one spec.
 */
#ifndef DYD_CLI_OPTIONS_H
#define DYD_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* What cli_parse() and an option's parser return to go on; anything
 * else is the exit status to stop with, its message already printed. */
#define CLI_CONTINUE (-1)

struct cli_opt;
struct cli_spec;

/* One option as it was met on the command line. */
struct cli_arg {
	const char *cmd; /* for messages: "export"; NULL at the top level */
	const struct cli_spec *spec;
	const struct cli_opt *opt;
	const char *value; /* NULL for an option without a value */
	void *dest;	   /* the table's struct, plus the option's offset */
};

struct cli_opt {
	int short_name;		/* 'o', or 0 for none */
	const char *name;	/* the long name, without "--" */
	const char *value_name; /* "FILE"; NULL: the option takes no value */
	const char *help;	/* one line of --help, wrapped to fit */
	int (*parse)(const struct cli_arg *arg);
	size_t offset; /* of what parse fills in, in the table's struct */
};

#define CLI_OPT_END                                                            \
	{                                                                      \
		0, NULL, NULL, NULL, NULL, 0                                   \
	}

/* A table and where its struct sits in the command's arguments struct:
 * a shared group's offsets are relative to the group's own struct. */
struct cli_group {
	const struct cli_opt *opts;
	size_t at;
};

struct cli_spec {
	const char *name;		/* "export"; "dyd" for the top level */
	const char *usage;		/* the operands, one form a line */
	const char *about;		/* what the command does, as printed */
	const struct cli_group *groups; /* ends with a NULL opts */
	/* Stop at the first operand (the top level: the command's own
	 * options follow it) instead of taking options anywhere. */
	bool stop_at_operand;
};

/*
 * Parses the options of argv (argv[0] is the command's name) into args,
 * the command's arguments struct. Returns CLI_CONTINUE with *operands the
 * index of the first operand, or an exit status: 0 after --help, 2 after
 * a usage error (with a hint at the nearest option), 4 when memory ran
 * out.
 */
int cli_parse(const struct cli_spec *spec, void *args, int argc, char **argv,
	      int *operands);

/* Prints the --help text of spec on out: the usage lines, the about
 * text, then the table of options. */
void cli_help(const struct cli_spec *spec, FILE *out);
void cli_help_usage(const struct cli_spec *spec, FILE *out);
void cli_help_table(const struct cli_spec *spec, FILE *out);

/*
 * Prints every option of the specs as tab-separated lines for
 * tests/cli/check_docs.py: "option", the command, the short name or "-",
 * the long name, the value name or "-", the help text.
 */
void cli_dump_options(const struct cli_spec *const *specs, size_t count);

/*
 * The word of candidates (a NULL-terminated list) nearest to word by edit
 * distance, or NULL when none is near enough to be what was meant.
 */
const char *cli_nearest(const char *word, const char *const *candidates);

/* Option parsers: they store what struct cli_arg says into dest. */
int cli_set_true(const struct cli_arg *arg);   /* bool */
int cli_set_string(const struct cli_arg *arg); /* const char * */
int cli_show_help(const struct cli_arg *arg);  /* prints help, stops: 0 */

/* -h, --help: the last group of every command. */
extern const struct cli_opt cli_help_options[];

#endif
