/* The per-instance monitor (monitor.h). One loop: poll on QEMU's console pipe and a signalfd
 * (SIGCHLD, SIGTERM, SIGINT; SIGUSR1 and SIGUSR2 pause and resume the guest), with a timeout
 * for the next health check, kill deadline or restart. */
#include "monitor.h"
#include "clock.h"
#include "console_log.h"
#include "front.h"
#include "health.h"
#include "instance.h"
#include "loopback.h"
#include "paths.h"
#include "qemu.h"
#include "qmp.h"
#include "spec.h"
#include "status.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 30000
#define STABLE_RUN_MS 10000             /* a run this long resets the backoff */
#define HEALTH_INTERVAL_MS 1000
#define HEALTH_STARTING_INTERVAL_MS 5  /* until the first success */
#define HEALTH_TIMEOUT_MS 1000
#define HEALTH_STARTING_TIMEOUT_MS 20  /* and a tenth of the time since the start: a booted guest answers in a few */
#define HEALTH_QUICK_PERIOD_MS 3000
#define HEALTH_RETRIES 3                /* failures in a row that make an instance unhealthy */
#define HEALTH_START_PERIOD_MS 10000    /* failures before the first success count only after this */
#define UNHEALTHY_GRACE_MS 2000         /* an unhealthy instance's power button, then the kill */
#define QMP_TIMEOUT_MS 2000
#define STARTUP_MS 1000                 /* QEMU refuses its command line within this */
#define QEMU_START_FAILED 125           /* as container tools report a runtime that could not start */
#define ERROR_PREFIX "qemu-system-x86_64: "

struct monitor {
    char name[SPEC_NAME_MAX + 1];
    struct spec spec;
    struct status st;
    int attach;
    char accel[8][64];
    int naccel;
    char qmp_path[PATH_MAX];
    struct console_log log;
    int sigfd, console_fd;
    pid_t qemu;
    long long started_ms, kill_at_ms, restart_at_ms, next_health_ms;
    int backoff_ms, health_failures, health_seen_ok;
    int forced_restart;                 /* an unhealthy instance is restarted whatever the policy */
    int ever_ran;                       /* some QEMU of this monitor ran past STARTUP_MS */
    int policy_restarts;                /* on-failure:N counts these: a manual start begins again */
    int stopping;                       /* a stop was asked: no more restarts */
    int paused;                         /* QMP stop: the guest's CPUs wait for a cont */
    int qmp_fd;                         /* the paused guest's QMP session, or -1 */
    char line[512];                     /* the console's current line, to spot QEMU's errors */
    size_t line_len;
    char qemu_error[STATUS_TEXT_MAX];
};

static void save(struct monitor *m)
{
    status_save(m->name, &m->st);
}

/* A line of the monitor's own, in the console log (and on stderr in the foreground). */
static void note(struct monitor *m, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof buf - 2)
        n = sizeof buf - 2;
    buf[n++] = '\n';
    char prefixed[600];
    int len = snprintf(prefixed, sizeof prefixed, "[mayfly] %.*s", n, buf);
    console_log_write(&m->log, prefixed, (size_t)len);
    if (m->attach)
        fputs(prefixed, stderr);
}

/* The published port that forwards to the health check's guest port, else a private one. */
static int health_port(const struct spec *s, int *own)
{
    *own = 0;
    if (s->health.kind == HEALTH_NONE)
        return 0;
    for (int i = 0; i < s->nports; i++)
        if (!s->ports[i].udp && s->ports[i].guest_port == s->health.port &&
            (strcmp(s->ports[i].host_ip, "127.0.0.1") == 0 || strcmp(s->ports[i].host_ip, "0.0.0.0") == 0))
            return s->ports[i].host_port;
    *own = 1;
    return loopback_free_port();
}

static int start_qemu(struct monitor *m)
{
    static struct qemu_cmd cmd;
    char err[SPEC_ERR_MAX] = "";
    int own;
    int hport = health_port(&m->spec, &own);
    if (qemu_build(&m->spec, m->accel, m->naccel, m->qmp_path, own ? hport : 0, &cmd, err, sizeof err) < 0) {
        snprintf(m->st.error, sizeof m->st.error, "%s", err);
        note(m, "cannot start: %s", err);
        return -1;
    }
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return -1;
    unlink(m->qmp_path);
    m->qemu_error[0] = '\0';
    m->line_len = 0;
    pid_t pid = fork();
    if (pid < 0) {
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    if (pid == 0) {
        /* a process group of its own: a terminal's Ctrl-C reaches the monitor only, which
         * stops the VM through its power button */
        setpgid(0, 0);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        int null = open("/dev/null", O_RDONLY);
        dup2(null, 0);
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        execvp(cmd.argv[0], cmd.argv);
        fprintf(stderr, ERROR_PREFIX "cannot run: %s\n", strerror(errno));
        _exit(127);
    }
    close(pipefd[1]);
    m->console_fd = pipefd[0];
    m->qemu = pid;
    proc_id_of(pid, &m->st.qemu);
    m->started_ms = now_ms();
    m->st.started_at = time(NULL);
    m->st.health_port = hport;
    m->st.error[0] = '\0';
    strcpy(m->st.state, "running");
    strcpy(m->st.health, m->spec.health.kind == HEALTH_NONE ? "none" : "starting");
    m->health_failures = 0;
    m->health_seen_ok = 0;
    m->next_health_ms = m->started_ms + HEALTH_STARTING_INTERVAL_MS;
    m->kill_at_ms = 0;
    m->forced_restart = 0;
    save(m);
    return 0;
}

/* Console bytes: to the log (and the terminal), and QEMU's own error lines remembered. */
static void console_input(struct monitor *m, const char *buf, size_t n)
{
    console_log_write(&m->log, buf, n);
    if (m->attach) {
        fwrite(buf, 1, n, stdout);
        fflush(stdout);
    }
    for (size_t i = 0; i < n; i++) {
        if (buf[i] != '\n') {
            if (m->line_len < sizeof m->line - 1)
                m->line[m->line_len++] = buf[i];
            continue;
        }
        m->line[m->line_len] = '\0';
        /* only while starting: a later line (slirp's complaints) is no reason the VM ended */
        if (strncmp(m->line, ERROR_PREFIX, strlen(ERROR_PREFIX)) == 0 && !strstr(m->line, "warning:") &&
            now_ms() - m->started_ms < STARTUP_MS)
            snprintf(m->qemu_error, sizeof m->qemu_error, "%s", m->line + strlen(ERROR_PREFIX));
        m->line_len = 0;
        /* before the first success, a line from the guest is a sign of progress (its network is
         * up, its app listens): the next probe goes now, not at the next interval */
        if (!m->health_seen_ok && m->qemu)
            m->next_health_ms = now_ms();
    }
}

static void drain_console(struct monitor *m)
{
    char buf[4096];
    ssize_t n;
    while (m->console_fd >= 0 && (n = read(m->console_fd, buf, sizeof buf)) > 0)
        console_input(m, buf, (size_t)n);
    if (m->console_fd >= 0)
        close(m->console_fd);
    m->console_fd = -1;
}

/* The power button; QEMU is killed at the deadline if the app has not exited by then. */
static void press_power_button(struct monitor *m, int grace_ms)
{
    if (!m->qemu)
        return;
    if (qmp_execute(m->qmp_path, "system_powerdown", QMP_TIMEOUT_MS) < 0) {
        note(m, "QMP did not take the power button; killing QEMU");
        grace_ms = 0;
    }
    long long at = now_ms() + grace_ms;
    if (!m->kill_at_ms || at < m->kill_at_ms)
        m->kill_at_ms = at;
}

/* The stop file (instance.c writes it before its SIGTERM): "SECONDS" or "SECONDS keep", the
 * grace period and whether the wish to run stays (a host shutting down, a restart). */
static int read_stop_request(const char *name, int *keep)
{
    char path[PATH_MAX], word[16] = "";
    int seconds = MONITOR_DEFAULT_GRACE;
    *keep = 0;
    if (instance_path(path, sizeof path, name, "stop") == 0) {
        FILE *f = fopen(path, "r");
        if (f) {
            int n = fscanf(f, "%d %15s", &seconds, word);
            if (n < 1 || seconds < 0)
                seconds = MONITOR_DEFAULT_GRACE;
            *keep = n == 2 && strcmp(word, "keep") == 0;
            fclose(f);
            unlink(path);
        }
    }
    return seconds * 1000;
}

/* SIGUSR1 pauses the guest (QMP stop), SIGUSR2 resumes it (cont): a front's warm pool keeps
 * instances booted to the point where the app listens, paused, and resumes one for a request.
 * A paused guest is not health-checked: it cannot answer. */
static void pause_guest(struct monitor *m, int pause)
{
    if (!m->qemu || m->stopping || m->paused == pause)
        return;
    /* the session stays open while the guest is paused: a resume is then one write, not a
     * connection and a negotiation (a millisecond or two of a request's wait) */
    if (pause)
        m->qmp_fd = qmp_open(m->qmp_path, QMP_TIMEOUT_MS);
    int ok = m->qmp_fd >= 0 && qmp_command(m->qmp_fd, pause ? "stop" : "cont", QMP_TIMEOUT_MS) == 0;
    if (!ok && !pause)
        ok = qmp_execute(m->qmp_path, "cont", QMP_TIMEOUT_MS) == 0;
    if (!pause || !ok) {
        if (m->qmp_fd >= 0)
            close(m->qmp_fd);
        m->qmp_fd = -1;
    }
    if (!ok) {
        note(m, "QMP did not take '%s'", pause ? "stop" : "cont");
        return;
    }
    m->paused = pause;
    strcpy(m->st.state, pause ? "paused" : "running");
    m->next_health_ms = now_ms() + HEALTH_INTERVAL_MS;
    save(m);
}

static void stop_requested(struct monitor *m, int signo)
{
    pause_guest(m, 0);                  /* a paused guest cannot take its power button */
    int again = m->stopping, keep = 0;
    int grace = m->attach && signo == SIGINT ? MONITOR_DEFAULT_GRACE * 1000 : read_stop_request(m->name, &keep);
    m->stopping = 1;
    strcpy(m->st.desired, keep ? "running" : "stopped");
    if (!m->qemu) {                     /* waiting to restart: nothing to stop */
        m->restart_at_ms = 0;
        return;
    }
    strcpy(m->st.state, "stopping");
    save(m);
    if (again && signo == SIGINT) {     /* a second Ctrl-C: no more waiting */
        m->kill_at_ms = now_ms();
        return;
    }
    note(m, "stopping: power button, then a kill after %d s", grace / 1000);
    press_power_button(m, grace);
}

static void check_health(struct monitor *m)
{
    long long t = now_ms();
    /* before the first success a short probe: a SYN that QEMU's user network passes to a guest
     * still booting goes unanswered until a retransmission a second later; a new try finds
     * the guest sooner */
    int quick = !m->health_seen_ok && now_ms() - m->started_ms < HEALTH_QUICK_PERIOD_MS;
    /* the monitor waits on a probe: a short one keeps it free to probe again when the guest
     * prints a line; one growing with the time since the start lets a slow answer through */
    int quick_ms = HEALTH_STARTING_TIMEOUT_MS + (int)(t - m->started_ms) / 10;
    int ok = health_probe(&m->spec.health, m->st.health_port, quick ? quick_ms : HEALTH_TIMEOUT_MS);
    const char *was = m->st.health, *now = was;
    /* quickly until the first success: a front waits for "healthy" to hand over connections */
    m->next_health_ms = now_ms() + (ok || m->health_seen_ok ? HEALTH_INTERVAL_MS : HEALTH_STARTING_INTERVAL_MS);
    if (ok) {
        m->health_failures = 0;
        m->health_seen_ok = 1;
        now = "healthy";
    } else if (m->health_seen_ok || t - m->started_ms >= HEALTH_START_PERIOD_MS) {
        if (++m->health_failures >= HEALTH_RETRIES)
            now = "unhealthy";
    }
    if (strcmp(now, was) != 0) {
        snprintf(m->st.health, sizeof m->st.health, "%s", now);
        note(m, "health: %s", now);
        save(m);
    }
    if (strcmp(now, "unhealthy") == 0 && m->spec.restart != RESTART_NO && !m->forced_restart &&
        !m->stopping) {
        note(m, "restarting the unhealthy instance");
        m->forced_restart = 1;
        press_power_button(m, UNHEALTHY_GRACE_MS);
    }
}

static int wants_restart(const struct monitor *m, int code, long long ran_ms)
{
    if (m->stopping)
        return 0;
    /* QEMU refusing its first start (a busy port, a missing disk) is a mistake to report, not a
     * crash to retry */
    if (code == QEMU_START_FAILED && !m->ever_ran && ran_ms < STARTUP_MS)
        return 0;
    if (m->forced_restart || m->spec.restart == RESTART_ALWAYS)
        return 1;
    return m->spec.restart == RESTART_ON_FAILURE && code != 0 &&
           (m->spec.restart_max == 0 || m->policy_restarts < m->spec.restart_max);
}

/* QEMU has exited: record it, and restart it or end. Returns 1 when the monitor is done. */
static int qemu_exited(struct monitor *m, int wstatus)
{
    drain_console(m);
    int code = qemu_exit_code(wstatus);
    if (m->qemu_error[0] && WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 1) {
        code = QEMU_START_FAILED;       /* QEMU's own failure, not the app's status 0 */
        snprintf(m->st.error, sizeof m->st.error, "%s", m->qemu_error);
    }
    long long ran = now_ms() - m->started_ms;
    m->qemu = 0;
    m->paused = 0;
    if (m->qmp_fd >= 0)
        close(m->qmp_fd);
    m->qmp_fd = -1;
    m->st.qemu.pid = 0;
    m->st.qemu.start = 0;
    m->st.exit_code = code;
    m->st.finished_at = time(NULL);
    m->kill_at_ms = 0;
    if (WIFSIGNALED(wstatus))
        note(m, "QEMU was killed by signal %d", WTERMSIG(wstatus));
    else
        note(m, "exited with status %d%s%s", code, m->st.error[0] ? ": " : "", m->st.error);
    if (ran >= STARTUP_MS)
        m->ever_ran = 1;
    if (!wants_restart(m, code, ran)) {
        /* it ended on its own (a job done, a crash with no restart): nothing to bring back
         * after a reboot (up --saved); a stop has set the wish already */
        if (!m->stopping)
            strcpy(m->st.desired, "stopped");
        strcpy(m->st.state, "exited");
        strcpy(m->st.health, m->spec.health.kind == HEALTH_NONE ? "none" : "starting");
        save(m);
        return 1;
    }
    m->backoff_ms = ran >= STABLE_RUN_MS || !m->backoff_ms ? BACKOFF_FIRST_MS
                    : m->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : m->backoff_ms * 2;
    m->st.restarts++;
    m->policy_restarts++;
    m->restart_at_ms = now_ms() + m->backoff_ms;
    strcpy(m->st.state, "restarting");
    save(m);
    note(m, "restarting in %d ms (restart %d)", m->backoff_ms, m->st.restarts);
    return 0;
}

static int poll_timeout(const struct monitor *m)
{
    long long t = now_ms(), next = t + 60000;
    if (m->kill_at_ms && m->kill_at_ms < next)
        next = m->kill_at_ms;
    if (!m->qemu && m->restart_at_ms && m->restart_at_ms < next)
        next = m->restart_at_ms;
    if (m->qemu && !m->paused && m->spec.health.kind != HEALTH_NONE && m->next_health_ms < next)
        next = m->next_health_ms;
    return next <= t ? 0 : (int)(next - t);
}

static int setup(struct monitor *m, const char *name, int attach)
{
    memset(m, 0, sizeof *m);
    snprintf(m->name, sizeof m->name, "%s", name);
    m->attach = attach;
    m->console_fd = -1;
    m->qmp_fd = -1;
    m->log.fd = -1;
    char path[PATH_MAX], err[SPEC_ERR_MAX];
    if (instance_path(path, sizeof path, name, "spec") < 0)
        return -1;
    FILE *f = fopen(path, "r");
    if (!f || spec_load(&m->spec, f, err, sizeof err) < 0) {
        fprintf(stderr, "mayfly: instance '%s': cannot read its spec %s: %s\n", name, path, f ? err : strerror(errno));
        if (f)
            fclose(f);
        return -1;
    }
    fclose(f);
    if (instance_path(m->qmp_path, sizeof m->qmp_path, name, "qmp.sock") < 0 ||
        strlen(m->qmp_path) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
        fprintf(stderr, "mayfly: the state directory's path is too long for a socket (set MAYFLY_STATE)\n");
        return -1;
    }
    if (instance_path(path, sizeof path, name, "console.log") < 0 || console_log_open(&m->log, path) < 0) {
        fprintf(stderr, "mayfly: cannot open %s: %s\n", path, strerror(errno));
        return -1;
    }
    status_load(name, &m->st);          /* keeps the restart count and the last exit */
    proc_id_of(getpid(), &m->st.monitor);
    strcpy(m->st.desired, "running");
    m->st.qemu.pid = 0;
    char accel_name[8];
    m->naccel = accel_args(m->accel, 8, accel_name, sizeof accel_name);
    if (m->naccel < 0) {
        snprintf(m->st.error, sizeof m->st.error, "no accelerator (scripts/accel failed)");
        strcpy(m->st.state, "exited");
        m->st.exit_code = QEMU_START_FAILED;
        save(m);
        return -1;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    m->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    return m->sigfd < 0 ? -1 : 0;
}

/* Signals: returns 1 when the monitor is done. */
static int take_signals(struct monitor *m)
{
    struct signalfd_siginfo si;
    int done = 0;
    while (read(m->sigfd, &si, sizeof si) == sizeof si) {
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) {
            stop_requested(m, (int)si.ssi_signo);
            if (!m->qemu) {
                strcpy(m->st.state, "exited");
                save(m);
                done = 1;
            }
        } else if (si.ssi_signo == SIGUSR1 || si.ssi_signo == SIGUSR2) {
            pause_guest(m, si.ssi_signo == SIGUSR1);
        } else if (si.ssi_signo == SIGCHLD) {
            int ws;
            pid_t p;
            while ((p = waitpid(-1, &ws, WNOHANG)) > 0)
                if (p == m->qemu && qemu_exited(m, ws))
                    done = 1;
        }
    }
    return done;
}

int monitor_run(const char *name, int attach, int lock)
{
    static struct monitor m;
    if (lock < 0 && (lock = instance_lock_monitor(name)) < 0) {
        fprintf(stderr, "mayfly: '%s' %s\n", name, errno == EWOULDBLOCK ? "has a monitor already" : "has no state");
        return QEMU_START_FAILED;
    }
    fcntl(lock, F_SETFD, FD_CLOEXEC);  /* QEMU must not hold it: the lock is the monitor's life */
    /* a service with replicas, or started on demand: this process is its front instead */
    static struct spec svc;
    char err[SPEC_ERR_MAX];
    if (instance_load_spec(name, &svc, err, sizeof err) == 0 && spec_has_front(&svc))
        return front_run(&svc, attach);
    if (setup(&m, name, attach) < 0)
        return QEMU_START_FAILED;
    if (start_qemu(&m) < 0) {
        strcpy(m.st.state, "exited");
        m.st.exit_code = QEMU_START_FAILED;
        save(&m);
        return QEMU_START_FAILED;
    }
    for (;;) {
        struct pollfd p[2] = { { m.sigfd, POLLIN, 0 }, { m.console_fd, POLLIN, 0 } };
        int n = poll(p, m.console_fd >= 0 ? 2 : 1, poll_timeout(&m));
        if (n < 0 && errno != EINTR)
            break;
        if (m.console_fd >= 0 && (p[1].revents & (POLLIN | POLLHUP))) {
            char buf[4096];
            ssize_t r = read(m.console_fd, buf, sizeof buf);
            if (r > 0)
                console_input(&m, buf, (size_t)r);
            else {                      /* QEMU closed its output: it is exiting */
                close(m.console_fd);
                m.console_fd = -1;
            }
        }
        if ((p[0].revents & POLLIN) && take_signals(&m))
            break;
        long long t = now_ms();
        if (m.qemu && m.kill_at_ms && t >= m.kill_at_ms) {
            note(&m, "grace period over: killing QEMU");
            kill(-m.qemu, SIGKILL);
            kill(m.qemu, SIGKILL);
            m.kill_at_ms = 0;
        }
        if (!m.qemu && m.restart_at_ms && t >= m.restart_at_ms) {
            m.restart_at_ms = 0;
            if (start_qemu(&m) < 0) {
                strcpy(m.st.state, "exited");
                save(&m);
                break;
            }
        }
        if (m.qemu && !m.paused && m.spec.health.kind != HEALTH_NONE && !m.kill_at_ms && t >= m.next_health_ms)
            check_health(&m);
        if (!m.qemu && !m.restart_at_ms && strcmp(m.st.state, "restarting") != 0)
            break;
    }
    console_log_close(&m.log);
    return m.st.exit_code < 0 ? 0 : m.st.exit_code;
}
