/* Timed waits: POSIX gives an absolute time on some clock; the kernel waits for a point on its
 * monotonic clock. */
#include "pthread_impl.h"
#include "../kernel/clock.h"
#include <errno.h>

int pthread_deadline(clockid_t clock, const struct timespec *abs, uint64_t *deadline)
{
    if (abs->tv_sec < 0 || abs->tv_nsec < 0 || abs->tv_nsec >= (long)NSEC_PER_SEC)
        return EINVAL;
    uint64_t when = (uint64_t)abs->tv_sec * NSEC_PER_SEC + (uint64_t)abs->tv_nsec;
    uint64_t now = clock == CLOCK_MONOTONIC ? clock_monotonic_ns() : clock_realtime_ns();
    uint64_t mono = clock_monotonic_ns();
    *deadline = when > now ? mono + (when - now) : mono;
    return 0;
}
