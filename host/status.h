/* An instance's status file (STATE/instances/NAME/status): written only by its monitor, always
 * whole (write_file_atomic), read by every command. A process is named by its pid and its start
 * time (from /proc), so a recycled pid is never taken for the one recorded. */
#ifndef MAYFLY_STATUS_H
#define MAYFLY_STATUS_H
#include <stdint.h>
#include <sys/types.h>

#define STATUS_TEXT_MAX 256

struct proc_id {
    pid_t pid;                          /* 0: none */
    unsigned long long start;           /* /proc/PID/stat's starttime, in clock ticks since boot */
};

struct status {
    char state[32];                     /* created, starting, running, restarting, stopping, exited */
    char desired[16];                   /* running or stopped: what `up --saved` brings back */
    char health[16];                    /* none, starting, healthy, unhealthy */
    struct proc_id monitor, qemu;
    long long started_at;               /* unix seconds the current QEMU started; 0: none */
    long long finished_at;
    int restarts;
    int exit_code;                      /* the app's status (or 128+signal); -1: none yet */
    int health_port;                    /* the 127.0.0.1 port the monitor checks through; 0: none */
    char error[STATUS_TEXT_MAX];        /* why the last start failed, from QEMU; "" */
};

void status_init(struct status *st);
/* 0, or -1 when the file is missing or unreadable (st then holds status_init's values). */
int status_load(const char *name, struct status *st);
int status_save(const char *name, const struct status *st);

/* This process's identity, and whether a recorded one is still that same process. */
int proc_id_of(pid_t pid, struct proc_id *out);
int proc_alive(const struct proc_id *id);
#endif
