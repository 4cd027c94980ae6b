/* Physical page frames: a bitmap over one span of addresses, one bit a 4 KiB page.
 * Pure logic (no hardware): the host unit tests drive it directly. */
#ifndef KERNEL_PAGE_ALLOC_H
#define KERNEL_PAGE_ALLOC_H
#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096ul
#define PAGE_SHIFT 12
#define PAGE_ROUND_UP(x) (((x) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define PAGE_ROUND_DOWN(x) ((x) & ~(PAGE_SIZE - 1))

struct page_pool {
    uint64_t base;          /* address of the first page the bitmap covers */
    size_t npages;          /* pages covered */
    size_t nfree;           /* pages free now */
    uint64_t *bits;         /* 1 = in use or not RAM */
};

/* Bytes of bitmap a pool of npages needs. */
size_t page_pool_bitmap_bytes(size_t npages);

/* Cover [base, base + npages pages) with every page in use; free the RAM with page_pool_release. */
void page_pool_init(struct page_pool *p, uint64_t base, size_t npages, uint64_t *bits);

/* Mark pages [addr, addr + n pages) free; parts outside the pool are ignored. */
void page_pool_release(struct page_pool *p, uint64_t addr, size_t n);

/* Allocate n contiguous pages, the highest-addressed run that fits (so that the heap,
 * growing up from the bottom, and these meet only when memory is full).
 * Returns the run's address, or 0 when no run of n free pages exists. */
uint64_t page_pool_alloc(struct page_pool *p, size_t n);

/* The same, for a run that ends at or below limit (the first page tables, built while only the
 * boot map's first 4 GiB are mapped). Returns 0 when no such run exists. */
uint64_t page_pool_alloc_below(struct page_pool *p, size_t n, uint64_t limit);

/* Take the specific pages [addr, addr + n pages) if every one is free.
 * Returns 0, or -ENOMEM when any is in use or outside the pool (nothing is taken then). */
int page_pool_claim(struct page_pool *p, uint64_t addr, size_t n);

/* Whether the page at addr is in use (addresses outside the pool count as in use). */
int page_pool_in_use(const struct page_pool *p, uint64_t addr);
#endif
