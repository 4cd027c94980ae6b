/* mayfly os install FILE | show | update [-t SECONDS] FILE | rollback [-t SECONDS]: the shared OS
 * that app modules (.app) run on (os_store.h keeps the files).
 *
 * An update (or a rollback) moves every instance of a module that is not on the new OS onto it,
 * one at a time: a service behind a front is handed the new OS in its spec and told (SIGHUP), and
 * its front replaces the replicas one by one as `mayfly update` has it (a new one started, healthy,
 * in the rotation, then an old one drained and powered off), so that no request fails; a plain
 * instance is stopped and started again, and how long it was down is printed. Before anything is
 * restarted, the modules' ABIs are checked against the new OS's: one that differs would be refused
 * at boot, so the whole update is refused, naming them, and nothing changes. */
#include "clock.h"
#include "commands.h"
#include "elfnote.h"
#include "front.h"
#include "instance.h"
#include "os_store.h"
#include "paths.h"
#include "status.h"
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define OS_ROLL_DEFAULT_S 300
#define STOP_GRACE_S 10
#define POLL_MS 100

static const char os_usage[] =
    "usage: mayfly os install FILE              store an OS file (make os: build/mayfly-os.elf); current if none is\n"
    "       mayfly os show                      the current OS and the previous one (also: os ls)\n"
    "       mayfly os update [-t SECONDS] FILE  install FILE, make it current, move every module instance onto it\n"
    "       mayfly os rollback [-t SECONDS]     the previous OS current again, every module instance moved back\n";

static int usage_error(const char *fmt, const char *what)
{
    fprintf(stderr, "mayfly os: ");
    fprintf(stderr, fmt, what);
    fprintf(stderr, "\n%s", os_usage);
    return EXIT_USAGE;
}

static char names[INSTANCES_MAX][SPEC_NAME_MAX + 1];

/* One instance an update concerns: a module's, not a replica (its front moves those). */
struct mover {
    char name[SPEC_NAME_MAX + 1];
    int front;
};

/* Whether name is one of the instances (NAME-1..) of a front service among specs. */
static int is_replica(const char *name, struct spec *specs, const int *is_module, int n)
{
    char replica[SPEC_NAME_MAX + 1];
    for (int i = 0; i < n; i++) {
        if (!is_module[i] || !spec_has_front(&specs[i]))
            continue;
        for (int k = 1; k <= spec_slot_count(&specs[i]); k++) {
            spec_replica_name(specs[i].name, k, replica, sizeof replica);
            if (strcmp(name, replica) == 0)
                return 1;
        }
    }
    return 0;
}

/* Every module instance not on target, into movers; refused (-1, printed) when any is built for
 * another ABI than abi. Returns the count. */
static int plan(const char *cmd, const char *target, const char *abi, struct mover *movers)
{
    int n = instance_list(names, INSTANCES_MAX), count = 0, refused = 0;
    struct spec *specs = calloc((size_t)(n ? n : 1), sizeof *specs);
    int *is_module = calloc((size_t)(n ? n : 1), sizeof *is_module);
    if (!specs || !is_module) {
        free(specs);
        free(is_module);
        fprintf(stderr, "mayfly %s: out of memory\n", cmd);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        char err[SPEC_ERR_MAX];
        is_module[i] = instance_load_spec(names[i], &specs[i], err, sizeof err) == 0 &&
                       spec_image_kind(specs[i].image) == IMAGE_APP;
    }
    for (int i = 0; i < n; i++) {
        if (!is_module[i] || strcmp(specs[i].os, target) == 0 || is_replica(names[i], specs, is_module, n))
            continue;
        char app_abi[ELFNOTE_ABI_MAX];
        int rc = elfnote_abi_of(specs[i].image, app_abi, sizeof app_abi);
        if (rc < 0 || strcmp(app_abi, abi) != 0) {
            if (!refused++)
                fprintf(stderr, "mayfly %s: the OS %s has ABI %s; these instances' modules would be refused at boot:\n",
                        cmd, target, abi);
            fprintf(stderr, "  %s: %s %s%s\n", names[i], specs[i].image, rc < 0 ? "" : "is built for ABI ",
                    rc < 0 ? elfnote_strerror(rc) : app_abi);
            continue;
        }
        snprintf(movers[count].name, sizeof movers[count].name, "%s", names[i]);
        movers[count++].front = spec_has_front(&specs[i]);
    }
    free(specs);
    free(is_module);
    if (refused) {
        fprintf(stderr, "mayfly %s: nothing was changed (rebuild them with make APP=DIR MODULE=1)\n", cmd);
        return -1;
    }
    return count;
}

/* A service behind a front: its spec names target, its front rolls its replicas. */
static int move_front(const char *cmd, struct spec *s, const char *target, int timeout)
{
    struct status st;
    const char *state = instance_state(s->name, &st);
    snprintf(s->os, sizeof s->os, "%s", target);
    if (instance_save_spec(s) < 0) {
        fprintf(stderr, "mayfly %s: cannot write the spec of '%s': %s\n", cmd, s->name, strerror(errno));
        return -1;
    }
    if (!proc_alive(&st.monitor) || kill(st.monitor.pid, SIGHUP) < 0) {
        printf("%s: %s; starts on it next time\n", s->name, state);
        return 0;
    }
    long long start = now_ms();
    if (front_wait_rolled(s->name, s->image, target, &st.monitor, start + timeout * 1000LL) < 0) {
        fprintf(stderr, "mayfly %s: '%s' %s (see mayfly ps -a and mayfly logs %s-N)\n", cmd, s->name,
                proc_alive(&st.monitor) ? "did not finish in time: a new replica did not become healthy"
                                        : "stopped during the update", s->name);
        return -1;
    }
    printf("%s: replicas replaced one at a time behind the front (%.1f s)\n", s->name,
           (double)(now_ms() - start) / 1000.0);
    return 0;
}

/* Until its health check says healthy (when it has one). Returns 0, or -1. */
static int wait_healthy(const char *name, long long deadline)
{
    struct status st;
    while (now_ms() < deadline) {
        const char *state = instance_state(name, &st);
        if (strcmp(st.health, "healthy") == 0)
            return 0;
        if (!instance_active(state))
            return -1;
        sleep_ms(POLL_MS / 2);
    }
    return -1;
}

/* A plain instance: stopped, its spec pointed at target, started again; its downtime printed. */
static int move_plain(const char *cmd, struct spec *s, const char *target, int timeout)
{
    struct status st;
    const char *state = instance_state(s->name, &st);
    int was_active = instance_active(state);
    if (!was_active) {
        snprintf(s->os, sizeof s->os, "%s", target);
        if (instance_save_spec(s) < 0) {
            fprintf(stderr, "mayfly %s: cannot write the spec of '%s': %s\n", cmd, s->name, strerror(errno));
            return -1;
        }
        printf("%s: %s; starts on it next time\n", s->name, state);
        return 0;
    }
    long long start = now_ms();
    if (instance_stop(s->name, STOP_GRACE_S, 1) < 0) {
        fprintf(stderr, "mayfly %s: '%s' did not stop; left on its OS\n", cmd, s->name);
        return -1;
    }
    snprintf(s->os, sizeof s->os, "%s", target);
    if (instance_save_spec(s) < 0) {
        fprintf(stderr, "mayfly %s: cannot write the spec of '%s': %s\n", cmd, s->name, strerror(errno));
        instance_start(s->name);
        return -1;
    }
    if (instance_start(s->name) < 0) {
        fprintf(stderr, "mayfly %s: '%s' did not start on the new OS (mayfly logs %s)\n", cmd, s->name, s->name);
        return -1;
    }
    int checked = s->health.kind != HEALTH_NONE;
    if (checked && wait_healthy(s->name, start + timeout * 1000LL) < 0) {
        fprintf(stderr, "mayfly %s: '%s' runs on the new OS but is not healthy (mayfly logs %s)\n", cmd, s->name,
                s->name);
        return -1;
    }
    printf("%s: down %.1f s (stopped, then %s on the new OS)\n", s->name, (double)(now_ms() - start) / 1000.0,
           checked ? "healthy" : "running");
    return 0;
}

/* Makes target current (its ABI abi) and moves every module instance onto it. */
static int roll(const char *cmd, const char *target, const char *abi, int timeout)
{
    static struct mover movers[INSTANCES_MAX];
    static struct spec s;
    int n = plan(cmd, target, abi, movers);
    if (n < 0)
        return EXIT_FAILED;
    if (os_store_make_current(cmd, target) < 0)
        return EXIT_FAILED;
    printf("current OS: %s (ABI %s)\n", target, abi);
    int failed = 0;
    for (int i = 0; i < n; i++) {
        char err[SPEC_ERR_MAX];
        if (instance_load_spec(movers[i].name, &s, err, sizeof err) < 0) {
            fprintf(stderr, "mayfly %s: '%s': %s\n", cmd, movers[i].name, err);
            failed++;
            continue;
        }
        if ((movers[i].front ? move_front : move_plain)(cmd, &s, target, timeout) < 0)
            failed++;
    }
    printf("%d instance%s moved onto %s, %d failed\n", n - failed, n - failed == 1 ? "" : "s", target, failed);
    return failed ? EXIT_FAILED : 0;
}

/* -t SECONDS among args[from..], and the words left; returns the count of words or -1 (printed). */
static int parse_words(const char *cmd, int argc, char **argv, int *timeout, const char **words, int max)
{
    int n = 0;
    for (int i = 1; i < argc; i++) {
        if (timeout && (strcmp(argv[i], "-t") == 0 || strcmp(argv[i], "--timeout") == 0)) {
            if (i + 1 == argc) {
                usage_error("flag '%s' needs a value", argv[i]);
                return -1;
            }
            if (parse_seconds(cmd, argv[++i], timeout) < 0)
                return -1;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            usage_error("unknown flag '%s'", argv[i]);
            return -1;
        } else if (n == max) {
            usage_error("unexpected word '%s'", argv[i]);
            return -1;
        } else {
            words[n++] = argv[i];
        }
    }
    return n;
}

static int os_install(int argc, char **argv)
{
    const char *file;
    int n = parse_words("os install", argc, argv, NULL, &file, 1);
    if (n < 0)
        return EXIT_USAGE;
    if (n == 0)
        return usage_error("%s", "install needs a FILE");
    char path[PATH_MAX], current[PATH_MAX], abi[ELFNOTE_ABI_MAX];
    int added = os_store_add("os install", file, path, sizeof path, abi);
    if (added < 0)
        return EXIT_FAILED;
    if (os_store_get("current", current, sizeof current) < 0)
        return EXIT_FAILED;
    if (!current[0] && os_store_make_current("os install", path) < 0)
        return EXIT_FAILED;
    printf("%s (ABI %s)%s%s\n", path, abi, added ? "" : " was already installed",
           !current[0] ? ", now the current OS" : strcmp(current, path) == 0 ? ", the current OS" : "");
    return 0;
}

/* What one of the two names holds: path, ABI, release, size, and the instances on it. */
static void show_one(const char *which)
{
    char path[PATH_MAX], abi[ELFNOTE_ABI_MAX] = "?", release[64] = "?";
    os_store_get(which, path, sizeof path);
    if (!path[0]) {
        printf("%-9s (none)\n", which);
        return;
    }
    unsigned char *d;
    size_t len = 0;
    if (elfnote_read_file(path, &d, &len) == 0) {
        elfnote_abi(d, len, abi, sizeof abi);
        elfnote_symbol_string(d, len, "mayfly_os_release", release, sizeof release);
        free(d);
        printf("%-9s %s\n          ABI %s, release %s, %zu bytes\n", which, path, abi, release, len);
    } else {
        printf("%-9s %s\n          (missing: %s)\n", which, path, strerror(errno));
    }
    int n = instance_list(names, INSTANCES_MAX), shown = 0;
    static struct spec s;
    for (int i = 0; i < n; i++) {
        char err[SPEC_ERR_MAX];
        if (instance_load_spec(names[i], &s, err, sizeof err) == 0 && strcmp(s.os, path) == 0)
            printf("%s%s", shown++ ? " " : "          instances: ", names[i]);
    }
    if (shown)
        printf("\n");
}

static int os_show(int argc, char **argv)
{
    const char *none;
    if (parse_words("os show", argc, argv, NULL, &none, 0) < 0)
        return EXIT_USAGE;
    show_one("current");
    show_one("previous");
    return 0;
}

static int os_update(int argc, char **argv)
{
    const char *file;
    int timeout = OS_ROLL_DEFAULT_S;
    int n = parse_words("os update", argc, argv, &timeout, &file, 1);
    if (n < 0)
        return EXIT_USAGE;
    if (n == 0)
        return usage_error("%s", "update needs a FILE");
    char path[PATH_MAX], abi[ELFNOTE_ABI_MAX];
    /* stored first (a stored file is used by nobody until it is current) */
    if (os_store_add("os update", file, path, sizeof path, abi) < 0)
        return EXIT_FAILED;
    return roll("os update", path, abi, timeout);
}

static int os_rollback(int argc, char **argv)
{
    const char *none;
    int timeout = OS_ROLL_DEFAULT_S;
    if (parse_words("os rollback", argc, argv, &timeout, &none, 0) < 0)
        return EXIT_USAGE;
    char previous[PATH_MAX], abi[ELFNOTE_ABI_MAX];
    if (os_store_get("previous", previous, sizeof previous) < 0)
        return EXIT_FAILED;
    if (!previous[0]) {
        fprintf(stderr, "mayfly os rollback: there is no previous OS (mayfly os show)\n");
        return EXIT_FAILED;
    }
    int rc = elfnote_abi_of(previous, abi, sizeof abi);
    if (rc < 0) {
        fprintf(stderr, "mayfly os rollback: the previous OS %s %s\n", previous, elfnote_strerror(rc));
        return EXIT_FAILED;
    }
    return roll("os rollback", previous, abi, timeout);
}

int cmd_os(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*run)(int, char **);
    } subs[] = {
        { "install", os_install }, { "show", os_show }, { "ls", os_show },
        { "update", os_update },   { "rollback", os_rollback },
    };
    if (argc < 2)
        return usage_error("%s", "a subcommand is needed");
    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(os_usage, stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        if (strcmp(argv[1], subs[i].name) == 0)
            return subs[i].run(argc - 1, argv + 1);
    return usage_error("unknown subcommand '%s'", argv[1]);
}
