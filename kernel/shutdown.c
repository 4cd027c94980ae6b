#include "shutdown.h"
#include "acpi.h"
#include "printk.h"
#include "x86.h"

#define ISA_DEBUG_EXIT_PORT 0xF4
#define EXIT_STATUS_MASK 0x7F
#define POWER_OFF_GRACE_CYCLES (500ull * 1000 * 1000)   /* ~0.1-0.5 s at 1-5 GHz */

void machine_exit(int status)
{
    static int exiting;
    irq_disable();
    outl(ISA_DEBUG_EXIT_PORT, (uint32_t)status & EXIT_STATUS_MASK);   /* returns only without the device */
    if (!exiting++) {                  /* a fault inside ACPI comes back here: do not loop */
        acpi_power_off();
        /* the VMM may take a moment to act on the request: wait before saying it failed */
        uint64_t start = rdtsc();
        while (rdtsc() - start < POWER_OFF_GRACE_CYCLES)
            cpu_pause();
    }
    kprintf("mayfly: could not power off (no isa-debug-exit, no ACPI S5); halting\n");
    for (;;)
        __asm__ volatile("cli; hlt");
}
