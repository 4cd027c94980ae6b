/* Time for the application: clock_gettime and friends on the kernel's clock and timers. */
#define _GNU_SOURCE              /* the Linux clock ids (MONOTONIC_RAW, BOOTTIME, ...) */
#include "../kernel/clock.h"
#include "../kernel/thread.h"
#include "pthread_impl.h"
#include "signal_impl.h"
#include "time_impl.h"
#include <errno.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

static void ns_to_timespec(uint64_t ns, struct timespec *ts)
{
    ts->tv_sec = (time_t)(ns / NSEC_PER_SEC);
    ts->tv_nsec = (long)(ns % NSEC_PER_SEC);
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
    switch (id) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
        ns_to_timespec(clock_realtime_ns(), ts);
        return 0;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_PROCESS_CPUTIME_ID:     /* the VM's one process has had all the time there was */
        ns_to_timespec(clock_monotonic_ns(), ts);
        return 0;
    default:
        errno = EINVAL;
        return -1;
    }
}

int clock_getres(clockid_t id, struct timespec *res)
{
    struct timespec ignored;
    if (clock_gettime(id, &ignored) < 0)
        return -1;
    if (res) {
        res->tv_sec = 0;
        res->tv_nsec = 1;
    }
    return 0;
}

int clock_settime(clockid_t id, const struct timespec *ts)
{
    uint64_t ns;
    if (id != CLOCK_REALTIME || timespec_to_ns(ts, &ns)) {
        errno = EINVAL;
        return -1;
    }
    clock_set_realtime_ns(ns);
    return 0;
}

int gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    uint64_t ns = clock_realtime_ns();
    tv->tv_sec = (time_t)(ns / NSEC_PER_SEC);
    tv->tv_usec = (suseconds_t)(ns % NSEC_PER_SEC / NSEC_PER_USEC);
    return 0;
}

/* clock() reads this: the process's CPU time is the VM's uptime. */
clock_t times(struct tms *t)
{
    clock_t ticks = (clock_t)(clock_monotonic_ns() / (NSEC_PER_SEC / CLOCKS_PER_SEC));
    if (t) {
        t->tms_utime = ticks;
        t->tms_stime = t->tms_cutime = t->tms_cstime = 0;
    }
    return ticks;
}

/* Sleep until the monotonic deadline; a delivered signal ends it early. Returns the
 * nanoseconds left (0: slept it all). */
static uint64_t sleep_until(uint64_t deadline)
{
    int token = interruptible_begin();
    thread_sleep_until(deadline);
    if (!interruptible_end(token))
        return 0;
    uint64_t now = clock_monotonic_ns();
    return deadline > now ? deadline - now : 1;  /* interrupted just at the end: still EINTR */
}

static uint64_t sleep_ns(uint64_t ns) { return sleep_until(clock_monotonic_ns() + ns); }

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    uint64_t ns;
    if (timespec_to_ns(req, &ns)) {
        errno = EINVAL;
        return -1;
    }
    uint64_t left = sleep_ns(ns);
    if (rem)
        ns_to_timespec(left, rem);
    if (left) {
        errno = EINTR;
        return -1;
    }
    return 0;
}

int clock_nanosleep(clockid_t id, int flags, const struct timespec *req, struct timespec *rem)
{
    uint64_t ns, deadline;
    if (id != CLOCK_REALTIME && id != CLOCK_MONOTONIC)
        return EINVAL;
    if (flags & TIMER_ABSTIME) {
        if (pthread_deadline(id, req, &deadline))      /* the same conversion as timed waits */
            return EINVAL;
        return sleep_until(deadline) ? EINTR : 0;
    }
    if (timespec_to_ns(req, &ns))
        return EINVAL;
    uint64_t left = sleep_ns(ns);
    if (rem)
        ns_to_timespec(left, rem);
    return left ? EINTR : 0;
}

int usleep(useconds_t us)
{
    if (sleep_ns((uint64_t)us * NSEC_PER_USEC)) {
        errno = EINTR;
        return -1;
    }
    return 0;
}

/* The seconds not slept, rounded up, when a signal ended it early. */
unsigned sleep(unsigned s)
{
    uint64_t left = sleep_ns((uint64_t)s * NSEC_PER_SEC);
    return (unsigned)((left + NSEC_PER_SEC - 1) / NSEC_PER_SEC);
}
