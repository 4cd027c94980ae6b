/* The subcommands of `mayfly` (main.c dispatches): each takes its own argv (argv[0] is the
 * subcommand's name) and returns the process's exit status. Usage errors are 2 and name the
 * flag or word that was wrong. */
#ifndef MAYFLY_COMMANDS_H
#define MAYFLY_COMMANDS_H
#include "spec.h"

int cmd_run(int argc, char **argv);
int cmd_ps(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_logs(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_restart(int argc, char **argv);
int cmd_rm(int argc, char **argv);
int cmd_up(int argc, char **argv);
int cmd_down(int argc, char **argv);
int cmd_network(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_update(int argc, char **argv);
int cmd_os(int argc, char **argv);

#define EXIT_USAGE 2
#define EXIT_FAILED 1
#define EXIT_NOT_STARTED 125

/* `-t SECONDS`: a whole number of seconds, 0 to a day. Returns 0 or -1 (message printed). */
int parse_seconds(const char *cmd, const char *text, int *out);
/* Starts s detached: creates the instance and its monitor, waits for QEMU to run. Prints
 * nothing on success. Returns 0 or an exit status. */
int run_detached(const struct spec *s);
#endif
