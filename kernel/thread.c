/* Threads, the run queue, wait queues and mutexes. Every list here is also touched by
 * interrupt handlers (through waitq_wake_* and timers), so it is changed with interrupts off. */
#include "thread.h"
#include "../boot/boot.h"
#include "clock.h"
#include "memory.h"
#include "paging.h"
#include "panic.h"
#include "printk.h"
#include "timer.h"
#include "x86.h"
#include <errno.h>
#include <string.h>

enum thread_state { RUNNABLE, BLOCKED, EXITED };

struct thread {
    uint64_t rsp;                  /* saved by context_switch */
    enum thread_state state;
    char name[THREAD_NAME_MAX];
    struct thread *next_run;       /* run queue or zombie list */
    struct thread *next_wait;      /* the wait queue it blocks on */
    struct thread *next_all, *prev_all;
    struct waitq *waiting_on;
    struct timer timer;            /* sleeps and wait deadlines */
    int timed_out;
    int interruptible;             /* see thread_set_interruptible */
    int interrupted;               /* thread_interrupt was called; taken by thread_take_interrupt */
    int wait_interruptible;        /* the wait it is blocked in may be cut short */
    int detached;
    int per_thread_word;           /* see thread_keep_per_thread */
    void *user;                    /* see thread_set_user */
    void *retval;
    struct waitq joiners;
    void *stack_alloc;             /* guard region first; NULL for the boot thread */
    size_t stack_pages;
    uintptr_t guard;               /* the unmapped region below the stack */
    size_t guard_size;
};

extern void context_switch(uint64_t *save_rsp, uint64_t load_rsp);
extern void thread_start(void);

#define FPU_CW_DEFAULT 0x037F
#define INITIAL_FRAME_WORDS 10     /* control words, r15..rbp, return address, alignment pad */

static struct thread boot_thread;
static struct thread *current;
static struct thread *run_head, *run_tail;
static struct thread *zombies;     /* ended detached threads, freed once off their stacks */
static struct thread *all_threads;
static int nthreads;
static int *per_thread_word;
static int wakeup_sources;

static void all_add(struct thread *t)
{
    t->next_all = all_threads;
    if (all_threads)
        all_threads->prev_all = t;
    all_threads = t;
    nthreads++;
}

static void all_remove(struct thread *t)
{
    if (t->prev_all)
        t->prev_all->next_all = t->next_all;
    else
        all_threads = t->next_all;
    if (t->next_all)
        t->next_all->prev_all = t->prev_all;
    nthreads--;
}

static void set_name(struct thread *t, const char *name)
{
    strncpy(t->name, name ? name : "thread", THREAD_NAME_MAX - 1);
}

/* Irqs off. */
static void make_runnable(struct thread *t)
{
    t->state = RUNNABLE;
    t->next_run = NULL;
    if (run_tail)
        run_tail->next_run = t;
    else
        run_head = t;
    run_tail = t;
}

static struct thread *take_runnable(void)
{
    struct thread *t = run_head;
    if (t) {
        run_head = t->next_run;
        if (!run_head)
            run_tail = NULL;
    }
    return t;
}

static void free_thread(struct thread *t)
{
    all_remove(t);
    if (!t->stack_alloc)
        return;
    vm_map(t->guard, t->guard_size, VM_WRITE);                 /* the guard is RAM again */
    page_free(t->stack_alloc, t->stack_pages);
}

static void reap_zombies(void)
{
    while (zombies) {
        struct thread *z = zombies;
        zombies = z->next_run;
        free_thread(z);
    }
}

static int wait_on(struct waitq *wq, uint64_t deadline, int interruptible);

static __attribute__((noreturn)) void deadlock(void)
{
    kprintf("\nmayfly: deadlock: these threads are blocked and no timer or device can wake them:\n");
    for (struct thread *t = all_threads; t; t = t->next_all)
        if (t->state == BLOCKED)
            kprintf("  thread '%s'%s\n", t->name, t->waiting_on ? " (on a wait queue)" : "");
    panic("deadlock: every thread is blocked and nothing can wake one");
}

/* Run another thread; return when the caller is runnable and chosen again. Irqs off.
 * With nothing runnable, halt until an interrupt makes something runnable. */
static void schedule(void)
{
    struct thread *next;
    while (!(next = take_runnable())) {
        if (current->state == RUNNABLE)
            return;                         /* a yield with nobody else to run */
        if (!timer_pending() && !wakeup_sources)
            deadlock();
        irq_enable_and_halt();
        irq_disable();
    }
    if (next == current)
        return;
    struct thread *prev = current;
    if (per_thread_word) {
        prev->per_thread_word = *per_thread_word;
        *per_thread_word = next->per_thread_word;
    }
    current = next;
    context_switch(&prev->rsp, next->rsp);
    reap_zombies();
}

void thread_init(void)
{
    set_name(&boot_thread, "boot");
    boot_thread.state = RUNNABLE;
    boot_thread.guard = (uintptr_t)boot_stack_guard;   /* unmapped by paging_init */
    boot_thread.guard_size = boot_stack_guard_end - boot_stack_guard;
    current = &boot_thread;
    all_add(&boot_thread);
}

struct thread *thread_create(const char *name, void *(*fn)(void *), void *arg, size_t stack_size)
{
    if (!stack_size)
        stack_size = THREAD_STACK_DEFAULT;
    /* [guard region][stack ... grows down][struct thread] */
    size_t pages = (STACK_GUARD_SIZE + PAGE_ROUND_UP(stack_size + sizeof(struct thread))) / PAGE_SIZE;
    char *alloc = page_alloc(pages);
    if (!alloc)
        return NULL;
    if (vm_unmap((uintptr_t)alloc, STACK_GUARD_SIZE) < 0) {
        vm_map((uintptr_t)alloc, STACK_GUARD_SIZE, VM_WRITE);  /* the part already unmapped */
        page_free(alloc, pages);
        return NULL;
    }
    struct thread *t = (struct thread *)(alloc + pages * PAGE_SIZE - sizeof(struct thread));
    t = (struct thread *)((uintptr_t)t & ~(uintptr_t)15);
    memset(t, 0, sizeof *t);
    set_name(t, name);
    t->stack_alloc = alloc;
    t->stack_pages = pages;
    t->guard = (uintptr_t)alloc;
    t->guard_size = STACK_GUARD_SIZE;

    uint64_t *sp = (uint64_t *)t - 2;       /* 16-aligned, as thread_start's call expects */
    sp -= INITIAL_FRAME_WORDS - 2;
    sp[0] = MXCSR_DEFAULT | (uint64_t)FPU_CW_DEFAULT << 32;
    sp[1] = 0;                              /* r15 */
    sp[2] = 0;                              /* r14 */
    sp[3] = (uintptr_t)arg;                 /* r13 */
    sp[4] = (uintptr_t)fn;                  /* r12 */
    sp[5] = 0;                              /* rbx */
    sp[6] = 0;                              /* rbp: ends the backtrace */
    sp[7] = (uintptr_t)thread_start;        /* context_switch's ret */
    t->rsp = (uintptr_t)sp;

    int s = irq_save();
    all_add(t);
    make_runnable(t);
    irq_restore(s);
    return t;
}

void thread_exit(void *retval)
{
    irq_disable();
    current->retval = retval;
    current->state = EXITED;
    waitq_wake_all(&current->joiners);
    if (current->detached && current->stack_alloc) {
        current->next_run = zombies;
        zombies = current;
    }
    schedule();
    panic("an exited thread was scheduled");
}

int thread_join(struct thread *t, void **retval)
{
    if (t == current)
        return -EDEADLK;
    if (t->detached)
        return -EINVAL;
    while (t->state != EXITED)
        wait_on(&t->joiners, 0, 0);
    if (retval)
        *retval = t->retval;
    int s = irq_save();
    free_thread(t);
    irq_restore(s);
    return 0;
}

void thread_detach(struct thread *t)
{
    int s = irq_save();
    t->detached = 1;
    if (t->state == EXITED && t != current) {
        t->next_run = zombies;
        zombies = t;
        reap_zombies();
    }
    irq_restore(s);
}

void thread_yield(void)
{
    int s = irq_save();
    make_runnable(current);
    schedule();
    irq_restore(s);
}

/* Take t, blocked on a wait queue, off it. Irqs off. */
static void leave_queue(struct thread *t)
{
    struct waitq *wq = t->waiting_on;
    if (!wq)
        return;
    struct thread **p = &wq->head, *prev = NULL;
    while (*p && *p != t) {
        prev = *p;
        p = &(*p)->next_wait;
    }
    if (*p) {
        *p = t->next_wait;
        if (wq->tail == t)
            wq->tail = prev;
    }
    t->waiting_on = NULL;
}

static void wake_on_timer(struct timer *tm)
{
    struct thread *t = (struct thread *)((char *)tm - offsetof(struct thread, timer));
    if (t->state != BLOCKED)
        return;
    leave_queue(t);                         /* a deadline on a wait queue: leave the queue */
    t->timed_out = 1;
    make_runnable(t);
}

int thread_set_interruptible(int on)
{
    int was = current->interruptible;
    current->interruptible = on;
    return was;
}

void thread_interrupt(struct thread *t)
{
    int s = irq_save();
    t->interrupted = 1;
    if (t->state == BLOCKED && t->wait_interruptible) {
        leave_queue(t);
        timer_cancel(&t->timer);
        make_runnable(t);
    }
    irq_restore(s);
}

int thread_take_interrupt(void)
{
    int s = irq_save(), was = current->interrupted;
    current->interrupted = 0;
    irq_restore(s);
    return was;
}

/* The caller is about to wait: note whether thread_interrupt may end the wait. Returns whether
 * it ends at once instead (interruptible, and interrupted already). Irqs off. */
static int wait_begins(int interruptible)
{
    current->wait_interruptible = interruptible;
    return interruptible && current->interrupted;
}

void thread_sleep_until(uint64_t deadline)
{
    int s = irq_save();
    if (clock_monotonic_ns() < deadline && !wait_begins(current->interruptible)) {
        current->timer.fire = wake_on_timer;
        current->state = BLOCKED;
        timer_add(&current->timer, deadline);
        schedule();                         /* the timer, or thread_interrupt (which disarms it) */
    }
    current->wait_interruptible = 0;
    irq_restore(s);
}

/* waitq_wait, which mutexes call with interruptible 0: a lock is always waited for. */
static int wait_on(struct waitq *wq, uint64_t deadline, int interruptible)
{
    int s = irq_save();
    struct thread *t = current;
    if (wait_begins(interruptible)) {
        t->wait_interruptible = 0;
        irq_restore(s);
        return -EINTR;
    }
    t->timed_out = 0;
    t->state = BLOCKED;
    t->waiting_on = wq;
    t->next_wait = NULL;
    if (wq->tail)
        wq->tail->next_wait = t;
    else
        wq->head = t;
    wq->tail = t;
    if (deadline) {
        t->timer.fire = wake_on_timer;
        timer_add(&t->timer, deadline);
    }
    schedule();
    if (deadline)
        timer_cancel(&t->timer);
    int rc = t->timed_out ? -ETIMEDOUT : interruptible && t->interrupted ? -EINTR : 0;
    t->wait_interruptible = 0;
    irq_restore(s);
    return rc;
}

int waitq_wait(struct waitq *wq, uint64_t deadline) { return wait_on(wq, deadline, current->interruptible); }

static int wake(struct waitq *wq, int all)
{
    int s = irq_save(), n = 0;
    while (wq->head && (all || n == 0)) {
        struct thread *t = wq->head;
        wq->head = t->next_wait;
        if (!wq->head)
            wq->tail = NULL;
        t->waiting_on = NULL;
        make_runnable(t);
        n++;
    }
    irq_restore(s);
    return n;
}

int waitq_wake_one(struct waitq *wq) { return wake(wq, 0); }
int waitq_wake_all(struct waitq *wq) { return wake(wq, 1); }

int waitq_empty(const struct waitq *wq) { return !wq->head; }

/* A waiter that times out just as the holder lets go takes the lock rather than fail. */
int mutex_lock_until(struct mutex *m, uint64_t deadline)
{
    if (m->owner == current)
        panic("thread '%s' locks a mutex it already holds", current->name);
    while (m->owner)
        if (wait_on(&m->waiters, deadline, 0) == -ETIMEDOUT && m->owner)
            return -ETIMEDOUT;
    m->owner = current;
    return 0;
}

void mutex_lock(struct mutex *m) { mutex_lock_until(m, 0); }

int mutex_trylock(struct mutex *m)
{
    if (m->owner)
        return -EBUSY;
    m->owner = current;
    return 0;
}

void mutex_unlock(struct mutex *m)
{
    m->owner = NULL;
    waitq_wake_one(&m->waiters);
}

struct thread *mutex_owner(const struct mutex *m) { return m->owner; }
struct thread *thread_self(void) { return current; }
const char *thread_name(const struct thread *t) { return t->name; }
void thread_set_name(struct thread *t, const char *name) { set_name(t, name); }
int thread_count(void) { return nthreads; }
void thread_keep_per_thread(int *where) { per_thread_word = where; }
void thread_set_user(struct thread *t, void *data) { t->user = data; }
void *thread_user(const struct thread *t) { return t->user; }
void thread_wakeup_source_add(void) { wakeup_sources++; }

struct thread *thread_guard_owner(uintptr_t addr)
{
    for (struct thread *t = all_threads; t; t = t->next_all)
        if (addr - t->guard < t->guard_size)
            return t;
    return NULL;
}
