/* SPDX-License-Identifier: MIT */
/* One entry point per subcommand, each in cmd_<name>.c. argv[0] is the
 * subcommand's name. Each returns an exit status. Each spec is the
 * command's option table, for its --help and dyd --dump-options. */
#ifndef DYD_COMMANDS_H
#define DYD_COMMANDS_H

#include "cli_options.h"

int cmd_batch(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_schema(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_verify(int argc, char **argv);

extern const struct cli_spec cmd_batch_spec;
extern const struct cli_spec cmd_export_spec;
extern const struct cli_spec cmd_key_spec;
extern const struct cli_spec cmd_policy_spec;
extern const struct cli_spec cmd_schema_spec;
extern const struct cli_spec cmd_status_spec;
extern const struct cli_spec cmd_validate_spec;
extern const struct cli_spec cmd_verify_spec;

#endif
