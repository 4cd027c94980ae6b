/* What the rest of libc needs of signals (libc/signal.c). */
#ifndef LIBC_SIGNAL_IMPL_H
#define LIBC_SIGNAL_IMPL_H
#include "../kernel/thread.h"

#define MAYFLY_PID 1                   /* one process: getpid, kill */

/* Start the delivery thread; the calling thread (main) becomes the one whose poll, select and
 * sleeps a delivered signal interrupts. Called by app_start before main. */
void signals_start(void);

/* Around a wait that a signal may end early (poll, select, sleeps): begin returns a token for
 * end, which returns whether a signal was delivered meanwhile (the caller then fails with
 * EINTR, as on Linux, where these calls are never restarted). */
static inline int interruptible_begin(void) { return thread_set_interruptible(1); }
static inline int interruptible_end(int token)
{
    thread_set_interruptible(token);
    return thread_take_interrupt();
}
#endif
