#include "shutdown.h"
#include "acpi.h"
#include "printk.h"
#include "x86.h"

#define ISA_DEBUG_EXIT_PORT 0xF4
#define EXIT_STATUS_MASK 0x7F

void machine_exit(int status)
{
    irq_disable();
    outl(ISA_DEBUG_EXIT_PORT, (uint32_t)status & EXIT_STATUS_MASK);   /* returns only without the device */
    acpi_power_off();
    kprintf("mayfly: could not power off (no isa-debug-exit, no ACPI S5); halting\n");
    for (;;)
        __asm__ volatile("cli; hlt");
}
