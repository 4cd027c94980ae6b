/* kernel/page_alloc.c: the frame bitmap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdint.h>
#include "../../kernel/page_alloc.h"

#define BASE 0x100000ull
#define NPAGES 1000
static uint64_t bits[(NPAGES + 63) / 64];

static struct page_pool fresh(void)
{
    struct page_pool p;
    page_pool_init(&p, BASE, NPAGES, bits);
    page_pool_release(&p, BASE, NPAGES);
    return p;
}

static void starts_all_used_until_released(void **state)
{
    (void)state;
    struct page_pool p;
    page_pool_init(&p, BASE, NPAGES, bits);
    assert_int_equal(p.nfree, 0);
    assert_int_equal(page_pool_alloc(&p, 1), 0);
    page_pool_release(&p, BASE + 10 * PAGE_SIZE, 5);
    assert_int_equal(p.nfree, 5);
    page_pool_release(&p, BASE + 10 * PAGE_SIZE, 5);     /* twice: counted once */
    assert_int_equal(p.nfree, 5);
    page_pool_release(&p, 0, 1);                         /* outside: ignored */
    page_pool_release(&p, BASE + NPAGES * PAGE_SIZE, 3);
    assert_int_equal(p.nfree, 5);
}

static void allocates_from_the_top(void **state)
{
    (void)state;
    struct page_pool p = fresh();
    assert_int_equal(p.nfree, NPAGES);
    uint64_t a = page_pool_alloc(&p, 1), b = page_pool_alloc(&p, 3);
    assert_int_equal(a, BASE + (NPAGES - 1) * PAGE_SIZE);
    assert_int_equal(b, BASE + (NPAGES - 4) * PAGE_SIZE);
    assert_int_equal(p.nfree, NPAGES - 4);
    assert_true(page_pool_in_use(&p, a));
    page_pool_release(&p, a, 1);
    assert_false(page_pool_in_use(&p, a));
    assert_int_equal(page_pool_alloc(&p, 1), a);
}

static void finds_a_run_between_used_pages(void **state)
{
    (void)state;
    struct page_pool p;
    page_pool_init(&p, BASE, NPAGES, bits);
    page_pool_release(&p, BASE + 100 * PAGE_SIZE, 2);
    page_pool_release(&p, BASE + 200 * PAGE_SIZE, 7);   /* only this run holds 7 */
    page_pool_release(&p, BASE + 900 * PAGE_SIZE, 6);
    assert_int_equal(page_pool_alloc(&p, 7), BASE + 200 * PAGE_SIZE);
    assert_int_equal(page_pool_alloc(&p, 7), 0);
    assert_int_equal(page_pool_alloc(&p, 0), 0);
    assert_int_equal(p.nfree, 8);
}

/* the first page tables: under a limit (the boot map's end), the highest run that ends at or below it */
static void allocates_below_a_limit(void **state)
{
    (void)state;
    struct page_pool p = fresh();
    uint64_t limit = BASE + 500 * PAGE_SIZE;
    assert_int_equal(page_pool_alloc_below(&p, 1, limit), limit - PAGE_SIZE);
    assert_int_equal(page_pool_alloc_below(&p, 3, limit), limit - 4 * PAGE_SIZE);
    /* a limit inside a page: only whole pages below it */
    assert_int_equal(page_pool_alloc_below(&p, 1, limit - 4 * PAGE_SIZE + 100), limit - 5 * PAGE_SIZE);
    /* at or below the pool's base, or above its end (the top page then) */
    assert_int_equal(page_pool_alloc_below(&p, 1, BASE), 0);
    assert_int_equal(page_pool_alloc_below(&p, 1, 0), 0);
    assert_int_equal(page_pool_alloc_below(&p, 1, UINT64_MAX), BASE + (NPAGES - 1) * PAGE_SIZE);
    /* every page below the limit taken: none, though the pool has more above it */
    struct page_pool q = fresh();
    assert_int_equal(page_pool_alloc_below(&q, 10, BASE + 10 * PAGE_SIZE), BASE);
    assert_int_equal(page_pool_alloc_below(&q, 1, BASE + 10 * PAGE_SIZE), 0);
    assert_int_equal(q.nfree, NPAGES - 10);
    /* a run that would cross the limit is not taken */
    struct page_pool r = fresh();
    assert_int_equal(page_pool_claim(&r, BASE + 5 * PAGE_SIZE, 1), 0);
    assert_int_equal(page_pool_alloc_below(&r, 6, BASE + 8 * PAGE_SIZE), 0);
    assert_int_equal(page_pool_alloc_below(&r, 5, BASE + 8 * PAGE_SIZE), BASE);
}

static void claims_only_free_pages(void **state)
{
    (void)state;
    struct page_pool p = fresh();
    assert_int_equal(page_pool_claim(&p, BASE, 10), 0);
    assert_int_equal(page_pool_claim(&p, BASE + 9 * PAGE_SIZE, 2), -ENOMEM);
    assert_false(page_pool_in_use(&p, BASE + 10 * PAGE_SIZE));   /* nothing taken on failure */
    assert_int_equal(page_pool_claim(&p, BASE + (NPAGES - 1) * PAGE_SIZE, 2), -ENOMEM);
    assert_int_equal(page_pool_claim(&p, BASE - PAGE_SIZE, 1), -ENOMEM);
    assert_int_equal(p.nfree, NPAGES - 10);
}

static void exhausts_and_recovers(void **state)
{
    (void)state;
    struct page_pool p = fresh();
    int n = 0;
    while (page_pool_alloc(&p, 1))
        n++;
    assert_int_equal(n, NPAGES);
    assert_int_equal(p.nfree, 0);
    page_pool_release(&p, BASE, NPAGES);
    assert_int_equal(p.nfree, NPAGES);
    assert_int_equal(page_pool_alloc(&p, NPAGES), BASE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(starts_all_used_until_released),
        cmocka_unit_test(allocates_from_the_top),
        cmocka_unit_test(finds_a_run_between_used_pages),
        cmocka_unit_test(allocates_below_a_limit),
        cmocka_unit_test(claims_only_free_pages),
        cmocka_unit_test(exhausts_and_recovers),
    };
    return cmocka_run_group_tests_name("page_alloc", tests, NULL, NULL);
}
