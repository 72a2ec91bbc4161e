/* SPDX-License-Identifier: MIT */
/* What the subcommands share: exit codes, diagnostics, the option groups
 * of evaluating and bundling, the password. Only dyd.h from the library. */
#ifndef DYD_CLI_H
#define DYD_CLI_H

#include "cli_options.h"
#include "dyd.h"

#include <stdbool.h>
#include <stdio.h>

enum {
	EXIT_ALL_OK = 0,
	EXIT_PARTIAL = 1,
	EXIT_USAGE = 2,
	EXIT_INVALID = 3,
	EXIT_IO = 4,
	EXIT_VERIFY = 5,
};

/* The exit status for a library result code. */
int cli_exit_code(int rc);

/* Prints every diagnostic on stderr, one a line. */
void cli_print_diags(const dyd_diags *diags);
/* The end of a library call: prints and releases its diagnostics, says
 * "out of memory" for DYD_ENOMEM (which has none), and returns the exit
 * status for rc. */
int cli_diags_done(dyd_diags *diags, int rc);

/* Prints "dyd CMD: message" and a pointer to --help on stderr ("dyd:"
 * and 'dyd --help' when cmd is NULL); returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints the diagnostics of a call that returned DYD_EUSAGE: its errors
 * are about the command line, so they read as usage errors do. Returns
 * EXIT_USAGE. */
int cli_usage_diags(const char *cmd, const dyd_diags *diags);

/* Prints "dyd: message" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Loads the policy named by --policy, or the default one when path is
 * NULL; diagnostics go to stderr. Returns an exit status. */
int cli_load_policy(const char *path, dyd_policy **out);

/* The as-of instant: the --as-of text if given, else SOURCE_DATE_EPOCH,
 * else now. Returns an exit status. */
int cli_as_of(const char *cmd, const char *text, dyd_time *out);

/* Reads the record at path ('-': standard input), validates it against
 * the policy and evaluates it as of as_of. Returns a library result code;
 * every problem is in diags. */
int cli_evaluate_file(const char *path, const dyd_policy *policy,
		      const dyd_record_options *options, dyd_time as_of,
		      dyd_record **record, dyd_decision **decision,
		      dyd_diags *diags);

/* Writes data to stdout and flushes; EXIT_IO with a message on failure. */
int cli_write_stdout(const char *data, size_t len);

/* Whether '-' (standard input) is among files more than once. */
bool cli_stdin_twice(const char *const *files, int count);

/*
 * The --json output of the commands that check files (validate, verify,
 * policy check): {"files": [...]} with one dyd_file_result_json() a line.
 * An item returns an exit status (EXIT_IO when memory ran out).
 */
void cli_files_json_begin(void);
int cli_files_json_item(bool first, const char *file, bool valid,
			const char *id_key, const char *id,
			const dyd_diags *diags);
/* The same with the item's line made already (NULL: out of memory);
 * frees line. */
int cli_files_json_line(bool first, const char *file, char *line);
void cli_files_json_end(void);

/*
 * Flushes and closes stdout at the end of main: a result, a --help or a
 * --version that could not be written (a full disk, /dev/full) is
 * EXIT_IO with a message, never 0. Returns the exit status.
 */
int cli_close_stdout(int status);

/*
 * The options export, batch and status share: what to evaluate with.
 * --verbose is each command's own, as it means a little more for status.
 */
struct cli_eval {
	const char *policy;	   /* --policy; NULL: the built-in one */
	const char *as_of;	   /* --as-of, for cli_as_of() */
	dyd_record_options record; /* --strict */
};

#define CLI_EVAL_INIT                                                          \
	{                                                                      \
		NULL, NULL, DYD_RECORD_OPTIONS_INIT                            \
	}

extern const struct cli_opt cli_eval_options[];

/* The options of export and batch that make the bundle. */
struct cli_bundle {
	dyd_bundle_options options; /* --lang, --tz, --level */
	bool encrypt;
	const char *password_file;
	const char *sign_key_file; /* --sign-key: a path, never the key */
};

#define CLI_BUNDLE_INIT                                                        \
	{                                                                      \
		DYD_BUNDLE_OPTIONS_INIT, false, NULL, NULL                     \
	}

extern const struct cli_opt cli_bundle_options[];

/* What cannot be told one option at a time: --password-file without
 * --encrypt. Returns an exit status. */
int cli_bundle_check(const char *cmd, const struct cli_bundle *bundle);

/* With --encrypt, gets the password (cli_password(), asked twice) into
 * *password and bundle->options. Returns an exit status. */
int cli_bundle_password(const char *cmd, struct cli_bundle *bundle,
			char **password);

/*
 * The signing key of --sign-key FILE, else of the file DYD_SIGN_KEY_FILE
 * names (an empty one is no key), read once, before any record: into
 * *key and bundle->options.sign_key, with no core dumps from then on.
 * Without either, *key is NULL: unsigned bundles. Its diagnostics (the
 * warning of a key others may read too) go to stderr; the key itself
 * never does. Returns an exit status (3: not an Ed25519 private key, 4:
 * unreadable); *key is freed with dyd_signing_key_free().
 */
int cli_bundle_sign_key(struct cli_bundle *bundle, dyd_signing_key **key);

/* Option parsers shared by the tables. */
int cli_parse_lang(const struct cli_arg *arg);	/* const char *, en or id */
int cli_parse_tz(const struct cli_arg *arg);	/* const char *, a zone */
int cli_parse_level(const struct cli_arg *arg); /* int, 1 to 9 */

/* The value of arg as a whole number from min to max, or a usage error
 * that says so. Returns CLI_CONTINUE or EXIT_USAGE. */
int cli_parse_number(const struct cli_arg *arg, long min, long max, long *out);

/*
 * The bundle password: from --password-file (its first line), else the
 * DYD_PASSWORD environment variable, else a no-echo prompt on the terminal
 * (asked twice when confirm is set). Never from argv. Returns an exit
 * status; *out is freed with cli_password_free().
 */
int cli_password(const char *cmd, const char *file, bool confirm, char **out);
void cli_password_free(char *password);

/* From now on the process can produce no core dump and no debugger of
 * the same user can attach: for while a secret (a password, a signing
 * key) is in memory. */
void cli_no_core_dumps(void);

#endif
