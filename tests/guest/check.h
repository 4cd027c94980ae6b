/* In-guest test checks: each prints "ok - ..." or "not ok - ..." on the console; the program
 * ends with check_exit(), whose status is the number of failed checks (the harness reads both). */
#ifndef TESTS_GUEST_CHECK_H
#define TESTS_GUEST_CHECK_H
#include <stdio.h>
#include <stdlib.h>

static int check_failures;

#define CHECK(cond, ...)                                                              \
    do {                                                                              \
        int check_ok_ = !!(cond);                                                     \
        printf("%s - ", check_ok_ ? "ok" : "not ok");                                 \
        printf(__VA_ARGS__);                                                          \
        if (!check_ok_) {                                                             \
            check_failures++;                                                         \
            printf("  [%s:%d: %s]", __FILE__, __LINE__, #cond);                       \
        }                                                                             \
        printf("\n");                                                                 \
    } while (0)

static inline int check_exit(void)
{
    printf("%d checks failed\n", check_failures);
    return check_failures > 100 ? 100 : check_failures;
}
#endif
