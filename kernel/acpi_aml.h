/* Reading devices out of AML bytes: pure logic over a buffer the caller gives, so the host unit
 * tests run it against good, truncated and garbage tables. Every read is bounds-checked; a table
 * that breaks the rules yields fewer devices, never a read outside the buffer. */
#ifndef KERNEL_ACPI_AML_H
#define KERNEL_ACPI_AML_H
#include <stddef.h>
#include <stdint.h>

/* What a device's _CRS says it uses, as far as Mayfly needs: its first fixed memory range and
 * its first interrupt (ACPI 6.4 §6.4.3.4 Memory32Fixed, §6.4.3.6 Extended Interrupt). */
struct acpi_resources {
    uint64_t base, size;               /* valid when has_memory */
    uint32_t irq;                      /* a GSI; valid when has_irq */
    uint8_t has_memory, has_irq;
    uint8_t irq_level;                 /* level-triggered (else edge) */
    uint8_t irq_active_low;
    /* the device's first OperationRegion in system memory (§19.6.100), such as the register
     * of a Generic Event Device (§5.6.9), which its _CRS does not list; valid when has_region */
    uint64_t region_base, region_size;
    uint8_t has_region;
};

/* Parse a resource template (the bytes of a _CRS buffer, ACPI 6.4 §6.4): small and large
 * descriptors up to the end tag, unknown ones skipped by their length. Fills *out (zeroed
 * first). Returns 0, or -EINVAL when a descriptor runs past the buffer, a known one is too
 * short, or the end tag is missing. */
int acpi_parse_resources(const uint8_t *buf, size_t len, struct acpi_resources *out);

/* Find, in a definition block's AML (the bytes after the table header), up to max devices whose
 * _HID is the string hid (Name(_HID, "...")) and whose _CRS is a buffer that parses, storing
 * their resources (and their first system-memory OperationRegion with constant bounds) in out. EISA-ID (integer) _HIDs and _CRS methods are not evaluated: there is
 * no AML interpreter. Returns how many were stored. */
int acpi_aml_find_devices(const uint8_t *aml, size_t len, const char *hid, struct acpi_resources *out, int max);
#endif
