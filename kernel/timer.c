#include "timer.h"
#include "clock.h"
#include "lapic.h"
#include "trap.h"
#include "x86.h"

static struct timer *armed_list;    /* sorted by deadline, earliest first */

/* Program the one-shot for the earliest deadline (long waits re-arm on the way). Irqs off. */
static void rearm(void)
{
    if (!armed_list) {
        lapic_timer_start(0);
        return;
    }
    uint64_t now = clock_monotonic_ns();
    uint64_t wait = armed_list->deadline > now ? armed_list->deadline - now : 0;
    uint64_t ticks = clock_ns_to_lapic_ticks(wait);
    lapic_timer_start(ticks == 0 ? 1 : ticks > LAPIC_COUNT_MAX ? LAPIC_COUNT_MAX : (uint32_t)ticks);
}

static void armed_remove(struct timer *t)
{
    for (struct timer **p = &armed_list; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            break;
        }
    t->armed = 0;
}

void timer_add(struct timer *t, uint64_t deadline)
{
    int s = irq_save();
    if (t->armed)
        armed_remove(t);
    t->deadline = deadline;
    struct timer **p = &armed_list;
    while (*p && (*p)->deadline <= deadline)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
    t->armed = 1;
    if (armed_list == t)
        rearm();
    irq_restore(s);
}

void timer_cancel(struct timer *t)
{
    int s = irq_save();
    if (t->armed) {
        int was_first = armed_list == t;
        armed_remove(t);
        if (was_first)
            rearm();
    }
    irq_restore(s);
}

int timer_pending(void) { return armed_list != 0; }

static void timer_interrupt(void *unused)
{
    (void)unused;
    uint64_t now = clock_monotonic_ns();
    while (armed_list && armed_list->deadline <= now) {
        struct timer *t = armed_list;
        armed_list = t->next;
        t->armed = 0;
        t->fire(t);
    }
    rearm();
}

void timer_init(void) { trap_set_handler(VECTOR_TIMER, timer_interrupt, 0); }
