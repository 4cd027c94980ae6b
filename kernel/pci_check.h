/* Checks of what a PCI function reports about itself, before the kernel uses it: pure logic on
 * plain values, so that the host tests run it (tests/unit/test_pci_check.c). */
#ifndef KERNEL_PCI_CHECK_H
#define KERNEL_PCI_CHECK_H
#include "pci.h"
#include <stddef.h>
#include <stdint.h>

#define PCI_MSIX_BIR_MASK 0x7
#define PCI_MSIX_ENTRY_SIZE 16

/* 1 if [off, off + len) lies within a region of `size` bytes, 0 if not; never overflows. */
static inline int pci_range_within(uint64_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

/* The MSI-X table that the capability's Table Offset/BIR register `table` (PCI 3.0 §6.8.2.4)
 * locates, with `entries` entries: its BIR must name a memory BAR of bars[], and the whole table
 * must lie inside it. Returns 0, or -EINVAL with the reason in why (n bytes). */
int pci_msix_table_check(const struct pci_bar bars[PCI_BARS], uint32_t table, unsigned entries, char *why, size_t n);
#endif
