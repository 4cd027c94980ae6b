/* The status file (status.h). */
#include "status.h"
#include "paths.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void status_init(struct status *st)
{
    memset(st, 0, sizeof *st);
    strcpy(st->state, "created");
    strcpy(st->desired, "running");
    strcpy(st->health, "none");
    st->exit_code = -1;
}

static void copy_word(char *dst, size_t size, const char *v)
{
    snprintf(dst, size, "%s", v);
}

int status_load(const char *name, struct status *st)
{
    status_init(st);
    char path[PATH_MAX];
    if (instance_path(path, sizeof path, name, "status") < 0)
        return -1;
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[STATUS_TEXT_MAX + 64];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        char *v = strchr(line, ' ');
        if (!v)
            continue;
        *v++ = '\0';
        if (strcmp(line, "state") == 0)
            copy_word(st->state, sizeof st->state, v);
        else if (strcmp(line, "desired") == 0)
            copy_word(st->desired, sizeof st->desired, v);
        else if (strcmp(line, "health") == 0)
            copy_word(st->health, sizeof st->health, v);
        else if (strcmp(line, "monitor") == 0)
            sscanf(v, "%d %llu", &st->monitor.pid, &st->monitor.start);
        else if (strcmp(line, "qemu") == 0)
            sscanf(v, "%d %llu", &st->qemu.pid, &st->qemu.start);
        else if (strcmp(line, "started_at") == 0)
            st->started_at = atoll(v);
        else if (strcmp(line, "finished_at") == 0)
            st->finished_at = atoll(v);
        else if (strcmp(line, "restarts") == 0)
            st->restarts = atoi(v);
        else if (strcmp(line, "exit_code") == 0)
            st->exit_code = atoi(v);
        else if (strcmp(line, "health_port") == 0)
            st->health_port = atoi(v);
        else if (strcmp(line, "error") == 0)
            copy_word(st->error, sizeof st->error, v);
    }
    fclose(f);
    return 0;
}

int status_save(const char *name, const struct status *st)
{
    char path[PATH_MAX], buf[1024];
    if (instance_path(path, sizeof path, name, "status") < 0)
        return -1;
    /* the error text is one line */
    char error[STATUS_TEXT_MAX];
    copy_word(error, sizeof error, st->error);
    for (char *p = error; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    int n = snprintf(buf, sizeof buf,
                     "state %s\ndesired %s\nhealth %s\nmonitor %d %llu\nqemu %d %llu\nstarted_at %lld\n"
                     "finished_at %lld\nrestarts %d\nexit_code %d\nhealth_port %d\nerror %s\n",
                     st->state, st->desired, st->health, st->monitor.pid, st->monitor.start, st->qemu.pid,
                     st->qemu.start, st->started_at, st->finished_at, st->restarts, st->exit_code,
                     st->health_port, error);
    return write_file_atomic(path, buf, (size_t)n);
}

/* /proc/PID/stat's state letter (field 3) and start time (field 22), from one read. */
static int read_stat(pid_t pid, char *state, unsigned long long *start)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    /* the command name may hold spaces and ')': fields resume after the last ')' */
    char *p = strrchr(buf, ')');
    if (!p || p[1] != ' ')
        return -1;
    p += 2;                             /* field 3, the state */
    *state = *p;
    for (int field = 3; field < 22 && p; field++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    if (!p)
        return -1;
    *start = strtoull(p, NULL, 10);
    return 0;
}

int proc_id_of(pid_t pid, struct proc_id *out)
{
    char state;
    out->pid = 0;
    out->start = 0;
    if (read_stat(pid, &state, &out->start) < 0)
        return -1;
    out->pid = pid;
    return 0;
}

int proc_alive(const struct proc_id *id)
{
    char state;
    unsigned long long start;
    /* a zombie still has its /proc entry: it is not running */
    return id->pid > 0 && read_stat(id->pid, &state, &start) == 0 && state != 'Z' && start == id->start;
}
