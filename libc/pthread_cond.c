/* Condition variables: the kernel's wait queue inside pthread_cond_t, and the clock its timed
 * waits count on. */
#include "pthread_impl.h"
#include <errno.h>
#include <string.h>

int pthread_condattr_init(pthread_condattr_t *a) { a->is_initialized = 1; a->clock = CLOCK_REALTIME; return 0; }
int pthread_condattr_destroy(pthread_condattr_t *a) { a->is_initialized = 0; return 0; }
int pthread_condattr_getclock(const pthread_condattr_t *a, clockid_t *c) { *c = a->clock; return 0; }

int pthread_condattr_setclock(pthread_condattr_t *a, clockid_t c)
{
    if (c != CLOCK_REALTIME && c != CLOCK_MONOTONIC)
        return EINVAL;
    a->clock = c;
    return 0;
}

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a)
{
    memset(c, 0, sizeof *c);
    c->__clock = a && a->clock == CLOCK_MONOTONIC ? CLOCK_MONOTONIC : 0;
    return 0;
}

int pthread_cond_destroy(pthread_cond_t *c) { return waitq_empty(pthread_kwaitq(c)) ? 0 : EBUSY; }
int pthread_cond_signal(pthread_cond_t *c) { waitq_wake_one(pthread_kwaitq(c)); return 0; }
int pthread_cond_broadcast(pthread_cond_t *c) { waitq_wake_all(pthread_kwaitq(c)); return 0; }

/* Unlocking and starting to wait happen with no thread switch between them (cooperative
 * threads), so no signal can be lost there. */
static int cond_wait(pthread_cond_t *c, pthread_mutex_t *m, uint64_t deadline)
{
    struct mutex *k = pthread_kmutex(m);
    if (mutex_owner(k) != thread_self())
        return EPERM;
    unsigned count = m->__count;
    m->__count = 0;
    mutex_unlock(k);
    int rc = waitq_wait(pthread_kwaitq(c), deadline);
    mutex_lock(k);
    m->__count = count;
    return rc == -ETIMEDOUT ? ETIMEDOUT : 0;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) { return cond_wait(c, m, 0); }

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abs)
{
    uint64_t deadline;
    int rc = pthread_deadline(c->__clock == CLOCK_MONOTONIC ? CLOCK_MONOTONIC : CLOCK_REALTIME, abs, &deadline);
    return rc ? rc : cond_wait(c, m, deadline);
}
