/* Vector allocation and the IOAPICs (82093AA datasheet §3.2; where they are: ACPI MADT §5.2.12). */
#include "irq.h"
#include "acpi.h"
#include "page_alloc.h"
#include "paging.h"
#include "thread.h"
#include "trap.h"
#include "x86.h"
#include <errno.h>

#define VECTOR_FIRST 0x30
#define VECTOR_LAST 0xEF
#define MAX_IOAPICS 4
#define MAX_SHARED 8
#define MAX_LINES 16
#define MADT_ENTRIES 44
#define MADT_IOAPIC 1
#define MADT_OVERRIDE 2
#define IOAPIC_DEFAULT_BASE 0xFEC00000u
#define IOREGSEL 0x00
#define IOWIN 0x10
#define REG_VERSION 0x01
#define REG_REDIRECT 0x10
#define REDIRECT_MASKED (1u << 16)
#define REDIRECT_LEVEL (1u << 15)
#define REDIRECT_ACTIVE_LOW (1u << 13)
#define MPS_POLARITY_LOW 0x3
#define MPS_TRIGGER_LEVEL 0xC

struct ioapic {
    volatile uint32_t *regs;
    uint32_t gsi_base, lines;
};

struct line {                          /* a GSI and the handlers sharing it */
    uint32_t gsi;
    int used;
    struct {
        void (*fn)(void *);
        void *arg;
    } h[MAX_SHARED];
    int n;
};

static int next_vector = VECTOR_FIRST;
static struct ioapic ioapics[MAX_IOAPICS];
static int nioapics = -1;
static struct line lines[MAX_LINES];
static struct {
    uint8_t source;
    uint32_t gsi;
    uint16_t flags;
} overrides[16];
static int noverrides;

int irq_alloc_vector(void (*handler)(void *), void *arg)
{
    if (next_vector > VECTOR_LAST)
        return -ENOSPC;
    int v = next_vector++;
    trap_set_handler((unsigned)v, handler, arg);
    return v;
}

static uint32_t ioapic_read(struct ioapic *a, uint8_t reg)
{
    a->regs[IOREGSEL / 4] = reg;
    return a->regs[IOWIN / 4];
}

static void ioapic_write(struct ioapic *a, uint8_t reg, uint32_t v)
{
    a->regs[IOREGSEL / 4] = reg;
    a->regs[IOWIN / 4] = v;
}

static void add_ioapic(uint32_t addr, uint32_t gsi_base)
{
    if (nioapics == MAX_IOAPICS || vm_map(addr, PAGE_SIZE, VM_WRITE | VM_UNCACHED) < 0)
        return;
    struct ioapic *a = &ioapics[nioapics++];
    a->regs = (volatile uint32_t *)(uintptr_t)addr;
    a->gsi_base = gsi_base;
    a->lines = ((ioapic_read(a, REG_VERSION) >> 16) & 0xFF) + 1;
}

/* The MADT's IOAPIC and interrupt source override entries; one IOAPIC at the usual place
 * when there is no MADT. */
static void find_ioapics(void)
{
    if (nioapics >= 0)
        return;
    nioapics = 0;
    const uint8_t *madt = acpi_find_table("APIC");
    if (madt) {
        uint32_t len = *(const uint32_t *)(madt + 4);
        for (uint32_t off = MADT_ENTRIES; off + 2 <= len;) {
            const uint8_t *e = madt + off;
            if (e[1] < 2)
                break;                   /* a zero-length entry would loop forever */
            if (e[0] == MADT_IOAPIC && e[1] >= 12)
                add_ioapic(*(const uint32_t *)(e + 4), *(const uint32_t *)(e + 8));
            else if (e[0] == MADT_OVERRIDE && e[1] >= 10 && noverrides < 16) {
                overrides[noverrides].source = e[3];
                overrides[noverrides].gsi = *(const uint32_t *)(e + 4);
                overrides[noverrides].flags = *(const uint16_t *)(e + 8);
                noverrides++;
            }
            off += e[1];
        }
    }
    if (nioapics == 0)
        add_ioapic(IOAPIC_DEFAULT_BASE, 0);
}

uint32_t irq_isa_to_gsi(uint8_t isa_irq, int *level, int *active_low)
{
    find_ioapics();
    for (int i = 0; i < noverrides; i++)
        if (overrides[i].source == isa_irq) {
            uint16_t f = overrides[i].flags;   /* each field 0: as the bus (the caller's default) */
            if (f & MPS_TRIGGER_LEVEL)
                *level = (f & MPS_TRIGGER_LEVEL) == MPS_TRIGGER_LEVEL;
            if (f & MPS_POLARITY_LOW)
                *active_low = (f & MPS_POLARITY_LOW) == MPS_POLARITY_LOW;
            return overrides[i].gsi;
        }
    return isa_irq;
}

static void line_interrupt(void *p)
{
    struct line *l = p;
    for (int i = 0; i < l->n; i++)
        l->h[i].fn(l->h[i].arg);
}

int irq_attach_gsi(uint32_t gsi, int level, int active_low, void (*handler)(void *), void *arg)
{
    find_ioapics();
    struct ioapic *a = 0;
    for (int i = 0; i < nioapics; i++)
        if (gsi >= ioapics[i].gsi_base && gsi < ioapics[i].gsi_base + ioapics[i].lines)
            a = &ioapics[i];
    if (!a)
        return -ENODEV;
    struct line *l = 0, *free_line = 0;
    for (int i = 0; i < MAX_LINES; i++) {
        if (lines[i].used && lines[i].gsi == gsi)
            l = &lines[i];
        else if (!lines[i].used && !free_line)
            free_line = &lines[i];
    }
    if (!l) {
        if (!free_line)
            return -ENOSPC;
        int vector = irq_alloc_vector(line_interrupt, free_line);
        if (vector < 0)
            return vector;
        l = free_line;
        l->used = 1;
        l->gsi = gsi;
        uint8_t pin = (uint8_t)(gsi - a->gsi_base);
        uint32_t low = (uint32_t)vector | (level ? REDIRECT_LEVEL : 0) | (active_low ? REDIRECT_ACTIVE_LOW : 0);
        ioapic_write(a, REG_REDIRECT + 2 * pin + 1, 0);       /* destination: APIC ID 0 */
        ioapic_write(a, REG_REDIRECT + 2 * pin, low);         /* unmasked */
    }
    if (l->n == MAX_SHARED)
        return -ENOSPC;
    int s = irq_save();
    l->h[l->n].fn = handler;
    l->h[l->n].arg = arg;
    l->n++;
    irq_restore(s);
    return 0;
}
