/* mayfly ps [-a] and mayfly inspect NAME... */
#include "commands.h"
#include "instance.h"
#include "network.h"
#include "paths.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char names[INSTANCES_MAX][SPEC_NAME_MAX + 1];

/* QEMU's resident memory, from /proc; 0 when it is not running. */
static long long rss_bytes(const struct status *st)
{
    if (!proc_alive(&st->qemu))
        return 0;
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/%d/status", st->qemu.pid);
    FILE *f = fopen(path, "r");
    long long kib = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmRSS: %lld kB", &kib) == 1)
            break;
    if (f)
        fclose(f);
    return kib * 1024;
}

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
        if (st.started_at && (strcmp(live, "running") == 0 || strcmp(live, "stopping") == 0 || strcmp(live, "lost") == 0))
            format_duration(time(NULL) - st.started_at, uptime, sizeof uptime);
        for (int p = 0; p < s.nports; p++) {
            char one[64];
            spec_format_port(&s.ports[p], one, sizeof one);
            snprintf(ports + strlen(ports), sizeof ports - strlen(ports), "%s%s", p ? "," : "", one);
        }
        long long rss = rss_bytes(&st);
        if (rss)
            snprintf(mem, sizeof mem, "%.1fMiB", rss / 1048576.0);
        const char *image = strrchr(s.image, '/');
        printf("%-20s %-20s %-12s %-8s %-30s %-8s %d\n", names[i], image ? image + 1 : s.image, state, uptime,
               ports[0] ? ports : "-", mem, st.restarts);
    }
    return 0;
}

/* --- inspect: JSON ----------------------------------------------------------------------- */

static void json_string(const char *s)
{
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

static void json_field(const char *key, const char *value, int last)
{
    printf("    ");
    json_string(key);
    printf(": ");
    json_string(value);
    printf("%s\n", last ? "" : ",");
}

static void json_words(const char *key, char words[][SPEC_WORD_MAX], int n)
{
    printf("    ");
    json_string(key);
    printf(": [");
    for (int i = 0; i < n; i++) {
        if (i)
            printf(", ");
        json_string(words[i]);
    }
    printf("],\n");
}

static void inspect_one(const char *name, const struct spec *s, const struct status *st, const char *live)
{
    char buf[PATH_MAX];
    printf("  {\n");
    json_field("name", s->name, 0);
    json_field("image", s->image, 0);
    json_field("state", live, 0);
    json_field("desired", st->desired, 0);
    json_field("health", st->health, 0);
    printf("    \"exit_code\": %d,\n    \"restarts\": %d,\n", st->exit_code, st->restarts);
    printf("    \"monitor_pid\": %d,\n    \"qemu_pid\": %d,\n", proc_alive(&st->monitor) ? st->monitor.pid : 0,
           proc_alive(&st->qemu) ? st->qemu.pid : 0);
    printf("    \"started_at\": %lld,\n    \"finished_at\": %lld,\n    \"memory_rss\": %lld,\n", st->started_at,
           st->finished_at, rss_bytes(st));
    printf("    \"memory\": %llu,\n", (unsigned long long)(s->mem_bytes ? s->mem_bytes : SPEC_DEFAULT_MEM));
    spec_format_restart(s, buf, sizeof buf);
    json_field("restart", buf, 0);
    spec_format_health(&s->health, buf, sizeof buf);
    json_field("health_check", buf, 0);
    printf("    \"ports\": [");
    for (int i = 0; i < s->nports; i++) {
        spec_format_port(&s->ports[i], buf, sizeof buf);
        printf("%s", i ? ", " : "");
        json_string(buf);
    }
    printf("],\n    \"volumes\": [");
    for (int i = 0; i < s->nvolumes; i++) {
        printf("%s{\"disk\": ", i ? ", " : "");
        json_string(s->volumes[i].disk);
        printf(", \"mount\": ");
        json_string(s->volumes[i].mount);
        printf(", \"readonly\": %s}", s->volumes[i].readonly ? "true" : "false");
    }
    printf("],\n    \"networks\": [");
    for (int i = 0; i < s->nnets; i++) {
        static struct lease leases[NETWORK_MEMBERS_MAX];
        int n = network_leases(s->nets[i], leases, NETWORK_MEMBERS_MAX);
        char addr[20] = "";
        for (int j = 0; j < n; j++)
            if (strcmp(leases[j].name, name) == 0)
                snprintf(addr, sizeof addr, "%u.%u.%u.%u", leases[j].addr[0], leases[j].addr[1], leases[j].addr[2],
                         leases[j].addr[3]);
        printf("%s{\"name\": ", i ? ", " : "");
        json_string(s->nets[i]);
        printf(", \"address\": ");
        json_string(addr);
        printf("}");
    }
    printf("],\n");
    json_words("env", (char (*)[SPEC_WORD_MAX])s->env, s->nenv);
    json_words("kernel_options", (char (*)[SPEC_WORD_MAX])s->kernel, s->nkernel);
    json_words("args", (char (*)[SPEC_WORD_MAX])s->app, s->napp);
    json_field("error", st->error, 0);
    instance_path(buf, sizeof buf, name, "console.log");
    json_field("log", buf, 1);
    printf("  }");
}

int cmd_inspect(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: mayfly inspect NAME...\n");
        return EXIT_USAGE;
    }
    static struct spec s;
    int rc = 0, shown = 0;
    printf("[\n");
    for (int i = 1; i < argc; i++) {
        char err[SPEC_ERR_MAX];
        struct status st;
        if (instance_load_spec(argv[i], &s, err, sizeof err) < 0) {
            fprintf(stderr, "mayfly inspect: %s\n", err);
            rc = EXIT_FAILED;
            continue;
        }
        const char *live = instance_state(argv[i], &st);
        printf("%s", shown++ ? ",\n" : "");
        inspect_one(argv[i], &s, &st, live);
    }
    printf("%s]\n", shown ? "\n" : "");
    return rc;
}
