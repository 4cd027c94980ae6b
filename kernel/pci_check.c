/* Checks of what a PCI function reports (pci_check.h). */
#include "pci_check.h"
#include "format.h"
#include <errno.h>

int pci_msix_table_check(const struct pci_bar bars[PCI_BARS], uint32_t table, unsigned entries, char *why, size_t n)
{
    unsigned bir = table & PCI_MSIX_BIR_MASK;
    uint64_t off = table & ~(uint32_t)PCI_MSIX_BIR_MASK, len = (uint64_t)entries * PCI_MSIX_ENTRY_SIZE;
    if (bir >= PCI_BARS) {                   /* PCI 3.0 §6.8.2.4: BIR values 6 and 7 are reserved */
        ksnprintf(why, n, "MSI-X table in reserved BAR %u", bir);
        return -EINVAL;
    }
    const struct pci_bar *b = &bars[bir];
    if (b->io || !b->size) {
        ksnprintf(why, n, "MSI-X table in BAR %u, which is %s", bir, b->io ? "an I/O range" : "absent");
        return -EINVAL;
    }
    if (!pci_range_within(b->size, off, len)) {
        ksnprintf(why, n, "MSI-X table lies outside BAR %u (offset 0x%lx + 0x%lx > 0x%lx)", bir,
                  (unsigned long)off, (unsigned long)len, (unsigned long)b->size);
        return -EINVAL;
    }
    return 0;
}
