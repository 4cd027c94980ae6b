/* Mayfly's pthread types. They replace newlib's (handles into a table) with objects that hold
 * the kernel's wait queues directly, so that all-zero is a valid initial state and no
 * allocation can fail in pthread_mutex_lock. newlib's <pthread.h> declares the functions. */
#ifndef _SYS__PTHREADTYPES_H_
#define _SYS__PTHREADTYPES_H_

#include <sys/sched.h>

typedef struct __mayfly_pthread *pthread_t;

#define PTHREAD_SCOPE_PROCESS 0
#define PTHREAD_SCOPE_SYSTEM 1
#define PTHREAD_INHERIT_SCHED 1
#define PTHREAD_EXPLICIT_SCHED 2
#define PTHREAD_CREATE_DETACHED 0
#define PTHREAD_CREATE_JOINABLE 1
#define PTHREAD_STACK_MIN 16384

typedef struct {
    int is_initialized;
    __SIZE_TYPE__ stacksize;
    int detachstate;
    int contentionscope, inheritsched, schedpolicy;
    struct sched_param schedparam;
} pthread_attr_t;

#define PTHREAD_MUTEX_NORMAL 0
#define PTHREAD_MUTEX_RECURSIVE 1
#define PTHREAD_MUTEX_ERRORCHECK 2
#define PTHREAD_MUTEX_DEFAULT PTHREAD_MUTEX_NORMAL

/* __lock is the kernel's struct mutex (owner, then a wait queue's head and tail). */
typedef struct {
    void *__lock[3];
    int __type;
    unsigned __count;         /* recursive locks held */
} pthread_mutex_t;

typedef struct {
    int is_initialized;
    int type;
} pthread_mutexattr_t;

#define _PTHREAD_MUTEX_INITIALIZER { { 0, 0, 0 }, PTHREAD_MUTEX_NORMAL, 0 }

/* __waiters is the kernel's struct waitq. */
typedef struct {
    void *__waiters[2];
    int __clock;              /* 0 means CLOCK_REALTIME, as POSIX's default */
} pthread_cond_t;

typedef struct {
    int is_initialized;
    int clock;
} pthread_condattr_t;

#define _PTHREAD_COND_INITIALIZER { { 0, 0 }, 0 }

typedef unsigned int pthread_key_t;

typedef struct {
    int is_initialized;       /* kept for newlib's name; unused */
    int init_executed;        /* 0: not yet, 1: running, 2: done */
} pthread_once_t;

#define _PTHREAD_ONCE_INIT { 1, 0 }

#endif
