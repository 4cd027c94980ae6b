/* The timespec checks that clock_settime, the sleeps and timed waits share. Not for applications. */
#ifndef LIBC_TIME_IMPL_H
#define LIBC_TIME_IMPL_H
#include "../kernel/clock.h"
#include <errno.h>
#include <stdint.h>
#include <time.h>

/* *ns from ts; EINVAL (ns untouched) for a negative time or tv_nsec out of [0, 1e9). */
static inline int timespec_to_ns(const struct timespec *ts, uint64_t *ns)
{
    if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (long)NSEC_PER_SEC)
        return EINVAL;
    *ns = (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
    return 0;
}
#endif
