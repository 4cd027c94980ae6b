/* Physical memory: the page frames of all usable RAM, and the heap that grows up from the
 * end of the kernel image. One address space, identity mapped: a physical address is a pointer. */
#ifndef KERNEL_MEMORY_H
#define KERNEL_MEMORY_H
#include "bootinfo.h"
#include "page_alloc.h"
#include <stddef.h>
#include <stdint.h>

/* Take every usable RAM range from the boot information; the image and the bitmap are in use. */
void memory_init(const struct boot_info *bi);

/* n contiguous pages, not zeroed, from the top of RAM down; NULL when there are none. */
void *page_alloc(size_t n);
/* The same, from below limit only. */
void *page_alloc_below(size_t n, uint64_t limit);
void page_free(void *addr, size_t n);
/* Take the given pages if all are free: 0 or -ENOMEM. */
int page_claim(void *addr, size_t n);
int page_is_ram(uintptr_t addr);
/* The usable RAM ranges, sorted; *n gets their count. */
const struct mem_range *mem_ram_ranges(int *n);

/* The loader's modules (the initrd first), their pages held for the reader; n gets their count.
 * A released module has len 0. */
const struct mem_range *mem_modules(int *n);
/* Give a module's pages back to the pool: its reader is done with it. */
void mem_module_release(int i);

size_t mem_total_bytes(void);
size_t mem_free_bytes(void);
/* Lowest and highest usable RAM addresses (end exclusive). */
uintptr_t mem_ram_start(void);
uintptr_t mem_ram_end(void);

/* Move the heap's break by incr bytes (sbrk). Returns the old break, or (void *)-1 with the
 * reason in *err (-ENOMEM) when the pages above it are taken or RAM ends. */
void *heap_grow(intptr_t incr, int *err);
uintptr_t heap_start(void);
#endif
