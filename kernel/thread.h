/* Cooperative threads: a thread runs until it blocks (sleep, wait queue, mutex, join) or yields.
 * No preemption, one CPU: code between two blocking calls runs without interleaving, so threads
 * need locks only around sections that block. Interrupt handlers may wake threads, never switch.
 * When no thread can run the CPU halts until an interrupt (a timer deadline or a device). */
#ifndef KERNEL_THREAD_H
#define KERNEL_THREAD_H
#include <stddef.h>
#include <stdint.h>

struct thread;

/* A queue of blocked threads. All-zero is an empty queue, so it needs no initialisation. */
struct waitq {
    struct thread *head, *tail;
};

/* A sleeping lock (not recursive). All-zero is unlocked. */
struct mutex {
    struct thread *owner;
    struct waitq waiters;
};

#define THREAD_STACK_DEFAULT (64 * 1024)
/* The unmapped region below every thread stack. All guest code is compiled with
 * -fstack-clash-protection (Makefile HARDEN_FLAGS), which touches every 4 KiB page of a large
 * frame, so one page would do for it. The rest covers code built without the flag (a library
 * given in LDLIBS; libgcc's largest frame is under 1 KiB): a frame of up to 16 KiB that it never
 * touches above its lowest address still faults. It is address space taken from RAM (one address
 * space, identity mapped), so each page of it costs a page of memory per thread. */
#define STACK_GUARD_SIZE (16 * 1024)
#define THREAD_NAME_MAX 16

/* Make the running boot code a thread, so that it can create others and then exit. */
void thread_init(void);

/* Start fn(arg) in a new thread with a stack of stack_size bytes (0: the default) and an
 * unmapped guard region of STACK_GUARD_SIZE below it. It runs when the creator blocks or yields.
 * Returns the thread, or NULL when memory is short. */
struct thread *thread_create(const char *name, void *(*fn)(void *), void *arg, size_t stack_size);

/* End the calling thread with a value for thread_join. */
__attribute__((noreturn)) void thread_exit(void *retval);

/* Wait for t to end; its value goes to *retval (if not NULL) and its memory is freed.
 * Returns 0, -EINVAL (t detached), or -EDEADLK (t is the caller). */
int thread_join(struct thread *t, void **retval);
/* Free t's memory by itself when it ends; no thread_join then. */
void thread_detach(struct thread *t);

void thread_yield(void);
/* Block until the monotonic clock reaches deadline (ns), or until thread_interrupt when the
 * caller is interruptible. */
void thread_sleep_until(uint64_t deadline);

/* Interruptible waits, for libc's signals: while the calling thread is interruptible (on), its
 * sleeps and wait-queue waits end early when thread_interrupt is called on it, and at once when
 * that happened before (waitq_wait returns -EINTR). Mutexes and joins are never interrupted.
 * libc sets it only around waits whose callers handle an early end (poll, select, sleeps).
 * Returns the previous setting. */
int thread_set_interruptible(int on);
/* Mark t interrupted and end its wait if it is in an interruptible one. Not for interrupt
 * handlers' use: signals reach threads through libc's delivery thread. */
void thread_interrupt(struct thread *t);
/* Whether the caller was interrupted since the last call; clears the mark. */
int thread_take_interrupt(void);

struct thread *thread_self(void);
const char *thread_name(const struct thread *t);
/* Rename t (cut to THREAD_NAME_MAX - 1 bytes): reports and listings use the new name. */
void thread_set_name(struct thread *t, const char *name);
/* The thread whose stack guard region holds addr, if any (for stack overflow reports); the boot
 * thread's is the one below the boot stack. */
struct thread *thread_guard_owner(uintptr_t addr);

/* A pointer of the layer above's own per-thread data (libc's pthread), NULL at first. */
void thread_set_user(struct thread *t, void *data);
void *thread_user(const struct thread *t);

/* One word of per-thread state for the layer above (libc keeps errno there): *where is saved
 * when a thread is switched out and restored when it is switched in. */
void thread_keep_per_thread(int *where);

/* Block on wq until woken or until the monotonic clock passes deadline (0: no deadline).
 * Returns 0 when woken, -ETIMEDOUT at the deadline, -EINTR when interrupted (an interruptible
 * caller, see thread_set_interruptible). The caller checks its condition again.
 * A caller waiting for an interrupt handler's event must check that condition with interrupts
 * off (irq_save) and call this before irq_restore, so no wake-up falls in between. */
int waitq_wait(struct waitq *wq, uint64_t deadline);
/* Make the first waiter (or all) runnable. Safe in interrupt handlers. Returns how many woke. */
int waitq_wake_one(struct waitq *wq);
int waitq_wake_all(struct waitq *wq);

/* Nothing waits on wq. */
int waitq_empty(const struct waitq *wq);

/* Take m, blocking while another thread holds it. Locking a mutex the caller holds panics. */
void mutex_lock(struct mutex *m);
/* Take m, or give up when the monotonic clock passes deadline (ns; 0: no deadline).
 * Returns 0 when taken, -ETIMEDOUT at the deadline (m not taken). Panics like mutex_lock. */
int mutex_lock_until(struct mutex *m, uint64_t deadline);
/* 0 when taken, -EBUSY when another thread holds it. */
int mutex_trylock(struct mutex *m);
/* Release m (the caller holds it) and make its first waiter runnable. */
void mutex_unlock(struct mutex *m);
/* The thread holding m, or NULL. */
struct thread *mutex_owner(const struct mutex *m);

/* How many threads exist (for tests and reports). */
int thread_count(void);
/* Device drivers that wake threads from interrupts say so, so that the scheduler can tell
 * "every thread waits forever" (a deadlock: panic) from "every thread waits for a device". */
void thread_wakeup_source_add(void);
#endif
