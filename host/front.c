/* The front (front.h): one epoll loop over the listeners, the connection pairs and a signalfd,
 * with a tick (FRONT_TICK_MS) that reads the replicas' states from their status files. */
#include "front.h"
#include "clock.h"
#include "front_splice.h"
#include "instance.h"
#include "loopback.h"
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
#define FRONT_WAITING_TICK_MS 2         /* while connections wait for a replica: each ms is theirs */
#define LISTEN_BACKLOG 1024
#define PENDING_MAX 4096
#define PENDING_LIMIT_MS 60000          /* a connection waits this long for a replica at most */
#define PENDING_PER_TICK 8
#define OPENING_MAX 2
#define OPENING_LIMIT_MS 1000           /* a backend that has not spoken by then counts as open */
#define STOP_GRACE_S 10
#define DRAIN_LIMIT_MS 30000            /* a draining instance's connections get this long to end */
#define COUNTS_EVERY_MS 250
#define ROLL_POLL_MS 100                /* update and os update read the front file this often */
#define EVENTS_MAX 256
#define LISTENER_KIND 0x11573
#define SIGNALS_KIND 0x5164
#define SD_LISTEN_FDS_START 3           /* systemd's first passed descriptor (sd_listen_fds(3)) */

struct listener {
    int kind;                           /* LISTENER_KIND */
    int fd;
    int index;                          /* which of the spec's ports */
};

/* What a slot (an instance NAME-K) is for. */
enum role {
    ROLE_OFF,                           /* not running, or being stopped */
    ROLE_SERVE,                         /* takes connections once healthy */
    ROLE_WARM,                          /* the pool: booted, paused once healthy, resumed for a request */
    ROLE_DRAIN,                         /* takes no more; stopped when its connections end */
};
static const char *const role_names[] = { "off", "serving", "warm", "draining" };

struct slot {
    char name[SPEC_NAME_MAX + 1];
    int port[SPEC_PORTS_MAX];           /* its private 127.0.0.1 port for each of the spec's */
    enum role role;
    char image[PATH_MAX];               /* what it was started with: another than the service's is stale */
    char os[PATH_MAX];                  /* ... and a module's OS: another OS is stale too (mayfly os update) */
    int ready;                          /* serving, running and healthy (or being resumed) */
    int paused;                         /* warm, and its guest paused: a request may resume it */
    int resuming;                       /* resumed; its status may say paused a moment longer */
    pid_t pause_sent;                   /* the QEMU whose pause was asked */
    int used;                           /* per request: its one connection has been handed over */
    int active;                         /* connections open to it */
    int opening;                        /* ... of which its guest has not answered yet */
    long long served;                   /* connections handed to it */
    long long starts;                   /* times the front started it */
    long long drain_since;
    pid_t refused_qemu;                 /* its port refused while this QEMU ran: out until another runs */
    pid_t qemu;                         /* the QEMU its status names */
    struct proc_id monitor;             /* its monitor, as its status names it */
    struct proc_id stopping;            /* the monitor a stop waits for */
};

struct pending {
    int fd, index;
    long long since;
};

struct front {
    struct spec svc;                    /* the service; an update changes its image */
    int attach, ep, stopping;
    struct { int kind, fd; } signals;
    struct listener listeners[SPEC_PORTS_MAX];
    int nlisteners;
    struct slot slots[SPEC_SLOTS_MAX];
    int nslots, nserve;                 /* slots, and how many serve at once */
    struct pending pending[PENDING_MAX];
    int npending;
    struct splice_set *splices;
    int demand;                         /* on demand: a connection has asked for the replicas */
    long long last_activity;
    struct status st;
    char shown[16];
    int rotate;                         /* where the search for the least busy starts: ties take turns */
    char counts[SPEC_SLOTS_MAX * 128 + 2 * PATH_MAX + 32];  /* the front file as last written */
    long long counts_at;
};


/* The published ports: systemd's sockets when it passed them to this process, else our own. */
static int open_listeners(struct front *f)
{
    const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
    int passed = pid && fds && atoi(pid) == getpid() ? atoi(fds) : 0;
    for (int i = 0; i < f->svc.nports; i++) {
        const struct port_map *p = &f->svc.ports[i];
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
                fprintf(stderr, "mayfly: '%s': cannot listen on %s:%d: %s\n", f->svc.name, p->host_ip, p->host_port,
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

/* The slots' names, and no instance of an earlier front left under them: its ports are not ours. */
static void init_slots(struct front *f)
{
    f->nserve = spec_replica_count(&f->svc);
    f->nslots = spec_slot_count(&f->svc);
    for (int i = 0; i < f->nslots; i++) {
        struct slot *s = &f->slots[i];
        spec_replica_name(f->svc.name, i + 1, s->name, sizeof s->name);
        if (instance_exists(s->name)) {
            instance_stop(s->name, 0, 0);
            instance_remove(s->name, 1);
        }
    }
}

static int slot_free(const struct slot *s)
{
    return s->role == ROLE_OFF && !proc_alive(&s->stopping) && !instance_has_monitor(s->name);
}

static int stale(const struct front *f, const struct slot *s)
{
    return strcmp(s->image, f->svc.image) != 0 || strcmp(s->os, f->svc.os) != 0;
}

/* Starts an instance in a free slot: the service's spec (its image now) under the slot's name,
 * with private ports in place of the published ones, a health check (the service's, or tcp: on
 * its first port) and a restart policy (the service's, or on-failure: a killed replica comes
 * back into rotation). Returns the slot, or NULL when none is free. */
static struct slot *slot_start(struct front *f, enum role role)
{
    static struct spec r;
    struct slot *s = NULL;
    for (int i = 0; i < f->nslots && !s; i++)
        if (slot_free(&f->slots[i]))
            s = &f->slots[i];
    if (!s)
        return NULL;
    r = f->svc;
    snprintf(r.name, sizeof r.name, "%s", s->name);
    r.replicas = r.on_demand = r.idle_s = r.warm = r.per_request = 0;
    for (int p = 0; p < r.nports; p++) {
        s->port[p] = loopback_free_port();
        snprintf(r.ports[p].host_ip, sizeof r.ports[p].host_ip, "127.0.0.1");
        r.ports[p].host_port = s->port[p];
    }
    if (r.health.kind == HEALTH_NONE) {
        r.health.kind = HEALTH_TCP;
        r.health.port = r.ports[0].guest_port;
    }
    if (r.restart == RESTART_NO)
        r.restart = RESTART_ON_FAILURE;
    if (instance_exists(r.name))
        instance_remove(r.name, 1);     /* keeps its network addresses */
    if (instance_create(&r) < 0)
        return NULL;
    long long starts = s->starts, served = s->served;
    char name[sizeof s->name];
    int port[SPEC_PORTS_MAX];
    memcpy(name, s->name, sizeof name);
    memcpy(port, s->port, sizeof port);
    memset(s, 0, sizeof *s);
    memcpy(s->name, name, sizeof name);
    memcpy(s->port, port, sizeof port);
    s->starts = starts + 1;
    s->served = served;
    s->role = role;
    snprintf(s->image, sizeof s->image, "%s", f->svc.image);
    snprintf(s->os, sizeof s->os, "%s", f->svc.os);
    instance_spawn_monitor(s->name);
    return s;
}

/* Its power button (and a kill after STOP_GRACE_S); the slot is free once its monitor is gone. */
static void slot_stop(struct slot *s)
{
    s->role = ROLE_OFF;
    s->ready = s->paused = s->resuming = 0;
    instance_stop_request(s->name, STOP_GRACE_S, 0, &s->stopping);
}

static void slot_drain(struct slot *s)
{
    s->role = ROLE_DRAIN;
    s->ready = 0;
    s->drain_since = now_ms();
}

/* A warm slot's guest resumed (its monitor's SIGUSR2: QMP cont) to serve: connections may be
 * handed to it at once, QEMU holds them until its CPUs run. */
static int slot_resume(struct front *f, struct slot *s)
{
    if (!proc_alive(&s->monitor) || kill(s->monitor.pid, SIGUSR2) < 0)
        return -1;
    s->role = ROLE_SERVE;
    s->paused = 0;
    s->resuming = s->ready = 1;
    f->last_activity = now_ms();
    return 0;
}

static void save(struct front *f)
{
    int ready = 0, serving = 0;
    for (int i = 0; i < f->nslots; i++)
        if (f->slots[i].role == ROLE_SERVE)
            serving++, ready += f->slots[i].ready;
    char shown[16];
    if (!serving)
        snprintf(shown, sizeof shown, "idle");
    else
        snprintf(shown, sizeof shown, "%d/%d", ready < f->nserve ? ready : f->nserve, f->nserve);
    if (strcmp(shown, f->shown) == 0)
        return;
    snprintf(f->shown, sizeof f->shown, "%s", shown);
    snprintf(f->st.health, sizeof f->st.health, "%s", shown);
    status_save(f->svc.name, &f->st);
}

/* STATE/instances/NAME/front, for inspect and update: "image PATH updated|updating", for a module
 * "os PATH" (the OS it is rolled onto, mayfly os update), then a line per slot in use,
 * "NAME READY ACTIVE SERVED ROLE CURRENT STARTS". Written when it changes, at most every
 * COUNTS_EVERY_MS. */
static void save_counts(struct front *f)
{
    static char text[sizeof f->counts];
    long long t = now_ms();
    int updating = 0;
    size_t len = 0;
    for (int i = 0; i < f->nslots; i++)
        updating |= f->slots[i].role != ROLE_OFF && stale(f, &f->slots[i]);
    len += (size_t)snprintf(text + len, sizeof text - len, "image %s %s\n", f->svc.image, updating ? "updating" : "updated");
    if (f->svc.os[0])
        len += (size_t)snprintf(text + len, sizeof text - len, "os %s\n", f->svc.os);
    for (int i = 0; i < f->nslots; i++) {
        const struct slot *s = &f->slots[i];
        if (s->role != ROLE_OFF || s->active || s->served)
            len += (size_t)snprintf(text + len, sizeof text - len, "%s %d %d %lld %s %d %lld\n", s->name, s->ready,
                                    s->active, s->served, role_names[s->role], s->role != ROLE_OFF && !stale(f, s),
                                    s->starts);
    }
    char path[PATH_MAX];
    if (strcmp(text, f->counts) == 0 || t - f->counts_at < COUNTS_EVERY_MS)
        return;
    if (instance_path(path, sizeof path, f->svc.name, "front") == 0 && write_file_atomic(path, text, len) == 0) {
        memcpy(f->counts, text, len + 1);
        f->counts_at = t;
    }
}

/* The tick's first half: each slot's instance as its status says. */
static void refresh(struct front *f)
{
    for (int i = 0; i < f->nslots; i++) {
        struct slot *s = &f->slots[i];
        if (s->role == ROLE_OFF)
            continue;
        struct status st;
        const char *state = instance_state(s->name, &st);
        if (!instance_has_monitor(s->name) && !proc_alive(&s->stopping)) {
            if (f->svc.per_request && s->used) {    /* served its one connection and ended */
                s->role = ROLE_OFF;
                s->ready = 0;
                continue;
            }
            instance_spawn_monitor(s->name);        /* ended on its own: the service wants it */
        }
        s->qemu = st.qemu.pid;
        s->monitor = st.monitor;
        int running = strcmp(state, "running") == 0, healthy = strcmp(st.health, "healthy") == 0;
        int paused = strcmp(state, "paused") == 0;
        if (!paused)
            s->resuming = 0;
        if (s->refused_qemu && s->refused_qemu == st.qemu.pid)
            running = paused = 0;
        if (s->role == ROLE_SERVE) {
            s->ready = (running && healthy) || (s->resuming && paused);
        } else if (s->role == ROLE_WARM) {
            s->paused = paused;
            if (running && healthy && s->pause_sent != s->qemu && proc_alive(&s->monitor) &&
                kill(s->monitor.pid, SIGUSR1) == 0)
                s->pause_sent = s->qemu;
        } else if (s->role == ROLE_DRAIN && (!s->active || now_ms() - s->drain_since > DRAIN_LIMIT_MS)) {
            slot_stop(s);
        }
    }
}

static int count(const struct front *f, enum role role, int current_only)
{
    int n = 0;
    for (int i = 0; i < f->nslots; i++)
        n += f->slots[i].role == role && (!current_only || !stale(f, &f->slots[i]));
    return n;
}

static struct slot *find_paused(struct front *f)
{
    for (int i = 0; i < f->nslots; i++)
        if (f->slots[i].role == ROLE_WARM && f->slots[i].paused && !stale(f, &f->slots[i]))
            return &f->slots[i];
    return NULL;
}

/* An update: one new serving instance at a time, and once it is healthy, an old one drained
 * (no new connections; stopped when its last one ends). Old warm ones are simply stopped. */
static void roll(struct front *f)
{
    int booting = 0, old = 0;
    struct slot *oldest = NULL;
    for (int i = 0; i < f->nslots; i++) {
        struct slot *s = &f->slots[i];
        if (s->role == ROLE_WARM && stale(f, s))
            slot_stop(s);
        if (s->role != ROLE_SERVE)
            continue;
        if (stale(f, s))
            old++, oldest = oldest ? oldest : s;
        else if (!s->ready)
            booting++;
    }
    if (!old || booting)
        return;
    if (count(f, ROLE_SERVE, 0) > f->nserve)
        slot_drain(oldest);             /* the new one is ready: its place in the rotation is taken */
    else
        slot_start(f, ROLE_SERVE);
}

/* The tick's second half: instances started and stopped for what the service needs now. */
static void plan(struct front *f)
{
    if (!f->svc.per_request)
        roll(f);
    int serving = count(f, ROLE_SERVE, 0);
    if (f->svc.per_request) {
        /* an instance booting for each waiting connection that no unused one will take */
        int unused = 0;
        for (int i = 0; i < f->nslots; i++)
            unused += f->slots[i].role == ROLE_SERVE && !f->slots[i].used;
        for (int n = f->npending - unused; n > 0 && serving < f->nserve && !find_paused(f); n--, serving++)
            if (!slot_start(f, ROLE_SERVE))
                break;
        /* one booted for a connection that another took: into the pool, or stopped */
        for (int i = 0; i < f->nslots && !f->npending; i++) {
            struct slot *s = &f->slots[i];
            if (s->role != ROLE_SERVE || s->used || !s->ready || s->resuming)
                continue;
            if (count(f, ROLE_WARM, 1) < f->svc.warm && !stale(f, s))
                s->role = ROLE_WARM, s->ready = 0;
            else
                slot_stop(s);
        }
    } else if (!f->svc.on_demand || f->demand) {
        for (; serving < f->nserve && !find_paused(f); serving++)
            if (!slot_start(f, ROLE_SERVE))
                break;
    }
    for (int warm = count(f, ROLE_WARM, 1); warm < f->svc.warm; warm++)
        if (!slot_start(f, ROLE_WARM))
            break;
}

/* A ready serving slot with room for one more opening connection, the least busy. QEMU's user
 * network listens with a backlog of one, and a burst of connects to it waits out SYN
 * retransmissions (a second, then three, ...) and loses some past 30 s: so a slot gets at most
 * OPENING_MAX connections whose guest has not answered yet, the rest wait their turn (two: with
 * four, keep-alive clients opening eight connections at once saw two of them wait a second for a
 * SYN's retransmission). Per request, only a slot that has served nobody. */
static struct slot *least_busy(struct front *f)
{
    struct slot *best = NULL;
    for (int k = 0; k < f->nslots; k++) {
        struct slot *s = &f->slots[(f->rotate + k) % f->nslots];
        if (s->role == ROLE_SERVE && s->ready && s->opening < OPENING_MAX && !s->used &&
            (!best || s->active < best->active))
            best = s;
    }
    return best;
}

/* Where a connection goes now: the least busy ready slot, else a paused one resumed (while
 * fewer than the service's replicas serve), else nowhere yet. */
static struct slot *take_slot(struct front *f)
{
    struct slot *s = least_busy(f);
    if (s)
        return s;
    if (count(f, ROLE_SERVE, 0) >= f->nserve)
        return NULL;
    s = find_paused(f);
    return s && slot_resume(f, s) == 0 ? s : NULL;
}

static void hand_over(struct front *f, int fd, int index)
{
    struct slot *s = take_slot(f);
    if (!s) {
        if (f->npending == PENDING_MAX) {
            close(fd);
            return;
        }
        f->pending[f->npending++] = (struct pending){ fd, index, now_ms() };
        if (!f->demand || f->svc.per_request) {
            f->demand = 1;              /* on demand: the first connection boots the replicas, now */
            plan(f);
        }
        return;
    }
    s->active++;
    s->opening++;
    s->served++;
    s->used = f->svc.per_request;
    f->rotate = (int)(s - f->slots) + 1;
    f->last_activity = now_ms();
    if (splice_start(f->splices, fd, s->port[index], (int)(s - f->slots) * SPEC_PORTS_MAX + index) < 0) {
        s->active--;
        s->opening--;
        s->served--;
        s->used = 0;
        s->ready = 0;                   /* its QEMU is gone: the others, or wait */
        s->refused_qemu = s->qemu;
        hand_over(f, fd, index);
    }
}

static void spliced_open(void *ctx, int tag)
{
    struct front *f = ctx;
    f->slots[tag / SPEC_PORTS_MAX].opening--;
}

/* A pair ended. A slot whose port refused (its QEMU is gone, its monitor has not said so yet)
 * is taken out until its status is seen again, and the client tries the others. Per request,
 * the instance's one connection is over: it is stopped. */
static void spliced_done(void *ctx, int tag, int client)
{
    struct front *f = ctx;
    struct slot *s = &f->slots[tag / SPEC_PORTS_MAX];
    s->active--;
    f->last_activity = now_ms();
    if (client >= 0) {
        s->ready = 0;
        s->refused_qemu = s->qemu;
        s->used = 0;
        hand_over(f, client, tag % SPEC_PORTS_MAX);
    } else if (s->used && !s->active && s->role == ROLE_SERVE) {
        slot_stop(s);
    }
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

/* Waiting connections to ready slots, in their order of arrival, PENDING_PER_TICK a tick:
 * QEMU's user network loses part of a burst of new connections to a guest (its retries back off
 * past 30 s), so the connections that waited for a boot are not all let go at once. */
static void dispatch_pending(struct front *f)
{
    static struct pending waiting[PENDING_MAX];
    long long t = now_ms();
    int n = f->npending, sent = 0;
    /* from a copy: hand_over queues again (at the end of f->pending) when no slot takes it */
    memcpy(waiting, f->pending, (size_t)n * sizeof waiting[0]);
    f->npending = 0;
    for (int i = 0; i < n; i++) {
        struct pending p = waiting[i];
        if (sent < PENDING_PER_TICK && (least_busy(f) || (find_paused(f) && count(f, ROLE_SERVE, 0) < f->nserve))) {
            hand_over(f, p.fd, p.index);
            sent++;
        } else if (t - p.since > PENDING_LIMIT_MS) {
            close(p.fd);
        } else {
            f->pending[f->npending++] = p;
        }
    }
}

/* On demand: with no connection for idle_s, the serving instances' power buttons (the warm
 * pool stays). */
static void stop_if_idle(struct front *f)
{
    if (!f->svc.on_demand || !count(f, ROLE_SERVE, 0) || splice_count(f->splices) || f->npending ||
        now_ms() - f->last_activity < f->svc.idle_s * 1000LL)
        return;
    f->demand = 0;
    for (int i = 0; i < f->nslots; i++)
        if (f->slots[i].role == ROLE_SERVE)
            slot_stop(&f->slots[i]);
}

int front_rolled(const char *name, const char *image, const char *os)
{
    char path[PATH_MAX], line[PATH_MAX + 32], want[PATH_MAX + 32];
    if (instance_path(path, sizeof path, name, "front") < 0)
        return 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    snprintf(want, sizeof want, "image %s updated\n", image);
    int done = fgets(line, sizeof line, f) && strcmp(line, want) == 0;
    if (done && os[0]) {
        snprintf(want, sizeof want, "os %s\n", os);
        done = fgets(line, sizeof line, f) && strcmp(line, want) == 0;
    }
    fclose(f);
    return done;
}

int front_wait_rolled(const char *name, const char *image, const char *os, const struct proc_id *monitor,
                      long long deadline_ms)
{
    while (!front_rolled(name, image, os)) {
        if (now_ms() > deadline_ms || !proc_alive(monitor))
            return -1;
        sleep_ms(ROLL_POLL_MS);
    }
    return 0;
}

/* SIGHUP: the spec is read again for a new image (mayfly update) or a module's new OS (mayfly os
 * update); the rest stays. */
static void reload(struct front *f)
{
    static struct spec s;
    char err[SPEC_ERR_MAX];
    if (instance_load_spec(f->svc.name, &s, err, sizeof err) == 0) {
        snprintf(f->svc.image, sizeof f->svc.image, "%s", s.image);
        snprintf(f->svc.os, sizeof f->svc.os, "%s", s.os);
    }
}

static int setup(struct front *f, const struct spec *svc, int attach)
{
    memset(f, 0, sizeof *f);
    f->svc = *svc;
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
    if (open_listeners(f) < 0)
        return -1;
    init_slots(f);
    f->last_activity = now_ms();
    plan(f);
    save(f);
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
    status_save(f->svc.name, &f->st);
    for (int i = 0; i < f->nslots; i++)
        if (f->slots[i].role != ROLE_OFF)
            slot_stop(&f->slots[i]);
}

static int stopped(struct front *f)
{
    for (int i = 0; i < f->nslots; i++)
        if (proc_alive(&f->slots[i].stopping) || instance_has_monitor(f->slots[i].name))
            return 0;
    return 1;
}

static void take_signals(struct front *f)
{
    struct signalfd_siginfo si;
    while (read(f->signals.fd, &si, sizeof si) == sizeof si)
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
            begin_stop(f);
        else if (si.ssi_signo == SIGHUP)
            reload(f);
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
        fprintf(stderr, "[mayfly] %s: front on %d port(s), %d replica(s)%s%s\n", svc->name, svc->nports, f.nserve,
                svc->per_request ? ", an instance per connection" : svc->on_demand ? ", started on demand" : "",
                svc->warm ? ", a warm pool" : "");
    long long stop_deadline = 0, last_tick = 0;
    for (;;) {
        struct epoll_event evs[EVENTS_MAX];
        int n = epoll_wait(f.ep, evs, EVENTS_MAX, f.npending ? FRONT_WAITING_TICK_MS : FRONT_TICK_MS);
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
        /* the tick's work, once a tick however busy the connections keep the loop: it reads
         * every instance's status file */
        if (now_ms() - last_tick < (f.npending ? FRONT_WAITING_TICK_MS : FRONT_TICK_MS))
            continue;
        last_tick = now_ms();
        refresh(&f);
        splice_open_after(f.splices, OPENING_LIMIT_MS);
        dispatch_pending(&f);
        stop_if_idle(&f);
        plan(&f);
        save(&f);
        save_counts(&f);
    }
    strcpy(f.st.state, "exited");
    strcpy(f.st.desired, "stopped");
    strcpy(f.st.health, "none");
    f.st.exit_code = 0;
    f.st.finished_at = time(NULL);
    status_save(svc->name, &f.st);
    return 0;
}
