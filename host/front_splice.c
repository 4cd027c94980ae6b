/* Connection pairs on epoll (front_splice.h). Level-triggered: after every event each end's
 * interest is recomputed from the buffers, so a full buffer stops reading and an empty one
 * stops writing. */
#include "front_splice.h"
#include "clock.h"
#include <arpa/inet.h>
#include <netinet/tcp.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

struct half {                           /* bytes from one end on their way to the other */
    char buf[SPLICE_BUFFER];
    size_t len;
    int eof;                            /* the source has finished sending */
    int spoke;                          /* the source has sent a byte (it may be passed on already) */
    int shut;                           /* ... and the destination has been told */
};

struct pair;
struct end {
    int kind;                           /* SPLICE_KIND: how an epoll event is known to be ours */
    int fd;
    struct pair *pair;
    struct half *out;                   /* what this end sends */
    struct half *in;                    /* what this end receives */
    unsigned watching;                  /* the events registered now */
};

struct pair {
    struct end client, backend;
    struct half up, down;               /* client to backend, backend to client */
    int connecting;
    int dead;                           /* ended: freed by splice_reap, after the events in hand */
    int opened;                         /* opened() has been called */
    long long started_ms;
    int tag;
    struct pair *next, **prevp;
};

struct splice_set {
    int ep;
    splice_done_fn done;
    splice_open_fn opened;
    void *ctx;
    int count;
    struct pair *pairs;
    struct pair *dead;                  /* ended pairs that events of this round may still name */
};

struct splice_set *splice_new(int ep, splice_done_fn done, splice_open_fn opened, void *ctx)
{
    struct splice_set *s = calloc(1, sizeof *s);
    if (s) {
        s->ep = ep;
        s->done = done;
        s->opened = opened;
        s->ctx = ctx;
    }
    return s;
}

int splice_count(const struct splice_set *s)
{
    return s->count;
}

/* give_back: the client is handed back (the backend refused it) rather than closed. */
static void end_pair(struct splice_set *s, struct pair *p, int give_back)
{
    int client = give_back ? p->client.fd : -1;
    if (give_back)
        epoll_ctl(s->ep, EPOLL_CTL_DEL, p->client.fd, NULL);
    else
        close(p->client.fd);            /* closing removes it from the epoll set */
    close(p->backend.fd);
    *p->prevp = p->next;
    if (p->next)
        p->next->prevp = p->prevp;
    s->count--;
    p->dead = 1;
    p->next = s->dead;
    s->dead = p;
    if (!p->opened)
        s->opened(s->ctx, p->tag);
    p->opened = 1;
    s->done(s->ctx, p->tag, client);
}

static void watch(struct splice_set *s, struct end *e, int connecting)
{
    unsigned want = 0;
    if (connecting)
        want = EPOLLOUT;
    else {
        if (!e->out->eof && e->out->len < sizeof e->out->buf)
            want |= EPOLLIN;
        if (e->in->len)
            want |= EPOLLOUT;
    }
    if (want == e->watching)
        return;
    struct epoll_event ev = { .events = want, .data.ptr = e };
    epoll_ctl(s->ep, EPOLL_CTL_MOD, e->fd, &ev);
    e->watching = want;
}

/* Moves what it can; returns -1 when the pair is broken (reset, refused). */
static int pump(struct end *from, struct end *to)
{
    struct half *h = from->out;
    if (!h->eof && h->len < sizeof h->buf) {
        ssize_t n = recv(from->fd, h->buf + h->len, sizeof h->buf - h->len, MSG_DONTWAIT);
        if (n > 0)
            h->len += (size_t)n, h->spoke = 1;
        else if (n == 0)
            h->eof = 1;
        else if (errno != EAGAIN && errno != EINTR)
            return -1;
    }
    if (h->len) {
        ssize_t n = send(to->fd, h->buf, h->len, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n > 0) {
            memmove(h->buf, h->buf + n, h->len - (size_t)n);
            h->len -= (size_t)n;
        } else if (n < 0 && errno != EAGAIN && errno != EINTR)
            return -1;
    }
    if (h->eof && !h->len && !h->shut) {
        shutdown(to->fd, SHUT_WR);      /* the half-close, passed on */
        h->shut = 1;
    }
    return 0;
}

int splice_start(struct splice_set *s, int client, int port, int tag)
{
    struct pair *p = calloc(1, sizeof *p);
    int backend = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (!p || backend < 0 ||
        (connect(backend, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS)) {
        free(p);
        if (backend >= 0)
            close(backend);
        return -1;
    }
    /* bytes are passed on as they come: Nagle's wait for an ACK would hold a small answer (or a
     * keep-alive request) back until the other side's delayed ACK, some 40 ms */
    int one = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    setsockopt(backend, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    p->client = (struct end){ SPLICE_KIND, client, p, &p->up, &p->down, EPOLLIN };
    p->backend = (struct end){ SPLICE_KIND, backend, p, &p->down, &p->up, EPOLLOUT };
    p->connecting = 1;
    p->tag = tag;
    p->started_ms = now_ms();
    struct epoll_event ce = { .events = EPOLLIN, .data.ptr = &p->client };
    struct epoll_event be = { .events = EPOLLOUT, .data.ptr = &p->backend };
    epoll_ctl(s->ep, EPOLL_CTL_ADD, client, &ce);
    epoll_ctl(s->ep, EPOLL_CTL_ADD, backend, &be);
    p->next = s->pairs;
    p->prevp = &s->pairs;
    if (s->pairs)
        s->pairs->prevp = &p->next;
    s->pairs = p;
    s->count++;
    return 0;
}

int splice_event(struct splice_set *s, void *ptr, unsigned events)
{
    if (*(const int *)ptr != SPLICE_KIND)
        return 0;
    struct end *e = ptr;
    struct pair *p = e->pair;
    if (p->dead)
        return 1;
    if (p->connecting && e == &p->backend) {
        int err = 0;
        socklen_t len = sizeof err;
        if (getsockopt(p->backend.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err) {
            end_pair(s, p, 1);
            return 1;
        }
        p->connecting = 0;
    }
    (void)events;
    if (!p->connecting && (pump(&p->client, &p->backend) < 0 || pump(&p->backend, &p->client) < 0)) {
        end_pair(s, p, 0);
        return 1;
    }
    if (!p->opened && (p->down.spoke || p->down.eof)) {     /* the answer may be passed on already */
        p->opened = 1;
        s->opened(s->ctx, p->tag);
    }
    if (p->up.shut && p->down.shut) {
        end_pair(s, p, 0);
        return 1;
    }
    watch(s, &p->client, 0);
    watch(s, &p->backend, p->connecting);
    return 1;
}

void splice_reap(struct splice_set *s)
{
    while (s->dead) {
        struct pair *p = s->dead;
        s->dead = p->next;
        free(p);
    }
}

void splice_open_after(struct splice_set *s, int limit_ms)
{
    long long t = now_ms();
    for (struct pair *p = s->pairs; p; p = p->next)
        if (!p->opened && t - p->started_ms >= limit_ms) {
            p->opened = 1;
            s->opened(s->ctx, p->tag);
        }
}
