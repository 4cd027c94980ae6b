#include "http.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define SP ' '
#define HTAB '\t'

size_t http_head_end(const char *buf, size_t len)
{
    /* a blank line: CRLF CRLF, or bare LFs, which RFC 9112 §2.2 lets a server accept */
    for (size_t i = 0; i < len; i++) {
        if (buf[i] != '\n')
            continue;
        if (i + 1 < len && buf[i + 1] == '\n')
            return i + 2;
        if (i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n')
            return i + 3;
    }
    return 0;
}

/* RFC 9110 §5.6.2 token characters */
static int is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("!#$%&'*+-.^_`|~", c);
}

static int hex(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The next line of [p, end): its end (without CR LF), and where the line after starts. */
static const char *line_end(const char *p, const char *end, const char **next)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    if (!nl)
        return *next = end, end;
    *next = nl + 1;
    return nl > p && nl[-1] == '\r' ? nl - 1 : nl;
}

/* Decode origin-form target [p, e) into r->path: percent escapes, no query, no ".." segment. */
static int parse_target(const char *p, const char *e, struct http_request *r)
{
    if (p == e || *p != '/')
        return 400;
    size_t n = 0;
    for (; p < e && *p != '?' && *p != '#'; p++) {
        char c = *p;
        if (c == '%') {
            int hi = p + 2 < e ? hex(p[1]) : -1, lo = p + 2 < e ? hex(p[2]) : -1;
            if (hi < 0 || lo < 0)
                return 400;
            c = (char)(hi * 16 + lo);
            p += 2;
            if (c == 0)
                return 400;
        } else if ((unsigned char)c <= SP || c == 0x7f) {
            return 400;
        }
        if (n + 1 >= HTTP_PATH_MAX)
            return 414;
        r->path[n++] = c;
    }
    r->path[n] = 0;
    /* no segment may be "..": the document root is the top */
    for (const char *s = r->path; (s = strstr(s, "..")); s += 2)
        if (s[-1] == '/' && (s[2] == '/' || s[2] == 0))
            return 400;
    return 0;
}

static int parse_request_line(const char *p, const char *e, struct http_request *r)
{
    const char *m = p;
    while (p < e && is_tchar(*p))
        p++;
    if (p == m || p == e || *p != SP)
        return 400;
    size_t mlen = (size_t)(p - m);
    r->method = mlen == 3 && !memcmp(m, "GET", 3) ? HTTP_GET : mlen == 4 && !memcmp(m, "HEAD", 4) ? HTTP_HEAD : HTTP_OTHER;
    const char *t = ++p;
    while (p < e && *p != SP)
        p++;
    if (p == e)
        return 400;
    int rc = parse_target(t, p, r);
    if (rc)
        return rc;
    p++;
    if (e - p != 8 || memcmp(p, "HTTP/", 5) || p[5] < '0' || p[5] > '9' || p[6] != '.' || p[7] < '0' || p[7] > '9')
        return 400;
    if (p[5] != '1')
        return 505;
    r->minor_version = p[7] - '0';
    return r->method == HTTP_OTHER ? 405 : 0;
}

/* Whether the comma-separated list [v, e) holds token (case-insensitive). */
static int list_has(const char *v, const char *e, const char *token)
{
    size_t tl = strlen(token);
    while (v < e) {
        while (v < e && (*v == SP || *v == HTAB || *v == ','))
            v++;
        const char *s = v;
        while (v < e && *v != ',')
            v++;
        const char *t = v;
        while (t > s && (t[-1] == SP || t[-1] == HTAB))
            t--;
        if ((size_t)(t - s) == tl && !strncasecmp(s, token, tl))
            return 1;
    }
    return 0;
}

int http_parse_request(const char *head, size_t len, struct http_request *r)
{
    memset(r, 0, sizeof *r);
    if (memchr(head, 0, len))
        return 400;
    const char *end = head + len, *next;
    const char *e = line_end(head, end, &next);
    int status = parse_request_line(head, e, r);
    if (status == 400 || status == 505)
        return status;
    int has_host = 0, close = 0, keep = 0;
    for (const char *p = next; p < end; p = next) {
        e = line_end(p, end, &next);
        if (e == p)
            break;                      /* the blank line */
        const char *name = p;
        while (p < e && is_tchar(*p))
            p++;
        if (p == name || p == e || *p != ':')
            return 400;                 /* also a folded line (leading space) */
        size_t nlen = (size_t)(p - name);
        const char *v = p + 1;
        while (v < e && (*v == SP || *v == HTAB))
            v++;
        for (const char *c = v; c < e; c++)
            if ((unsigned char)*c < SP && *c != HTAB)
                return 400;             /* a control character (a bare CR) in a value */
        if (nlen == 4 && !strncasecmp(name, "Host", 4)) {
            if (has_host++)
                return 400;             /* RFC 9112 §3.2: exactly one */
        } else if (nlen == 10 && !strncasecmp(name, "Connection", 10)) {
            close |= list_has(v, e, "close");
            keep |= list_has(v, e, "keep-alive");
        } else if ((nlen == 14 && !strncasecmp(name, "Content-Length", 14)) ||
                   (nlen == 17 && !strncasecmp(name, "Transfer-Encoding", 17))) {
            r->has_body = 1;
        }
    }
    if (r->minor_version >= 1 && !has_host)
        return 400;
    r->keep_alive = r->minor_version >= 1 ? !close : keep && !close;
    return status;
}

const char *http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

size_t http_response_head(char *buf, size_t cap, int status, const char *content_type, size_t content_length,
                          int keep_alive, const char *date)
{
    int n = snprintf(buf, cap,
                     "HTTP/1.1 %d %s\r\nServer: mayfly-httpd\r\n%s%s%sContent-Type: %s\r\nContent-Length: %zu\r\n"
                     "%sConnection: %s\r\n\r\n",
                     status, http_reason(status), date ? "Date: " : "", date ? date : "", date ? "\r\n" : "",
                     content_type, content_length, status == 405 ? "Allow: GET, HEAD\r\n" : "",
                     keep_alive ? "keep-alive" : "close");
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

const char *http_content_type(const char *path)
{
    static const struct { const char *ext, *type; } types[] = {
        { "html", "text/html; charset=utf-8" }, { "htm", "text/html; charset=utf-8" },
        { "css", "text/css; charset=utf-8" },   { "js", "text/javascript; charset=utf-8" },
        { "json", "application/json" },         { "txt", "text/plain; charset=utf-8" },
        { "xml", "application/xml" },           { "svg", "image/svg+xml" },
        { "png", "image/png" },                 { "jpg", "image/jpeg" },
        { "jpeg", "image/jpeg" },               { "gif", "image/gif" },
        { "webp", "image/webp" },               { "ico", "image/x-icon" },
        { "wasm", "application/wasm" },         { "pdf", "application/pdf" },
    };
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    if (dot && (!slash || dot > slash))
        for (size_t i = 0; i < sizeof types / sizeof *types; i++)
            if (!strcasecmp(dot + 1, types[i].ext))
                return types[i].type;
    return "application/octet-stream";
}
