/* newlib through Mayfly's glue: formatting (floats too), parsing, strings, libm, environment,
 * errno, time formatting, stdio on the console. Expects env=GREETING="hi there". */
#include "../check.h"
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmp_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

#define FORMAT(expect, ...)                                                            \
    do {                                                                               \
        char buf_[128];                                                                \
        snprintf(buf_, sizeof buf_, __VA_ARGS__);                                      \
        CHECK(strcmp(buf_, expect) == 0, "snprintf(%s) gives \"%s\"", #__VA_ARGS__, buf_); \
    } while (0)

int main(void)
{
    FORMAT("42|   42|42   |00042", "%d|%5d|%-5d|%05d", 42, 42, 42, 42);
    FORMAT("-9223372036854775808", "%lld", (long long)INT64_MIN);
    FORMAT("18446744073709551615", "%" PRIu64, UINT64_MAX);
    FORMAT("123456789012", "%zu", (size_t)123456789012ull);
    FORMAT("deadbeef DEADBEEF 0x1f", "%x %X %#x", 0xdeadbeefu, 0xdeadbeefu, 31);
    FORMAT("3.142", "%.3f", 3.14159265);
    FORMAT("-0.500000", "%f", -0.5);
    FORMAT("1.234560e+05", "%e", 123456.0);
    FORMAT("1e+100", "%g", 1e100);
    FORMAT("hello     |     world", "%-10s|%10s", "hello", "world");
    FORMAT("abc", "%.3s", "abcdef");
    FORMAT("%", "%%");

    CHECK(strtod("2.5e3", NULL) == 2500.0, "strtod(\"2.5e3\") is 2500");
    errno = 0;
    long big = strtol("999999999999999999999", NULL, 10);
    CHECK(big == LONG_MAX && errno == ERANGE, "strtol overflow gives LONG_MAX and ERANGE");
    int x = 0;
    char word[16];
    CHECK(sscanf("17 apples", "%d %15s", &x, word) == 2 && x == 17 && strcmp(word, "apples") == 0,
          "sscanf reads an int and a word");
    CHECK(fabs(sin(M_PI / 2) - 1.0) < 1e-12 && fabs(sqrt(2.0) * sqrt(2.0) - 2.0) < 1e-12, "libm: sin, sqrt");
    CHECK(fabs(exp(log(10.0)) - 10.0) < 1e-9 && fabs(pow(2.0, 0.5) - M_SQRT2) < 1e-12, "libm: exp, log, pow");

    int v[] = { 5, 3, 9, 1, 7 };
    qsort(v, 5, sizeof *v, cmp_int);
    CHECK(v[0] == 1 && v[4] == 9, "qsort sorts");
    int key = 7;
    CHECK(bsearch(&key, v, 5, sizeof *v, cmp_int) == &v[3], "bsearch finds");

    const char *g = getenv("GREETING");
    CHECK(g && strcmp(g, "hi there") == 0, "getenv(\"GREETING\") is \"%s\"", g ? g : "(null)");
    CHECK(getenv("NOT_SET") == NULL, "getenv of an unset name is NULL");
    CHECK(setenv("ADDED", "1", 1) == 0 && strcmp(getenv("ADDED"), "1") == 0, "setenv then getenv");

    time_t t = 1000000000;
    char when[64];
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", gmtime(&t));
    CHECK(strcmp(when, "2001-09-09 01:46:40") == 0, "strftime(gmtime(1e9)) is %s", when);

    char *dup = strdup("duplicate");
    CHECK(dup && strcmp(dup, "duplicate") == 0, "strdup");
    free(dup);
    assert(1 + 1 == 2);
    fprintf(stderr, "stderr reaches the console\n");
    int status = check_exit();
    printf("a line without a newline is flushed at exit");
    return status;
}
