/* Instances from the commands' side (instance.h). */
#include "instance.h"
#include "clock.h"
#include "network.h"
#include "paths.h"
#include "qmp.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define POLL_MS 50
#define STARTED_SETTLE_MS 300           /* QEMU refuses a bad option or a busy port by then */
#define STOP_EXTRA_MS 10000             /* past the grace period, for the monitor to finish */
#define QMP_TIMEOUT_MS 2000
#define START_WAIT_MS 20000
#define LOCK_TRIES 10
#define LOCK_TRY_MS 20

static int by_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

int instance_list(char (*names)[SPEC_NAME_MAX + 1], int max)
{
    char root[PATH_MAX], path[PATH_MAX + 16];
    if (state_root(root, sizeof root) < 0)
        return 0;
    snprintf(path, sizeof path, "%s/instances", root);
    DIR *d = opendir(path);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    char err[SPEC_ERR_MAX];
    while ((e = readdir(d)) && n < max)
        if (e->d_name[0] != '.' && spec_check_name("name", e->d_name, err, sizeof err) == 0 && instance_exists(e->d_name))
            snprintf(names[n++], SPEC_NAME_MAX + 1, "%s", e->d_name);
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], by_name);
    return n;
}

int instance_exists(const char *name)
{
    char path[PATH_MAX];
    return instance_path(path, sizeof path, name, "spec") == 0 && access(path, F_OK) == 0;
}

int instance_load_spec(const char *name, struct spec *s, char *err, size_t errlen)
{
    char path[PATH_MAX];
    if (instance_path(path, sizeof path, name, "spec") < 0) {
        snprintf(err, errlen, "no instance '%s'", name);
        return -1;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "no instance '%s'", name);
        return -1;
    }
    int rc = spec_load(s, f, err, errlen);
    fclose(f);
    return rc;
}

int instance_save_spec(const struct spec *s)
{
    char path[PATH_MAX], *text = NULL;
    size_t len = 0;
    if (instance_path(path, sizeof path, s->name, "spec") < 0)
        return -1;
    FILE *f = open_memstream(&text, &len);
    int rc = f && spec_save(s, f) == 0 ? 0 : -1;
    if (f)
        fclose(f);
    if (rc == 0)
        rc = write_file_atomic(path, text, len);
    free(text);
    return rc;
}

int instance_create(const struct spec *s)
{
    char root[PATH_MAX], dir[PATH_MAX], path[PATH_MAX];
    if (state_root(root, sizeof root) < 0)
        return -1;
    snprintf(dir, sizeof dir, "%s/instances", root);
    mkdir(dir, 0700);
    if (instance_path(dir, sizeof dir, s->name, NULL) < 0 || instance_path(path, sizeof path, s->name, "spec") < 0)
        return -1;
    if (mkdir(dir, 0700) < 0) {
        if (errno == EEXIST)
            fprintf(stderr, "mayfly: the name '%s' is in use (mayfly rm %s, or choose another with --name)\n", s->name, s->name);
        else
            fprintf(stderr, "mayfly: cannot create %s: %s\n", dir, strerror(errno));
        return -1;
    }
    int rc = instance_save_spec(s);
    struct status st;
    status_init(&st);
    if (rc == 0)
        rc = status_save(s->name, &st);
    if (rc < 0) {
        fprintf(stderr, "mayfly: cannot write %s: %s\n", path, strerror(errno));
        instance_remove(s->name, 0);
    }
    return rc;
}

int instance_active(const char *state)
{
    static const char *const active[] = { "starting", "running", "paused", "restarting", "stopping", "lost" };
    for (size_t i = 0; i < sizeof active / sizeof active[0]; i++)
        if (strcmp(state, active[i]) == 0)
            return 1;
    return 0;
}

static int open_lock(const char *name)
{
    char path[PATH_MAX];
    if (instance_path(path, sizeof path, name, "monitor.lock") < 0)
        return -1;
    return open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
}

int instance_lock_monitor(const char *name)
{
    int fd = open_lock(name);
    if (fd < 0)
        return -1;
    /* a reader's shared lock (instance_has_monitor) lasts microseconds: try a few times */
    for (int i = 0; i < LOCK_TRIES; i++) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return fd;
        if (errno != EWOULDBLOCK)
            break;
        sleep_ms(LOCK_TRY_MS);
    }
    close(fd);
    errno = EWOULDBLOCK;
    return -1;
}

int instance_has_monitor(const char *name)
{
    int fd = open_lock(name);
    if (fd < 0)
        return 0;
    int held = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
    close(fd);
    return held;
}

const char *instance_state(const char *name, struct status *st)
{
    if (status_load(name, st) < 0) {
        strcpy(st->state, "exited");
        return st->state;
    }
    if (instance_active(st->state) && strcmp(st->state, "lost") != 0 && !instance_has_monitor(name))
        strcpy(st->state, "lost");
    return st->state;
}

int instance_spawn_monitor(const char *name)
{
    char exe[PATH_MAX], log[PATH_MAX];
    if (self_exe(exe, sizeof exe) < 0 || instance_path(log, sizeof log, name, "monitor.log") < 0)
        return -1;
    /* the monitor's lock, taken here and handed down: from this moment the instance has a
     * monitor, and a second start finds it taken */
    int lock = instance_lock_monitor(name);
    if (lock < 0)
        return errno == EWOULDBLOCK ? 1 : -1;
    /* the accelerator, probed (or read from the probe's cache) once per command rather than
     * once per monitor: `up` starts many */
    if (!getenv(ACCEL_ENV)) {
        char words[8][64], accel[8];
        if (accel_args(words, 8, accel, sizeof accel) > 0)
            setenv(ACCEL_ENV, accel, 1);
    }
    /* a fresh status, so that waiting for the start does not read the last run's end */
    struct status st;
    status_load(name, &st);
    strcpy(st.state, "starting");
    strcpy(st.desired, "running");
    st.error[0] = '\0';
    st.monitor.pid = 0;
    status_save(name, &st);
    fflush(NULL);
    pid_t child = fork();
    if (child < 0) {
        close(lock);
        return -1;
    }
    if (child == 0) {
        /* the monitor is nobody's child here: a session of its own, no terminal */
        setsid();
        if (fork() != 0)
            _exit(0);
        int null = open("/dev/null", O_RDWR);
        int out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        dup2(null, 0);
        dup2(out >= 0 ? out : null, 1);
        dup2(out >= 0 ? out : null, 2);
        dup2(lock, MONITOR_LOCK_FD);    /* without close-on-exec: the monitor keeps it */
        close_range(MONITOR_LOCK_FD + 1, ~0u, 0);
        execl(exe, "mayfly", "monitor", name, (char *)NULL);
        _exit(127);
    }
    close(lock);
    int ws;
    waitpid(child, &ws, 0);
    return 0;
}

int instance_wait_started(const char *name, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms, running_since = 0;
    struct status st;
    while (now_ms() < deadline) {
        status_load(name, &st);
        if (strcmp(st.state, "running") == 0) {
            if (!running_since)
                running_since = now_ms();
            if (now_ms() - running_since >= STARTED_SETTLE_MS)
                return 0;
        } else if (strcmp(st.state, "exited") == 0 && st.exit_code == 0 && !st.error[0]) {
            return 0;                   /* a job that ran and finished well */
        } else if (strcmp(st.state, "exited") == 0 || (strcmp(st.state, "restarting") == 0 && st.error[0])) {
            if (st.error[0])
                fprintf(stderr, "mayfly: '%s' did not start: %s (mayfly rm %s to drop it)\n", name, st.error, name);
            else
                fprintf(stderr, "mayfly: '%s' exited at once with status %d (mayfly logs %s)\n", name, st.exit_code, name);
            return -1;
        } else {
            running_since = 0;
        }
        sleep_ms(POLL_MS);
    }
    if (st.monitor.pid && proc_alive(&st.monitor))
        return 0;                       /* slow to boot, but its monitor has it */
    fprintf(stderr, "mayfly: '%s': its monitor did not start (see its monitor.log)\n", name);
    return -1;
}

static int wait_gone(const struct proc_id *id, long long deadline)
{
    while (proc_alive(id)) {
        if (now_ms() >= deadline)
            return -1;
        sleep_ms(POLL_MS);
    }
    return 0;
}

/* No monitor: the CLI does its job for this one stop. */
static void stop_lost(const char *name, struct status *st, int grace_s, int keep_desired)
{
    if (proc_alive(&st->qemu)) {
        char qmp[PATH_MAX];
        if (instance_path(qmp, sizeof qmp, name, "qmp.sock") == 0 && qmp_execute(qmp, "system_powerdown", QMP_TIMEOUT_MS) == 0)
            wait_gone(&st->qemu, now_ms() + grace_s * 1000LL);
        if (proc_alive(&st->qemu))
            kill(st->qemu.pid, SIGKILL);
        wait_gone(&st->qemu, now_ms() + STOP_EXTRA_MS);
    }
    strcpy(st->state, "exited");
    if (!keep_desired)
        strcpy(st->desired, "stopped");
    st->qemu.pid = 0;
    st->monitor.pid = 0;
    st->finished_at = time(NULL);
    status_save(name, st);
}

int instance_stop_request(const char *name, int grace_s, int keep_desired, struct proc_id *monitor)
{
    struct status st;
    const char *state = instance_state(name, &st);
    monitor->pid = 0;
    if (strcmp(state, "lost") == 0) {
        stop_lost(name, &st, grace_s, keep_desired);
        return 0;
    }
    if (!instance_active(state) || !st.monitor.pid) {
        if (!keep_desired && strcmp(st.desired, "stopped") != 0) {
            strcpy(st.desired, "stopped");
            status_save(name, &st);
        }
        return 0;
    }
    char path[PATH_MAX], text[32];
    if (instance_path(path, sizeof path, name, "stop") < 0)
        return -1;
    int len = snprintf(text, sizeof text, "%d%s\n", grace_s, keep_desired ? " keep" : "");
    if (write_file_atomic(path, text, (size_t)len) < 0 || kill(st.monitor.pid, SIGTERM) < 0)
        return -1;
    *monitor = st.monitor;
    return 0;
}

int instance_stop_wait(const char *name, int grace_s, int keep_desired, const struct proc_id *monitor)
{
    if (!monitor->pid || wait_gone(monitor, now_ms() + grace_s * 1000LL + STOP_EXTRA_MS) == 0)
        return 0;
    fprintf(stderr, "mayfly: '%s': its monitor did not finish; killing it and its QEMU\n", name);
    kill(monitor->pid, SIGKILL);
    struct status st;
    status_load(name, &st);
    stop_lost(name, &st, 0, keep_desired);
    return -1;
}

int instance_stop(const char *name, int grace_s, int keep_desired)
{
    struct proc_id monitor;
    if (instance_stop_request(name, grace_s, keep_desired, &monitor) < 0)
        return -1;
    return instance_stop_wait(name, grace_s, keep_desired, &monitor);
}

int instance_remove(const char *name, int keep_leases)
{
    char dir[PATH_MAX];
    if (instance_path(dir, sizeof dir, name, NULL) < 0)
        return -1;
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[PATH_MAX * 2];
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
                snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
                unlink(path);
            }
        closedir(d);
    }
    if (!keep_leases)
        network_release_all(name);
    if (rmdir(dir) < 0 && errno != ENOENT) {
        fprintf(stderr, "mayfly: cannot remove %s: %s\n", dir, strerror(errno));
        return -1;
    }
    return 0;
}

int instance_start(const char *name)
{
    struct status st;
    const char *state = instance_state(name, &st);
    if (instance_active(state) && strcmp(state, "lost") != 0)
        return 0;
    if (strcmp(state, "lost") == 0 && instance_stop(name, 0, 1) < 0)  /* end the leftover QEMU */
        return -1;
    int rc = instance_spawn_monitor(name);
    if (rc == 1)
        return 0;                       /* another start got there first */
    if (rc < 0 || instance_wait_started(name, START_WAIT_MS) < 0)
        return -1;
    return 0;
}

/* QEMU's resident memory, from /proc; 0 when it is not running. */
long long instance_rss_bytes(const struct status *st)
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

int instance_remove_service(const char *name)
{
    static struct spec s;
    char err[SPEC_ERR_MAX], replica[SPEC_NAME_MAX + 1];
    int n = instance_load_spec(name, &s, err, sizeof err) == 0 ? spec_slot_count(&s) : 0;
    for (int i = 1; i <= n; i++) {
        spec_replica_name(name, i, replica, sizeof replica);
        if (instance_exists(replica)) {
            instance_stop(replica, 0, 0);
            instance_remove(replica, 0);
        }
    }
    return instance_remove(name, 0);
}
