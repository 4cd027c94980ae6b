/* mayfly update [-t SECONDS] NAME IMAGE: a rolling update of a service behind a front. The new
 * image goes into the service's spec and its front is told (SIGHUP); the front then replaces
 * the serving instances one at a time (a new one started, healthy, in the rotation, then an old
 * one drained and powered off) and its warm pool. This waits until the front's file says so
 * (front.c: "image PATH updated"); when that takes longer than SECONDS, the old image is put
 * back the same way and the update has failed. */
#include "clock.h"
#include "commands.h"
#include "front.h"
#include "instance.h"
#include "os_store.h"
#include "paths.h"
#include "status.h"
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#define UPDATE_DEFAULT_S 300

static const char update_usage[] = "usage: mayfly update [-t SECONDS] NAME IMAGE\n";

/* Writes the image (and a module's OS) into the spec and tells a running front. Returns 1 when a
 * front was told. */
static int set_image(struct spec *s, const char *image, const char *os, const struct status *st)
{
    snprintf(s->image, sizeof s->image, "%s", image);
    snprintf(s->os, sizeof s->os, "%s", os);
    if (instance_save_spec(s) < 0) {
        fprintf(stderr, "mayfly update: cannot write the spec of '%s': %s\n", s->name, strerror(errno));
        return -1;
    }
    return proc_alive(&st->monitor) && kill(st->monitor.pid, SIGHUP) == 0;
}

int cmd_update(int argc, char **argv)
{
    int timeout = UPDATE_DEFAULT_S, n = 0;
    const char *words[2];
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-t") == 0 || strcmp(argv[i], "--timeout") == 0) {
            if (i + 1 == argc) {
                fprintf(stderr, "mayfly update: flag '%s' needs a value\n%s", argv[i], update_usage);
                return EXIT_USAGE;
            }
            if (parse_seconds("update", argv[++i], &timeout) < 0)
                return EXIT_USAGE;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "mayfly update: unknown flag '%s'\n%s", argv[i], update_usage);
            return EXIT_USAGE;
        } else if (n == 2) {
            fprintf(stderr, "mayfly update: one NAME and one IMAGE, not also '%s'\n%s", argv[i], update_usage);
            return EXIT_USAGE;
        } else {
            words[n++] = argv[i];
        }
    }
    if (n < 2) {
        fputs(update_usage, stderr);
        return EXIT_USAGE;
    }
    static struct spec s, probe;
    char err[SPEC_ERR_MAX], old[PATH_MAX], old_os[PATH_MAX];
    if (!instance_exists(words[0])) {
        fprintf(stderr, "mayfly update: no instance '%s'\n", words[0]);
        return EXIT_FAILED;
    }
    if (instance_load_spec(words[0], &s, err, sizeof err) < 0) {
        fprintf(stderr, "mayfly update: '%s': %s\n", words[0], err);
        return EXIT_FAILED;
    }
    if (!spec_has_front(&s)) {
        fprintf(stderr, "mayfly update: '%s' is a single instance; an update without a failed request needs "
                        "replicas behind a front (mayfly run --replicas N)\n", words[0]);
        return EXIT_USAGE;
    }
    spec_init(&probe);
    if (spec_set_image(&probe, words[1], err, sizeof err) < 0) {  /* exists, is a kernel: an absolute path */
        fprintf(stderr, "mayfly update: %s\n", err);
        return EXIT_USAGE;
    }
    int bound = os_bind("update", &probe);     /* a module: on the current OS, its ABI checked */
    if (bound)
        return bound;
    snprintf(old, sizeof old, "%s", s.image);
    snprintf(old_os, sizeof old_os, "%s", s.os);
    struct status st;
    const char *state = instance_state(words[0], &st);
    int told = set_image(&s, probe.image, probe.os, &st);
    if (told < 0)
        return EXIT_FAILED;
    if (!told) {
        printf("'%s' is %s: it starts with %s next time\n", words[0], state, probe.image);
        return 0;
    }
    long long start = now_ms();
    if (front_wait_rolled(words[0], probe.image, probe.os, &st.monitor, start + timeout * 1000LL) < 0) {
        int back = set_image(&s, old, old_os, &st);
        fprintf(stderr, "mayfly update: '%s' %s; %s %s (see mayfly ps -a and mayfly logs %s-N)\n", words[0],
                proc_alive(&st.monitor) ? "did not finish in time: a new instance did not become healthy"
                                        : "stopped during the update",
                back > 0 ? "rolling back to" : "its spec names again", old, words[0]);
        return EXIT_FAILED;
    }
    printf("'%s' runs %s (%.1f s)\n", words[0], probe.image, (double)(now_ms() - start) / 1000.0);
    return 0;
}
