/* An HTTP/1.1 server loop that several apps share (httpd, flv): connections, timeouts, sending
 * bodies in chunks, the graceful stop. The app decides only what a request names, through one
 * handler; ranges, validators, error answers and the rest of HTTP are done here, alike for all.
 * One thread, non-blocking sockets and poll(). */
#ifndef APPS_LIB_HTTP_SERVER_H
#define APPS_LIB_HTTP_SERVER_H
#include "http.h"
#include <stdint.h>

#define HTTP_PREFIX_MAX 16              /* the longest prefix a handler may put before a body */

/* What a request names, as the handler fills it in. The body is size bytes from `start` of
 * either data (in memory) or fd (an open file). */
struct http_target {
    const unsigned char *data;
    int fd;                             /* the server owns it once set, and closes it, whatever the status */
    uint64_t start, size;
    int64_t mtime;                      /* -1: unknown, so no Last-Modified and never 304 */
    const char *type;                   /* Content-Type */
    /* bytes sent before the body (the FLV header of a seek): they are part of the representation,
     * so a response with a prefix takes no Range (ranges of the file would not be ranges of it) */
    unsigned char prefix[HTTP_PREFIX_MAX];
    size_t prefix_len;
    const char *reason;                 /* an error status's body: why, in a few words (may be NULL) */
    const char *etag;                   /* an entity tag, quotes included (NULL: none); read at once */
    /* data that must outlive the handler (a result shared with a cache): the server calls
     * release(owner) once it no longer needs data, whether it sent it, all or part, or not */
    void (*release)(void *owner);
    void *owner;
};

/* The handler answers one request (GET or HEAD, path checked, query raw): 200 with t filled in,
 * 301 when the path names a directory without its slash (the server writes the Location), or an
 * error status (404, 400, 414, 503...) with t->reason. It must not block for long: every other
 * connection waits meanwhile. t arrives with fd -1 and mtime -1. */
typedef int (*http_handler)(const struct http_request *r, struct http_target *t);

struct http_server {
    const char *name;                   /* console lines ("httpd: ...") and Server ("mayfly-httpd") */
    http_handler handler;
    int port, max_conns;
    double grace;                       /* seconds that open connections get after SIGTERM */
};

/* The defaults: port 80, 1000 connections, 2 s of grace. */
void http_server_init(struct http_server *s, const char *name, http_handler handler);

/* If argv[*i] is one of the server's own options (--port N, --max-connections N, --grace S),
 * take it and its value into s, advance *i past them and return 1; 0 when it is not one of
 * them or its value is bad (the app then names the argument as bad). */
int http_server_option(struct http_server *s, int argc, char **argv, int *i);

/* Listen on s->port. 0, or -1 after a message on stderr. Call before saying the server is
 * ready: a client may connect as soon as the app says so. */
int http_server_listen(const struct http_server *s);

/* Serve until SIGTERM or SIGINT, then stop gracefully (see http_server.c). Returns the exit
 * status for main: 0 after a stop, 1 when memory for the connection table is short. */
int http_server_run(const struct http_server *s);
#endif
