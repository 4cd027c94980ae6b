/* The three loaders' boot information, read into struct boot_info.
 * Multiboot 0.6.96 §3.3, multiboot2 §3.6, Xen's hvm_start_info (arch-x86/hvm/start_info.h). */
#include "bootinfo.h"
#include "../boot/boot.h"
#include <errno.h>
#include <string.h>

#define MB1_INFO_MEM     (1 << 0)
#define MB1_INFO_CMDLINE (1 << 2)
#define MB1_INFO_MODS    (1 << 3)
#define MB1_INFO_MMAP    (1 << 6)
#define MB2_TAG_END      0
#define MB2_TAG_CMDLINE  1
#define MB2_TAG_MODULE   3
#define MB2_TAG_MMAP     6
#define MB2_TAG_RSDP_V1  14
#define MB2_TAG_RSDP_V2  15
#define E820_RAM         1
#define KIB              1024u
#define LOW_MEMORY_END   0x100000u   /* below 1 MiB: BIOS areas and ROM, never handed out */

struct mb1_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    uint32_t mods_count, mods_addr, syms[4], mmap_length, mmap_addr;
} __attribute__((packed));

struct mb1_mmap {
    uint32_t size;
    uint64_t base, len;
    uint32_t type;
} __attribute__((packed));

struct mb1_module {
    uint32_t start, end, string, reserved;
};

struct mb2_tag {
    uint32_t type, size;
};

struct mb2_module {
    struct mb2_tag tag;
    uint32_t start, end;                 /* then the module's string */
};

struct pvh_module {
    uint64_t paddr, size, cmdline_paddr, reserved;
};

struct mb2_mmap_entry {
    uint64_t base, len;
    uint32_t type, reserved;
};

struct pvh_start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};

struct pvh_memmap_entry {
    uint64_t addr, size;
    uint32_t type, reserved;
};

static void copy_cmdline(struct boot_info *bi, const char *s, int skip_first_word)
{
    if (!s)
        return;
    if (skip_first_word) {        /* multiboot1 loaders put the kernel's file name first */
        while (*s && *s != ' ')
            s++;
        while (*s == ' ')
            s++;
    }
    size_t n = strnlen(s, BOOT_CMDLINE_MAX);
    if (n == BOOT_CMDLINE_MAX) {
        bi->cmdline_truncated = 1;
        n = BOOT_CMDLINE_MAX - 1;
    }
    memcpy(bi->cmdline, s, n);
    bi->cmdline[n] = '\0';
}

/* Add usable RAM, keeping the list sorted and merged; memory below 1 MiB is left out. */
static void add_ram(struct boot_info *bi, uint64_t base, uint64_t len)
{
    uint64_t end = base + len;
    if (end <= LOW_MEMORY_END || len == 0)
        return;
    if (base < LOW_MEMORY_END)
        base = LOW_MEMORY_END;
    if (bi->nram == BOOT_RAM_RANGES_MAX)
        return;                      /* more ranges than any VM reports: ignore the rest */
    int i = bi->nram;
    while (i > 0 && bi->ram[i - 1].base > base) {
        bi->ram[i] = bi->ram[i - 1];
        i--;
    }
    bi->ram[i] = (struct mem_range){ base, end - base };
    bi->nram++;
    /* merge neighbours that touch or overlap */
    int out = 0;
    for (int j = 1; j < bi->nram; j++) {
        struct mem_range *a = &bi->ram[out], *b = &bi->ram[j];
        if (b->base <= a->base + a->len) {
            uint64_t e = b->base + b->len;
            if (e > a->base + a->len)
                a->len = e - a->base;
        } else {
            bi->ram[++out] = *b;
        }
    }
    bi->nram = out + 1;
}

/* A module the loader placed at [start, end); an empty or inverted one is no module. */
static void add_module(struct boot_info *bi, uint64_t start, uint64_t end)
{
    if (end > start && bi->nmodules < BOOT_MODULES_MAX)
        bi->modules[bi->nmodules++] = (struct mem_range){ start, end - start };
}

static void parse_mb1(const struct mb1_info *mi, struct boot_info *bi)
{
    bi->loader = "multiboot1";
    if (mi->flags & MB1_INFO_CMDLINE)
        copy_cmdline(bi, (const char *)(uintptr_t)mi->cmdline, 1);
    if (mi->flags & MB1_INFO_MMAP) {
        uintptr_t p = mi->mmap_addr, end = p + mi->mmap_length;
        while (p < end) {
            const struct mb1_mmap *e = (const void *)p;
            if (e->type == E820_RAM)
                add_ram(bi, e->base, e->len);
            p += e->size + sizeof e->size;
        }
    } else if (mi->flags & MB1_INFO_MEM) {
        add_ram(bi, LOW_MEMORY_END, (uint64_t)mi->mem_upper * KIB);
    }
    if (mi->flags & MB1_INFO_MODS) {
        const struct mb1_module *m = (const void *)(uintptr_t)mi->mods_addr;
        for (uint32_t i = 0; i < mi->mods_count && i < BOOT_MODULES_MAX; i++)
            add_module(bi, m[i].start, m[i].end);
    }
}

static void parse_mb2(uintptr_t info, struct boot_info *bi)
{
    bi->loader = "multiboot2";
    uint32_t total = *(const uint32_t *)info;
    uintptr_t p = info + 8, end = info + total;
    while (p + sizeof(struct mb2_tag) <= end) {
        const struct mb2_tag *t = (const void *)p;
        if (t->type == MB2_TAG_END)
            break;
        if (t->type == MB2_TAG_CMDLINE)
            copy_cmdline(bi, (const char *)(t + 1), 0);
        else if (t->type == MB2_TAG_RSDP_V1 || (t->type == MB2_TAG_RSDP_V2))
            bi->rsdp = (uintptr_t)(t + 1);   /* a copy of the RSDP, inside the info block */
        else if (t->type == MB2_TAG_MODULE && t->size >= sizeof(struct mb2_module)) {
            const struct mb2_module *m = (const void *)t;
            add_module(bi, m->start, m->end);
        } else if (t->type == MB2_TAG_MMAP) {
            uint32_t esize = ((const uint32_t *)(t + 1))[0];
            uintptr_t e = p + 16, eend = p + t->size;
            for (; esize && e + esize <= eend; e += esize) {
                const struct mb2_mmap_entry *m = (const void *)e;
                if (m->type == E820_RAM)
                    add_ram(bi, m->base, m->len);
            }
        }
        p += (t->size + 7) & ~7u;
    }
}

static void parse_pvh(const struct pvh_start_info *si, struct boot_info *bi)
{
    bi->loader = "pvh";
    copy_cmdline(bi, (const char *)(uintptr_t)si->cmdline_paddr, 0);
    bi->rsdp = si->rsdp_paddr;
    const struct pvh_module *mods = (const void *)(uintptr_t)si->modlist_paddr;
    for (uint32_t i = 0; mods && i < si->nr_modules && i < BOOT_MODULES_MAX; i++)
        add_module(bi, mods[i].paddr, mods[i].paddr + mods[i].size);
    if (si->version >= 1) {
        const struct pvh_memmap_entry *m = (const void *)(uintptr_t)si->memmap_paddr;
        for (uint32_t i = 0; i < si->memmap_entries; i++)
            if (m[i].type == E820_RAM)
                add_ram(bi, m[i].addr, m[i].size);
    }
}

int bootinfo_parse(uint32_t magic, uint32_t info_addr, struct boot_info *bi)
{
    memset(bi, 0, sizeof *bi);
    /* qboot's PVH entry leaves the multiboot1 magic in EAX: the start_info magic decides. */
    if (magic == BOOT_MAGIC_PVH || *(const uint32_t *)(uintptr_t)info_addr == BOOT_MAGIC_PVH)
        parse_pvh((const void *)(uintptr_t)info_addr, bi);
    else if (magic == BOOT_MAGIC_MB1)
        parse_mb1((const void *)(uintptr_t)info_addr, bi);
    else if (magic == BOOT_MAGIC_MB2)
        parse_mb2(info_addr, bi);
    else
        return -EINVAL;
    return 0;
}
