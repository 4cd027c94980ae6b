/* Thread attributes: a stack size and a detach state are all the kernel's threads take. */
#include "pthread_impl.h"
#include <errno.h>
#include <string.h>

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
