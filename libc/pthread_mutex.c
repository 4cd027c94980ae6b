/* Mutexes: the kernel's struct mutex inside pthread_mutex_t, plus a type and a recursion count. */
#include "pthread_impl.h"
#include <errno.h>
#include <string.h>

int pthread_mutexattr_init(pthread_mutexattr_t *a) { a->is_initialized = 1; a->type = PTHREAD_MUTEX_DEFAULT; return 0; }
int pthread_mutexattr_destroy(pthread_mutexattr_t *a) { a->is_initialized = 0; return 0; }
int pthread_mutexattr_gettype(const pthread_mutexattr_t *a, int *type) { *type = a->type; return 0; }

int pthread_mutexattr_settype(pthread_mutexattr_t *a, int type)
{
    if (type != PTHREAD_MUTEX_NORMAL && type != PTHREAD_MUTEX_RECURSIVE && type != PTHREAD_MUTEX_ERRORCHECK)
        return EINVAL;
    a->type = type;
    return 0;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *a)
{
    memset(m, 0, sizeof *m);
    m->__type = a ? a->type : PTHREAD_MUTEX_DEFAULT;
    return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m) { return mutex_owner(pthread_kmutex(m)) ? EBUSY : 0; }

/* Relock checks shared by lock, trylock and timedlock: 0 to go on and take the lock, -1 when
 * the recursive count was raised (done), or an error number. */
static int relock(pthread_mutex_t *m)
{
    if (mutex_owner(pthread_kmutex(m)) != thread_self())
        return 0;
    if (m->__type == PTHREAD_MUTEX_RECURSIVE) {
        m->__count++;
        return -1;
    }
    return EDEADLK;                     /* a normal mutex would hang forever: say so instead */
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
    int rc = relock(m);
    if (rc)
        return rc < 0 ? 0 : rc;
    mutex_lock(pthread_kmutex(m));
    m->__count = 1;
    return 0;
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
    int rc = relock(m);
    if (rc)
        return rc < 0 ? 0 : EBUSY;
    if (mutex_trylock(pthread_kmutex(m)) < 0)
        return EBUSY;
    m->__count = 1;
    return 0;
}

int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abs)
{
    int rc = relock(m);
    if (rc)
        return rc < 0 ? 0 : rc;
    uint64_t deadline;
    if ((rc = pthread_deadline(CLOCK_REALTIME, abs, &deadline)) != 0)
        return rc;
    if (mutex_lock_until(pthread_kmutex(m), deadline) == -ETIMEDOUT)
        return ETIMEDOUT;
    m->__count = 1;
    return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
    if (mutex_owner(pthread_kmutex(m)) != thread_self())
        return EPERM;
    if (--m->__count > 0)
        return 0;
    mutex_unlock(pthread_kmutex(m));
    return 0;
}
