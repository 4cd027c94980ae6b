/* What the loader told us, in one form whichever loader it was. */
#ifndef KERNEL_BOOTINFO_H
#define KERNEL_BOOTINFO_H
#include <stdint.h>

#define BOOT_CMDLINE_MAX 4096
#define BOOT_RAM_RANGES_MAX 32
#define BOOT_MODULES_MAX 4                  /* files the loader put in memory: the initrd first */

struct mem_range {
    uint64_t base, len;
};

struct boot_info {
    const char *loader;                      /* "multiboot1", "multiboot2", "pvh" */
    char cmdline[BOOT_CMDLINE_MAX];          /* the -append text, loader's file name removed */
    int cmdline_truncated;
    struct mem_range ram[BOOT_RAM_RANGES_MAX];   /* usable RAM, sorted, not overlapping */
    int nram;
    uint64_t rsdp;                           /* ACPI RSDP's address, 0 if the loader gave none */
    struct mem_range modules[BOOT_MODULES_MAX];  /* in the loader's order; empty ones left out */
    int nmodules;
};

/* Read the loader's structures (they may lie in memory the allocator will hand out, so
 * everything needed is copied into *bi). Returns 0, or -EINVAL for an unknown loader. */
int bootinfo_parse(uint32_t magic, uint32_t info_addr, struct boot_info *bi);
#endif
