/* The heap under newlib's malloc: a random alloc/free stress with contents checked, realloc,
 * calloc, alignment, exhaustion that fails cleanly, and memory coming back after frees. */
#include "../check.h"
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 512
#define OPS 100000

static uint32_t rng = 12345;
static uint32_t next(void) { rng = rng * 1103515245u + 12345u; return rng >> 8; }

int main(void)
{
    static unsigned char *slot[SLOTS];
    static size_t len[SLOTS];
    int corrupt = 0, failed = 0;
    for (int op = 0; op < OPS; op++) {
        int i = (int)(next() % SLOTS);
        if (slot[i]) {
            for (size_t k = 0; k < len[i]; k++)
                corrupt += slot[i][k] != (unsigned char)(i + k);
            free(slot[i]);
            slot[i] = NULL;
        } else {
            len[i] = 1 + next() % (next() % 8 == 0 ? 65536 : 512);
            slot[i] = malloc(len[i]);
            if (!slot[i]) {
                failed++;
                continue;
            }
            for (size_t k = 0; k < len[i]; k++)
                slot[i][k] = (unsigned char)(i + k);
        }
    }
    for (int i = 0; i < SLOTS; i++)
        free(slot[i]);
    CHECK(failed == 0, "%d random allocations and frees, none failed", OPS);
    CHECK(corrupt == 0, "no block's contents changed while it was allocated (%d bad bytes)", corrupt);

    char *r = malloc(16);
    strcpy(r, "keep me");
    for (size_t n = 32; n <= 1 << 20; n *= 2)
        r = realloc(r, n);
    CHECK(r && strcmp(r, "keep me") == 0, "realloc up to 1 MiB keeps the contents");
    free(r);

    unsigned char *z = calloc(1000, 1000);
    int zero = z != NULL;
    for (int i = 0; z && i < 1000000; i++)
        zero &= z[i] == 0;
    CHECK(zero, "calloc(1000, 1000) is zeroed");
    free(z);

    void *a = memalign(4096, 100), *p = NULL;
    CHECK(a && ((uintptr_t)a & 4095) == 0, "memalign(4096) is aligned");
    CHECK(posix_memalign(&p, 64, 1000) == 0 && ((uintptr_t)p & 63) == 0, "posix_memalign(64) is aligned");
    free(a);
    free(p);

    errno = 0;
    void *huge = malloc((size_t)1 << 32);
    CHECK(huge == NULL && errno == ENOMEM, "a 4 GiB malloc in a small VM fails with ENOMEM");

    /* most of the VM's memory in one block: only if the frees above gave it all back */
    void *big = malloc(64u << 20);
    CHECK(big != NULL, "64 MiB in one block after the stress (no leak, no lasting fragmentation)");
    if (big)
        memset(big, 0xA5, 64u << 20);
    free(big);
    return check_exit();
}
