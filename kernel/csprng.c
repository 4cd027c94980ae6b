/* Fast-key-erasure ChaCha20 generator (see csprng.h). All blocks use the all-zero nonce: a key
 * is never used for two requests, so no (key, counter, nonce) repeats. */
#include "csprng.h"
#include <string.h>

static const uint8_t zero_nonce[CHACHA20_NONCE_BYTES];

void csprng_wipe(void *p, size_t n)
{
    memset(p, 0, n);
    __asm__ volatile("" : : "r"(p) : "memory");
}

void csprng_mix(struct csprng *g, const void *seed, size_t len)
{
    const uint8_t *p = seed;
    uint8_t block[CHACHA20_BLOCK_BYTES];
    do {
        chacha20_block(g->key, 0, zero_nonce, block);
        size_t n = len < CHACHA20_KEY_BYTES ? len : CHACHA20_KEY_BYTES;
        for (size_t i = 0; i < n; i++)
            block[i] ^= p[i];
        memcpy(g->key, block, CHACHA20_KEY_BYTES);
        p += n;
        len -= n;
    } while (len);
    csprng_wipe(block, sizeof block);
    g->since_seed = 0;
}

void csprng_fill(struct csprng *g, void *out, size_t len)
{
    uint8_t *o = out;
    uint8_t block[CHACHA20_BLOCK_BYTES], next_key[CHACHA20_KEY_BYTES];
    /* block 0: the next key, then 32 bytes of output; blocks 1, 2, ...: 64 bytes each */
    chacha20_block(g->key, 0, zero_nonce, block);
    memcpy(next_key, block, CHACHA20_KEY_BYTES);
    size_t n = len < CHACHA20_BLOCK_BYTES - CHACHA20_KEY_BYTES ? len : CHACHA20_BLOCK_BYTES - CHACHA20_KEY_BYTES;
    memcpy(o, block + CHACHA20_KEY_BYTES, n);
    size_t done = n;
    for (uint32_t counter = 1; done < len; counter++) {
        chacha20_block(g->key, counter, zero_nonce, block);
        n = len - done < CHACHA20_BLOCK_BYTES ? len - done : CHACHA20_BLOCK_BYTES;
        memcpy(o + done, block, n);
        done += n;
    }
    memcpy(g->key, next_key, CHACHA20_KEY_BYTES);
    csprng_wipe(block, sizeof block);                    /* leave no copy of output or key behind */
    csprng_wipe(next_key, sizeof next_key);
    g->since_seed += len;
}
