/* Health checks (health.h). */
#include "health.h"
#include "clock.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define STATUS_LINE_MAX 128

static int wait_for(int fd, short events, long long deadline)
{
    int left = (int)(deadline - now_ms());
    struct pollfd p = { fd, events, 0 };
    return left > 0 && poll(&p, 1, left) == 1 && !(p.revents & (POLLERR | POLLNVAL)) ? 0 : -1;
}

/* A non-blocking connect to 127.0.0.1:port, finished within the deadline. */
static int open_connection(int port, long long deadline)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int err = 0;
    socklen_t len = sizeof err;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 &&
        (errno != EINPROGRESS || wait_for(fd, POLLOUT, deadline) < 0 ||
         getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* QEMU's user network accepts the host side of a forwarded port before the guest does, and
 * closes it if the guest refuses: so even tcp: waits to see that the connection stays open
 * (no end of file) for a moment, and http: needs the guest's answer. */
static int http_ok(int fd, const char *path, long long deadline)
{
    char req[SPEC_WORD_MAX + 64], line[STATUS_LINE_MAX];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: localhost\r\nUser-Agent: mayfly-health\r\n\r\n", path);
    if (write(fd, req, (size_t)n) != n)
        return 0;
    size_t got = 0;
    while (got < sizeof line - 1 && !memchr(line, '\n', got)) {
        if (wait_for(fd, POLLIN, deadline) < 0)
            return 0;
        ssize_t r = read(fd, line + got, sizeof line - 1 - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    line[got] = '\0';
    int code = 0;
    return sscanf(line, "HTTP/1.%*d %d", &code) == 1 && code >= 200 && code < 400;
}

static int tcp_ok(int fd, long long deadline)
{
    char c;
    long long settle = now_ms() + 100;
    if (settle > deadline)
        settle = deadline;
    if (wait_for(fd, POLLIN, settle) < 0)
        return 1;                       /* quiet and open: the guest holds the connection */
    return read(fd, &c, 1) > 0;         /* it spoke first: open; end of file: refused */
}

int health_probe(const struct health *h, int port, int timeout_ms)
{
    long long deadline = now_ms() + timeout_ms;
    int fd = open_connection(port, deadline);
    if (fd < 0)
        return 0;
    int ok = h->kind == HEALTH_HTTP ? http_ok(fd, h->path, deadline) : tcp_ok(fd, deadline);
    close(fd);
    return ok;
}
