/* echo: RFC 862 on TCP and UDP, port 7 (--port N to change). Each TCP connection gets its
 * own thread and plain blocking calls; UDP datagrams (up to 64 KiB) go back as they came.
 * SIGTERM (the VM's power button) or SIGINT stops it gracefully: no new connections; each
 * connection echoes what it has already received and ends its side (FIN), then reads and drops
 * what the client still sends until the client closes (closing at once would answer those
 * bytes with a reset, which can destroy echoes the client has not read yet); after --grace
 * seconds (default 2) the rest are cut, and echo exits 0.
 * usage: echo [--port N] [--grace SECONDS] */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define DEFAULT_PORT 7
#define TCP_BUF 16384
#define UDP_MAX 65535
#define CONN_STACK (32 * 1024)
#define DEFAULT_GRACE_S 2.0
#define MAX_GRACE_S 3600.0

struct conn {                           /* a connection's thread, known to main for the stop */
    int fd;
    pthread_t thread;
    struct conn *prev, *next;
};

static volatile sig_atomic_t stop_requested;    /* by the handler: main looks */
static int stopping;                    /* by main, once stop_deadline is set: the threads look */
static struct timespec stop_deadline;   /* CLOCK_MONOTONIC */
static pthread_mutex_t conns_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t conns_gone;       /* on CLOCK_MONOTONIC: main sets it up */
static struct conn *conns;
static int nconns;

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;                 /* the waits in poll below return EINTR and look */
}

static int open_socket(int type, int port)
{
    int fd = socket(AF_INET, type, 0), on = 1;
    if (fd < 0) {
        perror("echo: socket");
        exit(1);
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY) };
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("echo: bind");
        exit(1);
    }
    return fd;
}

/* Write all of buf, or fail. */
static int write_all(int fd, const char *buf, size_t len)
{
    while (len) {
        ssize_t n = write(fd, buf, len);
        if (n < 0)
            return -1;
        buf += n, len -= (size_t)n;
    }
    return 0;
}

static int ms_until(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ms = (long long)(t->tv_sec - now.tv_sec) * 1000 + (t->tv_nsec - now.tv_nsec) / 1000000;
    return ms < 0 ? 0 : ms > 1000000 ? 1000000 : (int)ms;
}

/* At the stop: echo what has arrived already, end our side, and read (dropping it) what the
 * client still sends until it closes or the grace is over. */
static void finish(int fd, char *buf)
{
    ssize_t n;
    while ((n = recv(fd, buf, TCP_BUF, MSG_DONTWAIT)) > 0)
        if (write_all(fd, buf, (size_t)n) < 0)
            return;
    shutdown(fd, SHUT_WR);
    for (int left; (left = ms_until(&stop_deadline)) > 0;) {
        struct pollfd p = { fd, POLLIN, 0 };
        int ready = poll(&p, 1, left);
        if (ready < 0 && errno == EINTR)
            continue;                   /* a late interrupt, not the end of the stream */
        if (ready <= 0 || recv(fd, buf, TCP_BUF, MSG_DONTWAIT) == 0)
            return;
    }
}

/* poll failed for want of memory (lwIP's budget): wait a little rather than spin, since a
 * cooperative thread that never blocks keeps everyone else (the network among them) from
 * running and giving memory back. */
static void poll_failed(void)
{
    if (errno != EINTR)
        usleep(10 * 1000);
}

static void *serve_connection(void *arg)
{
    struct conn *c = arg;
    char *buf = malloc(TCP_BUF);
    while (buf) {
        if (stopping) {
            finish(c->fd, buf);
            break;
        }
        /* wait in poll, which a stop interrupts (pthread_kill in main); read would not return */
        struct pollfd p = { c->fd, POLLIN, 0 };
        if (poll(&p, 1, -1) < 0) {
            poll_failed();
            continue;
        }
        ssize_t n = read(c->fd, buf, TCP_BUF);
        if (n <= 0 || write_all(c->fd, buf, (size_t)n) < 0)
            break;
    }
    free(buf);
    close(c->fd);
    pthread_mutex_lock(&conns_lock);
    *(c->prev ? &c->prev->next : &conns) = c->next;
    if (c->next)
        c->next->prev = c->prev;
    nconns--;
    pthread_cond_signal(&conns_gone);
    pthread_mutex_unlock(&conns_lock);
    free(c);
    return NULL;
}

/* Start a thread for fd; the connection is closed if there is no memory for one. */
static void start_connection(int fd, const pthread_attr_t *attr)
{
    struct conn *c = calloc(1, sizeof *c);
    if (!c) {
        close(fd);
        return;
    }
    c->fd = fd;
    pthread_mutex_lock(&conns_lock);
    if (pthread_create(&c->thread, attr, serve_connection, c) != 0) {
        pthread_mutex_unlock(&conns_lock);
        close(fd);                      /* out of memory: this client is refused, the rest go on */
        free(c);
        return;
    }
    c->next = conns;
    if (conns)
        conns->prev = c;
    conns = c;
    nconns++;
    pthread_mutex_unlock(&conns_lock);
}

/* Wake every connection's thread to finish, and wait for them up to grace seconds. The
 * connections lwIP has accepted but we have not are taken first: closing the listener would
 * reset them, and what their clients sent with them. */
static void stop(int lfd, double grace, const pthread_attr_t *attr)
{
    fcntl(lfd, F_SETFL, O_NONBLOCK);
    for (int fd; (fd = accept(lfd, NULL, NULL)) >= 0;)
        start_connection(fd, attr);
    close(lfd);
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += (time_t)grace;
    deadline.tv_nsec += (long)((grace - (double)(time_t)grace) * 1e9);
    if (deadline.tv_nsec >= 1000000000L)
        deadline.tv_sec++, deadline.tv_nsec -= 1000000000L;
    stop_deadline = deadline;
    stopping = 1;
    pthread_mutex_lock(&conns_lock);
    printf("echo: stopping: %d connection%s open, up to %.3g s to finish\n", nconns, nconns == 1 ? "" : "s", grace);
    fflush(stdout);
    for (struct conn *c = conns; c; c = c->next) {
        pthread_kill(c->thread, SIGTERM);
    }
    while (nconns > 0 && pthread_cond_timedwait(&conns_gone, &conns_lock, &deadline) == 0)
        ;
    printf("echo: stopped; %d connection%s cut unfinished\n", nconns, nconns == 1 ? "" : "s");
    pthread_mutex_unlock(&conns_lock);
}

static void *serve_udp(void *arg)
{
    int fd = open_socket(SOCK_DGRAM, (int)(intptr_t)arg);
    char *buf = malloc(UDP_MAX);
    for (;;) {
        struct sockaddr_in from;
        socklen_t len = sizeof from;
        ssize_t n = recvfrom(fd, buf, UDP_MAX, 0, (struct sockaddr *)&from, &len);
        if (n >= 0 && sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len) < 0)
            perror("echo: sendto");
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int port = DEFAULT_PORT;
    double grace = DEFAULT_GRACE_S;
    for (int i = 1; i < argc; i++) {
        char *end;
        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc && (port = (int)strtol(argv[++i], &end, 10), !*end) &&
            port > 0 && port < 65536)
            continue;
        if (strcmp(argv[i], "--grace") == 0 && i + 1 < argc && (grace = strtod(argv[++i], &end), !*end) &&
            end != argv[i] && grace >= 0 && grace <= MAX_GRACE_S)
            continue;
        fprintf(stderr, "usage: echo [--port N] [--grace SECONDS]\n");
        return 2;
    }
    struct sigaction on_stop = { .sa_handler = on_stop_signal };
    sigaction(SIGTERM, &on_stop, NULL);
    sigaction(SIGINT, &on_stop, NULL);
    pthread_condattr_t monotonic;
    pthread_condattr_init(&monotonic);
    pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
    pthread_cond_init(&conns_gone, &monotonic);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, CONN_STACK);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);

    int lfd = open_socket(SOCK_STREAM, port);
    if (listen(lfd, SOMAXCONN) < 0) {
        perror("echo: listen");
        return 1;
    }
    pthread_t udp;
    if (pthread_create(&udp, &attr, serve_udp, (void *)(intptr_t)port) != 0) {
        fprintf(stderr, "echo: no thread for UDP\n");
        return 1;
    }
    printf("echo: listening on port %d (TCP and UDP)\n", port);
    fflush(stdout);
    while (!stop_requested) {
        struct pollfd p = { lfd, POLLIN, 0 };
        if (poll(&p, 1, -1) < 0) {
            poll_failed();              /* EINTR: a signal; the loop looks at stop_requested */
            continue;
        }
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            perror("echo: accept");
            continue;
        }
        start_connection(fd, &attr);
    }
    stop(lfd, grace, &attr);
    return 0;
}
