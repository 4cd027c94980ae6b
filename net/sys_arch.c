/* lwIP's operating-system layer (lwIP's sys.h) on Mayfly's cooperative threads.
 *
 * No preemption and one CPU: between two blocking calls nothing else runs, so the semaphore
 * and mailbox bookkeeping needs no lock against other threads. Interrupt handlers never call
 * into lwIP, but sys_arch_protect still turns interrupts off, which is cheap and keeps the
 * contract ("protects against everything") true. */
#include "lwip/sys.h"
#include "lwip/tcpip.h"
#include "../kernel/clock.h"
#include "../kernel/panic.h"
#include "../kernel/printk.h"
#include "../kernel/random.h"
#include "../kernel/thread.h"
#include "../kernel/x86.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define MBOX_MIN_SLOTS 16

struct sys_sem {
    unsigned count;
    struct waitq waiters;
};

struct sys_mutex {
    struct mutex m;
};

struct sys_mbox {
    void **slots;
    int size, head, used;
    struct waitq readers, writers;
};

void sys_init(void) {}

u32_t sys_now(void) { return (u32_t)(clock_monotonic_ns() / NSEC_PER_MSEC); }

sys_prot_t sys_arch_protect(void) { return irq_save(); }
void sys_arch_unprotect(sys_prot_t on) { irq_restore(on); }

/* A deadline for a wait of timeout_ms (0: none), and the milliseconds a wait took. */
static uint64_t deadline_after(u32_t timeout_ms)
{
    return timeout_ms ? clock_monotonic_ns() + (uint64_t)timeout_ms * NSEC_PER_MSEC : 0;
}

static u32_t ms_since(uint64_t start)
{
    u32_t ms = (u32_t)((clock_monotonic_ns() - start) / NSEC_PER_MSEC);
    return ms == SYS_ARCH_TIMEOUT ? ms - 1 : ms;
}

err_t sys_sem_new(sys_sem_t *sem, u8_t count)
{
    struct sys_sem *s = net_mem_calloc(1, sizeof *s);   /* in lwIP's budget, as all of lwIP's memory */
    if (!s)
        return ERR_MEM;
    s->count = count;
    *sem = s;
    return ERR_OK;
}

void sys_sem_free(sys_sem_t *sem)
{
    net_mem_free(*sem);
    *sem = NULL;
}

void sys_sem_signal(sys_sem_t *sem)
{
    (*sem)->count++;
    waitq_wake_one(&(*sem)->waiters);
}

u32_t sys_arch_sem_wait(sys_sem_t *sem, u32_t timeout_ms)
{
    struct sys_sem *s = *sem;
    uint64_t start = clock_monotonic_ns(), deadline = deadline_after(timeout_ms);
    while (s->count == 0)
        if (waitq_wait(&s->waiters, deadline) != 0 && s->count == 0)
            return SYS_ARCH_TIMEOUT;   /* or interrupted by a signal: lwip_poll and lwip_select
                                        * are the only interruptible callers, and read it so */
    s->count--;
    return ms_since(start);
}

err_t sys_mutex_new(sys_mutex_t *mutex)
{
    *mutex = net_mem_calloc(1, sizeof **mutex);
    return *mutex ? ERR_OK : ERR_MEM;
}

void sys_mutex_free(sys_mutex_t *mutex)
{
    net_mem_free(*mutex);
    *mutex = NULL;
}

void sys_mutex_lock(sys_mutex_t *mutex) { mutex_lock(&(*mutex)->m); }
void sys_mutex_unlock(sys_mutex_t *mutex) { mutex_unlock(&(*mutex)->m); }

err_t sys_mbox_new(sys_mbox_t *mbox, int size)
{
    /* a connection's mailboxes are lwIP's memory too: in its budget, so that a flood of
     * connections waiting to be accepted cannot take the app's */
    struct sys_mbox *mb = net_mem_calloc(1, sizeof *mb);
    if (size < MBOX_MIN_SLOTS)
        size = MBOX_MIN_SLOTS;
    if (!mb || !(mb->slots = net_mem_calloc((size_t)size, sizeof *mb->slots))) {
        net_mem_free(mb);
        return ERR_MEM;
    }
    mb->size = size;
    *mbox = mb;
    return ERR_OK;
}

void sys_mbox_free(sys_mbox_t *mbox)
{
    net_mem_free((*mbox)->slots);
    net_mem_free(*mbox);
    *mbox = NULL;
}

err_t sys_mbox_trypost(sys_mbox_t *mbox, void *msg)
{
    struct sys_mbox *mb = *mbox;
    if (mb->used == mb->size)
        return ERR_MEM;
    mb->slots[(mb->head + mb->used++) % mb->size] = msg;
    waitq_wake_one(&mb->readers);
    return ERR_OK;
}

/* lwIP calls this from interrupt handlers only in ports whose drivers do; ours never do. */
err_t sys_mbox_trypost_fromisr(sys_mbox_t *mbox, void *msg) { return sys_mbox_trypost(mbox, msg); }

void sys_mbox_post(sys_mbox_t *mbox, void *msg)
{
    while (sys_mbox_trypost(mbox, msg) != ERR_OK)
        waitq_wait(&(*mbox)->writers, 0);
}

u32_t sys_arch_mbox_tryfetch(sys_mbox_t *mbox, void **msg)
{
    struct sys_mbox *mb = *mbox;
    if (mb->used == 0)
        return SYS_MBOX_EMPTY;
    void *m = mb->slots[mb->head];
    mb->head = (mb->head + 1) % mb->size;
    mb->used--;
    if (msg)
        *msg = m;
    waitq_wake_one(&mb->writers);
    return 0;
}

u32_t sys_arch_mbox_fetch(sys_mbox_t *mbox, void **msg, u32_t timeout_ms)
{
    struct sys_mbox *mb = *mbox;
    uint64_t start = clock_monotonic_ns(), deadline = deadline_after(timeout_ms);
    while (mb->used == 0)
        if (waitq_wait(&mb->readers, deadline) != 0 && mb->used == 0)
            return SYS_ARCH_TIMEOUT;
    sys_arch_mbox_tryfetch(mbox, msg);
    return ms_since(start);
}

struct thread_start {
    lwip_thread_fn fn;
    void *arg;
};

static void *thread_trampoline(void *p)
{
    struct thread_start s = *(struct thread_start *)p;
    free(p);
    s.fn(s.arg);
    return NULL;
}

sys_thread_t sys_thread_new(const char *name, lwip_thread_fn fn, void *arg, int stacksize, int prio)
{
    (void)prio;                         /* cooperative: no priorities */
    struct thread_start *s = malloc(sizeof *s);
    if (!s)
        panic("lwIP: no memory for thread %s", name);
    *s = (struct thread_start){ fn, arg };
    struct thread *t = thread_create(name, thread_trampoline, s, stacksize > 0 ? (size_t)stacksize : 0);
    if (!t)
        panic("lwIP: no memory for thread %s", name);
    thread_detach(t);
    return t;
}

/* LWIP_RAND (arch/cc.h): DHCP transaction ids, the first ephemeral port, DNS query ids and
 * source ports come from the kernel's ChaCha20 generator, so no one can predict one from
 * another (TCP's initial sequence numbers have their own function, tcp_isn.c). */
uint32_t net_random(void)
{
    return random_u32();
}

void net_assert_failed(const char *what, const char *file, int line)
{
    panic("lwIP assertion failed: %s (%s:%d)", what, file, line);
}

void net_diag(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    kprintf("lwip: %s", buf);
}
