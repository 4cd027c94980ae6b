/* poll and select over the descriptor table. Sockets are polled by lwIP (lwip_poll, which
 * sleeps on the sockets' events); the console is always ready (output never blocks, input
 * reads as end of file), so when it is asked about the sockets are only looked at. */
#include "fd.h"
#include "signal_impl.h"
#include "../kernel/clock.h"
#include "../kernel/thread.h"
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>

#define STACK_POLLFDS 32

/* Room for a whole descriptor table's worth of pollfds, for poll's sockets and select's set:
 * a server polling hundreds of connections must not need memory to do it, because when memory
 * runs out polling is how it finds the connections to close. Cooperative threads only interleave
 * while one sleeps inside lwip_poll, so a second caller meanwhile takes the heap (rare). */
struct scratch {
    struct pollfd fds[FD_MAX];
    int busy;
};
static struct scratch poll_scratch, select_scratch;

/* n pollfds: small if they fit, else the scratch, else the heap; NULL when none is free. */
static struct pollfd *take(struct scratch *s, struct pollfd *small, nfds_t n)
{
    if (n <= STACK_POLLFDS)
        return small;
    if (!s->busy) {
        s->busy = 1;
        return s->fds;
    }
    return malloc(n * sizeof(struct pollfd));
}

static void give_back(struct scratch *s, struct pollfd *small, struct pollfd *p)
{
    if (p == s->fds)
        s->busy = 0;
    else if (p != small)
        free(p);
}

/* Called interruptible: returns early when a signal is delivered. */
static void sleep_ms(int timeout_ms)
{
    if (timeout_ms < 0)                 /* nothing to wait for, forever: as Linux does */
        thread_sleep_until(UINT64_MAX);
    else
        thread_sleep_until(clock_monotonic_ns() + (uint64_t)timeout_ms * NSEC_PER_MSEC);
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
    struct pollfd small[STACK_POLLFDS], *sockets;
    if (nfds > FD_MAX) {
        errno = EINVAL;
        return -1;
    }
    if (!(sockets = take(&poll_scratch, small, nfds))) {
        errno = ENOMEM;
        return -1;
    }
    int ready = 0;
    nfds_t nsock = 0;
    for (nfds_t i = 0; i < nfds; i++) {
        fds[i].revents = 0;
        if (fds[i].fd < 0)
            continue;
        struct file *f = fd_get(fds[i].fd);
        if (!f)
            fds[i].revents = POLLNVAL;
        else if (f->ops == &socket_ops)
            sockets[nsock++] = (struct pollfd){ f->handle, fds[i].events, 0 };
        else
            fds[i].revents = fds[i].events & (POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM);
        ready += fds[i].revents != 0;
    }
    int rc = 0, token = interruptible_begin();
    if (nsock)
        rc = lwip_poll(sockets, nsock, ready ? 0 : timeout_ms);
    else if (!ready && timeout_ms != 0)
        sleep_ms(timeout_ms);
    if (interruptible_end(token) && rc == 0 && !ready && timeout_ms != 0) {
        give_back(&poll_scratch, small, sockets);
        errno = EINTR;                  /* a handler ran: the caller looks at its flags */
        return -1;
    }
    if (rc > 0)
        for (nfds_t i = 0, k = 0; i < nfds && k < nsock; i++) {
            struct file *f = fds[i].fd >= 0 ? fd_get(fds[i].fd) : NULL;
            if (f && f->ops == &socket_ops)
                ready += (fds[i].revents = sockets[k++].revents) != 0;
        }
    give_back(&poll_scratch, small, sockets);
    if (rc < 0)
        return -1;
    return ready;
}

int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
    if (nfds < 0 || nfds > FD_MAX || (tv && (tv->tv_sec < 0 || tv->tv_usec < 0))) {
        errno = EINVAL;
        return -1;
    }
    struct pollfd small[STACK_POLLFDS], *p = take(&select_scratch, small, (nfds_t)nfds);
    if (!p) {
        errno = ENOMEM;
        return -1;
    }
    nfds_t n = 0;
    for (int fd = 0; fd < nfds; fd++) {
        short ev = (rd && FD_ISSET(fd, rd) ? POLLIN : 0) | (wr && FD_ISSET(fd, wr) ? POLLOUT : 0) |
                   (ex && FD_ISSET(fd, ex) ? POLLPRI : 0);
        if (ev)
            p[n++] = (struct pollfd){ fd, ev, 0 };
    }
    /* a timeout rounds up to whole milliseconds, so select never returns early */
    int timeout_ms = tv ? (int)(tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000) : -1;
    int rc = poll(p, n, timeout_ms);
    int bad = 0;
    for (nfds_t i = 0; rc >= 0 && i < n; i++)
        bad |= p[i].revents & POLLNVAL;
    if (rc < 0 || bad) {
        give_back(&select_scratch, small, p);
        if (bad)
            errno = EBADF;
        return -1;
    }
    if (rd)
        FD_ZERO(rd);
    if (wr)
        FD_ZERO(wr);
    if (ex)
        FD_ZERO(ex);
    int count = 0;
    for (nfds_t i = 0; i < n; i++) {
        short r = p[i].revents;
        if (rd && (r & (POLLIN | POLLHUP | POLLERR)))
            FD_SET(p[i].fd, rd), count++;
        if (wr && (r & (POLLOUT | POLLERR)))
            FD_SET(p[i].fd, wr), count++;
        if (ex && (r & POLLPRI))
            FD_SET(p[i].fd, ex), count++;
    }
    give_back(&select_scratch, small, p);
    return count;
}
