/* The random generator's arithmetic: a ChaCha20 key that every request replaces ("fast key
 * erasure", D. J. Bernstein, 2017), so output already given cannot be recomputed from a state
 * captured later. Pure: the caller owns the state, gathers the seed and decides when to
 * reseed (kernel/random.c), and the host tests it. */
#ifndef KERNEL_CSPRNG_H
#define KERNEL_CSPRNG_H
#include "chacha20.h"

struct csprng {
    uint8_t key[CHACHA20_KEY_BYTES];
    uint64_t since_seed;               /* bytes given out since the last csprng_mix */
};

/* Fold len bytes of seed material into the key: each 32-byte piece is XORed into a fresh key
 * drawn from the current one, so the result depends on every earlier seed and on this one. */
void csprng_mix(struct csprng *g, const void *seed, size_t len);

/* Fill out with len bytes, then replace the key (the first 32 bytes of the first block, which
 * are never given out). */
void csprng_fill(struct csprng *g, void *out, size_t len);
/* Zero n bytes of a secret, kept even though the buffer is dead afterwards (a barrier says the
 * memory is read), so that no copy of a key or of output stays on a stack. */
void csprng_wipe(void *p, size_t n);
#endif
