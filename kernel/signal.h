/* Signals the kernel raises for the program: SIGTERM when the ACPI power button is pressed,
 * and whatever libc posts from its timers (SIGALRM). The kernel only keeps them pending; libc
 * (libc/signal.c) takes them in its delivery thread and runs handlers or default actions. */
#ifndef KERNEL_SIGNAL_H
#define KERNEL_SIGNAL_H
#include <stdint.h>

#define SIGNAL_MAX 32                  /* signal numbers 1..31, newlib's NSIG */

/* Make sig pending and wake the delivery thread. Safe in interrupt handlers. */
void signal_post(int sig);
/* Take the pending signals in wanted (a mask of 1u << sig), waiting for a post or a recheck
 * first when there are none. Returns what it took: 0 after a recheck or a post of others. */
uint32_t signal_take(uint32_t wanted);
/* Wake signal_take's caller to call again with a new wanted (libc's mask changed). */
void signal_recheck(void);
/* The pending signals, a mask of 1u << sig. */
uint32_t signal_pending(void);
#endif
