/* The local APIC: its one-shot timer, and acknowledging interrupts (Intel SDM vol. 3 ch. 10). */
#ifndef KERNEL_LAPIC_H
#define KERNEL_LAPIC_H
#include <stdint.h>

/* Map and enable the local APIC, mask the legacy 8259 PICs. */
void lapic_init(void);
void lapic_eoi(void);

/* The timer's count register is 32 bits wide: the longest one-shot. */
#define LAPIC_COUNT_MAX 0xFFFFFFFFu

/* The timer counts down from the given count at a rate clock.c measures; 0 stops it. */
void lapic_timer_start(uint32_t count);
uint32_t lapic_timer_current(void);
#endif
