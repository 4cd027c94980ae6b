#include "ksyms.h"
#include "../boot/boot.h"

/* Defined by the generated ksyms.S: sorted by address. */
extern const uint32_t ksyms_count;
extern const struct ksym ksyms_table[];
extern const char ksyms_names[];

static uint64_t region_lo, region_hi;
static ksym_lookup_fn region_lookup;

void ksym_add_region(uint64_t lo, uint64_t hi, ksym_lookup_fn lookup)
{
    region_lo = lo;
    region_hi = hi;
    region_lookup = lookup;
}

const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
    if (region_lookup && addr >= region_lo && addr < region_hi)
        return region_lookup(addr, offset);
    if (addr < (uintptr_t)_text_start || addr >= (uintptr_t)_text_end || ksyms_count == 0)
        return 0;
    uint32_t lo = 0, hi = ksyms_count;          /* find the last entry with .addr <= addr */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (ksyms_table[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (ksyms_table[lo].addr > addr)
        return 0;
    *offset = addr - ksyms_table[lo].addr;
    return ksyms_names + ksyms_table[lo].name;
}
