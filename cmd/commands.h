/* One entry point per subcommand, each in cmd_<name>.c. argv[0] is the
 * subcommand's name. Each returns an exit status. */
#ifndef DYD_COMMANDS_H
#define DYD_COMMANDS_H

int cmd_batch(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_schema(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_verify(int argc, char **argv);

#endif
