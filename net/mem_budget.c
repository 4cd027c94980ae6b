/* lwIP's memory (lwipopts.h: MEM_LIBC_MALLOC, MEMP_MEM_MALLOC) from the heap, under a budget
 * set from the VM's RAM when the network starts. Past the budget an allocation fails, which
 * lwIP handles (a frame is dropped, a connection refused, a send waits): a flood of
 * connections or data then slows the service instead of taking the memory the app needs. */
#include "net.h"
#include "../kernel/memory.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HEADER 16                       /* keeps lwIP's MEM_ALIGNMENT; holds the size */
#define BUDGET_SHARE_OF_FREE_RAM 2      /* half of the RAM free when the network starts */
#define BUDGET_MIN (1u << 20)

static size_t budget = BUDGET_MIN, in_use, peak;

void net_mem_set_budget(void)
{
    size_t b = mem_free_bytes() / BUDGET_SHARE_OF_FREE_RAM;
    budget = b > BUDGET_MIN ? b : BUDGET_MIN;
}

void *net_mem_malloc(size_t size)
{
    if (size > budget || in_use + size + HEADER > budget)
        return NULL;
    uint8_t *p = malloc(size + HEADER);
    if (!p)
        return NULL;
    memcpy(p, &size, sizeof size);
    in_use += size + HEADER;
    if (in_use > peak)
        peak = in_use;
    return p + HEADER;
}

void *net_mem_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = net_mem_malloc(count * size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

void net_mem_free(void *ptr)
{
    if (!ptr)
        return;
    uint8_t *p = (uint8_t *)ptr - HEADER;
    size_t size;
    memcpy(&size, p, sizeof size);
    in_use -= size + HEADER;
    free(p);
}

void net_mem_usage(size_t *used, size_t *most, size_t *limit)
{
    *used = in_use, *most = peak, *limit = budget;
}
