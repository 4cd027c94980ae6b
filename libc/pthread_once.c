/* pthread_once. A once routine that blocks lets other threads in: they wait until it is done. */
#include "pthread_impl.h"

#define ONCE_RUNNING 1
#define ONCE_DONE 2

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
