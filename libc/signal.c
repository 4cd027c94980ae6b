/* Signals for one process with cooperative threads. Asynchronous ones (the ACPI power button's
 * SIGTERM, alarm's SIGALRM) are posted by the kernel (kernel/signal.h) and delivered here by a
 * thread of their own, "signals": handlers run in thread context, never inside an interrupt, and
 * since threads never preempt each other, never in the middle of another thread's code. After a
 * delivery the main thread's poll, select or sleep, and every pause and sigsuspend, return EINTR;
 * other blocking calls (accept, recv, send, connect) are not cut short, as with SA_RESTART.
 * raise and kill(getpid(), sig) deliver at once, in the caller, as POSIX asks; pthread_kill does
 * too, then interrupts the target thread's poll, select or sleep.
 * A signal without a handler takes its default action: most end the program with status
 * 128 + sig after dirty file data is written back (SIGTERM: 143); SIGABRT, SIGSEGV, SIGFPE,
 * SIGILL, SIGBUS, SIGSYS, SIGTRAP and SIGQUIT stop the VM as a panic does (a register dump, a
 * backtrace, status 127); SIGCHLD, SIGURG, SIGWINCH and SIGCONT are ignored, and so are the job
 * control stops, as there is no one to continue the program. */
#include "signal_impl.h"
#include "pthread_impl.h"
#include "../kernel/clock.h"
#include "../kernel/panic.h"
#include "../kernel/power_button.h"
#include "../kernel/printk.h"
#include "../kernel/signal.h"
#include "../kernel/timer.h"
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

#define STATUS_SIGNALLED 128           /* the shell's convention: 128 + the signal number */
#define UNCATCHABLE ((1u << SIGKILL) | (1u << SIGSTOP))

/* Weak: defined (libc/file.c) only when the program uses files. */
extern void files_sync(void) __attribute__((weak));

struct pauser {                        /* a thread in pause or sigsuspend, on its own stack */
    struct thread *thread;
    struct pauser *next;
};

static struct sigaction actions[NSIG];
static sigset_t blocked;
static struct thread *receiver;        /* main: its poll, select and sleeps see EINTR */
static struct pauser *pausers;
static struct timer alarm_timer;
static int button_counted;

static int valid(int sig) { return sig > 0 && sig < NSIG; }

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGABRT: return "SIGABRT (abort called)";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGSEGV: return "SIGSEGV";
    case SIGSYS: return "SIGSYS";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGTERM: return "SIGTERM";
    case SIGUSR1: return "SIGUSR1";
    case SIGUSR2: return "SIGUSR2";
    default: return "a signal";
    }
}

static void default_action(int sig)
{
    switch (sig) {
    case SIGCHLD: case SIGURG: case SIGWINCH: case SIGCONT:
    case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
        return;
    case SIGABRT: case SIGSEGV: case SIGFPE: case SIGILL: case SIGBUS: case SIGSYS: case SIGTRAP: case SIGQUIT:
        panic("the application was killed by %s (signal %d)", signal_name(sig), sig);
    case SIGKILL:                      /* no clean-up: what SIGKILL means */
        kprintf("mayfly: killed by SIGKILL: exit status %d\n", STATUS_SIGNALLED + sig);
        _exit(STATUS_SIGNALLED + sig);
    default:
        kprintf("mayfly: %s with no handler: writing back files, exit status %d\n", signal_name(sig),
                STATUS_SIGNALLED + sig);
        if (files_sync)
            files_sync();
        _exit(STATUS_SIGNALLED + sig);
    }
}

/* Run sig's disposition in the calling thread. Returns whether a handler ran (an ignored
 * signal interrupts nothing, as on Linux). */
static int dispatch(int sig)
{
    _sig_func_ptr handler = actions[sig].sa_handler;
    if (handler == SIG_IGN)
        return 0;
    if (handler == SIG_DFL) {
        default_action(sig);           /* returns only for the signals ignored by default */
        return 0;
    }
    handler(sig);
    return 1;
}

/* A SIGTERM handler with an armed power button: a press can wake the program, so a program
 * that only waits for it (in a condition variable, say) is not deadlocked. */
static void count_button_as_waker(void)
{
    _sig_func_ptr h = actions[SIGTERM].sa_handler;
    if (power_button_armed() && !button_counted && h != SIG_DFL && h != SIG_IGN) {
        button_counted = 1;
        thread_wakeup_source_add();
    }
}

static void *deliver(void *arg)
{
    (void)arg;
    /* handlers may ask for pthread_self() and keys: this thread is a pthread too */
    static struct __mayfly_pthread self;
    self.thread = thread_self();
    self.detached = 1;
    thread_set_user(self.thread, &self);
    for (;;) {
        uint32_t got = signal_take(~(uint32_t)blocked & ~1u);
        int handled = 0;
        for (int sig = 1; sig < NSIG; sig++)
            if (got & (1u << sig))
                handled |= dispatch(sig);
        if (!handled)
            continue;                  /* nothing ran (or the mask changed): nothing to tell */
        thread_interrupt(receiver);
        for (struct pauser *p = pausers; p; p = p->next)
            thread_interrupt(p->thread);
    }
    return NULL;
}

void signals_start(void)
{
    receiver = thread_self();
    if (!thread_create("signals", deliver, NULL, 0))
        panic("no memory for the signal delivery thread");
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    if (!valid(sig) || (act && (UNCATCHABLE & (1u << sig)))) {
        errno = EINVAL;
        return -1;
    }
    if (old)
        *old = actions[sig];
    if (act)
        actions[sig] = *act;
    count_button_as_waker();
    return 0;
}

_sig_func_ptr signal(int sig, _sig_func_ptr handler)
{
    struct sigaction act = { .sa_handler = handler }, old;
    if (sigaction(sig, &act, &old) < 0)
        return SIG_ERR;
    return old.sa_handler;
}

int raise(int sig)
{
    if (!valid(sig)) {
        errno = EINVAL;
        return -1;
    }
    if (blocked & (1u << sig))
        signal_post(sig);              /* delivered when unblocked */
    else
        dispatch(sig);
    return 0;
}

int kill(int pid, int sig)
{
    if (pid != MAYFLY_PID && pid != 0 && pid != -1) {
        errno = ESRCH;                 /* one process: no other to signal */
        return -1;
    }
    if (sig == 0)
        return 0;
    return raise(sig);
}

/* A signal for one thread: its disposition runs at once in the caller, as raise's does (one CPU:
 * the target is not running anyway), then t's poll, select or sleep returns EINTR. */
int pthread_kill(pthread_t t, int sig)
{
    if (sig < 0 || sig >= NSIG)
        return EINVAL;
    if (sig == 0)
        return 0;
    if (blocked & (1u << sig))
        signal_post(sig);
    else if (dispatch(sig) && t->thread != thread_self())
        thread_interrupt(t->thread);   /* the caller's own next wait is not cut short */
    return 0;
}

int sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
    sigset_t was = blocked;
    if (set) {
        if (how == SIG_BLOCK)
            blocked |= *set;
        else if (how == SIG_UNBLOCK)
            blocked &= ~*set;
        else if (how == SIG_SETMASK)
            blocked = *set;
        else {
            errno = EINVAL;
            return -1;
        }
        blocked &= ~(sigset_t)UNCATCHABLE;
    }
    if (old)
        *old = was;
    if (blocked != was)
        signal_recheck();              /* the delivery thread waits with the old mask */
    if (signal_pending() & (was & ~blocked))
        thread_yield();                /* unblocked and pending: delivered before we return */
    return 0;
}

/* One mask for the process: threads share it (one CPU, no per-thread delivery). */
int pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
    return sigprocmask(how, set, old) < 0 ? errno : 0;
}

int sigpending(sigset_t *set)
{
    *set = signal_pending() & blocked;
    return 0;
}

/* pause and sigsuspend: the caller is on the list of threads a delivery interrupts before it
 * changes its mask (a signal unblocked by the change is delivered at once, and must find it). */
static void enlist(struct pauser *me)
{
    thread_take_interrupt();           /* a delivery before the call is not the one awaited */
    me->thread = thread_self();
    me->next = pausers;
    pausers = me;
}

static void wait_for_delivery(struct pauser *me)
{
    int token = interruptible_begin();
    while (!thread_take_interrupt())
        thread_sleep_until(UINT64_MAX);          /* an armed timer: never taken for a deadlock */
    interruptible_end(token);
    for (struct pauser **p = &pausers; *p; p = &(*p)->next)
        if (*p == me) {
            *p = me->next;
            break;
        }
}

int pause(void)
{
    struct pauser me;
    enlist(&me);
    wait_for_delivery(&me);
    errno = EINTR;
    return -1;
}

int sigsuspend(const sigset_t *mask)
{
    struct pauser me;
    sigset_t was;
    enlist(&me);
    sigprocmask(SIG_SETMASK, mask, &was);
    wait_for_delivery(&me);
    sigprocmask(SIG_SETMASK, &was, NULL);
    errno = EINTR;
    return -1;
}

static void alarm_fired(struct timer *t)
{
    (void)t;
    signal_post(SIGALRM);              /* interrupt context: the delivery thread runs it */
}

unsigned alarm(unsigned seconds)
{
    uint64_t now = clock_monotonic_ns();
    unsigned left = 0;
    if (alarm_timer.armed && alarm_timer.deadline > now)   /* rounded up: 0 would mean none */
        left = (unsigned)((alarm_timer.deadline - now + NSEC_PER_SEC - 1) / NSEC_PER_SEC);
    timer_cancel(&alarm_timer);
    if (seconds) {
        alarm_timer.fire = alarm_fired;
        timer_add(&alarm_timer, now + (uint64_t)seconds * NSEC_PER_SEC);
    }
    return left;
}
