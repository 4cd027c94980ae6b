/* Milliseconds on the monotonic clock, and sleeping for some: the host side's one timebase. */
#ifndef MAYFLY_CLOCK_H
#define MAYFLY_CLOCK_H
#include <time.h>

static inline long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static inline void sleep_ms(int ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}
#endif
