/* mayfly up [-f FILE] | up --saved, and mayfly down [-f FILE] [-t SECONDS] | down --saved.
 * A fleet file's services become instances of the same names; `up` again leaves unchanged ones
 * running and replaces changed ones. --saved is for the host's boot and shutdown (the systemd
 * unit): every instance whose wish is to run is started, or stopped keeping that wish. */
#include "commands.h"
#include "os_store.h"
#include "fleet.h"
#include "instance.h"
#include "network.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DOWN_GRACE_DEFAULT 10

static const char up_usage[] = "usage: mayfly up [-f FILE] | mayfly up --saved\n";
static const char down_usage[] = "usage: mayfly down [-f FILE] [-t SECONDS] | mayfly down --saved [-t SECONDS]\n";
static char names[INSTANCES_MAX][SPEC_NAME_MAX + 1];

/* -f FILE, --saved and (down) -t SECONDS. Returns 0 or -1 (message printed). */
static int parse(int argc, char **argv, const char **file, int *saved, int *grace, const char *usage)
{
    *file = NULL;
    *saved = 0;
    for (int i = 1; i < argc; i++) {
        if ((strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--file") == 0) && i + 1 < argc)
            *file = argv[++i];
        else if (strcmp(argv[i], "--saved") == 0)
            *saved = 1;
        else if (grace && strcmp(argv[i], "-t") == 0 && i + 1 < argc) {
            if (parse_seconds(argv[0], argv[++i], grace) < 0)
                return -1;
        } else {
            fprintf(stderr, "mayfly %s: %s '%s'\n%s", argv[0], argv[i][0] == '-' ? "unknown flag or one without its value" : "unexpected word",
                    argv[i], usage);
            return -1;
        }
    }
    if (*saved && *file) {
        fprintf(stderr, "mayfly %s: -f and --saved do not go together\n%s", argv[0], usage);
        return -1;
    }
    if (!*saved && !*file) {
        *file = access("mayfly.yaml", F_OK) == 0 ? "mayfly.yaml" : access("mayfly.yml", F_OK) == 0 ? "mayfly.yml" : NULL;
        if (!*file) {
            fprintf(stderr, "mayfly %s: no mayfly.yaml here (-f FILE names another)\n", argv[0]);
            return -1;
        }
    }
    return 0;
}

/* down needs only names: it must work after an image or a disk is gone */
static struct fleet *load(const char *file, int names_only)
{
    struct fleet *f = calloc(1, sizeof *f);
    char err[SPEC_ERR_MAX * 2];
    if (f && (names_only ? fleet_load_names : fleet_load)(file, f, err, sizeof err) < 0) {
        fprintf(stderr, "mayfly: %s\n", err);
        free(f);
        return NULL;
    }
    return f;
}

/* Two specs are the same when their saved forms are. */
static int same_spec(const struct spec *a, const struct spec *b)
{
    char *ta = NULL, *tb = NULL;
    size_t la = 0, lb = 0;
    FILE *fa = open_memstream(&ta, &la), *fb = open_memstream(&tb, &lb);
    if (fa)
        spec_save(a, fa), fclose(fa);
    if (fb)
        spec_save(b, fb), fclose(fb);
    int same = ta && tb && la == lb && memcmp(ta, tb, la) == 0;
    free(ta);
    free(tb);
    return same;
}

static int up_service(const struct spec *given)
{
    static struct spec old, s_;
    struct spec *s = &s_;
    char err[SPEC_ERR_MAX];
    *s = *given;
    if (instance_exists(s->name)) {
        /* a module keeps the OS it runs on: mayfly os update is what moves it to another */
        int have_old = instance_load_spec(s->name, &old, err, sizeof err) == 0;
        if (have_old && spec_image_kind(s->image) == IMAGE_APP)
            snprintf(s->os, sizeof s->os, "%s", old.os);
        if (have_old && same_spec(&old, s)) {
            if (instance_start(s->name) < 0)
                return EXIT_NOT_STARTED;
            printf("%s: running\n", s->name);
            return 0;
        }
        int rc = os_bind("up", s);     /* before the old one stops: a module refused leaves it running */
        if (rc)
            return rc;
        printf("%s: changed, replacing it\n", s->name);
        instance_stop(s->name, DOWN_GRACE_DEFAULT, 0);
        if (instance_remove(s->name, 1) < 0)
            return EXIT_FAILED;
    } else {
        int rc = os_bind("up", s);
        if (rc)
            return rc;
    }
    int rc = run_detached(s);
    if (rc == 0)
        printf("%s: started\n", s->name);
    return rc;
}

static int up_saved(void)
{
    int n = instance_list(names, INSTANCES_MAX), rc = 0;
    for (int i = 0; i < n; i++) {
        struct status st;
        const char *state = instance_state(names[i], &st);
        if (strcmp(st.desired, "running") != 0 || (instance_active(state) && strcmp(state, "lost") != 0))
            continue;
        if (instance_start(names[i]) < 0)
            rc = EXIT_NOT_STARTED;
        else
            printf("%s: started\n", names[i]);
    }
    return rc;
}

int cmd_up(int argc, char **argv)
{
    const char *file;
    int saved;
    if (parse(argc, argv, &file, &saved, NULL, up_usage) < 0)
        return EXIT_USAGE;
    if (saved)
        return up_saved();
    struct fleet *f = load(file, 0);
    if (!f)
        return EXIT_USAGE;
    int rc = 0;
    for (int i = 0; i < f->nnetworks && rc == 0; i++)
        if (network_create(f->networks[i], 1) < 0)
            rc = EXIT_FAILED;
    /* every member's address first, so that each service boots knowing all its peers */
    for (int i = 0; i < f->nservices && rc == 0; i++)
        for (int j = 0; j < f->services[i].nnets && rc == 0; j++) {
            uint8_t addr[4];
            if (network_lease(f->services[i].nets[j], f->services[i].name, addr) < 0)
                rc = EXIT_FAILED;
        }
    int i = 0;
    for (; i < f->nservices && rc == 0; i++)
        rc = up_service(&f->services[i]);
    /* after a failure, the services not started give their addresses back */
    for (; i < f->nservices; i++)
        if (!instance_exists(f->services[i].name))
            network_release_all(f->services[i].name);
    free(f);
    return rc;
}

int cmd_down(int argc, char **argv)
{
    const char *file;
    int saved, grace = DOWN_GRACE_DEFAULT, rc = 0;
    if (parse(argc, argv, &file, &saved, &grace, down_usage) < 0)
        return EXIT_USAGE;
    if (saved) {
        /* every power button first, then the waits: a host's shutdown takes one grace period */
        static struct proc_id monitors[INSTANCES_MAX];
        int n = instance_list(names, INSTANCES_MAX);
        for (int i = 0; i < n; i++) {
            struct status st;
            monitors[i].pid = 0;
            if (instance_active(instance_state(names[i], &st)) &&
                instance_stop_request(names[i], grace, 1, &monitors[i]) < 0)
                rc = EXIT_FAILED;
        }
        for (int i = 0; i < n; i++)
            if (instance_stop_wait(names[i], grace, 1, &monitors[i]) < 0)
                rc = EXIT_FAILED;
        return rc;
    }
    struct fleet *f = load(file, 1);
    if (!f)
        return EXIT_USAGE;
    for (int i = 0; i < f->nservices; i++) {
        const char *name = f->services[i].name;
        if (!instance_exists(name)) {
            network_release_all(name);  /* leased by an up that failed before starting it */
            continue;
        }
        if (instance_stop(name, grace, 0) < 0 || instance_remove_service(name) < 0)
            rc = EXIT_FAILED;
        else
            printf("%s: removed\n", name);
    }
    /* the file's networks go with it, unless something else still uses them */
    static struct lease leases[NETWORK_MEMBERS_MAX];
    for (int i = 0; i < f->nnetworks; i++) {
        struct network net;
        if (network_load(f->networks[i], &net) == 0 && network_leases(f->networks[i], leases, NETWORK_MEMBERS_MAX) == 0)
            network_remove(f->networks[i]);
    }
    free(f);
    return rc;
}
