/* ACPI, as much as Mayfly needs: the tables' location and S5 power-off (ACPI 6.4 §5.2, §7.4.2). */
#ifndef KERNEL_ACPI_H
#define KERNEL_ACPI_H
#include <stdint.h>

/* Remember where the loader said the RSDP is (0: search the BIOS areas when needed). */
void acpi_set_rsdp(uint64_t rsdp);
/* Find a table by signature ("FACP", "APIC", ...); NULL if absent or its checksum is bad. */
const void *acpi_find_table(const char sig[4]);
/* The DSDT (whole, with its header) and its length; NULL without ACPI. */
const void *acpi_dsdt(uint32_t *len);
/* Enter S5 (soft off). Returns only when ACPI is absent or refuses. */
void acpi_power_off(void);
#endif
