#include "http.h"
#include <inttypes.h>
#include <stdarg.h>
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

/* Decode origin-form target [p, e) into r->path: percent escapes, no ".." segment. The query is
 * kept raw in r->query: what its parameters mean, and how they are encoded, is the app's business. */
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
    if (p < e && *p == '?') {
        const char *q = ++p;
        for (; p < e && *p != '#'; p++)
            if ((unsigned char)*p < SP || *p == 0x7f)
                return 400;             /* as in the path: no control characters */
        r->query = q, r->query_len = (size_t)(p - q);
    }
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

/* The fields httpd acts on besides Host and Connection: where to keep each. */
static struct http_field *named_field(struct http_request *r, const char *name, size_t nlen)
{
    static const struct { const char *name; size_t off; } fields[] = {
        { "Range", offsetof(struct http_request, range) },
        { "If-Range", offsetof(struct http_request, if_range) },
        { "If-Modified-Since", offsetof(struct http_request, if_modified_since) },
        { "If-None-Match", offsetof(struct http_request, if_none_match) },
    };
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++)
        if (strlen(fields[i].name) == nlen && !strncasecmp(name, fields[i].name, nlen))
            return (struct http_field *)((char *)r + fields[i].off);
    return NULL;
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
    struct http_field *f;
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
        } else if ((f = named_field(r, name, nlen))) {
            const char *t = e;
            while (t > v && (t[-1] == SP || t[-1] == HTAB))
                t--;
            f->value = v, f->len = (size_t)(t - v), f->count++;
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

/* Digits at [*p, e) as a number that saturates at UINT64_MAX instead of wrapping: a position
 * that large is past the end of any file, and that is what it must keep meaning. -1 if none. */
static int read_number(const char **p, const char *e, uint64_t *out)
{
    const char *s = *p;
    uint64_t v = 0;
    for (; *p < e && **p >= '0' && **p <= '9'; (*p)++) {
        unsigned d = (unsigned)(**p - '0');
        v = v > (UINT64_MAX - d) / 10 ? UINT64_MAX : v * 10 + d;
    }
    *out = v;
    return *p == s ? -1 : 0;
}

int http_range(const char *v, size_t len, uint64_t size, uint64_t *first, uint64_t *last)
{
    static const char unit[] = "bytes=";       /* range units are case-insensitive (§14.1) */
    const char *e = v + len, *p = v + sizeof unit - 1;
    if (len < sizeof unit - 1 || strncasecmp(v, unit, sizeof unit - 1))
        return 200;
    while (p < e && (*p == SP || *p == HTAB))
        p++;
    uint64_t a = 0, b = UINT64_MAX;
    int suffix = p < e && *p == '-';
    if (!suffix && read_number(&p, e, &a))
        return 200;
    if (p == e || *p++ != '-')
        return 200;
    if ((suffix || (p < e && *p >= '0' && *p <= '9')) && read_number(&p, e, &b))
        return 200;
    while (p < e && (*p == SP || *p == HTAB))
        p++;
    if (p != e || (!suffix && b < a))
        return 200;                             /* several ranges, junk, or A > B: ignore */
    if (suffix) {                               /* the last b bytes (§14.1.1) */
        if (b == 0 || size == 0)
            return 416;
        a = b >= size ? 0 : size - b;
        b = size - 1;
    } else if (a >= size) {
        return 416;
    }
    *first = a;
    *last = b >= size ? size - 1 : b;
    return 206;
}

static const char day_names[7][4] = { "Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed" }; /* 1970-01-01 */
static const char month_names[12][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). Counting years from
 * March puts the leap day last, so a year's length never matters before its end. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;                                /* 0..399 */
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;        /* 0..146096 */
    return era * 146097 + doe - 719468;                         /* 719468: 0000-03-01 to 1970 */
}

/* The inverse of days_from_civil. */
static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

#define SECONDS_PER_DAY 86400

#define DATE_MAX 253402300799            /* 9999-12-31 23:59:59: the last four-digit year */

void http_format_date(int64_t t, char out[HTTP_DATE_LEN])
{
    t = t < 0 ? 0 : t > DATE_MAX ? DATE_MAX : t;        /* the format has no earlier or later years */
    int64_t days = t / SECONDS_PER_DAY, secs = t % SECONDS_PER_DAY, y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    char tmp[64];                       /* the widths are exact for every clamped t; snprintf cannot tell */
    snprintf(tmp, sizeof tmp, "%s, %02d %s %04d %02d:%02d:%02d GMT", day_names[days % 7], d, month_names[m - 1],
             (int)y, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    memcpy(out, tmp, HTTP_DATE_LEN - 1);
    out[HTTP_DATE_LEN - 1] = 0;
}

/* Exactly n digits at p, or -1. */
static int fixed_digits(const char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

static int name_index(const char names[][4], int count, const char *p)
{
    for (int i = 0; i < count; i++)
        if (!memcmp(p, names[i], 3))
            return i;
    return -1;
}

int http_parse_date(const char *v, size_t len, int64_t *t)
{
    /* IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT", fixed width, case-sensitive (§5.6.7) */
    static const char shape[] = "www, dd mmm yyyy hh:mm:ss GMT";
    if (len != sizeof shape - 1)
        return -1;
    for (size_t i = 0; i < len; i++)
        if (strchr(", :", shape[i]) && v[i] != shape[i])
            return -1;
    int mon = name_index(month_names, 12, v + 8);
    int day = fixed_digits(v + 5, 2), year = fixed_digits(v + 12, 4);
    int h = fixed_digits(v + 17, 2), min = fixed_digits(v + 20, 2), s = fixed_digits(v + 23, 2);
    if (name_index(day_names, 7, v) < 0 || mon < 0 || memcmp(v + 26, "GMT", 3) || day < 1 || year < 0 ||
        h < 0 || h > 23 || min < 0 || min > 59 || s < 0 || s > 60)
        return -1;                              /* 60: a leap second, which the grammar allows */
    static const int month_days[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (day > month_days[mon] || (mon == 1 && day == 29 && !leap))
        return -1;
    *t = days_from_civil(year, mon + 1, day) * SECONDS_PER_DAY + h * 3600 + min * 60 + s;
    return 0;
}

size_t http_encode_path(const char *path, char *out, size_t cap)
{
    static const char digits[] = "0123456789ABCDEF";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                    strchr("-._~/", *p);
        if (n + (plain ? 1 : 3) >= cap)
            return 0;
        if (plain) {
            out[n++] = (char)*p;
        } else {
            out[n++] = '%';
            out[n++] = digits[*p >> 4];
            out[n++] = digits[*p & 15];
        }
    }
    if (n >= cap)
        return 0;
    out[n] = 0;
    return n;
}

const char *http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 422: return "Unprocessable Content";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

/* Append to buf at *n; once it does not fit, *n is past cap and stays so. */
static void put(char *buf, size_t cap, size_t *n, const char *fmt, ...)
{
    if (*n >= cap)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(buf + *n, cap - *n, fmt, ap);
    va_end(ap);
    *n = k < 0 ? cap : *n + (size_t)k;
}

/* v in decimal, in out (at least 21 bytes). */
static const char *decimal(uint64_t v, char *out)
{
    char *p = out + 20;
    *p = 0;
    do
        *--p = (char)('0' + v % 10);
    while (v /= 10);
    return p;
}

/* Append "name: value\r\n" by copying: newlib's vsnprintf costs more than the rest of a small
 * response, and most fields are plain strings. */
static void put_field(char *buf, size_t cap, size_t *n, const char *name, const char *value)
{
    size_t nl = strlen(name), vl = strlen(value);
    if (*n >= cap || cap - *n <= nl + vl + 4) {
        *n = cap;
        return;
    }
    char *p = buf + *n;
    memcpy(p, name, nl);
    memcpy(p + nl, ": ", 2);
    memcpy(p + nl + 2, value, vl);
    memcpy(p + nl + 2 + vl, "\r\n", 3);          /* with the NUL */
    *n += nl + vl + 4;
}

size_t http_response_head(char *buf, size_t cap, const struct http_response *res)
{
    size_t n = 0;
    char num[24];
    put(buf, cap, &n, "HTTP/1.1 %d %s\r\n", res->status, http_reason(res->status));
    if (res->server)
        put_field(buf, cap, &n, "Server", res->server);
    if (res->date)
        put_field(buf, cap, &n, "Date", res->date);
    if (res->last_modified)
        put_field(buf, cap, &n, "Last-Modified", res->last_modified);
    if (res->etag)
        put_field(buf, cap, &n, "ETag", res->etag);
    if (res->location)
        put_field(buf, cap, &n, "Location", res->location);
    if (res->accept_ranges)
        put_field(buf, cap, &n, "Accept-Ranges", "bytes");
    if (res->status == 206)
        put(buf, cap, &n, "Content-Range: bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64 "\r\n", res->range_first,
            res->range_last, res->size);
    if (res->status == 416)
        put(buf, cap, &n, "Content-Range: bytes */%" PRIu64 "\r\n", res->size);
    if (res->content_type)
        put_field(buf, cap, &n, "Content-Type", res->content_type);
    if (res->status != 304)
        put_field(buf, cap, &n, "Content-Length", decimal(res->content_length, num));
    if (res->status == 405)
        put_field(buf, cap, &n, "Allow", "GET, HEAD");
    put_field(buf, cap, &n, "Connection", res->keep_alive ? "keep-alive" : "close");
    put(buf, cap, &n, "\r\n");
    return n < cap ? n : 0;
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
        { "avif", "image/avif" },               { "wasm", "application/wasm" },
        { "pdf", "application/pdf" },           { "mp4", "video/mp4" },
        { "m4v", "video/mp4" },                 { "webm", "video/webm" },
        { "flv", "video/x-flv" },               { "mp3", "audio/mpeg" },
        { "m4a", "audio/mp4" },                 { "ogg", "audio/ogg" },
        { "wav", "audio/wav" },
    };
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    if (dot && (!slash || dot > slash))
        for (size_t i = 0; i < sizeof types / sizeof *types; i++)
            if (!strcasecmp(dot + 1, types[i].ext))
                return types[i].type;
    return "application/octet-stream";
}

int http_etag_matches(const char *v, size_t len, const char *etag)
{
    size_t el = strlen(etag);
    const char *end = v + len;
    while (v < end) {
        while (v < end && (*v == ' ' || *v == '\t' || *v == ','))
            v++;
        if (end - v >= 1 && *v == '*')
            return 1;
        if (end - v >= 2 && v[0] == 'W' && v[1] == '/')
            v += 2;
        const char *tag = v;
        if (v < end && *v == '"')       /* a quoted tag may hold commas: skip to its closing quote */
            for (v++; v < end && *v != '"'; v++)
                ;
        while (v < end && *v != ',')
            v++;
        size_t tl = (size_t)(v - tag);
        while (tl > 0 && (tag[tl - 1] == ' ' || tag[tl - 1] == '\t'))
            tl--;
        if (tl == el && !memcmp(tag, etag, el))
            return 1;
    }
    return 0;
}
