/* The kernel's page pool: where its bitmap lives, which pages start out taken. */
#include "memory.h"
#include "../boot/boot.h"
#include "panic.h"
#include <errno.h>

static struct page_pool pool;
static const struct mem_range *ram_ranges;
static int nram_ranges;
static uintptr_t heap_base;
static struct mem_range modules[BOOT_MODULES_MAX];
static int nmodules;

static int overlaps(uint64_t a, uint64_t alen, const struct mem_range *r)
{
    return a < r->base + r->len && r->base < a + alen;
}

/* The first page-aligned place at or after from where bytes fit without covering a module. */
static uintptr_t clear_of_modules(const struct boot_info *bi, uintptr_t from, size_t bytes)
{
    for (int moved = 1; moved;) {
        moved = 0;
        for (int i = 0; i < bi->nmodules; i++)
            if (overlaps(from, bytes, &bi->modules[i])) {
                from = PAGE_ROUND_UP(bi->modules[i].base + bi->modules[i].len);
                moved = 1;
            }
    }
    return from;
}

static int in_ram(const struct boot_info *bi, uint64_t b, uint64_t e)
{
    for (int i = 0; i < bi->nram; i++)
        if (b >= bi->ram[i].base && e <= bi->ram[i].base + bi->ram[i].len)
            return 1;
    return 0;
}

/* Free bytes above at, up to the next thing in the way (a module, the bitmap [bitmap, bitmap_end))
 * or the end of at's RAM range. */
static uint64_t room_above(const struct boot_info *bi, uint64_t at, uint64_t bitmap, uint64_t bitmap_end)
{
    uint64_t end = at;
    for (int i = 0; i < bi->nram; i++)
        if (at >= bi->ram[i].base && at < bi->ram[i].base + bi->ram[i].len)
            end = PAGE_ROUND_DOWN(bi->ram[i].base + bi->ram[i].len);
    for (int i = 0; i < bi->nmodules; i++)
        if (bi->modules[i].base >= at && PAGE_ROUND_DOWN(bi->modules[i].base) < end)
            end = PAGE_ROUND_DOWN(bi->modules[i].base);
    if (at < bitmap_end && bitmap_end <= end)
        end = at < bitmap ? (bitmap < end ? bitmap : end) : at;   /* the heap may not start inside it */
    return end > at ? end - at : 0;
}

/* The heap grows up from one place and stops at the first page it cannot take, so it starts
 * where the most room is: right after the bitmap, or after a module (QEMU's multiboot loader
 * puts the initrd right after the image; its PVH loader, near the top of RAM). */
static uintptr_t heap_place(const struct boot_info *bi, uintptr_t bitmap, uintptr_t bitmap_end)
{
    uintptr_t best = bitmap_end;
    for (int i = 0; i < bi->nmodules; i++) {
        uintptr_t c = PAGE_ROUND_UP(bi->modules[i].base + bi->modules[i].len);
        if (room_above(bi, c, bitmap, bitmap_end) > room_above(bi, best, bitmap, bitmap_end))
            best = c;
    }
    return best;
}

/* Hold the modules' pages until whoever reads them gives them back. A page may be shared with
 * the image or another module, so each is claimed alone; a module outside RAM is dropped. */
static void claim_modules(const struct boot_info *bi)
{
    for (int i = 0; i < bi->nmodules; i++) {
        uint64_t b = PAGE_ROUND_DOWN(bi->modules[i].base);
        uint64_t e = PAGE_ROUND_UP(bi->modules[i].base + bi->modules[i].len);
        if (!in_ram(bi, b, e))
            continue;
        for (uint64_t p = b; p < e; p += PAGE_SIZE)
            page_pool_claim(&pool, p, 1);  /* already taken (the image's last page): still held */
        modules[nmodules++] = bi->modules[i];
    }
}

void memory_init(const struct boot_info *bi)
{
    if (bi->nram == 0)
        panic("the loader reported no usable RAM");
    uint64_t lo = PAGE_ROUND_DOWN(bi->ram[0].base);
    uint64_t hi = PAGE_ROUND_DOWN(bi->ram[bi->nram - 1].base + bi->ram[bi->nram - 1].len);
    size_t npages = (hi - lo) >> PAGE_SHIFT;

    /* The bitmap sits right after the image, or after the loader's modules where they follow
     * it (QEMU puts them there): the only memory known free before the bitmap exists. */
    size_t bitmap_bytes = PAGE_ROUND_UP(page_pool_bitmap_bytes(npages));
    uintptr_t bitmap = clear_of_modules(bi, PAGE_ROUND_UP((uintptr_t)_image_end), bitmap_bytes);
    page_pool_init(&pool, lo, npages, (uint64_t *)bitmap);
    for (int i = 0; i < bi->nram; i++) {
        uint64_t b = PAGE_ROUND_UP(bi->ram[i].base);
        uint64_t e = PAGE_ROUND_DOWN(bi->ram[i].base + bi->ram[i].len);
        if (e > b)
            page_pool_release(&pool, b, (e - b) >> PAGE_SHIFT);
    }
    uintptr_t image = (uintptr_t)_image_start, image_end = PAGE_ROUND_UP((uintptr_t)_image_end);
    if (page_pool_claim(&pool, image, (image_end - image) >> PAGE_SHIFT) < 0 ||
        page_pool_claim(&pool, bitmap, bitmap_bytes >> PAGE_SHIFT) < 0)
        panic("the kernel image [%p, %p) and its page bitmap at %p are not in usable RAM", (void *)image,
              (void *)image_end, (void *)bitmap);
    claim_modules(bi);
    ram_ranges = bi->ram;
    nram_ranges = bi->nram;
    heap_base = heap_place(bi, bitmap, bitmap + bitmap_bytes);
}

const struct mem_range *mem_modules(int *n)
{
    *n = nmodules;
    return modules;
}

void mem_module_release(int i)
{
    if (i < 0 || i >= nmodules || modules[i].len == 0)
        return;
    uint64_t b = PAGE_ROUND_UP(modules[i].base);        /* whole pages only: a neighbour may share the ends */
    uint64_t e = PAGE_ROUND_DOWN(modules[i].base + modules[i].len);
    if (e > b)
        page_pool_release(&pool, b, (e - b) >> PAGE_SHIFT);
    modules[i].len = 0;
}

void *page_alloc(size_t n) { return (void *)(uintptr_t)page_pool_alloc(&pool, n); }
void *page_alloc_below(size_t n, uint64_t limit) { return (void *)(uintptr_t)page_pool_alloc_below(&pool, n, limit); }
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
