/* The heap: one run of pages from the end of the image upward, claimed from the page pool
 * a page at a time as the break moves (newlib's malloc grows it through sbrk). */
#include "memory.h"
#include <errno.h>

static uintptr_t brk;          /* the break: first byte past the heap */
static uintptr_t claimed_end;  /* first page not claimed for the heap */

void *heap_grow(intptr_t incr, int *err)
{
    if (!brk)
        brk = claimed_end = heap_start();
    uintptr_t old = brk, new_brk = brk + incr;
    if (incr < 0 && (uintptr_t)-incr > old - heap_start()) {
        *err = -EINVAL;
        return (void *)-1;
    }
    uintptr_t need_end = PAGE_ROUND_UP(new_brk);
    if (need_end > claimed_end) {
        if (page_claim((void *)claimed_end, (need_end - claimed_end) / PAGE_SIZE) < 0) {
            *err = -ENOMEM;
            return (void *)-1;
        }
    } else if (need_end < claimed_end) {
        page_free((void *)need_end, (claimed_end - need_end) / PAGE_SIZE);
    }
    claimed_end = need_end;
    brk = new_brk;
    return (void *)old;
}
