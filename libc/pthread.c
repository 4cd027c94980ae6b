/* POSIX threads on Mayfly's cooperative threads (kernel/thread.h): creating, ending, joining.
 * A thread switch happens only where a call blocks, so the pthread files need no atomic
 * instructions. Attributes, mutexes, conditions, keys and once are in pthread_*.c beside. */
#include "pthread_impl.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static struct __mayfly_pthread main_pthread;
static int live_threads = 1;

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

void pthread_exit(void *value)
{
    pthread_t self = pthread_self();
    pthread_run_destructors(self);
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
    if (strlen(name) >= THREAD_NAME_MAX)
        return ERANGE;                  /* as Linux: 15 bytes and the terminator */
    thread_set_name(t->thread, name);
    return 0;
}

int pthread_getname_np(pthread_t t, char *buf, size_t len)
{
    if (len == 0)
        return ERANGE;
    strncpy(buf, thread_name(t->thread), len - 1);
    buf[len - 1] = '\0';
    return 0;
}
