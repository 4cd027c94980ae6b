/* The front (front.h): one epoll loop over the listeners, the connection pairs and a signalfd,
 * with a tick (FRONT_TICK_MS) that reads the replicas' states from their status files. */
#include "front.h"
#include "clock.h"
#include "front_splice.h"
#include "instance.h"
#include "network.h"
#include "paths.h"
#include "status.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FRONT_TICK_MS 20
#define LISTEN_BACKLOG 1024
#define PENDING_MAX 4096
#define PENDING_LIMIT_MS 60000
#define PENDING_PER_TICK 8
#define OPENING_MAX 4
#define OPENING_LIMIT_MS 1000           /* a backend that has not spoken by then counts as open */          /* a connection waits this long for a replica at most */
#define STOP_GRACE_S 10
#define COUNTS_EVERY_MS 1000
#define EVENTS_MAX 256
#define LISTENER_KIND 0x11573
#define SIGNALS_KIND 0x5164
#define SD_LISTEN_FDS_START 3           /* systemd's first passed descriptor (sd_listen_fds(3)) */

struct listener {
    int kind;                           /* LISTENER_KIND */
    int fd;
    int index;                          /* which of the spec's ports */
};

struct replica {
    char name[SPEC_NAME_MAX + 1];
    int port[SPEC_PORTS_MAX];           /* its private 127.0.0.1 port for each of the spec's */
    int wanted;                         /* should run */
    int ready;                          /* running and healthy: takes new connections */
    int active;                         /* connections open to it */
    int opening;                        /* ... of which its guest has not answered yet */
    long long served;                   /* connections handed to it */
    pid_t refused_qemu;                 /* its port refused while this QEMU ran: out until another runs */
    pid_t qemu;                         /* the QEMU its status names */
    struct proc_id stopping;            /* the monitor a stop waits for */
};

struct pending {
    int fd, index;
    long long since;
};

struct front {
    const struct spec *svc;
    int attach, ep, stopping;
    struct { int kind, fd; } signals;
    struct listener listeners[SPEC_PORTS_MAX];
    int nlisteners;
    struct replica replicas[SPEC_REPLICAS_MAX];
    int nreplicas;
    struct pending pending[PENDING_MAX];
    int npending;
    struct splice_set *splices;
    long long last_activity;
    struct status st;
    char shown[16];
    int rotate;                         /* where the search for the least busy starts: ties take turns */
    long long saved_served, saved_at;
};

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    int port = 0;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 && getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* The published ports: systemd's sockets when it passed them to this process, else our own. */
static int open_listeners(struct front *f)
{
    const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
    int passed = pid && fds && atoi(pid) == getpid() ? atoi(fds) : 0;
    for (int i = 0; i < f->svc->nports; i++) {
        const struct port_map *p = &f->svc->ports[i];
        int fd;
        if (i < passed) {
            fd = SD_LISTEN_FDS_START + i;
            fcntl(fd, F_SETFD, FD_CLOEXEC);
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        } else {
            struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)p->host_port) };
            int one = 1;
            inet_pton(AF_INET, p->host_ip, &a.sin_addr);
            fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
                bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
                fprintf(stderr, "mayfly: '%s': cannot listen on %s:%d: %s\n", f->svc->name, p->host_ip, p->host_port,
                        strerror(errno));
                return -1;
            }
        }
        struct listener *l = &f->listeners[f->nlisteners++];
        *l = (struct listener){ LISTENER_KIND, fd, i };
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = l };
        epoll_ctl(f->ep, EPOLL_CTL_ADD, fd, &ev);
    }
    if (passed)
        unsetenv("LISTEN_PID"), unsetenv("LISTEN_FDS"), unsetenv("LISTEN_FDNAMES");
    return 0;
}

/* Each replica: the service's spec under its own name, with private ports in place of the
 * published ones, a health check (the service's, or tcp: on its first port) and a restart
 * policy (the service's, or on-failure: a killed replica comes back into rotation). */
static int create_replicas(struct front *f)
{
    static struct spec r;
    f->nreplicas = spec_replica_count(f->svc);
    for (int i = 0; i < f->nreplicas; i++) {
        struct replica *rep = &f->replicas[i];
        spec_replica_name(f->svc->name, i + 1, rep->name, sizeof rep->name);
        r = *f->svc;
        snprintf(r.name, sizeof r.name, "%s", rep->name);
        r.replicas = r.on_demand = r.idle_s = 0;
        for (int p = 0; p < r.nports; p++) {
            rep->port[p] = free_port();
            snprintf(r.ports[p].host_ip, sizeof r.ports[p].host_ip, "127.0.0.1");
            r.ports[p].host_port = rep->port[p];
        }
        if (r.health.kind == HEALTH_NONE) {
            r.health.kind = HEALTH_TCP;
            r.health.port = r.ports[0].guest_port;
        }
        if (r.restart == RESTART_NO)
            r.restart = RESTART_ON_FAILURE;
        if (instance_exists(r.name)) {  /* the last front's: its ports are not ours */
            instance_stop(r.name, 0, 0);
            instance_remove(r.name, 1);
        }
        if (instance_create(&r) < 0)
            return -1;
    }
    return 0;
}

static void save(struct front *f)
{
    int ready = 0, wanted = 0;
    for (int i = 0; i < f->nreplicas; i++)
        ready += f->replicas[i].ready, wanted += f->replicas[i].wanted;
    char shown[16];
    if (!wanted)
        snprintf(shown, sizeof shown, "idle");
    else
        snprintf(shown, sizeof shown, "%d/%d", ready, f->nreplicas);
    if (strcmp(shown, f->shown) == 0)
        return;
    snprintf(f->shown, sizeof f->shown, "%s", shown);
    snprintf(f->st.health, sizeof f->st.health, "%s", shown);
    status_save(f->svc->name, &f->st);
}

/* STATE/instances/NAME/front: a line per replica, "NAME ready ACTIVE SERVED", for inspect;
 * written at most once a second, and only when something changed. */
static void save_counts(struct front *f)
{
    long long served = 0, t = now_ms();
    for (int i = 0; i < f->nreplicas; i++)
        served += f->replicas[i].served + f->replicas[i].ready * 1000000LL + f->replicas[i].active * 1000LL;
    if (served == f->saved_served || t - f->saved_at < COUNTS_EVERY_MS)
        return;
    char path[PATH_MAX], text[SPEC_REPLICAS_MAX * 128];
    size_t len = 0;
    for (int i = 0; i < f->nreplicas; i++) {
        const struct replica *r = &f->replicas[i];
        len += (size_t)snprintf(text + len, sizeof text - len, "%s %d %d %lld\n", r->name, r->ready, r->active, r->served);
    }
    if (instance_path(path, sizeof path, f->svc->name, "front") == 0 && write_file_atomic(path, text, len) == 0) {
        f->saved_served = served;
        f->saved_at = t;
    }
}

static void start_replicas(struct front *f)
{
    for (int i = 0; i < f->nreplicas; i++)
        f->replicas[i].wanted = 1;
}

/* The tick: replicas started or stopped as wanted, and their readiness read. */
static void refresh(struct front *f)
{
    for (int i = 0; i < f->nreplicas; i++) {
        struct replica *r = &f->replicas[i];
        struct status st;
        const char *state = instance_state(r->name, &st);
        int monitored = instance_has_monitor(r->name);
        if (r->wanted && !monitored && !proc_alive(&r->stopping))
            instance_spawn_monitor(r->name);
        r->qemu = st.qemu.pid;
        r->ready = r->wanted && strcmp(state, "running") == 0 && strcmp(st.health, "healthy") == 0 &&
                   !(r->refused_qemu && r->refused_qemu == st.qemu.pid);
    }
    save(f);
    save_counts(f);
}

/* A ready replica with room for one more opening connection, the least busy. QEMU's user
 * network listens with a backlog of one, and a burst of connects to it waits out SYN
 * retransmissions (a second, then three, ...) and loses some past 30 s: so a replica gets at
 * most OPENING_MAX connections whose guest has not answered yet, the rest wait their turn. */
static struct replica *least_busy(struct front *f)
{
    struct replica *best = NULL;
    for (int k = 0; k < f->nreplicas; k++) {
        struct replica *r = &f->replicas[(f->rotate + k) % f->nreplicas];
        if (r->ready && r->opening < OPENING_MAX && (!best || r->active < best->active))
            best = r;
    }
    return best;
}

static void hand_over(struct front *f, int fd, int index)
{
    struct replica *r = least_busy(f);
    if (!r) {
        if (f->npending == PENDING_MAX) {
            close(fd);
            return;
        }
        f->pending[f->npending++] = (struct pending){ fd, index, now_ms() };
        start_replicas(f);              /* on demand: the first connection boots them */
        return;
    }
    r->active++;
    r->opening++;
    r->served++;
    f->rotate = (int)(r - f->replicas) + 1;
    f->last_activity = now_ms();
    if (splice_start(f->splices, fd, r->port[index], (int)(r - f->replicas) * SPEC_PORTS_MAX + index) < 0) {
        r->active--;
        r->opening--;
        r->served--;
        r->ready = 0;                   /* its QEMU is gone: the others, or wait */
        r->refused_qemu = r->qemu;
        hand_over(f, fd, index);
    }
}

static void spliced_open(void *ctx, int tag)
{
    struct front *f = ctx;
    f->replicas[tag / SPEC_PORTS_MAX].opening--;
}

/* A pair ended. A replica whose port refused (its QEMU is gone, its monitor has not said so
 * yet) is taken out until its status is seen again, and the client tries the others. */
static void spliced_done(void *ctx, int tag, int client)
{
    struct front *f = ctx;
    struct replica *r = &f->replicas[tag / SPEC_PORTS_MAX];
    r->active--;
    f->last_activity = now_ms();
    if (client < 0)
        return;
    r->ready = 0;
    r->refused_qemu = r->qemu;
    hand_over(f, client, tag % SPEC_PORTS_MAX);
}

static void accept_all(struct front *f, struct listener *l)
{
    for (;;) {
        int fd = accept4(l->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        hand_over(f, fd, l->index);
    }
}

/* Waiting connections to ready replicas, in their order of arrival, PENDING_PER_TICK a tick:
 * QEMU's user network loses part of a burst of new connections to a guest (its retries back off
 * past 30 s), so the connections that waited for a boot are not all let go at once. */
static void dispatch_pending(struct front *f)
{
    static struct pending waiting[PENDING_MAX];
    long long t = now_ms();
    int n = f->npending, sent = 0;
    /* from a copy: hand_over queues again (at the end of f->pending) when a replica refuses */
    memcpy(waiting, f->pending, (size_t)n * sizeof waiting[0]);
    f->npending = 0;
    for (int i = 0; i < n; i++) {
        struct pending p = waiting[i];
        if (sent < PENDING_PER_TICK && least_busy(f)) {
            hand_over(f, p.fd, p.index);
            sent++;
        } else if (t - p.since > PENDING_LIMIT_MS) {
            close(p.fd);
        } else {
            f->pending[f->npending++] = p;
        }
    }
}

/* On demand: with no connection for idle_s, every replica's power button. */
static void stop_if_idle(struct front *f)
{
    int wanted = 0, active = splice_count(f->splices);
    for (int i = 0; i < f->nreplicas; i++)
        wanted += f->replicas[i].wanted;
    if (!f->svc->on_demand || !wanted || active || f->npending ||
        now_ms() - f->last_activity < f->svc->idle_s * 1000LL)
        return;
    for (int i = 0; i < f->nreplicas; i++) {
        struct replica *r = &f->replicas[i];
        r->wanted = 0;
        r->ready = 0;
        instance_stop_request(r->name, STOP_GRACE_S, 0, &r->stopping);
    }
}

static int setup(struct front *f, const struct spec *svc, int attach)
{
    memset(f, 0, sizeof *f);
    f->svc = svc;
    f->attach = attach;
    f->ep = epoll_create1(EPOLL_CLOEXEC);
    f->splices = splice_new(f->ep, spliced_done, spliced_open, f);
    status_load(svc->name, &f->st);
    proc_id_of(getpid(), &f->st.monitor);
    strcpy(f->st.state, "running");
    strcpy(f->st.desired, "running");
    f->st.started_at = time(NULL);
    f->st.error[0] = '\0';
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    f->signals.kind = SIGNALS_KIND;
    f->signals.fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &f->signals };
    if (f->ep < 0 || !f->splices || f->signals.fd < 0 || epoll_ctl(f->ep, EPOLL_CTL_ADD, f->signals.fd, &ev) < 0)
        return -1;
    if (open_listeners(f) < 0 || create_replicas(f) < 0)
        return -1;
    f->last_activity = now_ms();
    if (!svc->on_demand)
        start_replicas(f);
    refresh(f);
    status_save(svc->name, &f->st);
    return 0;
}

/* The stop: no new connections; the replicas' buttons; the pairs go on until they end. */
static void begin_stop(struct front *f)
{
    if (f->stopping)
        return;
    f->stopping = 1;
    for (int i = 0; i < f->nlisteners; i++)
        close(f->listeners[i].fd);
    for (int i = 0; i < f->npending; i++)
        close(f->pending[i].fd);
    f->npending = 0;
    strcpy(f->st.state, "stopping");
    status_save(f->svc->name, &f->st);
    for (int i = 0; i < f->nreplicas; i++) {
        struct replica *r = &f->replicas[i];
        r->wanted = 0;
        instance_stop_request(r->name, STOP_GRACE_S, 0, &r->stopping);
    }
}

static int stopped(struct front *f)
{
    for (int i = 0; i < f->nreplicas; i++)
        if (proc_alive(&f->replicas[i].stopping) || instance_has_monitor(f->replicas[i].name))
            return 0;
    return 1;
}

static void take_signals(struct front *f)
{
    struct signalfd_siginfo si;
    while (read(f->signals.fd, &si, sizeof si) == sizeof si)
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
            begin_stop(f);
    /* SIGCHLD: the monitors it starts are double-forked; only their short-lived parents end */
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

int front_run(const struct spec *svc, int attach)
{
    static struct front f;
    if (setup(&f, svc, attach) < 0) {
        snprintf(f.st.error, sizeof f.st.error, "the front could not start (see monitor.log)");
        strcpy(f.st.state, "exited");
        f.st.exit_code = 125;
        status_save(svc->name, &f.st);
        return 125;
    }
    if (attach)
        fprintf(stderr, "[mayfly] %s: front on %d port(s), %d replica(s)%s\n", svc->name, svc->nports, f.nreplicas,
                svc->on_demand ? ", started on demand" : "");
    long long stop_deadline = 0;
    for (;;) {
        struct epoll_event evs[EVENTS_MAX];
        int n = epoll_wait(f.ep, evs, EVENTS_MAX, FRONT_TICK_MS);
        for (int i = 0; i < n; i++) {
            void *ptr = evs[i].data.ptr;
            int kind = *(int *)ptr;
            if (kind == LISTENER_KIND && !f.stopping)
                accept_all(&f, ptr);
            else if (kind == SIGNALS_KIND)
                take_signals(&f);
            else
                splice_event(f.splices, ptr, evs[i].events);
        }
        splice_reap(f.splices);
        if (f.stopping) {
            if (!stop_deadline)
                stop_deadline = now_ms() + (STOP_GRACE_S + 5) * 1000LL;
            if ((stopped(&f) && splice_count(f.splices) == 0) || now_ms() > stop_deadline)
                break;
            continue;
        }
        refresh(&f);
        splice_open_after(f.splices, OPENING_LIMIT_MS);
        dispatch_pending(&f);
        stop_if_idle(&f);
    }
    strcpy(f.st.state, "exited");
    strcpy(f.st.desired, "stopped");
    strcpy(f.st.health, "none");
    f.st.exit_code = 0;
    f.st.finished_at = time(NULL);
    status_save(svc->name, &f.st);
    return 0;
}
