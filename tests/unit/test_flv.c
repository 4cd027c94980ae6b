/* apps/flv/flv.c: the start parameter as players (and anyone else) write it, FLV headers, where a
 * seek may land, and the header a seek's answer starts with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include "../../apps/flv/flv.h"

static int param(const char *q, uint64_t *start, const char **why)
{
    return flv_start_param(q, q ? strlen(q) : 0, start, why);
}

static void reads_the_start_parameter(void **state)
{
    (void)state;
    uint64_t s = 7;
    const char *why = NULL;
    assert_int_equal(param(NULL, &s, &why), 0);
    assert_int_equal(param("", &s, &why), 0);
    assert_int_equal(param("t=3&starting=4&xstart=5", &s, &why), 0);
    assert_int_equal(param("start=12345", &s, &why), 1);
    assert_int_equal(s, 12345);
    assert_int_equal(param("a=b&start=0&c", &s, &why), 1);
    assert_int_equal(s, 0);
    assert_int_equal(param("start=99999999999999999999999", &s, &why), 1);
    assert_true(s == UINT64_MAX);                       /* saturates: still past any end */
}

static void refuses_a_start_that_is_no_number(void **state)
{
    (void)state;
    uint64_t s;
    const char *bad[] = { "start=abc", "start=", "start", "start=-5", "start=+5", "start=12x", "start=1%30",
                          "start=1&start=2", "start= 1" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        const char *why = NULL;
        assert_int_equal(param(bad[i], &s, &why), -1);
        assert_non_null(why);
    }
}

static const unsigned char header[] = { 'F', 'L', 'V', 1, 0x05, 0, 0, 0, 9, 0, 0, 0, 0 };

static void parses_a_header(void **state)
{
    (void)state;
    uint8_t flags;
    uint64_t body;
    assert_int_equal(flv_parse_header(header, 9, &flags, &body), 0);
    assert_int_equal(flags, 0x05);
    assert_int_equal(body, 13);
    unsigned char big[9] = { 'F', 'L', 'V', 1, 0x01, 0, 0, 0, 20 };   /* a longer header: later body */
    assert_int_equal(flv_parse_header(big, 9, &flags, &body), 0);
    assert_int_equal(body, 24);
}

static void refuses_what_is_not_flv(void **state)
{
    (void)state;
    uint8_t flags;
    uint64_t body;
    unsigned char b[9];
    assert_int_equal(flv_parse_header(header, 8, &flags, &body), -1);          /* too short */
    memcpy(b, header, 9), b[0] = 'f';
    assert_int_equal(flv_parse_header(b, 9, &flags, &body), -1);
    memcpy(b, header, 9), b[3] = 2;                                            /* version 2 */
    assert_int_equal(flv_parse_header(b, 9, &flags, &body), -1);
    memcpy(b, header, 9), b[8] = 8;                                            /* DataOffset < 9 */
    assert_int_equal(flv_parse_header(b, 9, &flags, &body), -1);
    const unsigned char mp4[] = { 0, 0, 0, 0x20, 'f', 't', 'y', 'p', 'i' };
    assert_int_equal(flv_parse_header(mp4, 9, &flags, &body), -1);
}

static void checks_where_a_seek_lands(void **state)
{
    (void)state;
    assert_null(flv_check_start(13, 13, 1000));            /* the first tag */
    assert_null(flv_check_start(999, 13, 1000));           /* the last byte */
    assert_non_null(flv_check_start(12, 13, 1000));        /* inside PreviousTagSize0 */
    assert_non_null(flv_check_start(1, 13, 1000));
    assert_non_null(flv_check_start(1000, 13, 1000));      /* at the end: nothing to play */
    assert_non_null(flv_check_start(UINT64_MAX, 13, 1000));
}

static void writes_the_seek_prefix(void **state)
{
    (void)state;
    unsigned char out[FLV_SEEK_PREFIX_LEN];
    flv_seek_prefix(0x05, out);
    assert_memory_equal(out, header, sizeof header);
    flv_seek_prefix(0x01, out);
    assert_int_equal(out[4], 0x01);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_the_start_parameter), cmocka_unit_test(refuses_a_start_that_is_no_number),
        cmocka_unit_test(parses_a_header),           cmocka_unit_test(refuses_what_is_not_flv),
        cmocka_unit_test(checks_where_a_seek_lands), cmocka_unit_test(writes_the_seek_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
