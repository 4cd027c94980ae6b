/* mayfly inspect NAME...: everything about instances, as a JSON array. */
#include "commands.h"
#include "instance.h"
#include "network.h"
#include "paths.h"
#include <stdio.h>
#include <string.h>

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

/* A service's replicas, as its front counts them (the front file, front.c): after the line
 * "image PATH updated|updating", one per instance: name, ready, active, served, role, and
 * whether it runs the service's image, how often the front started it. */
static void json_replicas(const char *name)
{
    char path[PATH_MAX], rname[SPEC_NAME_MAX + 1], role[16], line[PATH_MAX + 64];
    int ready, active, current, n = 0;
    long long served, starts;
    printf("    \"replicas\": [");
    FILE *f = instance_path(path, sizeof path, name, "front") == 0 ? fopen(path, "r") : NULL;
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "%63s %d %d %lld %15s %d %lld", rname, &ready, &active, &served, role, &current, &starts) != 7)
            continue;
        printf("%s{\"name\": ", n++ ? ", " : "");
        json_string(rname);
        printf(", \"role\": ");
        json_string(role);
        printf(", \"ready\": %s, \"active\": %d, \"served\": %lld, \"current_image\": %s, \"starts\": %lld}",
               ready ? "true" : "false", active, served, current ? "true" : "false", starts);
    }
    if (f)
        fclose(f);
    printf("],\n");
}

static void inspect_one(const char *name, const struct spec *s, const struct status *st, const char *live)
{
    char buf[PATH_MAX];
    printf("  {\n");
    json_field("name", s->name, 0);
    json_field("image", s->image, 0);
    json_field("os", s->os, 0);         /* a module's shared OS file, "" for any other image */
    json_field("state", live, 0);
    json_field("desired", st->desired, 0);
    json_field("health", st->health, 0);
    printf("    \"exit_code\": %d,\n    \"restarts\": %d,\n", st->exit_code, st->restarts);
    printf("    \"monitor_pid\": %d,\n    \"qemu_pid\": %d,\n", proc_alive(&st->monitor) ? st->monitor.pid : 0,
           proc_alive(&st->qemu) ? st->qemu.pid : 0);
    printf("    \"started_at\": %lld,\n    \"finished_at\": %lld,\n    \"memory_rss\": %lld,\n", st->started_at,
           st->finished_at, instance_rss_bytes(st));
    printf("    \"memory\": %llu,\n", (unsigned long long)(s->mem_bytes ? s->mem_bytes : SPEC_DEFAULT_MEM));
    spec_format_restart(s, buf, sizeof buf);
    json_field("restart", buf, 0);
    spec_format_health(&s->health, buf, sizeof buf);
    json_field("health_check", buf, 0);
    spec_format_gdb(&s->gdb, buf, sizeof buf);
    json_field("gdb", buf, 0);          /* run --gdb's stub, IP:PORT; "" when not debugged */
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
    json_replicas(name);
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
