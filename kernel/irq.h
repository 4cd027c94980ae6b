/* Device interrupts: vectors for MSI-X, and IOAPIC lines (GSIs) that devices may share.
 * Handlers run in interrupt context with interrupts off: acknowledge, record, wake a thread.
 * A driver whose interrupts wake threads says so too (thread_wakeup_source_add), so that the
 * scheduler's deadlock check knows; the power button does not, as a press wakes no waiter. */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H
#include <stdint.h>

/* A vector of its own for the handler (MSI-X). Returns the vector, or -ENOSPC. */
int irq_alloc_vector(void (*handler)(void *), void *arg);

/* Run handler(arg) when the GSI fires; a GSI may be shared, so the handler must tell whether
 * its device raised it (virtio's ISR does). Returns 0, -ENODEV (no IOAPIC has the GSI), -ENOSPC. */
int irq_attach_gsi(uint32_t gsi, int level_triggered, int active_low, void (*handler)(void *), void *arg);

/* The GSI an ISA IRQ is wired to (the MADT may override the identity). *level and *active_low
 * come in as the caller's defaults (ISA devices: edge, active high; the ACPI SCI: level, active
 * low) and are replaced by the override's when it gives them. */
uint32_t irq_isa_to_gsi(uint8_t isa_irq, int *level_triggered, int *active_low);
#endif
