/* apps/httpd/http.c: request heads as clients (and attackers) write them, response heads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "../../apps/httpd/http.h"

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
    size_t n = http_response_head(buf, sizeof buf, 404, "text/plain", 14, 1, "Mon, 23 Nov 2026 10:00:00 GMT");
    assert_int_equal(n, strlen(buf));
    assert_non_null(strstr(buf, "HTTP/1.1 404 Not Found\r\n"));
    assert_non_null(strstr(buf, "Content-Length: 14\r\n"));
    assert_non_null(strstr(buf, "Connection: keep-alive\r\n"));
    assert_non_null(strstr(buf, "Date: Mon, 23 Nov 2026 10:00:00 GMT\r\n"));
    assert_int_equal(strcmp(buf + n - 4, "\r\n\r\n"), 0);
    n = http_response_head(buf, sizeof buf, 405, "text/plain", 0, 0, NULL);
    assert_non_null(strstr(buf, "Allow: GET, HEAD\r\n"));
    assert_non_null(strstr(buf, "Connection: close\r\n"));
    assert_null(strstr(buf, "Date:"));
    assert_int_equal(http_response_head(buf, 20, 200, "text/plain", 0, 0, NULL), 0);
}

static void content_types(void **state)
{
    (void)state;
    assert_string_equal(http_content_type("/index.html"), "text/html; charset=utf-8");
    assert_string_equal(http_content_type("/a.b/style.CSS"), "text/css; charset=utf-8");
    assert_string_equal(http_content_type("/img.png"), "image/png");
    assert_string_equal(http_content_type("/a.d/noext"), "application/octet-stream");
    assert_string_equal(http_content_type("/x.unknown"), "application/octet-stream");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finds_the_end_of_a_head), cmocka_unit_test(parses_get_and_head),
        cmocka_unit_test(connection_persistence),  cmocka_unit_test(rejects_malformed_requests),
        cmocka_unit_test(long_paths_are_414),       cmocka_unit_test(writes_response_heads),
        cmocka_unit_test(content_types),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
