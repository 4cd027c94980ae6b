/* linux-httpd: the web server of the Linux guest that scripts/bench-httpd measures beside
 * Mayfly's httpd (scripts/linux-guest builds the guest). It answers what the benchmark asks of
 * apps/httpd with the same bytes and the same response fields (Server, Date, Content-Type,
 * Content-Length, Connection): "/" (index.html), /bench/1k.txt and /bench/64k.txt, read from DIR
 * into memory at start, as Mayfly's are compiled into its image; any other path is 404.
 * Its design is httpd's on another kernel, so that the comparison is of the systems and not of
 * two server designs: one thread, non-blocking sockets, level-triggered epoll, HTTP/1.1
 * keep-alive with pipelining, and each connection a small state machine (reading a head, then
 * sending a response, whose unsent part waits for EPOLLOUT).
 * It runs as PID 1 (the guest's /init execs it): if it exits, the kernel panics and, with
 * panic=-1 and QEMU's -no-reboot, the VM stops, so a failure is never a silent hang.
 * usage: server [DIR [PORT]]   (default /www, port 80; the port is for trying it on a host) */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_PORT 80
#define IN_MAX 8192                     /* a longer request head closes the connection */
#define HEAD_MAX 512                    /* a response head */
#define EVENTS_MAX 64                   /* events taken per epoll_wait */

struct file {
    const char *url, *name, *type;
    char *data;
    size_t size;
};

static struct file files[] = {
    { "/", "index.html", "text/html; charset=utf-8", NULL, 0 },
    { "/bench/1k.txt", "bench/1k.txt", "text/plain; charset=utf-8", NULL, 0 },
    { "/bench/64k.txt", "bench/64k.txt", "text/plain; charset=utf-8", NULL, 0 },
};
static const char not_found[] = "404 Not Found\n";      /* httpd's 404 body, byte for byte */

struct conn {
    int fd;
    int sending, keep_alive;            /* keep_alive: of the response being sent */
    size_t in_len;
    char in[IN_MAX];
    char head[HEAD_MAX];
    size_t head_len, head_off;
    const char *body;
    size_t body_len, body_off;
};

static int epfd;

static void load(const char *dir, struct file *f)
{
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, f->name);
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &st) < 0 || !(f->data = malloc(st.st_size ? st.st_size : 1))) {
        perror(path);
        exit(1);
    }
    for (ssize_t n; f->size < (size_t)st.st_size; f->size += n)
        if ((n = read(fd, f->data + f->size, st.st_size - f->size)) <= 0) {
            perror(path);
            exit(1);
        }
    close(fd);
}

/* The Date field, formatted once a second rather than once a response. */
static const char *http_date(void)
{
    static char date[40];
    static time_t last = -1;
    time_t now = time(NULL);
    struct tm tm;
    if (now != last) {
        strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&now, &tm));
        last = now;
    }
    return date;
}

static void conn_close(struct conn *c)
{
    close(c->fd);                       /* closing also takes it out of the epoll set */
    free(c);
}

static void want(struct conn *c, unsigned events)
{
    struct epoll_event ev = { .events = events, .data.ptr = c };
    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

/* Sends what is left of the response: 1 when all of it went, 0 when the socket is full,
 * -1 when the connection is broken. MSG_NOSIGNAL: a client gone away must not raise SIGPIPE. */
static int flush(struct conn *c)
{
    while (c->head_off < c->head_len || c->body_off < c->body_len) {
        struct iovec iov[2] = {
            { c->head + c->head_off, c->head_len - c->head_off },
            { (char *)c->body + c->body_off, c->body_len - c->body_off },
        };
        struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
        ssize_t n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == EAGAIN ? 0 : -1;
        size_t h = iov[0].iov_len < (size_t)n ? iov[0].iov_len : (size_t)n;
        c->head_off += h;
        c->body_off += n - h;
    }
    return 1;
}

/* Whether the head asks for the connection to stay open: HTTP/1.1 unless "Connection: close",
 * HTTP/1.0 only with "Connection: keep-alive". head is NUL-terminated. */
static int keep_alive(const char *head, int http11)
{
    for (const char *line = strstr(head, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
        if (strncasecmp(line + 2, "Connection:", 11))
            continue;
        const char *end = strstr(line + 2, "\r\n"), *value = line + 13;
        size_t len = end ? (size_t)(end - value) : strlen(value);
        if (memmem(value, len, "close", 5))
            return 0;
        if (memmem(value, len, "keep-alive", 10))
            return 1;
    }
    return http11;
}

/* Turns the head at the start of c->in (len bytes, the last four "\r\n\r\n") into a response. */
static void respond(struct conn *c, size_t len)
{
    char method[8] = "", target[1024] = "";
    int minor = -1, status = 400;
    const struct file *f = NULL;
    c->in[len - 4] = '\0';
    sscanf(c->in, "%7s %1023s HTTP/1.%d", method, target, &minor);
    int head_only = !strcmp(method, "HEAD");
    if (minor >= 0 && !head_only && strcmp(method, "GET"))
        status = 405;
    else if (minor >= 0) {
        status = 404;
        for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
            if (!strcmp(target, files[i].url))
                f = &files[i], status = 200;
    }
    c->keep_alive = status != 400 && keep_alive(c->in, minor >= 1);
    c->body = f ? f->data : not_found;
    c->body_len = f ? f->size : sizeof not_found - 1;
    c->head_len = snprintf(c->head, sizeof c->head,
                           "HTTP/1.1 %d %s\r\nServer: linux-httpd\r\nDate: %s\r\n"
                           "Content-Type: %s\r\nContent-Length: %zu\r\n%sConnection: %s\r\n\r\n",
                           status, status == 200 ? "OK" : status == 404 ? "Not Found" :
                           status == 405 ? "Method Not Allowed" : "Bad Request", http_date(),
                           f ? f->type : "text/plain; charset=utf-8", c->body_len,
                           status == 405 ? "Allow: GET, HEAD\r\n" : "", c->keep_alive ? "keep-alive" : "close");
    if (head_only)
        c->body_len = 0;
    c->head_off = c->body_off = 0;
    c->in_len -= len;                   /* a pipelined request behind it moves to the front */
    memmove(c->in, c->in + len, c->in_len);
}

/* Answers every whole head in c->in, in order, until one response has to wait for the socket. */
static void serve(struct conn *c)
{
    for (;;) {
        if (c->sending) {
            int r = flush(c);
            if (r == 0) {
                want(c, EPOLLOUT);
                return;
            }
            if (r < 0 || !c->keep_alive) {
                conn_close(c);
                return;
            }
            c->sending = 0;
            want(c, EPOLLIN);
        }
        char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
        if (!end) {
            if (c->in_len == IN_MAX)
                conn_close(c);          /* a head too long to answer */
            return;
        }
        respond(c, end + 4 - c->in);
        c->sending = 1;
    }
}

static void readable(struct conn *c)
{
    ssize_t n = recv(c->fd, c->in + c->in_len, IN_MAX - c->in_len, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        conn_close(c);
        return;
    }
    if (n > 0)
        c->in_len += n;
    serve(c);
}

static void accept_all(int lfd)
{
    int one = 1, fd;
    while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
        struct conn *c = malloc(sizeof *c);
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
        if (!c || epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
            free(c);
            close(fd);
            continue;
        }
        *c = (struct conn){ .fd = fd };
        /* httpd sets it too: a response's last segment must not wait for the client's ACK */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "/www";
    int port = argc > 2 ? atoi(argv[2]) : DEFAULT_PORT;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        load(dir, &files[i]);

    int one = 1, lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = NULL };    /* NULL: the listener */
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, SOMAXCONN) < 0 ||
        (epfd = epoll_create1(0)) < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev) < 0) {
        perror("linux-httpd: listen");
        return 1;
    }
    printf("linux-httpd: serving %s on port %d\n", dir, port);
    fflush(stdout);

    struct epoll_event events[EVENTS_MAX];
    for (;;) {
        int n = epoll_wait(epfd, events, EVENTS_MAX, -1);
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (!c)
                accept_all(lfd);
            else if (events[i].events & (EPOLLERR | EPOLLHUP))
                conn_close(c);
            else if (events[i].events & EPOLLOUT)
                serve(c);
            else
                readable(c);
        }
    }
}
