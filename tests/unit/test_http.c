/* apps/lib/http.c: request heads as clients (and attackers) write them, response heads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "../../apps/lib/http.h"

static int parse(const char *head, struct http_request *r)
{
    size_t end = http_head_end(head, strlen(head));
    assert_true(end > 0);
    return http_parse_request(head, end, r);
}

static void finds_the_end_of_a_head(void **state)
{
    (void)state;
    const char *h = "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /next";
    assert_int_equal(http_head_end(h, strlen(h)), strlen("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
    assert_int_equal(http_head_end("GET / HTTP/1.0\n\n", 16), 16);          /* bare LFs */
    assert_int_equal(http_head_end("GET / HTTP/1.1\r\nHost: a\r\n", 25), 0); /* not yet */
    assert_int_equal(http_head_end("", 0), 0);
}

static void parses_get_and_head(void **state)
{
    (void)state;
    struct http_request r;
    assert_int_equal(parse("GET /a/b.html?x=1#f HTTP/1.1\r\nHost: h\r\nUser-Agent: t\r\n\r\n", &r), 0);
    assert_int_equal(r.method, HTTP_GET);
    assert_string_equal(r.path, "/a/b.html");
    assert_int_equal(r.minor_version, 1);
    assert_true(r.keep_alive);
    assert_false(r.has_body);
    assert_int_equal(parse("HEAD /%7Euser/x%20y HTTP/1.1\r\nhost: h\r\n\r\n", &r), 0);
    assert_int_equal(r.method, HTTP_HEAD);
    assert_string_equal(r.path, "/~user/x y");
}

static void connection_persistence(void **state)
{
    (void)state;
    struct http_request r;
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", &r), 0);
    assert_false(r.keep_alive);
    assert_int_equal(parse("GET / HTTP/1.0\r\n\r\n", &r), 0);                /* 1.0: no Host needed */
    assert_false(r.keep_alive);
    assert_int_equal(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r), 0);
    assert_true(r.keep_alive);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: te, CLOSE\r\n\r\n", &r), 0);
    assert_false(r.keep_alive);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\n", &r), 0);
    assert_true(r.has_body);
}

static void rejects_malformed_requests(void **state)
{
    (void)state;
    struct http_request r;
    static const struct { const char *head; int status; } cases[] = {
        { "\x16\x03\x01\x02\x10\x01\x11\x01\xfc\x03\x03\r\n\r\n", 400 },   /* TLS-like bytes */
        { "GET\r\n\r\n", 400 },
        { "GET /\r\n\r\n", 400 },                                              /* HTTP/0.9 */
        { "GET / HTTP/1.1\r\n\r\n", 400 },                                     /* no Host */
        { "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400 },
        { "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
        { "GET x HTTP/1.1\r\nHost: a\r\n\r\n", 400 },                          /* not origin-form */
        { "GET /../etc/passwd HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
        { "GET /a/%2e%2e/b HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
        { "GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
        { "GET /%00 HTTP/1.1\r\nHost: a\r\n\r\n", 400 },
        { "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400 },
        { "GET / HTTP/1.1\r\nHost a\r\n\r\n", 400 },
        { "GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 400 },
        { "GET / HTTP/1.12\r\nHost: a\r\n\r\n", 400 },
        { "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505 },
        { "POST / HTTP/1.1\r\nHost: a\r\n\r\n", 405 },
        { "DELETE /x HTTP/1.1\r\nHost: a\r\n\r\n", 405 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int got = parse(cases[i].head, &r);
        if (got != cases[i].status)
            fail_msg("case %zu: got %d, want %d", i, got, cases[i].status);
    }
    char nul[] = "GET / HTTP/1.1\r\nHost: a\0b\r\n\r\n";
    assert_int_equal(http_parse_request(nul, sizeof nul - 1, &r), 400);
}

static void long_paths_are_414(void **state)
{
    (void)state;
    static char head[HTTP_PATH_MAX + 64];
    struct http_request r;
    strcpy(head, "GET /");
    memset(head + 5, 'a', HTTP_PATH_MAX);
    strcpy(head + 5 + HTTP_PATH_MAX, " HTTP/1.1\r\nHost: a\r\n\r\n");
    assert_int_equal(parse(head, &r), 414);
}

static void writes_response_heads(void **state)
{
    (void)state;
    char buf[512];
    struct http_response res = { .status = 404, .content_type = "text/plain", .content_length = 14,
                                 .keep_alive = 1, .date = "Mon, 23 Nov 2026 10:00:00 GMT" };
    size_t n = http_response_head(buf, sizeof buf, &res);
    assert_int_equal(n, strlen(buf));
    assert_non_null(strstr(buf, "HTTP/1.1 404 Not Found\r\n"));
    assert_non_null(strstr(buf, "Content-Length: 14\r\n"));
    assert_non_null(strstr(buf, "Connection: keep-alive\r\n"));
    assert_non_null(strstr(buf, "Date: Mon, 23 Nov 2026 10:00:00 GMT\r\n"));
    assert_null(strstr(buf, "Accept-Ranges"));
    assert_int_equal(strcmp(buf + n - 4, "\r\n\r\n"), 0);
    res = (struct http_response){ .status = 405, .content_type = "text/plain" };
    n = http_response_head(buf, sizeof buf, &res);
    assert_non_null(strstr(buf, "Allow: GET, HEAD\r\n"));
    assert_non_null(strstr(buf, "Connection: close\r\n"));
    assert_null(strstr(buf, "Date:"));
    assert_int_equal(http_response_head(buf, 20, &res), 0);
    assert_int_equal(http_response_head(buf, n, &res), 0);      /* no room for the NUL */
    assert_int_equal(http_response_head(buf, n + 1, &res), n);
}

static void writes_range_and_validator_fields(void **state)
{
    (void)state;
    char buf[512];
    struct http_response res = { .status = 206, .content_type = "video/mp4", .content_length = 1000,
                                 .accept_ranges = 1, .last_modified = "Sun, 06 Nov 1994 08:49:37 GMT",
                                 .range_first = 1000, .range_last = 1999, .size = 5000000000ull };
    assert_true(http_response_head(buf, sizeof buf, &res) > 0);
    assert_non_null(strstr(buf, "HTTP/1.1 206 Partial Content\r\n"));
    assert_non_null(strstr(buf, "Content-Range: bytes 1000-1999/5000000000\r\n"));
    assert_non_null(strstr(buf, "Accept-Ranges: bytes\r\n"));
    assert_non_null(strstr(buf, "Last-Modified: Sun, 06 Nov 1994 08:49:37 GMT\r\n"));
    res = (struct http_response){ .status = 416, .content_length = 5, .size = 3145728 };
    http_response_head(buf, sizeof buf, &res);
    assert_non_null(strstr(buf, "HTTP/1.1 416 Range Not Satisfiable\r\n"));
    assert_non_null(strstr(buf, "Content-Range: bytes */3145728\r\n"));
    res = (struct http_response){ .status = 304, .content_length = 77 };
    http_response_head(buf, sizeof buf, &res);
    assert_non_null(strstr(buf, "HTTP/1.1 304 Not Modified\r\n"));
    assert_null(strstr(buf, "Content-Length"));                 /* a 304 has no body */
    res = (struct http_response){ .status = 301, .server = "mayfly-httpd", .location = "dir/" };
    http_response_head(buf, sizeof buf, &res);
    assert_non_null(strstr(buf, "HTTP/1.1 301 Moved Permanently\r\nServer: mayfly-httpd\r\nLocation: dir/\r\n"));
}

static void keeps_the_query_raw(void **state)
{
    (void)state;
    struct http_request r;
    assert_int_equal(parse("GET /a%20b.flv?start=12%34&x=1#frag HTTP/1.1\r\nHost: h\r\n\r\n", &r), 0);
    assert_string_equal(r.path, "/a b.flv");
    assert_int_equal(r.query_len, strlen("start=12%34&x=1"));
    assert_memory_equal(r.query, "start=12%34&x=1", r.query_len);
    assert_int_equal(parse("GET /v.flv HTTP/1.1\r\nHost: h\r\n\r\n", &r), 0);
    assert_null(r.query);
    assert_int_equal(parse("GET /v.flv? HTTP/1.1\r\nHost: h\r\n\r\n", &r), 0);
    assert_non_null(r.query);
    assert_int_equal(r.query_len, 0);
    assert_int_equal(parse("GET /v.flv?a\x01b HTTP/1.1\r\nHost: h\r\n\r\n", &r), 400);
}

static void keeps_the_conditional_fields(void **state)
{
    (void)state;
    struct http_request r;
    assert_int_equal(parse("GET /v.mp4 HTTP/1.1\r\nHost: h\r\nrange:  bytes=1-2 \t\r\n"
                           "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\nIf-Range: x\r\n\r\n", &r), 0);
    assert_int_equal(r.range.count, 1);
    assert_int_equal(r.range.len, strlen("bytes=1-2"));
    assert_memory_equal(r.range.value, "bytes=1-2", r.range.len);
    assert_int_equal(r.if_modified_since.count, 1);
    assert_int_equal(r.if_modified_since.len, 29);
    assert_int_equal(r.if_range.count, 1);
    assert_int_equal(r.if_none_match.count, 0);
    assert_int_equal(parse("GET / HTTP/1.1\r\nHost: h\r\nRange: bytes=1-2\r\nRange: bytes=3-4\r\n\r\n", &r), 0);
    assert_int_equal(r.range.count, 2);                         /* the caller ignores both */
}

static int range(const char *v, uint64_t size, uint64_t *first, uint64_t *last)
{
    *first = *last = 12345;
    return http_range(v, strlen(v), size, first, last);
}

static void single_ranges(void **state)
{
    (void)state;
    uint64_t f, l;
    assert_int_equal(range("bytes=1000-1999", 3 << 20, &f, &l), 206);
    assert_true(f == 1000 && l == 1999);
    assert_int_equal(range("bytes=0-0", 1, &f, &l), 206);
    assert_true(f == 0 && l == 0);
    assert_int_equal(range("BYTES=5-", 10, &f, &l), 206);           /* open-ended; units ignore case */
    assert_true(f == 5 && l == 9);
    assert_int_equal(range("bytes=5-100", 10, &f, &l), 206);        /* last past the end: clipped */
    assert_true(f == 5 && l == 9);
    assert_int_equal(range("bytes=-3", 10, &f, &l), 206);           /* suffix */
    assert_true(f == 7 && l == 9);
    assert_int_equal(range("bytes=-30", 10, &f, &l), 206);          /* suffix larger than the file */
    assert_true(f == 0 && l == 9);
    assert_int_equal(range("bytes=3-3", 10, &f, &l), 206);
    assert_true(f == 3 && l == 3);
    assert_int_equal(range("bytes=5-99999999999999999999999", 10, &f, &l), 206);  /* saturates */
    assert_true(f == 5 && l == 9);
    assert_int_equal(range("bytes=-99999999999999999999999", 10, &f, &l), 206);
    assert_true(f == 0 && l == 9);
    assert_int_equal(range("bytes=4294967296-4294967300", 5000000000ull, &f, &l), 206);  /* past 32 bits */
    assert_true(f == 4294967296ull && l == 4294967300ull);
}

static void unsatisfiable_ranges(void **state)
{
    (void)state;
    uint64_t f, l;
    assert_int_equal(range("bytes=5000000-", 3 << 20, &f, &l), 416);
    assert_int_equal(range("bytes=10-20", 10, &f, &l), 416);        /* first byte just past the end */
    assert_int_equal(range("bytes=99999999999999999999-", 10, &f, &l), 416);
    assert_int_equal(range("bytes=18446744073709551615-", 10, &f, &l), 416);
    assert_int_equal(range("bytes=-0", 10, &f, &l), 416);
    assert_int_equal(range("bytes=0-", 0, &f, &l), 416);            /* an empty file has no bytes */
    assert_int_equal(range("bytes=-5", 0, &f, &l), 416);
    assert_true(f == 12345 && l == 12345);                          /* untouched when not 206 */
}

static void ignored_ranges(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "bytes", "bytes=", "bytes=-", "bytes=a-b", "bytes=5-3", "bytes=1-2,4-5", "bytes=1-2,",
        "bytes=--5", "bytes=1--2", "bytes=+1-2", "bytes=1-2x", "items=1-2", "bytes 1-2", "bytes=1 -2",
        "bytes=0x10-20", "bytes=1-2-3", "bytes=-1-2",
    };
    uint64_t f, l;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (range(bad[i], 100, &f, &l) != 200)
            fail_msg("'%s' was not ignored", bad[i]);
}

static void formats_and_parses_dates(void **state)
{
    (void)state;
    char d[HTTP_DATE_LEN];
    http_format_date(784111777, d);
    assert_string_equal(d, "Sun, 06 Nov 1994 08:49:37 GMT");        /* RFC 9110 §5.6.7's example */
    http_format_date(0, d);
    assert_string_equal(d, "Thu, 01 Jan 1970 00:00:00 GMT");
    http_format_date(951782400, d);
    assert_string_equal(d, "Tue, 29 Feb 2000 00:00:00 GMT");
    http_format_date(4102444799, d);
    assert_string_equal(d, "Thu, 31 Dec 2099 23:59:59 GMT");
    int64_t t;
    /* round trips over every day for two centuries, leap years included */
    for (int64_t s = 0; s < 4102444800; s += 86400 + 3661) {
        http_format_date(s, d);
        assert_int_equal(http_parse_date(d, strlen(d), &t), 0);
        if (t != s)
            fail_msg("%s: %lld, want %lld", d, (long long)t, (long long)s);
    }
    assert_int_equal(http_parse_date("Sun, 06 Nov 1994 08:49:37 GMT", 29, &t), 0);
    assert_int_equal(t, 784111777);
}

static void refuses_bad_dates(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994",   /* obsolete forms */
        "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT", "Sun, 06 nov 1994 08:49:37 GMT",
        "Xyz, 06 Nov 1994 08:49:37 GMT", "Sun, 31 Nov 1994 08:49:37 GMT", "Sun, 29 Feb 1900 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:37 GMT", "Sun, 00 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT ", "Sun, 06 Nov 19a4 08:49:37 GMT", "Sun; 06 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 08:49:37GMT ",
    };
    int64_t t = 7;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (http_parse_date(bad[i], strlen(bad[i]), &t) != -1)
            fail_msg("'%s' was accepted", bad[i]);
    assert_int_equal(t, 7);
    assert_int_equal(http_parse_date("Tue, 29 Feb 2000 23:59:60 GMT", 29, &t), 0);   /* leap day, leap second */
}

static void encodes_locations(void **state)
{
    (void)state;
    char out[32];
    assert_int_equal(http_encode_path("/a b/caf\xc3\xa9/", out, sizeof out), strlen("/a%20b/caf%C3%A9/"));
    assert_string_equal(out, "/a%20b/caf%C3%A9/");
    assert_int_equal(http_encode_path("x?#%:", out, sizeof out), 13);
    assert_string_equal(out, "x%3F%23%25%3A");
    assert_int_equal(http_encode_path("abc", out, 3), 0);          /* no room for the NUL */
    assert_int_equal(http_encode_path(" ", out, 3), 0);
    assert_int_equal(http_encode_path(" ", out, 4), 3);
}

static void content_types(void **state)
{
    (void)state;
    assert_string_equal(http_content_type("/index.html"), "text/html; charset=utf-8");
    assert_string_equal(http_content_type("/a.b/style.CSS"), "text/css; charset=utf-8");
    assert_string_equal(http_content_type("/img.png"), "image/png");
    static const char *const media[][2] = {
        { "a.jpg", "image/jpeg" },  { "a.JPEG", "image/jpeg" }, { "a.gif", "image/gif" },
        { "a.webp", "image/webp" }, { "a.svg", "image/svg+xml" }, { "a.mp4", "video/mp4" },
        { "a.webm", "video/webm" }, { "a.flv", "video/x-flv" }, { "a.mp3", "audio/mpeg" },
        { "a.json", "application/json" }, { "a.wasm", "application/wasm" },
    };
    for (size_t i = 0; i < sizeof media / sizeof *media; i++)
        assert_string_equal(http_content_type(media[i][0]), media[i][1]);
    assert_string_equal(http_content_type("/a.d/noext"), "application/octet-stream");
    assert_string_equal(http_content_type("/x.unknown"), "application/octet-stream");
}

static int etag_in(const char *field, const char *etag)
{
    return http_etag_matches(field, strlen(field), etag);
}

/* If-None-Match (RFC 9110 §13.1.2): a list of tags, weak comparison, "*" */
static void matches_entity_tags(void **state)
{
    (void)state;
    assert_true(etag_in("\"abc\"", "\"abc\""));
    assert_true(etag_in("W/\"abc\"", "\"abc\""));
    assert_true(etag_in("\"x\", \"abc\"", "\"abc\""));
    assert_true(etag_in("\"x,y\" ,W/\"abc\"  ", "\"abc\""));
    assert_true(etag_in("*", "\"abc\""));
    assert_false(etag_in("\"ab\"", "\"abc\""));
    assert_false(etag_in("\"abcd\"", "\"abc\""));
    assert_false(etag_in("abc", "\"abc\""));
    assert_false(etag_in("", "\"abc\""));
    assert_false(etag_in("\"a, \"abc\"", "\"x\""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_the_end_of_a_head), cmocka_unit_test(parses_get_and_head),
        cmocka_unit_test(connection_persistence),  cmocka_unit_test(rejects_malformed_requests),
        cmocka_unit_test(long_paths_are_414),       cmocka_unit_test(writes_response_heads),
        cmocka_unit_test(content_types),           cmocka_unit_test(writes_range_and_validator_fields),
        cmocka_unit_test(keeps_the_conditional_fields), cmocka_unit_test(single_ranges),
        cmocka_unit_test(unsatisfiable_ranges),     cmocka_unit_test(ignored_ranges),
        cmocka_unit_test(formats_and_parses_dates), cmocka_unit_test(refuses_bad_dates),
        cmocka_unit_test(encodes_locations),         cmocka_unit_test(keeps_the_query_raw),
        cmocka_unit_test(matches_entity_tags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
