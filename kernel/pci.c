#include "pci.h"
#include "pci_check.h"
#include "paging.h"
#include "printk.h"
#include "x86.h"
#include <errno.h>

#define CONFIG_ADDRESS 0xCF8
#define CONFIG_DATA 0xCFC
#define CONFIG_ENABLE (1u << 31)
#define REG_VENDOR 0x00
#define REG_DEVICE 0x02
#define REG_COMMAND 0x04
#define REG_STATUS 0x06
#define REG_CLASS 0x08
#define REG_HEADER_TYPE 0x0E
#define REG_BAR0 0x10
#define REG_SECONDARY_BUS 0x19
#define REG_SUBSYSTEM 0x2E
#define REG_CAP_PTR 0x34
#define REG_IRQ_LINE 0x3C
#define REG_IRQ_PIN 0x3D
#define HEADER_MULTIFUNCTION 0x80
#define HEADER_TYPE_MASK 0x7F
#define HEADER_BRIDGE 1
#define STATUS_CAP_LIST (1 << 4)
#define COMMAND_IO (1 << 0)
#define COMMAND_MEMORY (1 << 1)
#define COMMAND_MASTER (1 << 2)
#define COMMAND_INTX_DISABLE (1 << 10)
#define BAR_IO 0x1
#define BAR_TYPE_64 0x4
#define BAR_TYPE_MASK 0x6
#define SLOTS 32
#define FUNCS 8
#define MSIX_CONTROL 2
#define MSIX_TABLE 4
#define MSIX_ENABLE (1u << 15)
#define MSIX_FUNCTION_MASK (1u << 14)
#define MSIX_SIZE_MASK 0x7FF
#define MSIX_VECTOR_MASKED 1
#define MSI_ADDRESS 0xFEE00000u       /* to the local APIC, destination ID 0: the boot CPU */

static struct pci_device devices[PCI_MAX_DEVICES];
static int ndevices = -1;

static uint32_t address(uint8_t bus, uint8_t slot, uint8_t func, uint8_t off)
{
    return CONFIG_ENABLE | (uint32_t)bus << 16 | (uint32_t)slot << 11 | (uint32_t)func << 8 | (off & 0xFC);
}

static uint32_t cfg_read(uint8_t bus, uint8_t slot, uint8_t func, uint8_t off)
{
    outl(CONFIG_ADDRESS, address(bus, slot, func, off));
    return inl(CONFIG_DATA);
}

uint32_t pci_read32(const struct pci_device *d, uint8_t off) { return cfg_read(d->bus, d->slot, d->func, off); }
uint16_t pci_read16(const struct pci_device *d, uint8_t off) { return (uint16_t)(pci_read32(d, off) >> ((off & 2) * 8)); }
uint8_t pci_read8(const struct pci_device *d, uint8_t off) { return (uint8_t)(pci_read32(d, off) >> ((off & 3) * 8)); }

void pci_write32(const struct pci_device *d, uint8_t off, uint32_t v)
{
    outl(CONFIG_ADDRESS, address(d->bus, d->slot, d->func, off));
    outl(CONFIG_DATA, v);
}

void pci_write16(const struct pci_device *d, uint8_t off, uint16_t v)
{
    outl(CONFIG_ADDRESS, address(d->bus, d->slot, d->func, off));
    outw(CONFIG_DATA + (off & 2), v);
}

/* A BAR's size: write all ones, read back which bits stuck (PCI 3.0 §6.2.5.1). Decoding is off
 * meanwhile so that the probe value never claims addresses. */
static int size_bar(struct pci_device *d, int i)
{
    uint8_t off = REG_BAR0 + 4 * i;
    uint32_t lo = pci_read32(d, off);
    struct pci_bar *b = &d->bar[i];
    int is64 = !(lo & BAR_IO) && (lo & BAR_TYPE_MASK) == BAR_TYPE_64;
    pci_write32(d, off, ~0u);
    uint32_t mask_lo = pci_read32(d, off);
    pci_write32(d, off, lo);
    uint64_t mask = mask_lo, base = lo;
    if (is64) {
        uint32_t hi = pci_read32(d, off + 4);
        pci_write32(d, off + 4, ~0u);
        mask |= (uint64_t)pci_read32(d, off + 4) << 32;
        pci_write32(d, off + 4, hi);
        base |= (uint64_t)hi << 32;
    } else if (mask_lo) {
        mask |= 0xFFFFFFFF00000000ull;
    }
    b->io = lo & BAR_IO;
    mask &= b->io ? ~0x3ull : ~0xFull;
    base &= b->io ? ~0x3ull : ~0xFull;
    if (b->io)
        mask |= 0xFFFFFFFFFFFF0000ull;       /* I/O BARs decode 16 bits */
    b->size = mask ? (~mask + 1) : 0;             /* a BAR that keeps no bit set does not exist */
    b->addr = b->size ? base : 0;
    return is64;
}

static void scan_bus(uint8_t bus);

static void add_function(uint8_t bus, uint8_t slot, uint8_t func)
{
    if (ndevices == PCI_MAX_DEVICES)
        return;
    struct pci_device *d = &devices[ndevices++];
    *d = (struct pci_device){ .bus = bus, .slot = slot, .func = func };
    d->vendor = pci_read16(d, REG_VENDOR);
    d->device = pci_read16(d, REG_DEVICE);
    uint32_t class = pci_read32(d, REG_CLASS);
    d->class = class >> 24;
    d->subclass = (class >> 16) & 0xFF;
    uint8_t header = pci_read8(d, REG_HEADER_TYPE) & HEADER_TYPE_MASK;
    if (header == HEADER_BRIDGE) {
        uint8_t secondary = pci_read8(d, REG_SECONDARY_BUS);
        if (secondary > bus)                  /* set up by the firmware; only go down */
            scan_bus(secondary);
        return;
    }
    d->subsystem_device = pci_read16(d, REG_SUBSYSTEM);
    d->irq_line = pci_read8(d, REG_IRQ_LINE);
    d->irq_pin = pci_read8(d, REG_IRQ_PIN);
    uint16_t cmd = pci_read16(d, REG_COMMAND);
    pci_write16(d, REG_COMMAND, cmd & ~(COMMAND_IO | COMMAND_MEMORY));
    for (int i = 0; i < PCI_BARS; i++)
        i += size_bar(d, i);
    pci_write16(d, REG_COMMAND, cmd);
    if (kernel_debug) {
        kprintf("pci %02x:%02x.%x %04x:%04x class %02x.%02x", bus, slot, func, d->vendor, d->device,
                d->class, d->subclass);
        for (int i = 0; i < PCI_BARS; i++)
            if (d->bar[i].size)
                kprintf(" bar%d %s 0x%lx+0x%lx", i, d->bar[i].io ? "io" : "mem", d->bar[i].addr, d->bar[i].size);
        kprintf("\n");
    }
}

static void scan_bus(uint8_t bus)
{
    for (uint8_t slot = 0; slot < SLOTS; slot++) {
        if ((cfg_read(bus, slot, 0, REG_VENDOR) & 0xFFFF) == 0xFFFF)
            continue;
        int funcs = (cfg_read(bus, slot, 0, REG_HEADER_TYPE & 0xFC) >> 16) & HEADER_MULTIFUNCTION ? FUNCS : 1;
        for (uint8_t f = 0; f < funcs; f++)
            if ((cfg_read(bus, slot, f, REG_VENDOR) & 0xFFFF) != 0xFFFF)
                add_function(bus, slot, f);
    }
}

int pci_enumerate(struct pci_device **list)
{
    if (ndevices < 0) {
        ndevices = 0;
        scan_bus(0);
    }
    *list = devices;
    return ndevices;
}

uint8_t pci_find_cap(const struct pci_device *d, uint8_t id, uint8_t from)
{
    if (!(pci_read16(d, REG_STATUS) & STATUS_CAP_LIST))
        return 0;
    uint8_t off = from ? pci_read8(d, from + 1) : pci_read8(d, REG_CAP_PTR);
    for (int guard = 0; off && guard < 48; guard++) {     /* a looping list must not hang us */
        off &= 0xFC;
        if (pci_read8(d, off) == id)
            return off;
        off = pci_read8(d, off + 1);
    }
    return 0;
}

void pci_enable(const struct pci_device *d)
{
    pci_write16(d, REG_COMMAND, pci_read16(d, REG_COMMAND) | COMMAND_IO | COMMAND_MEMORY | COMMAND_MASTER);
}

void *pci_map_bar(const struct pci_device *d, int bar)
{
    const struct pci_bar *b = &d->bar[bar];
    if (bar < 0 || bar >= PCI_BARS || b->io || !b->size)
        return 0;
    if (vm_map(b->addr, b->size, VM_WRITE | VM_UNCACHED) < 0)
        return 0;
    return (void *)(uintptr_t)b->addr;
}

static int msix_entries(const struct pci_device *d, uint8_t cap)
{
    return (pci_read16(d, cap + MSIX_CONTROL) & MSIX_SIZE_MASK) + 1;
}

/* The MSI-X table, once its place is checked against the BAR it names (PCI 3.0 §6.8.2.4): a
 * device must not aim our writes outside its own registers. NULL, said on the console, if not. */
static volatile uint32_t *msix_table(const struct pci_device *d, uint8_t cap)
{
    uint32_t t = pci_read32(d, cap + MSIX_TABLE);
    char why[96];
    if (pci_msix_table_check(d->bar, t, (unsigned)msix_entries(d, cap), why, sizeof why) < 0) {
        kprintf("mayfly: pci %02x:%02x.%x: %s; MSI-X refused\n", d->bus, d->slot, d->func, why);
        return 0;
    }
    uint8_t *bar = pci_map_bar(d, t & PCI_MSIX_BIR_MASK);
    return bar ? (volatile uint32_t *)(bar + (t & ~(uint32_t)PCI_MSIX_BIR_MASK)) : 0;
}

int pci_msix_init(struct pci_device *d)
{
    uint8_t cap = pci_find_cap(d, PCI_CAP_MSIX, 0);
    if (!cap)
        return -ENODEV;
    volatile uint32_t *table = msix_table(d, cap);
    if (!table)
        return -EINVAL;
    uint16_t control = pci_read16(d, cap + MSIX_CONTROL);
    int n = msix_entries(d, cap);
    for (int i = 0; i < n; i++)
        table[i * PCI_MSIX_ENTRY_SIZE / 4 + 3] = MSIX_VECTOR_MASKED;
    pci_write16(d, cap + MSIX_CONTROL, (control | MSIX_ENABLE) & ~MSIX_FUNCTION_MASK);
    pci_write16(d, REG_COMMAND, pci_read16(d, REG_COMMAND) | COMMAND_INTX_DISABLE);
    return n;
}

int pci_msix_set(const struct pci_device *d, int n, uint8_t vector)
{
    uint8_t cap = pci_find_cap(d, PCI_CAP_MSIX, 0);
    volatile uint32_t *table = cap ? msix_table(d, cap) : 0;
    if (!table || n < 0 || n >= msix_entries(d, cap))
        return -EINVAL;
    volatile uint32_t *e = table + n * PCI_MSIX_ENTRY_SIZE / 4;
    e[0] = MSI_ADDRESS;
    e[1] = 0;
    e[2] = vector;                    /* fixed delivery, edge */
    e[3] = 0;                         /* unmasked */
    return 0;
}
