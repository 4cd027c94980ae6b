/* HTTP/1.1 message syntax for httpd (RFC 9112): parsing a request head, writing a response
 * head. Pure functions of their arguments, so tests/unit/test_http.c runs them on the host. */
#ifndef HTTPD_HTTP_H
#define HTTPD_HTTP_H
#include <stddef.h>

#define HTTP_PATH_MAX 1024

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_OTHER };

struct http_request {
    enum http_method method;
    char path[HTTP_PATH_MAX];           /* decoded, without query; always starts with '/' */
    int minor_version;                  /* HTTP/1.x */
    int keep_alive;                     /* the connection stays open after the response */
    int has_body;                       /* Content-Length or Transfer-Encoding: we do not read it */
};

/* Where the head in buf[0..len) ends (just past its blank line), or 0 while incomplete. */
size_t http_head_end(const char *buf, size_t len);

/* Parse a complete head (as http_head_end delimits it). 0 when it is a request we serve;
 * otherwise the status to answer with: 400 (malformed), 405 (a method other than GET and
 * HEAD), 414 (a path longer than HTTP_PATH_MAX), 505 (not HTTP/1.x). */
int http_parse_request(const char *head, size_t len, struct http_request *r);

/* Write a response head into buf (at most cap bytes, NUL added). Returns its length, or 0
 * if cap is too small. date may be NULL (no Date header). */
size_t http_response_head(char *buf, size_t cap, int status, const char *content_type, size_t content_length,
                          int keep_alive, const char *date);

const char *http_reason(int status);
/* A content type by the path's extension (application/octet-stream when unknown). */
const char *http_content_type(const char *path);
#endif
