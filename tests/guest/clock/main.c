/* Clocks and timers: monotonicity, sleeps that last at least as asked, wall time from the RTC.
 * argv[1]: the host's time (seconds since the epoch) when it started the VM. */
#include "../check.h"
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static uint64_t ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    uint64_t prev = ns(CLOCK_MONOTONIC), backwards = 0;
    for (int i = 0; i < 100000; i++) {
        uint64_t t = ns(CLOCK_MONOTONIC);
        backwards += t < prev;
        prev = t;
    }
    CHECK(backwards == 0, "CLOCK_MONOTONIC never went back in 100000 reads");
    CHECK(prev > 0, "CLOCK_MONOTONIC counts from boot (%llu ns)", (unsigned long long)prev);

    static const long sleeps_ms[] = { 1, 10, 100, 250 };
    for (unsigned i = 0; i < sizeof sleeps_ms / sizeof *sleeps_ms; i++) {
        struct timespec req = { 0, sleeps_ms[i] * 1000000 };
        uint64_t start = ns(CLOCK_MONOTONIC);
        int rc = nanosleep(&req, NULL);
        uint64_t took = ns(CLOCK_MONOTONIC) - start;
        CHECK(rc == 0 && took >= (uint64_t)req.tv_nsec, "nanosleep(%ld ms) took %llu us", sleeps_ms[i],
              (unsigned long long)(took / 1000));
    }
    uint64_t start = ns(CLOCK_MONOTONIC);
    sleep(1);
    CHECK(ns(CLOCK_MONOTONIC) - start >= 1000000000ull, "sleep(1) lasted a second");
    start = ns(CLOCK_MONOTONIC);
    for (int i = 0; i < 20; i++)
        usleep(5000);
    CHECK(ns(CLOCK_MONOTONIC) - start >= 100000000ull, "20 x usleep(5 ms) lasted 100 ms or more");

    struct timespec bad = { 0, 2000000000 };
    CHECK(nanosleep(&bad, NULL) == -1 && errno == EINVAL, "nanosleep refuses tv_nsec >= 1e9 with EINVAL");
    CHECK(clock_gettime((clockid_t)999, &bad) == -1 && errno == EINVAL, "an unknown clock is EINVAL");

    time_t host = argc > 1 ? (time_t)strtoll(argv[1], NULL, 10) : 0;
    time_t guest = time(NULL);
    CHECK(host > 0 && guest >= host - 5 && guest <= host + 60, "wall time %lld is the host's %lld (RTC)",
          (long long)guest, (long long)host);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    uint64_t rt = ns(CLOCK_REALTIME) / 1000000000ull;
    CHECK(rt >= (uint64_t)tv.tv_sec && rt - (uint64_t)tv.tv_sec <= 1, "gettimeofday and CLOCK_REALTIME agree");
    clock_t c0 = clock();
    usleep(20000);
    CHECK(clock() > c0, "clock() advances");
    return check_exit();
}
