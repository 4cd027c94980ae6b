/* Deadline timers on the local APIC's one-shot timer: it is armed for the earliest deadline
 * only, so a VM with nothing waiting takes no timer interrupts at all. */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H
#include <stdint.h>

struct timer {
    uint64_t deadline;              /* clock_monotonic_ns() value */
    void (*fire)(struct timer *);   /* called in interrupt context, interrupts off */
    struct timer *next;
    int armed;
};

void timer_init(void);
/* Arm t for the deadline (replacing an earlier arming). fire must be set. */
void timer_add(struct timer *t, uint64_t deadline);
void timer_cancel(struct timer *t);
/* Whether any timer is armed (the scheduler's deadlock check). */
int timer_pending(void);
#endif
