/* The power button without an AML interpreter. Two wirings (ACPI 6.4):
 * - fixed hardware (§4.8.2.2.1, §4.8.3.1): PWRBTN_STS, bit 8 of the PM1 status register, raises
 *   the SCI while PWRBTN_EN, the same bit of the enable register that follows it, is set. The
 *   firmware may leave the chipset in legacy mode; writing ACPI_ENABLE to SMI_CMD hands it to
 *   the OS, which SCI_EN in PM1 control then shows (§4.8.2.1, §16.3.1).
 * - hardware-reduced (§5.6.9): QEMU's Generic Event Device pulses its interrupt and sets bit 1
 *   of its 32-bit event selector, which reads once and clears (QEMU's docs/specs,
 *   acpi_hw_reduced_hotplug.rst: the power-down event). That bit is QEMU's choice, which its
 *   _EVT method reads; another VMM's GED may number its events otherwise (not handled).
 * Either way the interrupt handler acknowledges and posts SIGTERM; libc does the rest. */
#include "power_button.h"
#include "acpi.h"
#include "irq.h"
#include "paging.h"
#include "signal.h"
#include "x86.h"
#include <errno.h>
#include <signal.h>

#define PWRBTN (1u << 8)               /* PWRBTN_STS in status, PWRBTN_EN in enable */
#define SCI_EN (1u << 0)               /* PM1 control */
#define ACPI_ENABLE_POLLS 100000       /* the chipset acts at once in QEMU; hardware within ms */
#define GED_POWER_DOWN (1u << 1)

static struct acpi_power_button button;

static void fixed_interrupt(void *arg)
{
    (void)arg;
    if (!(inw(button.pm1a_evt) & PWRBTN))
        return;                        /* the SCI is shared: another source raised it */
    outw(button.pm1a_evt, PWRBTN);     /* write 1 to clear: the level-triggered SCI drops */
    signal_post(SIGTERM);
}

static void ged_interrupt(void *arg)
{
    (void)arg;
    uint32_t events = *(volatile uint32_t *)(uintptr_t)button.ged_register;
    if (events & GED_POWER_DOWN)
        signal_post(SIGTERM);
}

static int arm_fixed(void)
{
    if (button.pm1a_cnt && !(inw(button.pm1a_cnt) & SCI_EN) && button.smi_cmd && button.acpi_enable) {
        outb(button.smi_cmd, button.acpi_enable);
        for (int i = 0; i < ACPI_ENABLE_POLLS && !(inw(button.pm1a_cnt) & SCI_EN); i++)
            cpu_pause();
    }
    uint16_t enable = (uint16_t)(button.pm1a_evt + button.pm1_evt_len / 2);
    /* The SCI is ours alone from here: any other event the firmware enabled (a GPE for hotplug,
     * the PM timer's overflow) would hold the level-triggered line up with no one to clear it,
     * as handling those needs AML. */
    outw(enable, 0);
    for (uint16_t i = 0; button.gpe0 && i < button.gpe0_len / 2; i++)
        outb((uint16_t)(button.gpe0 + button.gpe0_len / 2 + i), 0);
    outw(button.pm1a_evt, PWRBTN);     /* a press from before we listened is not a request now */
    /* the SCI is level-triggered, active low, unless the MADT overrides it (§5.2.9 SCI_INT) */
    int level = 1, active_low = 1;
    uint32_t gsi = button.sci_irq < 16 ? irq_isa_to_gsi((uint8_t)button.sci_irq, &level, &active_low) : button.sci_irq;
    int rc = irq_attach_gsi(gsi, level, active_low, fixed_interrupt, 0);
    if (rc == 0)
        outw(enable, PWRBTN);
    return rc;
}

static int arm_ged(void)
{
    if (vm_map(button.ged_register, 4, VM_WRITE | VM_UNCACHED) < 0)
        return -ENOMEM;
    (void)*(volatile uint32_t *)(uintptr_t)button.ged_register;   /* drop an old event */
    return irq_attach_gsi(button.ged_gsi, button.ged_level, button.ged_active_low, ged_interrupt, 0);
}

static int armed;

int power_button_init(void)
{
    acpi_find_power_button(&button);
    int rc = button.kind == POWER_BUTTON_FIXED ? arm_fixed() : button.kind == POWER_BUTTON_GED ? arm_ged() : -ENODEV;
    armed = rc == 0;
    return rc;
}

int power_button_armed(void) { return armed; }
