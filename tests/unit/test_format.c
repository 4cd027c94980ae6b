/* kernel/format.c (the panic-safe formatter) and the RTC's calendar arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>
#include "../../kernel/format.h"
#include "../../kernel/rtc.h"

/* The formats below are odd on purpose (a NULL string, an unknown conversion). */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"
#pragma GCC diagnostic ignored "-Wformat-extra-args"

static char buf[128];

static void formats_numbers(void **state)
{
    (void)state;
    ksnprintf(buf, sizeof buf, "%d %i %u %x %X", -42, 7, 3000000000u, 0xbeefu, 0xbeefu);
    assert_string_equal(buf, "-42 7 3000000000 beef BEEF");
    ksnprintf(buf, sizeof buf, "%ld %lu %lx", (long)INT64_MIN, (unsigned long)UINT64_MAX, 0x123456789abcul);
    assert_string_equal(buf, "-9223372036854775808 18446744073709551615 123456789abc");
    ksnprintf(buf, sizeof buf, "[%5d][%-5d][%05d][%05d][%016lx]", 42, 42, 42, -42, 0xfful);
    assert_string_equal(buf, "[   42][42   ][00042][-0042][00000000000000ff]");
    ksnprintf(buf, sizeof buf, "%zu %p", (size_t)99, (void *)0x1000);
    assert_string_equal(buf, "99 0x1000");
}

static void formats_text(void **state)
{
    (void)state;
    ksnprintf(buf, sizeof buf, "%s|%8s|%-4s|%c|%%|%s", "a", "right", "l", 'z', (char *)NULL);
    assert_string_equal(buf, "a|   right|l   |z|%|(null)");
    ksnprintf(buf, sizeof buf, "%q");
    assert_string_equal(buf, "%q");
}

static void truncates_and_counts(void **state)
{
    (void)state;
    char small[6];
    int n = ksnprintf(small, sizeof small, "hello world");
    assert_int_equal(n, 11);
    assert_string_equal(small, "hello");
    assert_int_equal(ksnprintf(NULL, 0, "%d", 12345), 5);
}

static void civil_days(void **state)
{
    (void)state;
    assert_int_equal(rtc_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(rtc_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(rtc_days_from_civil(2001, 9, 9) * 86400 + 6400, 1000000000);
    assert_int_equal(rtc_days_from_civil(2024, 2, 29) + 1, rtc_days_from_civil(2024, 3, 1));
    assert_int_equal(rtc_days_from_civil(2100, 3, 1) - rtc_days_from_civil(2100, 2, 28), 1);  /* not leap */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(formats_numbers),
        cmocka_unit_test(formats_text),
        cmocka_unit_test(truncates_and_counts),
        cmocka_unit_test(civil_days),
    };
    return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
