/* httpd: an HTTP/1.1 server for the files compiled into the image (apps/httpd/www/).
 * One thread, non-blocking sockets and poll(): each connection is a small state machine
 * (reading a request head, then sending a response), so thousands of idle keep-alive
 * connections cost a few hundred bytes each and no thread stacks. Requests on one connection
 * may be pipelined. A bad request gets its error status and the connection is closed; it
 * never disturbs another connection.
 * usage: httpd [--port N] [--max-connections N] */
#include "http.h"
#include <errno.h>
#include <mayfly/embedded.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_PORT 80
#define DEFAULT_MAX_CONNS 1000
#define HEAD_MAX 8192                   /* a longer request head gets 413 */
#define RESPONSE_HEAD_MAX 512
#define IDLE_TIMEOUT_S 30               /* a connection that sends nothing for this long is closed */
#define POLL_TICK_MS 1000
#define DATE_LEN 40
#define LINGER_S 2                      /* after an error: how long to read what the client still sends */

struct conn {
    int fd;
    time_t last_active;
    size_t in_len;                      /* bytes of request in `in` */
    char in[HEAD_MAX];
    /* the response being sent: its head, then body[0..body_len) */
    int sending, keep_alive;
    time_t lingering_until;             /* nonzero: response sent, write side shut, discarding input */
    char head[RESPONSE_HEAD_MAX];
    size_t head_len, head_off;
    const unsigned char *body;
    size_t body_len, body_off;
    char error_body[64];                /* per connection: a partly sent error must not change */
};

static struct conn **conns;
static int nconns, max_conns = DEFAULT_MAX_CONNS;

static const struct embedded_file *find_file(const char *path)
{
    size_t lo = 0, hi = embedded_file_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(path, embedded_files[mid].path);
        if (c == 0)
            return &embedded_files[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* "/" and other directories mean their index.html. */
static const struct embedded_file *lookup(const char *path)
{
    char full[HTTP_PATH_MAX + sizeof "index.html"];
    size_t n = strlen(path);
    if (path[n - 1] != '/')
        return find_file(path);
    snprintf(full, sizeof full, "%sindex.html", path);
    return find_file(full);
}

static const char *http_date(void)
{
    static char date[DATE_LEN];
    static time_t cached;
    time_t now = time(NULL);
    if (now != cached) {
        struct tm tm;
        strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&now, &tm));
        cached = now;
    }
    return date;
}

static void respond(struct conn *c, int status, const struct http_request *r, int keep_alive)
{
    const unsigned char *body;
    size_t len;
    const char *type;
    const struct embedded_file *f = NULL;
    if (status == 0 && !(f = lookup(r->path)))
        status = 404;
    if (f) {
        status = 200;
        body = f->data, len = f->size, type = http_content_type(f->path);
    } else {
        len = (size_t)snprintf(c->error_body, sizeof c->error_body, "%d %s\n", status, http_reason(status));
        body = (const unsigned char *)c->error_body, type = "text/plain; charset=utf-8";
    }
    c->keep_alive = keep_alive;
    c->head_len = http_response_head(c->head, sizeof c->head, status, type, len, keep_alive, http_date());
    c->head_off = 0;
    c->body = body;
    c->body_len = r && r->method == HTTP_HEAD ? 0 : len;
    c->body_off = 0;
    c->sending = 1;
}

static void drop(int i)
{
    close(conns[i]->fd);
    free(conns[i]);
    conns[i] = conns[--nconns];
}

/* A complete head in c->in, or an error: set up the response. */
static void handle_input(struct conn *c)
{
    size_t end = http_head_end(c->in, c->in_len);
    if (!end) {
        if (c->in_len == HEAD_MAX)      /* full, and still no end of head */
            respond(c, 413, NULL, 0);
        else if (memchr(c->in, 0, c->in_len))
            respond(c, 400, NULL, 0);   /* no request holds a NUL: answer before it ends */
        return;
    }
    struct http_request r;
    int status = http_parse_request(c->in, end, &r);
    /* after an error, or a body we do not read, the stream is out of step: close after */
    int keep = status == 0 && r.keep_alive && !r.has_body;
    respond(c, status, status == 0 || status == 405 || status == 414 ? &r : NULL, keep);
    memmove(c->in, c->in + end, c->in_len - end);
    c->in_len -= end;
}

/* Returns 0 to keep the connection, -1 to drop it. */
static int on_readable(struct conn *c)
{
    if (c->lingering_until) {
        char sink[1024];
        ssize_t n = recv(c->fd, sink, sizeof sink, 0);
        return n > 0 || (n < 0 && errno == EAGAIN) ? 0 : -1;
    }
    ssize_t n = recv(c->fd, c->in + c->in_len, HEAD_MAX - c->in_len, 0);
    if (n == 0)
        return -1;                      /* the client is gone (mid-request or not) */
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    c->in_len += (size_t)n;
    handle_input(c);
    return 0;
}

static int on_writable(struct conn *c)
{
    while (c->head_off < c->head_len || c->body_off < c->body_len) {
        int head = c->head_off < c->head_len;
        const void *p = head ? (const void *)(c->head + c->head_off) : c->body + c->body_off;
        size_t left = head ? c->head_len - c->head_off : c->body_len - c->body_off;
        ssize_t n = send(c->fd, p, left, head && c->body_len ? MSG_MORE : 0);
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
        *(head ? &c->head_off : &c->body_off) += (size_t)n;
    }
    c->sending = 0;
    if (!c->keep_alive) {
        /* Closing now, with the client's unread bytes still queued, would send a reset that can
         * destroy the response before the client reads it: shut our side, read theirs to the end. */
        shutdown(c->fd, SHUT_WR);
        c->lingering_until = time(NULL) + LINGER_S;
        return 0;
    }
    handle_input(c);                    /* a pipelined request may be waiting already */
    return 0;
}

static void accept_all(int lfd, time_t now)
{
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            return;                     /* EAGAIN: none left; other errors: try on the next event */
        struct conn *c = nconns < max_conns ? malloc(sizeof *c) : NULL;
        if (!c) {
            close(fd);                  /* at the limit or out of memory: refuse this one */
            continue;
        }
        int one = 1;
        fcntl(fd, F_SETFL, O_NONBLOCK);
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        c->fd = fd;
        c->last_active = now;
        c->in_len = 0;
        c->sending = 0;
        c->lingering_until = 0;
        conns[nconns++] = c;
    }
}

static int listen_on(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0) {
        perror("httpd: socket");
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY) };
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, SOMAXCONN) < 0) {
        fprintf(stderr, "httpd: port %d: %s\n", port, strerror(errno));
        return -1;
    }
    fcntl(fd, F_SETFL, O_NONBLOCK);
    return fd;
}

static int number_arg(const char *s, int min, int max, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

int main(int argc, char **argv)
{
    int port = DEFAULT_PORT;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--port") && i + 1 < argc && !number_arg(argv[++i], 1, 65535, &port))
            continue;
        if (!strcmp(argv[i], "--max-connections") && i + 1 < argc && !number_arg(argv[++i], 1, 100000, &max_conns))
            continue;
        fprintf(stderr, "httpd: bad argument '%s'\nusage: httpd [--port N] [--max-connections N]\n", argv[i]);
        return 2;
    }
    int lfd = listen_on(port);
    struct pollfd *pfds = malloc(((size_t)max_conns + 1) * sizeof *pfds);
    conns = malloc((size_t)max_conns * sizeof *conns);
    if (lfd < 0 || !pfds || !conns)
        return 1;
    printf("httpd: serving %zu files on port %d\n", embedded_file_count, port);
    fflush(stdout);

    for (;;) {
        pfds[0] = (struct pollfd){ lfd, POLLIN, 0 };
        for (int i = 0; i < nconns; i++)
            pfds[i + 1] = (struct pollfd){ conns[i]->fd, conns[i]->sending ? POLLOUT : POLLIN, 0 };
        int n = nconns;
        if (poll(pfds, (nfds_t)n + 1, POLL_TICK_MS) < 0) {
            perror("httpd: poll");
            continue;
        }
        time_t now = time(NULL);
        /* backwards, so that dropping (which moves the last connection into i) skips nothing */
        for (int i = n - 1; i >= 0; i--) {
            struct conn *c = conns[i];
            short ev = pfds[i + 1].revents;
            int rc = 0;
            if (ev & (POLLERR | POLLNVAL))
                rc = -1;
            else if (ev & POLLOUT)
                rc = on_writable(c);
            else if (ev & (POLLIN | POLLHUP))
                rc = on_readable(c);
            if (ev)
                c->last_active = now;
            else if (now - c->last_active > IDLE_TIMEOUT_S)
                rc = -1;
            if (c->lingering_until && now > c->lingering_until)
                rc = -1;
            if (rc < 0)
                drop(i);
        }
        if (pfds[0].revents & POLLIN)
            accept_all(lfd, now);
    }
}
