#include "paging.h"
#include "../boot/boot.h"
#include "memory.h"
#include "panic.h"
#include "x86.h"
#include <errno.h>
#include <string.h>

#define PTE_P    (1ull << 0)
#define PTE_W    (1ull << 1)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_PS   (1ull << 7)    /* a 2 MiB page, in a page-directory entry */
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000FFFFFFFFFF000ull
#define LARGE_PAGE (2ul << 20)
#define ENTRIES 512
#define LOW_MEMORY_END 0x100000ul

static uint64_t *pml4;

/* A TLB entry can only be stale for tables in use: none to drop while building new ones. */
static void flush(uintptr_t va)
{
    if (read_cr3() == (uintptr_t)pml4)
        invlpg(va);
}

static uint64_t pte_flags(int flags)
{
    uint64_t f = PTE_P;
    if (flags & VM_WRITE)
        f |= PTE_W;
    if (!(flags & VM_EXEC))
        f |= PTE_NX;
    if (flags & VM_UNCACHED)
        f |= PTE_PCD | PTE_PWT;
    return f;
}

/* A zeroed page for a table. While the boot map is loaded (paging_init building the first tables)
 * it must come from below BOOT_MAP_END: the pool hands out the top of RAM first, which on a VM
 * with more than about 3 GiB lies above the boot map and would fault when zeroed. */
static uint64_t *new_table(void)
{
    int boot_map = !pml4 || read_cr3() != (uintptr_t)pml4;
    uint64_t *t = boot_map ? page_alloc_below(1, BOOT_MAP_END) : page_alloc(1);
    if (t)
        memset(t, 0, PAGE_SIZE);
    return t;
}

static unsigned index_at(uintptr_t va, int level) { return (va >> (12 + 9 * level)) & (ENTRIES - 1); }

/* The entry for va at the given level (0: page table, 1: page directory), creating the tables
 * above it, and splitting a 2 MiB page when a 4 KiB entry is wanted inside it. */
static uint64_t *walk(uintptr_t va, int level)
{
    uint64_t *table = pml4;
    for (int l = 3; l > level; l--) {
        uint64_t *e = &table[index_at(va, l)];
        if (!(*e & PTE_P)) {
            uint64_t *t = new_table();
            if (!t)
                return NULL;
            *e = (uintptr_t)t | PTE_P | PTE_W;   /* leaf entries decide the access */
        } else if (*e & PTE_PS) {
            uint64_t *t = new_table();
            if (!t)
                return NULL;
            uint64_t base = *e & PTE_ADDR, keep = *e & ~PTE_ADDR & ~PTE_PS;
            for (int i = 0; i < ENTRIES; i++)
                t[i] = (base + (uint64_t)i * PAGE_SIZE) | keep;
            *e = (uintptr_t)t | PTE_P | PTE_W;
        }
        table = (uint64_t *)(uintptr_t)(*e & PTE_ADDR);
    }
    return &table[index_at(va, level)];
}

int vm_map(uintptr_t addr, size_t len, int flags)
{
    uintptr_t va = PAGE_ROUND_DOWN(addr), end = PAGE_ROUND_UP(addr + len);
    uint64_t f = pte_flags(flags);
    while (va < end) {
        uint64_t *e;
        if (va % LARGE_PAGE == 0 && end - va >= LARGE_PAGE) {
            e = walk(va, 1);
            if (!e)
                return -ENOMEM;
            *e = va | f | PTE_PS;          /* a page table that was here stays allocated: rare */
            flush(va);
            va += LARGE_PAGE;
        } else {
            e = walk(va, 0);
            if (!e)
                return -ENOMEM;
            *e = va | f;
            flush(va);
            va += PAGE_SIZE;
        }
    }
    return 0;
}

int vm_unmap(uintptr_t addr, size_t len)
{
    for (uintptr_t va = PAGE_ROUND_DOWN(addr); va < addr + len; va += PAGE_SIZE) {
        uint64_t *e = walk(va, 0);
        if (!e)
            return -ENOMEM;
        *e = 0;
        flush(va);
    }
    return 0;
}

int vm_is_mapped(uintptr_t addr, int *flags)
{
    if (!pml4)
        return addr < BOOT_MAP_END;          /* before paging_init: the boot map */
    uint64_t *table = pml4;
    for (int l = 3; l >= 0; l--) {
        uint64_t e = table[index_at(addr, l)];
        if (!(e & PTE_P))
            return 0;
        if (l == 0 || (e & PTE_PS)) {
            if (flags)
                *flags = ((e & PTE_W) ? VM_WRITE : 0) | ((e & PTE_NX) ? 0 : VM_EXEC);
            return 1;
        }
        table = (uint64_t *)(uintptr_t)(e & PTE_ADDR);
    }
    return 0;
}

static void must_map(uintptr_t start, uintptr_t end, int flags)
{
    if (vm_map(start, end - start, flags) < 0)
        panic("out of memory building the page tables");
}

void paging_init(void)
{
    pml4 = new_table();
    if (!pml4)
        panic("out of memory building the page tables");
    /* Page 0 stays unmapped so that a NULL dereference faults. */
    must_map(PAGE_SIZE, LOW_MEMORY_END, VM_READ);
    /* All RAM read/write, no execute; then the image's own pages get their real rights. */
    int n;
    const struct mem_range *ram = mem_ram_ranges(&n);
    for (int i = 0; i < n; i++)
        must_map(ram[i].base, ram[i].base + ram[i].len, VM_WRITE);
    must_map((uintptr_t)_text_start, PAGE_ROUND_UP((uintptr_t)_text_end), VM_EXEC);
    must_map((uintptr_t)_rodata_start, PAGE_ROUND_UP((uintptr_t)_rodata_end), VM_READ);
    must_map((uintptr_t)_data_start, PAGE_ROUND_UP((uintptr_t)_image_end), VM_WRITE);
    /* The boot page tables, dead once these tables are loaded, become the boot stack's guard
     * (boot/entry.S puts them right below it). */
    if (vm_unmap((uintptr_t)boot_stack_guard, boot_stack_guard_end - boot_stack_guard) < 0)
        panic("out of memory building the page tables");
    write_cr3((uintptr_t)pml4);
}
