/* libc's side of a thread: what the pthread files (thread, attr, mutex, cond, key, once) share
 * beside the kernel's thread. Not for applications. */
#ifndef LIBC_PTHREAD_IMPL_H
#define LIBC_PTHREAD_IMPL_H
#include "../kernel/thread.h"
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#define MAYFLY_PTHREAD_KEYS 64

struct __mayfly_pthread {
    struct thread *thread;
    void *(*fn)(void *);
    void *arg;
    int detached;
    int is_main;
    const void *specific[MAYFLY_PTHREAD_KEYS];
};

/* The kernel objects inside the pthread types (sys/_pthreadtypes.h sizes them). */
_Static_assert(sizeof(((pthread_mutex_t *)0)->__lock) == sizeof(struct mutex), "pthread_mutex_t holds a struct mutex");
_Static_assert(sizeof(((pthread_cond_t *)0)->__waiters) == sizeof(struct waitq), "pthread_cond_t holds a struct waitq");

static inline struct mutex *pthread_kmutex(pthread_mutex_t *m) { return (struct mutex *)m->__lock; }
static inline struct waitq *pthread_kwaitq(pthread_cond_t *c) { return (struct waitq *)c->__waiters; }

/* Give the running (main) thread its pthread data; called once by app_start. */
void pthread_adopt_main_thread(void);

/* Run self's key destructors (pthread_key.c), as a thread ends. */
void pthread_run_destructors(pthread_t self);

/* The monotonic deadline (ns) for the absolute time abs on clock (CLOCK_REALTIME or
 * CLOCK_MONOTONIC), now when abs has passed. Returns 0, or EINVAL for a malformed abs. */
int pthread_deadline(clockid_t clock, const struct timespec *abs, uint64_t *deadline);
#endif
