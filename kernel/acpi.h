/* ACPI, as much as Mayfly needs: the tables' location, devices by _HID with their resources,
 * and S5 power-off (ACPI 6.4 §5.2, §6.1.5, §6.2.2, §7.4.2). */
#ifndef KERNEL_ACPI_H
#define KERNEL_ACPI_H
#include "acpi_aml.h"
#include <stdint.h>

/* Remember where the loader said the RSDP is (0: search the BIOS areas when needed). */
void acpi_set_rsdp(uint64_t rsdp);
/* Find a table by signature ("FACP", "APIC", ...); NULL if absent or its checksum is bad. */
const void *acpi_find_table(const char sig[4]);
/* The devices in the DSDT whose _HID is the string hid ("LNRO0005"): up to max of them, each
 * with the memory range and interrupt its _CRS gives (check has_memory, has_irq). Returns how
 * many were stored; 0 without ACPI. */
int acpi_find_devices(const char *hid, struct acpi_resources *out, int max);
/* How the power button reaches the OS (ACPI 6.4 §4.8.2.2.1, §5.6.9). */
struct acpi_power_button {
    enum { POWER_BUTTON_NONE, POWER_BUTTON_FIXED, POWER_BUTTON_GED } kind;
    /* FIXED: PWRBTN_STS/PWRBTN_EN in the PM1 event block, signalled by the SCI (an ISA IRQ) */
    uint16_t pm1a_evt, pm1_evt_len, pm1a_cnt, smi_cmd, sci_irq;
    uint16_t gpe0, gpe0_len;           /* general-purpose events: status half, then enable half */
    uint8_t acpi_enable;
    /* GED: the Generic Event Device's event register and interrupt (hardware-reduced ACPI) */
    uint64_t ged_register;
    uint32_t ged_gsi;
    uint8_t ged_level, ged_active_low;
};
/* Fill *out from the FADT and, for hardware-reduced ACPI, the DSDT's ACPI0013 device. */
void acpi_find_power_button(struct acpi_power_button *out);
/* Enter S5 (soft off). Returns only when ACPI is absent or refuses. */
void acpi_power_off(void);
#endif
