/* mayfly stop [-t SECONDS] NAME..., start NAME..., restart [-t SECONDS] NAME..., rm [-f] NAME... */
#include "commands.h"
#include "instance.h"
#include <stdio.h>
#include <string.h>

/* Flags shared by the four: -t SECONDS (stop, restart), -f (rm). Fills names from the rest. */
static int parse(int argc, char **argv, int allow_t, int allow_f, int *grace, int *force, const char *usage)
{
    int n = 0;
    for (int i = 1; i < argc; i++) {
        if (allow_t && (strcmp(argv[i], "-t") == 0 || strcmp(argv[i], "--time") == 0)) {
            if (i + 1 == argc) {
                fprintf(stderr, "mayfly %s: flag '-t' needs a value\n%s", argv[0], usage);
                return -1;
            }
            if (parse_seconds(argv[0], argv[++i], grace) < 0)
                return -1;
        } else if (allow_f && (strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--force") == 0)) {
            *force = 1;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "mayfly %s: unknown flag '%s'\n%s", argv[0], argv[i], usage);
            return -1;
        } else {
            argv[++n] = argv[i];
        }
    }
    if (n == 0) {
        fputs(usage, stderr);
        return -1;
    }
    return n;
}

static int known(const char *cmd, const char *name)
{
    if (instance_exists(name))
        return 1;
    fprintf(stderr, "mayfly %s: no instance '%s'\n", cmd, name);
    return 0;
}

int cmd_stop(int argc, char **argv)
{
    int grace = 10, force = 0, rc = 0;
    int n = parse(argc, argv, 1, 0, &grace, &force, "usage: mayfly stop [-t SECONDS] NAME...\n");
    if (n < 0)
        return EXIT_USAGE;
    for (int i = 1; i <= n; i++) {
        if (!known("stop", argv[i]) || instance_stop(argv[i], grace, 0) < 0)
            rc = EXIT_FAILED;
        else
            printf("%s\n", argv[i]);
    }
    return rc;
}

int cmd_start(int argc, char **argv)
{
    int grace = 0, force = 0, rc = 0;
    int n = parse(argc, argv, 0, 0, &grace, &force, "usage: mayfly start NAME...\n");
    if (n < 0)
        return EXIT_USAGE;
    for (int i = 1; i <= n; i++) {
        int r = !known("start", argv[i]) ? EXIT_FAILED : instance_start(argv[i]) < 0 ? EXIT_NOT_STARTED : 0;
        if (r)
            rc = r;
        else
            printf("%s\n", argv[i]);
    }
    return rc;
}

int cmd_restart(int argc, char **argv)
{
    int grace = 10, force = 0, rc = 0;
    int n = parse(argc, argv, 1, 0, &grace, &force, "usage: mayfly restart [-t SECONDS] NAME...\n");
    if (n < 0)
        return EXIT_USAGE;
    for (int i = 1; i <= n; i++) {
        int r = !known("restart", argv[i]) || instance_stop(argv[i], grace, 1) < 0 ? EXIT_FAILED
                : instance_start(argv[i]) < 0 ? EXIT_NOT_STARTED : 0;
        if (r)
            rc = r;
        else
            printf("%s\n", argv[i]);
    }
    return rc;
}

int cmd_rm(int argc, char **argv)
{
    int grace = 0, force = 0, rc = 0;
    int n = parse(argc, argv, 0, 1, &grace, &force, "usage: mayfly rm [-f] NAME...\n");
    if (n < 0)
        return EXIT_USAGE;
    for (int i = 1; i <= n; i++) {
        if (!known("rm", argv[i])) {
            rc = EXIT_FAILED;
            continue;
        }
        struct status st;
        if (instance_active(instance_state(argv[i], &st))) {
            if (!force) {
                fprintf(stderr, "mayfly rm: '%s' is %s (mayfly stop %s first, or rm -f)\n", argv[i], st.state, argv[i]);
                rc = EXIT_FAILED;
                continue;
            }
            instance_stop(argv[i], 0, 0);
        }
        if (instance_remove_service(argv[i]) < 0)
            rc = EXIT_FAILED;
        else
            printf("%s\n", argv[i]);
    }
    return rc;
}
