/* HTTP/1.1 message syntax for the HTTP apps (httpd, flv; RFC 9112, RFC 9110): parsing a request
 * head, the Range and date fields, writing a response head. Pure functions of their arguments, so
 * tests/unit/test_http.c runs them on the host. */
#ifndef APPS_LIB_HTTP_H
#define APPS_LIB_HTTP_H
#include <stddef.h>
#include <stdint.h>

#define HTTP_PATH_MAX 1024
#define HTTP_DATE_LEN 30                /* "Sun, 06 Nov 1994 08:49:37 GMT" and its NUL */

enum http_method { HTTP_GET, HTTP_HEAD, HTTP_OTHER };

/* A header field's value as the request carried it: it points into the head, so it is valid only
 * while the head is. Leading and trailing whitespace removed. count: how many lines named it. */
struct http_field {
    const char *value;
    size_t len;
    int count;
};

struct http_request {
    enum http_method method;
    char path[HTTP_PATH_MAX];           /* decoded, without query; always starts with '/' */
    const char *query;                  /* the raw query after '?' (not decoded; points into the head */
    size_t query_len;                   /* like a field's value); NULL when the target has no '?' */
    int minor_version;                  /* HTTP/1.x */
    int keep_alive;                     /* the connection stays open after the response */
    int has_body;                       /* Content-Length or Transfer-Encoding: we do not read it */
    struct http_field range, if_range, if_modified_since, if_none_match;
};

/* Where the head in buf[0..len) ends (just past its blank line), or 0 while incomplete. */
size_t http_head_end(const char *buf, size_t len);

/* Parse a complete head (as http_head_end delimits it). 0 when it is a request we serve;
 * otherwise the status to answer with: 400 (malformed), 405 (a method other than GET and
 * HEAD), 414 (a path longer than HTTP_PATH_MAX), 505 (not HTTP/1.x). */
int http_parse_request(const char *head, size_t len, struct http_request *r);

/* A Range field value [v, v+len) against a representation of `size` bytes (RFC 9110 §14.2).
 * 206: one satisfiable range, bytes *first..*last inclusive (clipped to the size);
 * 416: a valid single range that selects nothing (first byte at or past the end, "-0");
 * 200: ignore the field (not "bytes", malformed, A > B, or several ranges, which §14.2 lets a
 * server ignore). Numbers too large for 64 bits count as "past any end", never wrap. */
int http_range(const char *v, size_t len, uint64_t size, uint64_t *first, uint64_t *last);

/* Write t (seconds since 1970, UTC) as an IMF-fixdate (RFC 9110 §5.6.7) into out. */
void http_format_date(int64_t t, char out[HTTP_DATE_LEN]);

/* Parse an IMF-fixdate [v, v+len) into *t. 0, or -1 when it is not one (the caller then
 * ignores the field, as §13.1.3 says). The obsolete RFC 850 and asctime forms are refused. */
int http_parse_date(const char *v, size_t len, int64_t *t);

/* Percent-encode a path (or segment) for a Location field: bytes other than unreserved
 * characters and "/" become %XX. Returns the length written (NUL added), 0 if cap is too small. */
size_t http_encode_path(const char *path, char *out, size_t cap);

/* What a response head says. Optional fields are left out when NULL or 0. */
struct http_response {
    int status;
    const char *server;                 /* the Server field ("mayfly-httpd") */
    const char *content_type;
    uint64_t content_length;            /* not written for 304 (RFC 9110 §15.4.5) */
    int keep_alive;
    const char *date, *last_modified, *location;
    const char *etag;                   /* an entity tag, quotes included */
    int accept_ranges;                  /* "Accept-Ranges: bytes" */
    uint64_t range_first, range_last, size; /* 206: Content-Range: bytes F-L/SIZE; 416: bytes * /SIZE */
};

/* Whether an If-None-Match value [v, v+len) matches entity tag `etag` (quotes included): "*", or
 * one of its comma-separated tags by weak comparison (RFC 9110 §13.1.2: W/ is ignored). */
int http_etag_matches(const char *v, size_t len, const char *etag);

/* Write a response head into buf (at most cap bytes, NUL added). Returns its length, or 0 if
 * cap is too small. */
size_t http_response_head(char *buf, size_t cap, const struct http_response *res);

const char *http_reason(int status);
/* A content type by the path's extension (application/octet-stream when unknown). */
const char *http_content_type(const char *path);
#endif
