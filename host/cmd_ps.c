/* mayfly ps [-a]: one line per instance. */
#include "commands.h"
#include "instance.h"
#include "network.h"
#include "paths.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char names[INSTANCES_MAX][SPEC_NAME_MAX + 1];


static void format_duration(long long s, char *out, size_t len)
{
    if (s < 60)
        snprintf(out, len, "%llds", s);
    else if (s < 3600)
        snprintf(out, len, "%lldm%llds", s / 60, s % 60);
    else if (s < 86400)
        snprintf(out, len, "%lldh%lldm", s / 3600, s % 3600 / 60);
    else
        snprintf(out, len, "%lldd%lldh", s / 86400, s % 86400 / 3600);
}

/* running, healthy, unhealthy, starting (health not yet known), restarting, stopping, lost, exited(N) */
static void shown_state(const struct status *st, char *out, size_t len)
{
    if (strcmp(st->state, "exited") == 0 || strcmp(st->state, "created") == 0) {
        if (st->exit_code >= 0)
            snprintf(out, len, "exited(%d)", st->exit_code);
        else
            snprintf(out, len, "%s", st->state);
    } else if (strcmp(st->state, "running") == 0 && strcmp(st->health, "none") != 0) {
        snprintf(out, len, "%s", st->health);
    } else {
        snprintf(out, len, "%s", st->state);
    }
}

int cmd_ps(int argc, char **argv)
{
    int all = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-a") == 0 || strcmp(argv[i], "--all") == 0)
            all = 1;
        else {
            fprintf(stderr, "mayfly ps: unknown flag '%s'\nusage: mayfly ps [-a]\n", argv[i]);
            return EXIT_USAGE;
        }
    }
    int n = instance_list(names, INSTANCES_MAX);
    printf("%-20s %-20s %-12s %-8s %-30s %-8s %s\n", "NAME", "IMAGE", "STATE", "UPTIME", "PORTS", "MEMORY", "RESTARTS");
    static struct spec s;
    for (int i = 0; i < n; i++) {
        struct status st;
        char err[SPEC_ERR_MAX], state[32], uptime[32] = "-", ports[256] = "", mem[32] = "-";
        const char *live = instance_state(names[i], &st);
        if (!all && !instance_active(live))
            continue;
        if (instance_load_spec(names[i], &s, err, sizeof err) < 0) {
            printf("%-20s %-20s %s\n", names[i], "?", "broken: its spec is unreadable");
            continue;
        }
        shown_state(&st, state, sizeof state);
        if (st.started_at && (strcmp(live, "running") == 0 || strcmp(live, "paused") == 0 || strcmp(live, "stopping") == 0 || strcmp(live, "lost") == 0))
            format_duration(time(NULL) - st.started_at, uptime, sizeof uptime);
        for (int p = 0; p < s.nports; p++) {
            char one[64];
            spec_format_port(&s.ports[p], one, sizeof one);
            snprintf(ports + strlen(ports), sizeof ports - strlen(ports), "%s%s", p ? "," : "", one);
        }
        long long rss = instance_rss_bytes(&st);
        if (rss)
            snprintf(mem, sizeof mem, "%.1fMiB", rss / 1048576.0);
        const char *image = strrchr(s.image, '/');
        printf("%-20s %-20s %-12s %-8s %-30s %-8s %d\n", names[i], image ? image + 1 : s.image, state, uptime,
               ports[0] ? ports : "-", mem, st.restarts);
    }
    return 0;
}
