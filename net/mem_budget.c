/* lwIP's memory (lwipopts.h: MEM_LIBC_MALLOC, MEMP_MEM_MALLOC) from the heap, under a budget
 * set from the VM's RAM when the network starts. Past the budget an allocation fails, which
 * lwIP handles (a frame is dropped, a connection refused, a send waits): a flood of
 * connections or data then slows the service instead of taking the memory the app needs. */
#include "net.h"
#include "lwip/timeouts.h"
#include "../kernel/memory.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HEADER 16                       /* keeps lwIP's MEM_ALIGNMENT; holds the size */
#define BUDGET_SHARE_OF_FREE_RAM 2      /* half of the RAM free when the network starts */
#define BUDGET_MIN (128u << 10)        /* below this lwIP cannot hold a few connections' windows */

/* lwIP cannot do without its timers: a timeout it fails to allocate is an assertion (timeouts.c,
 * sys_timeout_abs), and TCP's timer is then never armed again. Allocations of a timeout's size may
 * go past the budget by this much, so a flood that fills the budget stops at dropped frames. */
#define TIMEOUT_BYTES LWIP_MEM_ALIGN_SIZE(sizeof(struct sys_timeo))
#define TIMEOUT_RESERVE (256 * TIMEOUT_BYTES)

static size_t budget = BUDGET_MIN, in_use, peak;

void net_mem_set_budget(void)
{
    size_t b = mem_free_bytes() / BUDGET_SHARE_OF_FREE_RAM;
    budget = b > BUDGET_MIN ? b : BUDGET_MIN;
}

void *net_mem_malloc(size_t size)
{
    size_t limit = budget + (size == TIMEOUT_BYTES ? TIMEOUT_RESERVE : 0);
    if (size > limit || in_use + size + HEADER > limit)
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
