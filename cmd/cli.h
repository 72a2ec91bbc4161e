/* What the subcommands share: exit codes, diagnostics, policy and time
 * options. Only dyd.h from the library. */
#ifndef DYD_CLI_H
#define DYD_CLI_H

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

/* Prints "dyd CMD: message" and a pointer to --help on stderr; returns
 * EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The usage error for what getopt_long returned as c (':' for a missing
 * value, '?' for an unknown option); arg is the offending word. */
int cli_option_error(const char *cmd, int c, const char *arg);

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

/*
 * The bundle password: from --password-file (its first line), else the
 * DYD_PASSWORD environment variable, else a no-echo prompt on the terminal
 * (asked twice when confirm is set). Never from argv. Returns an exit
 * status; *out is freed with cli_password_free().
 */
int cli_password(const char *cmd, const char *file, bool confirm, char **out);
void cli_password_free(char *password);

/* Blocks SIGINT, SIGTERM and SIGHUP while a file is put in place; the
 * write is abandoned when one arrived (see dyd_write_options). */
void cli_signals_block(void);
void cli_signals_unblock(void);
bool cli_signal_pending(void *unused);

#endif
