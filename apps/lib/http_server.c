/* The HTTP server loop shared by httpd and flv (http_server.h says what the app decides).
 * Each connection is a small state machine (reading a request head, then sending a response),
 * so thousands of idle keep-alive connections cost a few hundred bytes each and no thread
 * stacks. Requests on one connection may be pipelined. A bad request gets its error status and
 * the connection is closed; it never disturbs another connection.
 * A file is sent in chunks: the connection keeps the open descriptor and where it is, and each
 * time the socket can take more, one chunk is read into a buffer that all connections share and
 * sent. Whatever the socket did not take is read again next time (the shared buffer belongs to
 * nobody between calls), so memory per connection does not grow with the file. Bytes in memory
 * (compiled-in files) are sent straight from where they are.
 * Limits, so that hostile or unlucky clients cannot hold the server: a request head must arrive
 * whole within HEAD_TIMEOUT_S (slowloris), a response that moves no byte for SEND_TIMEOUT_S is
 * given up, and a connection idle for IDLE_TIMEOUT_S is closed. When the table is full or memory
 * is short, a new connection takes the place of the one waiting longest for a request; when
 * none is waiting, the new one is refused. A head lives in 1 KiB inside the connection and
 * borrows HEAD_MAX from the heap only while a longer one arrives. Trouble is reported at most
 * once per WARN_INTERVAL_S.
 * Single byte ranges (206/416), Last-Modified and If-Modified-Since (304) for every target;
 * ETag and If-None-Match (304) for a target that has an entity tag.
 * SIGTERM (the VM's power button) or SIGINT stops it gracefully: the listening socket closes, a
 * response being sent is finished, and each open connection's next request is answered with
 * "Connection: close" (closing an idle keep-alive connection at once could drop a request
 * already on its way); what is still open after the grace period is closed, and the run
 * returns 0. */
#include "http_server.h"
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_PORT 80
#define DEFAULT_MAX_CONNS 1000
#define HEAD_MAX 8192                   /* a longer request head gets 413 */
#define HEAD_SMALL 1024                 /* room for a typical head in the connection itself */
#define RESPONSE_HEAD_MAX 512           /* a response head, and a target's prefix after it */
#define ERROR_BODY_MAX 160              /* "400 Bad Request: " and a handler's reason */
#define SERVER_FIELD_MAX 64
#define IDLE_TIMEOUT_S 30               /* a connection that sends nothing for this long is closed */
#define HEAD_TIMEOUT_S 10               /* a whole request head must arrive within this (slowloris) */
#define SEND_TIMEOUT_S 10               /* a response that moves no byte for this long is given up */
#define WARN_INTERVAL_S 10              /* one console line per kind of trouble per interval */
#define POLL_TICK_MS 1000
#define CHUNK_SIZE (32 * 1024)         /* one read of a file; half of lwIP's send buffer */
#define LOCATION_MAX 400                /* a longer redirect does not fit the response head: 414 */
#define LINGER_S 2                      /* after an error: how long to read what the client still sends */
#define DEFAULT_GRACE_S 2.0
#define MAX_GRACE_S 3600.0

struct conn {
    int fd;
    time_t last_active;
    time_t head_started;                /* when the request head now arriving began (in_len > 0) */
    time_t last_sent;                   /* while sending: when a byte last went out */
    size_t in_len;                      /* bytes of request in `in` */
    char *in;                           /* in_small, or HEAD_MAX bytes from the heap for a long head */
    char in_small[HEAD_SMALL];
    /* the response being sent: its head (and a target's prefix), then body[0..body_len) */
    int sending, keep_alive;
    time_t lingering_until;             /* nonzero: response sent, write side shut, discarding input */
    char head[RESPONSE_HEAD_MAX];
    size_t head_len, head_off;
    const unsigned char *body;          /* in memory: the bytes; NULL when from file */
    void (*release)(void *owner);       /* called with owner when body is no longer needed */
    void *owner;
    int file;                           /* -1, or the open file the body comes from */
    off_t file_start;                   /* where the body starts in file */
    size_t body_len, body_off;
    char error_body[ERROR_BODY_MAX];    /* per connection: a partly sent error must not change */
};

static const struct http_server *server;
static char server_field[SERVER_FIELD_MAX];     /* "mayfly-NAME" */
static int lfd = -1;
static struct conn **conns;
static int nconns, max_conns;
static unsigned char chunk[CHUNK_SIZE]; /* shared by every connection: see the top */
static volatile sig_atomic_t stop_requested;
static int stopping;                    /* the main loop has seen stop_requested */

static const char *http_date(time_t now)
{
    static char date[HTTP_DATE_LEN];
    static time_t cached = -1;
    if (now != cached) {
        http_format_date(now, date);
        cached = now;
    }
    return date;
}

/* The relative reference that adds the missing slash to a directory: its last segment and "/"
 * (RFC 9110 §10.2.2 allows a relative Location). "./" first, so a segment with ':' is no scheme.
 * NULL when it does not fit. */
static const char *slash_location(const char *path)
{
    static char loc[LOCATION_MAX];
    static char seg[HTTP_PATH_MAX + 1];
    snprintf(seg, sizeof seg, "%s/", strrchr(path, '/') + 1);
    loc[0] = '.', loc[1] = '/';
    return http_encode_path(seg, loc + 2, sizeof loc - 2) ? loc : NULL;
}

/* If-None-Match (RFC 9110 §13.1.2), then If-Modified-Since (§13.1.3): whether to answer 304.
 * If-Modified-Since is ignored when If-None-Match is present, when repeated or unparseable, and
 * when later than now (an invalid date). */
static int not_modified(const struct http_request *r, const struct http_target *t, time_t now)
{
    int64_t since, mtime = t->mtime;
    const struct http_field *f = &r->if_modified_since;
    if (r->if_none_match.count)
        return t->etag && r->if_none_match.count == 1 &&
               http_etag_matches(r->if_none_match.value, r->if_none_match.len, t->etag);
    if (mtime < 0 || f->count != 1 || r->if_none_match.count ||
        http_parse_date(f->value, f->len, &since) || since > (int64_t)now)
        return 0;
    return mtime <= since;
}

/* Which range to send (RFC 9110 §14.2): 200 (all), 206 or 416. Range only applies to GET, and
 * not to a target with a prefix; with If-Range the range holds only if the date is exactly our
 * Last-Modified (an entity tag there is not compared, so it sends the whole: safe, §13.1.5). */
static int choose_range(const struct http_request *r, const struct http_target *t, const char *last_modified,
                        uint64_t *first, uint64_t *last)
{
    const struct http_field *ir = &r->if_range;
    if (r->method != HTTP_GET || r->range.count != 1 || t->prefix_len)
        return 200;
    if (ir->count && (!last_modified || ir->count != 1 || ir->len != strlen(last_modified) ||
                      memcmp(ir->value, last_modified, ir->len)))
        return 200;
    return http_range(r->range.value, r->range.len, t->size, first, last);
}

static void end_body(struct conn *c)
{
    if (c->file >= 0)
        close(c->file);
    c->file = -1;
    if (c->release)
        c->release(c->owner);
    c->release = NULL;
}

/* Set up the answer to r (status 0) or an error status, with r NULL when it could not be read. */
static void respond(struct conn *c, int status, const struct http_request *r, int keep_alive)
{
    time_t now = time(NULL);
    struct http_target t = { .fd = -1, .mtime = -1 };
    struct http_response res = { .keep_alive = keep_alive, .server = server_field, .date = http_date(now) };
    char last_modified[HTTP_DATE_LEN];
    uint64_t first = 0, last = 0;
    if (status == 0)
        status = server->handler(r, &t);
    if (status == 301 && !(res.location = slash_location(r->path)))
        status = 414;
    if (status == 200) {
        if (t.mtime >= 0)
            http_format_date(t.mtime, last_modified), res.last_modified = last_modified;
        res.accept_ranges = !t.prefix_len;
        res.size = t.size;
        res.etag = t.etag;
        status = not_modified(r, &t, now) ? 304 : choose_range(r, &t, res.last_modified, &first, &last);
    }
    end_body(c);
    size_t prefix_len = 0;
    if (status == 200 || status == 206) {
        if (status == 200)
            first = 0, last = t.size - 1;               /* an empty file: last + 1 wraps to 0 */
        res.content_type = t.type;
        res.content_length = t.prefix_len + (last - first + 1);
        res.range_first = first, res.range_last = last;
        prefix_len = t.prefix_len;
        c->body = t.data ? t.data + t.start + first : NULL;
        c->release = t.release, c->owner = t.owner, t.release = NULL;
        c->file = t.fd, c->file_start = (off_t)(t.start + first), t.fd = -1;
    } else if (status == 304) {
        c->body = NULL, res.content_length = 0;
    } else {
        int n = snprintf(c->error_body, sizeof c->error_body, "%d %s%s%s\n", status, http_reason(status),
                         t.reason ? ": " : "", t.reason ? t.reason : "");
        res.content_length = n < (int)sizeof c->error_body ? (size_t)n : sizeof c->error_body - 1;
        res.content_type = "text/plain; charset=utf-8";
        c->body = (const unsigned char *)c->error_body;
    }
    if (t.fd >= 0)
        close(t.fd);                                    /* 304, 416, errors: the file is not sent */
    if (t.release)
        t.release(t.owner);
    res.status = status;
    c->keep_alive = keep_alive;
    c->head_len = http_response_head(c->head, sizeof c->head - HTTP_PREFIX_MAX, &res);   /* room for the prefix */
    int head_only = (r && r->method == HTTP_HEAD) || status == 304;
    c->body_len = head_only ? 0 : res.content_length - prefix_len;
    if (!head_only && prefix_len) {                     /* it travels with the head: it is small */
        memcpy(c->head + c->head_len, t.prefix, prefix_len);
        c->head_len += prefix_len;
    }
    c->head_off = 0;
    c->body_off = 0;
    c->sending = 1;
    c->last_sent = time(NULL);          /* the clock of SEND_TIMEOUT_S starts with the response */
}

static void drop(int i)
{
    close(conns[i]->fd);
    end_body(conns[i]);
    if (conns[i]->in != conns[i]->in_small)
        free(conns[i]->in);
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
    int keep = status == 0 && r.keep_alive && !r.has_body && !stopping;
    respond(c, status, status == 0 || status == 405 || status == 414 ? &r : NULL, keep);
    memmove(c->in, c->in + end, c->in_len - end);
    c->in_len -= end;
    if (c->in != c->in_small && c->in_len <= HEAD_SMALL) {   /* a long head is done: give its room back */
        memcpy(c->in_small, c->in, c->in_len);
        free(c->in);
        c->in = c->in_small;
    }
    c->head_started = time(NULL);       /* the next (pipelined) request's clock starts now */
}

/* Returns 0 to keep the connection, -1 to drop it. */
static int on_readable(struct conn *c)
{
    if (c->lingering_until) {
        char sink[1024];
        ssize_t n = recv(c->fd, sink, sizeof sink, 0);
        return n > 0 || (n < 0 && errno == EAGAIN) ? 0 : -1;
    }
    size_t cap = c->in == c->in_small ? HEAD_SMALL : HEAD_MAX;
    if (c->in_len == cap && cap < HEAD_MAX) {   /* a long head: room for the longest allowed */
        char *big = malloc(HEAD_MAX);
        if (!big)
            return -1;                  /* memory is short: this client waits its turn */
        memcpy(big, c->in, c->in_len);
        c->in = big;
        cap = HEAD_MAX;
    }
    ssize_t n = recv(c->fd, c->in + c->in_len, cap - c->in_len, 0);
    if (n == 0)
        return -1;                      /* the client is gone (mid-request or not) */
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
    if (c->in_len == 0)
        c->head_started = time(NULL);   /* a byte at a time still has to finish by the deadline */
    c->in_len += (size_t)n;
    handle_input(c);
    return 0;
}

/* Send the next chunk of a body that comes from a file. What send did not take is read again
 * next time: the shared buffer is another connection's by then. */
static ssize_t send_file_chunk(struct conn *c)
{
    size_t want = c->body_len - c->body_off;
    if (want > CHUNK_SIZE)
        want = CHUNK_SIZE;
    ssize_t got = pread(c->file, chunk, want, c->file_start + (off_t)c->body_off);
    if (got <= 0) {
        errno = EIO;                    /* shrank under us: the promised length cannot be met */
        return -1;
    }
    return send(c->fd, chunk, (size_t)got, 0);
}

static int on_writable(struct conn *c)
{
    while (c->head_off < c->head_len || c->body_off < c->body_len) {
        int head = c->head_off < c->head_len;
        ssize_t n;
        if (head)
            n = send(c->fd, c->head + c->head_off, c->head_len - c->head_off, c->body_len ? MSG_MORE : 0);
        else if (c->body)
            n = send(c->fd, c->body + c->body_off, c->body_len - c->body_off, 0);
        else
            n = send_file_chunk(c);
        if (n < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
        if (n > 0)
            c->last_sent = time(NULL);
        *(head ? &c->head_off : &c->body_off) += (size_t)n;
    }
    c->sending = 0;
    end_body(c);
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

/* A line on the console for a kind of trouble, at most once per WARN_INTERVAL_S, with how many
 * were held back: a server in trouble must not also flood its console. */
static void warn(time_t *last, int *held, time_t now, const char *what)
{
    if (*last && now - *last < WARN_INTERVAL_S) {
        ++*held;
        return;
    }
    if (*held)
        fprintf(stderr, "%s: %s (and %d more times since the last report)\n", server->name, what, *held);
    else
        fprintf(stderr, "%s: %s\n", server->name, what);
    *last = now, *held = 0;
}

/* The connection to give up when a new one needs room: one waiting for a request (idle between
 * requests or slow with its head), the longest waiting first; -1 when every one is busy sending. */
static int victim(void)
{
    int v = -1;
    for (int i = 0; i < nconns; i++)
        if (!conns[i]->sending && !conns[i]->lingering_until && (v < 0 || conns[i]->last_active < conns[v]->last_active))
            v = i;
    return v;
}

static void accept_all(time_t now)
{
    static time_t warned;
    static int held;
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0)
            return;                     /* EAGAIN: none left; other errors: try on the next event */
        struct conn *c = nconns < max_conns ? malloc(sizeof *c) : NULL;
        int v;
        if (!c && (v = victim()) >= 0) {  /* full, or memory short: the longest waiting goes */
            drop(v);
            c = malloc(sizeof *c);
        }
        if (!c) {
            warn(&warned, &held, now, nconns < max_conns ? "memory is short: a new connection refused"
                                                          : "at --max-connections: a new connection refused");
            close(fd);
            continue;
        }
        int one = 1;
        fcntl(fd, F_SETFL, O_NONBLOCK);
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        c->fd = fd;
        c->last_active = now;
        c->head_started = 0;
        c->in_len = 0;
        c->in = c->in_small;
        c->sending = 0;
        c->file = -1;
        c->release = NULL;
        c->lingering_until = 0;
        conns[nconns++] = c;
    }
}

void http_server_init(struct http_server *s, const char *name, http_handler handler)
{
    *s = (struct http_server){ .name = name, .handler = handler, .port = DEFAULT_PORT,
                               .max_conns = DEFAULT_MAX_CONNS, .grace = DEFAULT_GRACE_S };
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

/* Seconds, a decimal number in [0, MAX_GRACE_S]; 0 on success. */
static int seconds_arg(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0 && v <= MAX_GRACE_S))
        return -1;
    *out = v;
    return 0;
}

int http_server_option(struct http_server *s, int argc, char **argv, int *i)
{
    const char *opt = argv[*i], *val = *i + 1 < argc ? argv[*i + 1] : NULL;
    int ok = val && ((!strcmp(opt, "--grace") && !seconds_arg(val, &s->grace)) ||
                     (!strcmp(opt, "--port") && !number_arg(val, 1, 65535, &s->port)) ||
                     (!strcmp(opt, "--max-connections") && !number_arg(val, 1, 100000, &s->max_conns)));
    if (ok)
        *i += 1;                        /* the caller's loop steps past the value */
    return ok;
}

int http_server_listen(const struct http_server *s)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0) {
        fprintf(stderr, "%s: socket: %s\n", s->name, strerror(errno));
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(s->port), .sin_addr.s_addr = htonl(INADDR_ANY) };
    if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, SOMAXCONN) < 0) {
        fprintf(stderr, "%s: port %d: %s\n", s->name, s->port, strerror(errno));
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, O_NONBLOCK);
    lfd = fd;
    return 0;
}

static void on_stop_signal(int sig)
{
    (void)sig;
    stop_requested = 1;                 /* poll returns EINTR, and the loop below looks */
}

static double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The stop begins: no new connections (those lwIP has accepted already are taken first). A
 * response on its way is finished as it began (its
 * head may have promised keep-alive, so the client may send another request: the connection
 * stays for it); every connection's next request is answered with Connection: close
 * (handle_input looks at stopping). */
static void begin_stop(double grace)
{
    accept_all(time(NULL));        /* what lwIP accepted already: closing would reset it */
    stopping = 1;
    close(lfd);
    printf("%s: stopping: %d connection%s open, up to %.3g s to finish\n", server->name, nconns, nconns == 1 ? "" : "s",
           grace);
    fflush(stdout);
}

int http_server_run(const struct http_server *s)
{
    server = s;
    max_conns = s->max_conns;
    snprintf(server_field, sizeof server_field, "mayfly-%s", s->name);
    struct pollfd *pfds = malloc(((size_t)max_conns + 1) * sizeof *pfds);
    conns = malloc((size_t)max_conns * sizeof *conns);
    if (!pfds || !conns) {
        fprintf(stderr, "%s: no memory for %d connections\n", s->name, max_conns);
        return 1;
    }
    struct sigaction on_stop = { .sa_handler = on_stop_signal };
    sigaction(SIGTERM, &on_stop, NULL);
    sigaction(SIGINT, &on_stop, NULL);

    double stop_deadline = 0;
    for (;;) {
        if (stop_requested && !stopping) {
            begin_stop(s->grace);
            stop_deadline = monotonic_s() + s->grace;
        }
        if (stopping && (nconns == 0 || monotonic_s() >= stop_deadline)) {
            printf("%s: stopped; %d connection%s closed unfinished\n", s->name, nconns, nconns == 1 ? "" : "s");
            while (nconns > 0)
                drop(nconns - 1);
            return 0;
        }
        /* pfds[0] is the listening socket until the stop, then a slot poll skips (fd -1) */
        pfds[0] = (struct pollfd){ stopping ? -1 : lfd, POLLIN, 0 };
        for (int i = 0; i < nconns; i++)
            pfds[i + 1] = (struct pollfd){ conns[i]->fd, conns[i]->sending ? POLLOUT : POLLIN, 0 };
        int n = nconns;
        int tick = POLL_TICK_MS;
        if (stopping) {                 /* wake for the deadline */
            double left_ms = (stop_deadline - monotonic_s()) * 1000 + 1;
            tick = left_ms < tick ? (int)(left_ms > 0 ? left_ms : 0) : tick;
        }
        static time_t poll_warned;
        static int poll_held;
        int ready = poll(pfds, (nfds_t)n + 1, tick);
        if (ready < 0 && errno == EINTR) {
            continue;                   /* a signal: the top of the loop looks at stop_requested */
        } else if (ready < 0) {
            /* still sweep below: closing the idle and the late is how memory comes back */
            char why[80];
            snprintf(why, sizeof why, "poll: %s", strerror(errno));
            warn(&poll_warned, &poll_held, time(NULL), why);
            for (int i = 0; i <= n; i++)
                pfds[i].revents = 0;
            usleep(POLL_TICK_MS * 1000 / 10);
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
            if (!c->sending && c->in_len > 0 && now - c->head_started > HEAD_TIMEOUT_S)
                rc = -1;                /* slowloris: a head dribbled in, one byte now and then */
            if (c->sending && now - c->last_sent > SEND_TIMEOUT_S)
                rc = -1;                /* a reader that takes nothing (or a peer lwIP lost) */
            if (c->lingering_until && now > c->lingering_until)
                rc = -1;
            if (rc < 0)
                drop(i);
        }
        if (!stopping && (pfds[0].revents & POLLIN))
            accept_all(now);
    }
}
