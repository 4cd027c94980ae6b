/* The kernel's page pool: where its bitmap lives, which pages start out taken. */
#include "memory.h"
#include "../boot/boot.h"
#include "panic.h"
#include <errno.h>

static struct page_pool pool;
static const struct mem_range *ram_ranges;
static int nram_ranges;
static uintptr_t heap_base;

void memory_init(const struct boot_info *bi)
{
    if (bi->nram == 0)
        panic("the loader reported no usable RAM");
    uint64_t lo = PAGE_ROUND_DOWN(bi->ram[0].base);
    uint64_t hi = PAGE_ROUND_DOWN(bi->ram[bi->nram - 1].base + bi->ram[bi->nram - 1].len);
    size_t npages = (hi - lo) >> PAGE_SHIFT;

    /* The bitmap sits right after the image: the only memory known free before it exists. */
    uintptr_t bitmap = PAGE_ROUND_UP((uintptr_t)_image_end);
    size_t bitmap_bytes = PAGE_ROUND_UP(page_pool_bitmap_bytes(npages));
    page_pool_init(&pool, lo, npages, (uint64_t *)bitmap);
    for (int i = 0; i < bi->nram; i++) {
        uint64_t b = PAGE_ROUND_UP(bi->ram[i].base);
        uint64_t e = PAGE_ROUND_DOWN(bi->ram[i].base + bi->ram[i].len);
        if (e > b)
            page_pool_release(&pool, b, (e - b) >> PAGE_SHIFT);
    }
    uintptr_t image = (uintptr_t)_image_start;
    if (page_pool_claim(&pool, image, (bitmap + bitmap_bytes - image) >> PAGE_SHIFT) < 0)
        panic("the kernel image [%p, %p) is not in usable RAM", (void *)image, (void *)(bitmap + bitmap_bytes));
    ram_ranges = bi->ram;
    nram_ranges = bi->nram;
    heap_base = bitmap + bitmap_bytes;
}

void *page_alloc(size_t n) { return (void *)(uintptr_t)page_pool_alloc(&pool, n); }
void page_free(void *addr, size_t n) { page_pool_release(&pool, (uintptr_t)addr, n); }
int page_claim(void *addr, size_t n) { return page_pool_claim(&pool, (uintptr_t)addr, n); }
size_t mem_free_bytes(void) { return pool.nfree * PAGE_SIZE; }
uintptr_t mem_ram_start(void) { return pool.base; }
uintptr_t mem_ram_end(void) { return pool.base + pool.npages * PAGE_SIZE; }
uintptr_t heap_start(void) { return heap_base; }

const struct mem_range *mem_ram_ranges(int *n)
{
    *n = nram_ranges;
    return ram_ranges;
}

int page_is_ram(uintptr_t addr)
{
    for (int i = 0; i < nram_ranges; i++)
        if (addr >= ram_ranges[i].base && addr - ram_ranges[i].base < ram_ranges[i].len)
            return 1;
    return 0;
}

size_t mem_total_bytes(void)
{
    size_t total = 0;
    for (int i = 0; i < nram_ranges; i++)
        total += ram_ranges[i].len;
    return total;
}
