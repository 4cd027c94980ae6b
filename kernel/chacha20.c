/* ChaCha20, written from RFC 8439 §2.1-§2.4. */
#include "chacha20.h"

#define ROUNDS 20
#define STATE_WORDS 16

static inline uint32_t rotl(uint32_t v, int n) { return v << n | v >> (32 - n); }

/* §2.1: the quarter round on four words of the state. */
static inline void quarter_round(uint32_t *s, int a, int b, int c, int d)
{
    s[a] += s[b]; s[d] ^= s[a]; s[d] = rotl(s[d], 16);
    s[c] += s[d]; s[b] ^= s[c]; s[b] = rotl(s[b], 12);
    s[a] += s[b]; s[d] ^= s[a]; s[d] = rotl(s[d], 8);
    s[c] += s[d]; s[b] ^= s[c]; s[b] = rotl(s[b], 7);
}

static inline uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void store_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

void chacha20_block(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                    const uint8_t nonce[CHACHA20_NONCE_BYTES], uint8_t out[CHACHA20_BLOCK_BYTES])
{
    /* §2.3: the constants "expand 32-byte k", the key, the block counter, the nonce; all
     * little-endian words. */
    uint32_t init[STATE_WORDS] = { 0x61707865, 0x3320646e, 0x79622d32, 0x6b206574 };
    for (int i = 0; i < 8; i++)
        init[4 + i] = load_le32(key + 4 * i);
    init[12] = counter;
    for (int i = 0; i < 3; i++)
        init[13 + i] = load_le32(nonce + 4 * i);
    uint32_t s[STATE_WORDS];
    for (int i = 0; i < STATE_WORDS; i++)
        s[i] = init[i];
    for (int i = 0; i < ROUNDS; i += 2) {          /* a column round, then a diagonal round */
        quarter_round(s, 0, 4, 8, 12);
        quarter_round(s, 1, 5, 9, 13);
        quarter_round(s, 2, 6, 10, 14);
        quarter_round(s, 3, 7, 11, 15);
        quarter_round(s, 0, 5, 10, 15);
        quarter_round(s, 1, 6, 11, 12);
        quarter_round(s, 2, 7, 8, 13);
        quarter_round(s, 3, 4, 9, 14);
    }
    for (int i = 0; i < STATE_WORDS; i++)          /* the feed-forward that makes it one-way */
        store_le32(out + 4 * i, s[i] + init[i]);
}

void chacha20_xor(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                  const uint8_t nonce[CHACHA20_NONCE_BYTES], const uint8_t *in, uint8_t *out, size_t len)
{
    uint8_t stream[CHACHA20_BLOCK_BYTES];
    for (size_t off = 0; off < len; off += CHACHA20_BLOCK_BYTES, counter++) {
        chacha20_block(key, counter, nonce, stream);
        for (size_t i = 0; i < CHACHA20_BLOCK_BYTES && off + i < len; i++)
            out[off + i] = in[off + i] ^ stream[i];
    }
}
