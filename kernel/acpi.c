#include "acpi.h"
#include "acpi_aml.h"
#include "page_alloc.h"
#include "paging.h"
#include "x86.h"
#include <string.h>

#define EBDA_SEGMENT_PTR 0x40E
#define BIOS_AREA_START 0xE0000
#define BIOS_AREA_END 0x100000
#define EBDA_SCAN_LEN 1024
#define RSDP_ALIGN 16
#define SDT_HEADER_LEN 36
#define FADT_DSDT 40
#define FADT_PM1A_CNT 64
#define FADT_X_DSDT 140
#define AML_PACKAGE_OP 0x12
#define AML_BYTE_PREFIX 0x0A
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define FADT_SCI_INT 46              /* §5.2.9, Table 5.9 */
#define FADT_SMI_CMD 48
#define FADT_ACPI_ENABLE 52
#define FADT_PM1A_EVT 56
#define FADT_GPE0 80
#define FADT_PM1_EVT_LEN 88
#define FADT_GPE0_LEN 92
#define FADT_PWR_BUTTON (1u << 4)    /* the button is a control-method device, not fixed */
#define FADT_FLAGS 112
#define FADT_SLEEP_CONTROL 244       /* a Generic Address Structure (ACPI §5.2.3.2) */
#define FADT_HW_REDUCED (1u << 20)
#define GAS_SYSTEM_MEMORY 0
#define GAS_SYSTEM_IO 1
#define SLP_TYP_SHIFT 10
#define SLP_EN (1 << 13)
#define SLEEP_CONTROL_TYP_SHIFT 2    /* hardware-reduced ACPI's sleep control register (§4.8.3.7) */
#define SLEEP_CONTROL_EN (1 << 5)

struct rsdp {
    char signature[8];
    uint8_t checksum;
    char oem[6];
    uint8_t revision;
    uint32_t rsdt;
    uint32_t length;
    uint64_t xsdt;
} __attribute__((packed));

struct sdt {
    char signature[4];
    uint32_t length;
    uint8_t revision, checksum;
    char oem[6], oem_table[8];
    uint32_t oem_revision, creator, creator_revision;
} __attribute__((packed));

static uint64_t rsdp_hint;

void acpi_set_rsdp(uint64_t rsdp) { rsdp_hint = rsdp; }

static int checksum_ok(const void *p, uint32_t len)
{
    uint8_t sum = 0;
    for (uint32_t i = 0; i < len; i++)
        sum += ((const uint8_t *)p)[i];
    return sum == 0;
}

/* Tables lie outside usable RAM (in memory the firmware reserved): map read-only each page of
 * them not mapped yet (pages that are, RAM among them, keep their rights). */
static const void *map(uint64_t addr, uint32_t len)
{
    for (uint64_t page = PAGE_ROUND_DOWN(addr); page < addr + len; page += PAGE_SIZE)
        if (!vm_is_mapped(page, 0) && vm_map(page, PAGE_SIZE, VM_READ) < 0)
            return NULL;
    return (const void *)(uintptr_t)addr;
}

static const struct sdt *map_table(uint64_t addr)
{
    const struct sdt *t = map(addr, SDT_HEADER_LEN);
    if (!t || !map(addr, t->length) || !checksum_ok(t, t->length))
        return NULL;
    return t;
}

static const struct rsdp *scan(uintptr_t start, uintptr_t end)
{
    for (uintptr_t p = start; p + sizeof(struct rsdp) <= end; p += RSDP_ALIGN)
        if (memcmp((const void *)p, "RSD PTR ", 8) == 0 && checksum_ok((const void *)p, 20))
            return (const struct rsdp *)p;
    return NULL;
}

/* The BIOS data area is in page 0, which stays unmapped to catch NULL: map it for one read. */
static uint16_t read_bios_data_word(uintptr_t addr)
{
    if (vm_map(0, PAGE_SIZE, VM_READ) < 0)
        return 0;
    uint16_t v = *(volatile const uint16_t *)addr;
    vm_unmap(0, PAGE_SIZE);
    return v;
}

/* Found once (a scan of the BIOS areas when the loader gave no address): tables never move. */
static const struct rsdp *find_rsdp(void)
{
    static const struct rsdp *found;
    static int looked;
    if (looked)
        return found;
    looked = 1;
    if (rsdp_hint)
        return found = map(rsdp_hint, sizeof(struct rsdp));
    uintptr_t ebda = (uintptr_t)read_bios_data_word(EBDA_SEGMENT_PTR) << 4;
    const struct rsdp *r = ebda ? scan(ebda, ebda + EBDA_SCAN_LEN) : NULL;
    return found = r ? r : scan(BIOS_AREA_START, BIOS_AREA_END);
}

const void *acpi_find_table(const char sig[4])
{
    const struct rsdp *r = find_rsdp();
    if (!r)
        return NULL;
    int wide = r->revision >= 2 && r->xsdt;
    const struct sdt *root = map_table(wide ? r->xsdt : r->rsdt);
    if (!root)
        return NULL;
    unsigned entry = wide ? 8 : 4;
    unsigned n = (root->length - SDT_HEADER_LEN) / entry;
    const uint8_t *entries = (const uint8_t *)root + SDT_HEADER_LEN;
    for (unsigned i = 0; i < n; i++) {
        uint64_t addr = 0;
        memcpy(&addr, entries + i * entry, entry);
        const struct sdt *t = map_table(addr);
        if (t && memcmp(t->signature, sig, 4) == 0)
            return t;
    }
    return NULL;
}

/* The first value of the DSDT's \_S5_ package: Name(_S5_, Package(){SLP_TYPa, ...}) is
 * encoded "_S5_" PackageOp PkgLength NumElements then a Byte/Zero/One constant (ACPI §20.2). */
static int s5_sleep_type(const struct sdt *dsdt)
{
    const uint8_t *p = (const uint8_t *)dsdt + SDT_HEADER_LEN;
    const uint8_t *end = (const uint8_t *)dsdt + dsdt->length;
    for (; p + 8 < end; p++) {
        if (memcmp(p, "_S5_", 4) || p[4] != AML_PACKAGE_OP)
            continue;
        const uint8_t *q = p + 5;
        q += 1 + (*q >> 6);              /* PkgLength: bits 7-6 count its extra bytes */
        q++;                             /* NumElements */
        if (q >= end)
            return -1;
        if (*q == AML_BYTE_PREFIX)
            return q + 1 < end ? q[1] : -1;
        if (*q == AML_ZERO_OP || *q == AML_ONE_OP)
            return *q;
        return -1;
    }
    return -1;
}

/* The DSDT, which the FADT points at (X_DSDT when it is set, §5.2.9). */
/* The FADT, looked up once (NULL without ACPI): the power button, devices and S5 all read it. */
static const uint8_t *fadt(void)
{
    static const uint8_t *found;
    static int looked;
    if (!looked) {
        looked = 1;
        found = acpi_find_table("FACP");
    }
    return found;
}

/* A field of the FADT; 0 past its end (older FADTs are shorter). */
static uint32_t fadt_field(unsigned off, unsigned size)
{
    const uint8_t *f = fadt();
    uint32_t v = 0;
    if (f && off + size <= ((const struct sdt *)f)->length)
        memcpy(&v, f + off, size);
    return v;
}

/* The DSDT, which the FADT points at (X_DSDT when it is set, §5.2.9); looked up once. */
static const struct sdt *dsdt(void)
{
    static const struct sdt *found;
    static int looked;
    const uint8_t *f = fadt();
    if (!looked && f) {
        looked = 1;
        uint64_t addr = 0;
        if (((const struct sdt *)f)->length >= FADT_X_DSDT + 8)
            memcpy(&addr, f + FADT_X_DSDT, 8);
        if (!addr)
            addr = fadt_field(FADT_DSDT, 4);
        found = map_table(addr);
    }
    return found;
}

int acpi_find_devices(const char *hid, struct acpi_resources *out, int max)
{
    const struct sdt *d = dsdt();
    if (!d || d->length < SDT_HEADER_LEN)
        return 0;
    return acpi_aml_find_devices((const uint8_t *)d + SDT_HEADER_LEN, d->length - SDT_HEADER_LEN, hid, out, max);
}

void acpi_find_power_button(struct acpi_power_button *out)
{
    memset(out, 0, sizeof *out);
    if (!fadt())
        return;
    uint32_t flags = fadt_field(FADT_FLAGS, 4);
    if (flags & FADT_HW_REDUCED) {
        struct acpi_resources ged;
        if (acpi_find_devices("ACPI0013", &ged, 1) == 1 && ged.has_irq && ged.has_region && ged.region_size >= 4) {
            out->kind = POWER_BUTTON_GED;
            out->ged_register = ged.region_base;
            out->ged_gsi = ged.irq;
            out->ged_level = ged.irq_level;
            out->ged_active_low = ged.irq_active_low;
        }
        return;
    }
    out->pm1a_evt = (uint16_t)fadt_field(FADT_PM1A_EVT, 4);
    out->pm1_evt_len = (uint16_t)fadt_field(FADT_PM1_EVT_LEN, 1);
    if ((flags & FADT_PWR_BUTTON) || !out->pm1a_evt || out->pm1_evt_len < 4)
        return;                        /* a control-method button needs AML: not handled */
    out->kind = POWER_BUTTON_FIXED;
    out->pm1a_cnt = (uint16_t)fadt_field(FADT_PM1A_CNT, 4);
    out->smi_cmd = (uint16_t)fadt_field(FADT_SMI_CMD, 4);
    out->acpi_enable = (uint8_t)fadt_field(FADT_ACPI_ENABLE, 1);
    out->sci_irq = (uint16_t)fadt_field(FADT_SCI_INT, 2);
    out->gpe0 = (uint16_t)fadt_field(FADT_GPE0, 4);
    out->gpe0_len = (uint16_t)fadt_field(FADT_GPE0_LEN, 1);
}

void acpi_power_off(void)
{
    const uint8_t *f = fadt();
    if (!f)
        return;
    uint32_t len = ((const struct sdt *)f)->length;
    uint32_t pm1a_cnt = fadt_field(FADT_PM1A_CNT, 4);
    const struct sdt *d = dsdt();
    int slp_typ = d ? s5_sleep_type(d) : -1;
    if (slp_typ < 0)
        return;
    uint32_t flags = fadt_field(FADT_FLAGS, 4);
    if ((flags & FADT_HW_REDUCED) && len >= FADT_SLEEP_CONTROL + 12) {
        uint8_t space = f[FADT_SLEEP_CONTROL];
        uint64_t addr;
        memcpy(&addr, f + FADT_SLEEP_CONTROL + 4, 8);
        uint8_t v = (uint8_t)(slp_typ << SLEEP_CONTROL_TYP_SHIFT | SLEEP_CONTROL_EN);
        if (space == GAS_SYSTEM_IO)
            outb((uint16_t)addr, v);
        else if (space == GAS_SYSTEM_MEMORY && vm_map(addr, 1, VM_WRITE | VM_UNCACHED) == 0)
            *(volatile uint8_t *)(uintptr_t)addr = v;
        return;
    }
    if (pm1a_cnt)
        outw((uint16_t)pm1a_cnt, (uint16_t)(slp_typ << SLP_TYP_SHIFT | SLP_EN));
}
