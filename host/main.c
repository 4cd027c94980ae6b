/* mayfly: runs Mayfly unikernels on this host as container tools run containers, each under a
 * monitor process of its own. `mayfly help` lists the commands; README.md's "Running a fleet"
 * shows them at work. */
#include "commands.h"
#include "instance.h"
#include "monitor.h"
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: mayfly COMMAND [ARGS]\n"
    "  run [-d] [--name NAME] [-p [IP:]HOST:GUEST[/udp]]... [-v DISK[:PATH][:ro]]... [-e NAME=VALUE]...\n"
    "      [-m SIZE] [--restart no|on-failure[:N]|always] [--health http:PORT/PATH|tcp:PORT]\n"
    "      [--net NETWORK]... [--rm] [--replicas N] [--on-demand [--idle DURATION]] [--warm N] [--per-request]\n"
    "      [--gdb [IP:]PORT]\n"
    "      IMAGE [kernel options] [-- app args]    (IMAGE: an ELF, a module .app, or a disk image)\n"
    "  ps [-a]                      instances: state, uptime, ports, memory, restarts\n"
    "  logs [-f] [--tail N] NAME    the console\n"
    "  stop [-t SECONDS] NAME...    the power button, then a kill after SECONDS (default 10)\n"
    "  start NAME...                start a stopped (or lost) instance again\n"
    "  restart [-t SECONDS] NAME...\n"
    "  rm [-f] NAME...              remove (-f: stop it first)\n"
    "  inspect NAME...              everything about an instance, as JSON\n"
    "  up [-f FILE] | up --saved    start a fleet file's services (default mayfly.yaml), or every\n"
    "                               instance that was running (after a reboot)\n"
    "  down [-f FILE] [-t SECONDS] | down --saved\n"
    "  update [-t SECONDS] NAME IMAGE  replace a service's replicas one at a time, without a failed request\n"
    "  os install FILE | show | update [-t SECONDS] FILE | rollback [-t SECONDS]\n"
    "                               the shared OS that app modules (.app) run on; an update or a rollback\n"
    "                               moves every module instance onto it, one at a time\n"
    "  network create NAME | ls | rm NAME...\n"
    "  export --libvirt NAME [-o FILE]\n"
    "State: $MAYFLY_STATE, else $XDG_STATE_HOME/mayfly, else /var/lib/mayfly (root) or ~/.local/state/mayfly.\n";

static const struct {
    const char *name;
    int (*run)(int, char **);
} commands[] = {
    { "run", cmd_run },       { "ps", cmd_ps },         { "logs", cmd_logs },   { "stop", cmd_stop },
    { "start", cmd_start },   { "restart", cmd_restart }, { "rm", cmd_rm },     { "inspect", cmd_inspect },
    { "up", cmd_up },         { "down", cmd_down },     { "network", cmd_network }, { "export", cmd_export },
    { "update", cmd_update }, { "os", cmd_os },
};

int main(int argc, char **argv)
{
    /* a reader that goes away (mayfly logs | head) ends us quietly */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2 || strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USAGE : 0;
    }
    /* the detached monitor: `mayfly monitor NAME`, started by run -d, start, up */
    if (strcmp(argv[1], "monitor") == 0 && argc == 3) {
        int handed = fcntl(MONITOR_LOCK_FD, F_GETFD) >= 0;
        return monitor_run(argv[2], 0, handed ? MONITOR_LOCK_FD : -1);
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "mayfly: unknown command '%s'\n%s", argv[1], usage);
    return EXIT_USAGE;
}
