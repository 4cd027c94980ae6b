/* The pending set and the one waiter who takes from it. */
#include "signal.h"
#include "thread.h"
#include "x86.h"

static volatile uint32_t pending;
static struct waitq taker;

void signal_post(int sig)
{
    if (sig <= 0 || sig >= SIGNAL_MAX)
        return;
    int s = irq_save();
    pending |= 1u << sig;
    waitq_wake_all(&taker);
    irq_restore(s);
}

uint32_t signal_take(uint32_t wanted)
{
    int s = irq_save();                      /* no post may fall between the test and the wait */
    uint32_t got = pending & wanted;
    if (!got) {
        waitq_wait(&taker, 0);
        got = pending & wanted;
    }
    pending &= ~got;
    irq_restore(s);
    return got;
}

void signal_recheck(void) { waitq_wake_all(&taker); }

uint32_t signal_pending(void) { return pending; }
