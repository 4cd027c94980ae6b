/* Timed waits: POSIX gives an absolute time on some clock; the kernel waits for a point on its
 * monotonic clock. */
#include "pthread_impl.h"
#include "time_impl.h"
#include <errno.h>

int pthread_deadline(clockid_t clock, const struct timespec *abs, uint64_t *deadline)
{
    uint64_t when;
    if (timespec_to_ns(abs, &when))
        return EINVAL;
    uint64_t mono = clock_monotonic_ns();
    uint64_t now = clock == CLOCK_MONOTONIC ? mono : clock_realtime_ns();
    *deadline = when > now ? mono + (when - now) : mono;
    return 0;
}
