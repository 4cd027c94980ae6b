#include "page_alloc.h"
#include <errno.h>
#include <string.h>

#define BITS_PER_WORD 64

static int bit_get(const struct page_pool *p, size_t i) { return (p->bits[i / BITS_PER_WORD] >> (i % BITS_PER_WORD)) & 1; }
static void bit_set(struct page_pool *p, size_t i) { p->bits[i / BITS_PER_WORD] |= 1ull << (i % BITS_PER_WORD); }
static void bit_clear(struct page_pool *p, size_t i) { p->bits[i / BITS_PER_WORD] &= ~(1ull << (i % BITS_PER_WORD)); }

size_t page_pool_bitmap_bytes(size_t npages)
{
    return (npages + BITS_PER_WORD - 1) / BITS_PER_WORD * sizeof(uint64_t);
}

void page_pool_init(struct page_pool *p, uint64_t base, size_t npages, uint64_t *bits)
{
    p->base = base;
    p->npages = npages;
    p->nfree = 0;
    p->bits = bits;
    memset(bits, 0xFF, page_pool_bitmap_bytes(npages));
}

/* The page indexes [first, last) that [addr, addr + n pages) covers within the pool. */
static int span(const struct page_pool *p, uint64_t addr, size_t n, size_t *first, size_t *last)
{
    if (addr + n * PAGE_SIZE <= p->base || addr >= p->base + p->npages * PAGE_SIZE)
        return 0;
    uint64_t lo = addr < p->base ? p->base : addr;
    uint64_t hi = addr + n * PAGE_SIZE;
    *first = (lo - p->base) >> PAGE_SHIFT;
    *last = (hi - p->base) >> PAGE_SHIFT;
    if (*last > p->npages)
        *last = p->npages;
    return 1;
}

void page_pool_release(struct page_pool *p, uint64_t addr, size_t n)
{
    size_t first, last;
    if (!span(p, addr, n, &first, &last))
        return;
    for (size_t i = first; i < last;) {
        if (i % BITS_PER_WORD == 0 && last - i >= BITS_PER_WORD) {   /* a whole word at once */
            p->nfree += (size_t)__builtin_popcountll(p->bits[i / BITS_PER_WORD]);
            p->bits[i / BITS_PER_WORD] = 0;
            i += BITS_PER_WORD;
            continue;
        }
        if (bit_get(p, i)) {
            bit_clear(p, i);
            p->nfree++;
        }
        i++;
    }
}

uint64_t page_pool_alloc(struct page_pool *p, size_t n) { return page_pool_alloc_below(p, n, UINT64_MAX); }

uint64_t page_pool_alloc_below(struct page_pool *p, size_t n, uint64_t limit)
{
    if (n == 0 || n > p->nfree || limit <= p->base)
        return 0;
    size_t top = p->npages;
    if ((limit - p->base) >> PAGE_SHIFT < top)
        top = (limit - p->base) >> PAGE_SHIFT;
    size_t run = 0;
    for (size_t i = top; i-- > 0;) {
        if (bit_get(p, i)) {
            run = 0;
            /* skip a whole word of used pages at once */
            while (i % BITS_PER_WORD == 0 && i >= BITS_PER_WORD && p->bits[i / BITS_PER_WORD - 1] == ~0ull)
                i -= BITS_PER_WORD;
            continue;
        }
        if (++run == n) {
            for (size_t j = i; j < i + n; j++)
                bit_set(p, j);
            p->nfree -= n;
            return p->base + ((uint64_t)i << PAGE_SHIFT);
        }
    }
    return 0;
}

int page_pool_claim(struct page_pool *p, uint64_t addr, size_t n)
{
    if (addr < p->base || addr + n * PAGE_SIZE > p->base + p->npages * PAGE_SIZE)
        return -ENOMEM;
    size_t first = (addr - p->base) >> PAGE_SHIFT;
    for (size_t i = first; i < first + n; i++)
        if (bit_get(p, i))
            return -ENOMEM;
    for (size_t i = first; i < first + n; i++)
        bit_set(p, i);
    p->nfree -= n;
    return 0;
}

int page_pool_in_use(const struct page_pool *p, uint64_t addr)
{
    if (addr < p->base || addr >= p->base + p->npages * PAGE_SIZE)
        return 1;
    return bit_get(p, (addr - p->base) >> PAGE_SHIFT);
}
