/* POSIX threads on Mayfly's cooperative threads (kernel/thread.h). A thread switch happens
 * only where a call blocks, so these functions need no atomic instructions. */
#include "pthread_impl.h"
#include "../kernel/clock.h"
#include "../kernel/thread.h"
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEYS_MAX 64
#define DESTRUCTOR_ROUNDS 4
#define ONCE_RUNNING 1
#define ONCE_DONE 2

struct __mayfly_pthread {
    struct thread *thread;
    void *(*fn)(void *);
    void *arg;
    int detached;
    int is_main;
    const void *specific[KEYS_MAX];
};

struct key {
    int used;
    void (*destructor)(void *);
};

static struct key keys[KEYS_MAX];
static struct __mayfly_pthread main_pthread;
static int live_threads = 1;

_Static_assert(sizeof(((pthread_mutex_t *)0)->__lock) == sizeof(struct mutex), "pthread_mutex_t holds a struct mutex");
_Static_assert(sizeof(((pthread_cond_t *)0)->__waiters) == sizeof(struct waitq), "pthread_cond_t holds a struct waitq");

static struct mutex *kmutex(pthread_mutex_t *m) { return (struct mutex *)m->__lock; }
static struct waitq *kwaitq(pthread_cond_t *c) { return (struct waitq *)c->__waiters; }

void pthread_adopt_main_thread(void)
{
    main_pthread.thread = thread_self();
    main_pthread.is_main = 1;
    thread_set_user(main_pthread.thread, &main_pthread);
}

pthread_t pthread_self(void) { return thread_user(thread_self()); }
int pthread_equal(pthread_t a, pthread_t b) { return a == b; }
void pthread_yield(void) { thread_yield(); }
int sched_yield(void) { thread_yield(); return 0; }

static void run_destructors(pthread_t self)
{
    for (int round = 0; round < DESTRUCTOR_ROUNDS; round++) {
        int ran = 0;
        for (int k = 0; k < KEYS_MAX; k++) {
            void *v = (void *)self->specific[k];
            if (v && keys[k].used && keys[k].destructor) {
                self->specific[k] = NULL;
                keys[k].destructor(v);
                ran = 1;
            }
        }
        if (!ran)
            return;
    }
}

void pthread_exit(void *value)
{
    pthread_t self = pthread_self();
    run_destructors(self);
    if (--live_threads == 0)
        exit(0);                        /* the last thread ends the process (POSIX) */
    if (self->detached && !self->is_main)
        free(self);
    thread_exit(value);
}

static void *start(void *p)
{
    pthread_t self = p;
    thread_set_user(thread_self(), self);
    pthread_exit(self->fn(self->arg));
}

int pthread_create(pthread_t *out, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    pthread_t p = calloc(1, sizeof *p);
    if (!p)
        return EAGAIN;
    p->fn = fn;
    p->arg = arg;
    p->detached = attr && attr->detachstate == PTHREAD_CREATE_DETACHED;
    p->thread = thread_create("pthread", start, p, attr ? attr->stacksize : 0);
    if (!p->thread) {
        free(p);
        return EAGAIN;
    }
    if (p->detached)
        thread_detach(p->thread);
    live_threads++;
    *out = p;
    return 0;
}

int pthread_join(pthread_t t, void **value)
{
    if (t->detached)
        return EINVAL;
    int rc = thread_join(t->thread, value);
    if (rc < 0)
        return -rc;
    if (!t->is_main)
        free(t);
    return 0;
}

int pthread_detach(pthread_t t)
{
    if (t->detached)
        return EINVAL;
    t->detached = 1;
    thread_detach(t->thread);
    return 0;
}

int pthread_setname_np(pthread_t t, const char *name)
{
    (void)t, (void)name;
    return 0;                           /* kernel names are fixed at creation */
}

int pthread_getname_np(pthread_t t, char *buf, size_t len)
{
    if (len == 0)
        return ERANGE;
    strncpy(buf, thread_name(t->thread), len - 1);
    buf[len - 1] = '\0';
    return 0;
}

int pthread_attr_init(pthread_attr_t *a)
{
    memset(a, 0, sizeof *a);
    a->is_initialized = 1;
    a->stacksize = THREAD_STACK_DEFAULT;
    a->detachstate = PTHREAD_CREATE_JOINABLE;
    return 0;
}

int pthread_attr_destroy(pthread_attr_t *a) { a->is_initialized = 0; return 0; }

int pthread_attr_setstacksize(pthread_attr_t *a, size_t size)
{
    if (size < PTHREAD_STACK_MIN)
        return EINVAL;
    a->stacksize = size;
    return 0;
}

int pthread_attr_getstacksize(const pthread_attr_t *a, size_t *size) { *size = a->stacksize; return 0; }

int pthread_attr_setdetachstate(pthread_attr_t *a, int state)
{
    if (state != PTHREAD_CREATE_DETACHED && state != PTHREAD_CREATE_JOINABLE)
        return EINVAL;
    a->detachstate = state;
    return 0;
}

int pthread_attr_getdetachstate(const pthread_attr_t *a, int *state) { *state = a->detachstate; return 0; }

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

int pthread_mutex_destroy(pthread_mutex_t *m) { return kmutex(m)->owner ? EBUSY : 0; }

/* Relock checks shared by lock, trylock and timedlock: 0 to go on and take the lock, -1 when
 * the recursive count was raised (done), or an error number. */
static int relock(pthread_mutex_t *m)
{
    if (kmutex(m)->owner != thread_self())
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
    mutex_lock(kmutex(m));
    m->__count = 1;
    return 0;
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
    int rc = relock(m);
    if (rc)
        return rc < 0 ? 0 : EBUSY;
    if (mutex_trylock(kmutex(m)) < 0)
        return EBUSY;
    m->__count = 1;
    return 0;
}

static uint64_t deadline_from(clockid_t clock, const struct timespec *abs)
{
    uint64_t when = (uint64_t)abs->tv_sec * NSEC_PER_SEC + (uint64_t)abs->tv_nsec;
    uint64_t now = clock == CLOCK_MONOTONIC ? clock_monotonic_ns() : clock_realtime_ns();
    uint64_t mono = clock_monotonic_ns();
    return when > now ? mono + (when - now) : mono;
}

static int valid_timespec(const struct timespec *ts)
{
    return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < (long)NSEC_PER_SEC;
}

int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *abs)
{
    int rc = relock(m);
    if (rc)
        return rc < 0 ? 0 : rc;
    if (!valid_timespec(abs))
        return EINVAL;
    uint64_t deadline = deadline_from(CLOCK_REALTIME, abs);
    struct mutex *k = kmutex(m);
    while (k->owner)
        if (waitq_wait(&k->waiters, deadline) == -ETIMEDOUT && k->owner)
            return ETIMEDOUT;
    k->owner = thread_self();
    m->__count = 1;
    return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
    if (kmutex(m)->owner != thread_self())
        return EPERM;
    if (--m->__count > 0)
        return 0;
    mutex_unlock(kmutex(m));
    return 0;
}

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

int pthread_cond_destroy(pthread_cond_t *c) { return kwaitq(c)->head ? EBUSY : 0; }
int pthread_cond_signal(pthread_cond_t *c) { waitq_wake_one(kwaitq(c)); return 0; }
int pthread_cond_broadcast(pthread_cond_t *c) { waitq_wake_all(kwaitq(c)); return 0; }

/* Unlocking and starting to wait happen with no thread switch between them (cooperative
 * threads), so no signal can be lost there. */
static int cond_wait(pthread_cond_t *c, pthread_mutex_t *m, uint64_t deadline)
{
    if (kmutex(m)->owner != thread_self())
        return EPERM;
    unsigned count = m->__count;
    m->__count = 0;
    mutex_unlock(kmutex(m));
    int rc = waitq_wait(kwaitq(c), deadline);
    mutex_lock(kmutex(m));
    m->__count = count;
    return rc == -ETIMEDOUT ? ETIMEDOUT : 0;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) { return cond_wait(c, m, 0); }

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abs)
{
    if (!valid_timespec(abs))
        return EINVAL;
    return cond_wait(c, m, deadline_from(c->__clock == CLOCK_MONOTONIC ? CLOCK_MONOTONIC : CLOCK_REALTIME, abs));
}

/* A once routine that blocks lets other threads in: they wait here until it is done. */
static struct waitq once_waiters;

int pthread_once(pthread_once_t *once, void (*fn)(void))
{
    while (once->init_executed == ONCE_RUNNING)
        waitq_wait(&once_waiters, 0);
    if (once->init_executed == ONCE_DONE)
        return 0;
    once->init_executed = ONCE_RUNNING;
    fn();
    once->init_executed = ONCE_DONE;
    waitq_wake_all(&once_waiters);
    return 0;
}

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *))
{
    for (unsigned k = 0; k < KEYS_MAX; k++)
        if (!keys[k].used) {
            keys[k] = (struct key){ 1, destructor };
            *key = k;
            return 0;
        }
    return EAGAIN;
}

int pthread_key_delete(pthread_key_t key)
{
    if (key >= KEYS_MAX || !keys[key].used)
        return EINVAL;
    keys[key].used = 0;
    return 0;
}

int pthread_setspecific(pthread_key_t key, const void *value)
{
    if (key >= KEYS_MAX || !keys[key].used)
        return EINVAL;
    pthread_self()->specific[key] = value;
    return 0;
}

void *pthread_getspecific(pthread_key_t key)
{
    if (key >= KEYS_MAX || !keys[key].used)
        return NULL;
    return (void *)pthread_self()->specific[key];
}
