/* ChaCha20 (RFC 8439 §2.3, §2.4): the block function and the stream cipher it makes. Pure
 * functions of their arguments (no state, no kernel calls), so the host tests them against the
 * RFC's vectors. The random generator (kernel/csprng.h) and TCP's sequence numbers use them. */
#ifndef KERNEL_CHACHA20_H
#define KERNEL_CHACHA20_H
#include <stddef.h>
#include <stdint.h>

#define CHACHA20_KEY_BYTES 32
#define CHACHA20_NONCE_BYTES 12
#define CHACHA20_BLOCK_BYTES 64

/* RFC 8439 §2.3: one 64-byte block of key stream for (key, block counter, nonce). */
void chacha20_block(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                    const uint8_t nonce[CHACHA20_NONCE_BYTES], uint8_t out[CHACHA20_BLOCK_BYTES]);

/* RFC 8439 §2.4: out = in XOR the key stream starting at block `counter` (in and out may be the
 * same buffer). */
void chacha20_xor(const uint8_t key[CHACHA20_KEY_BYTES], uint32_t counter,
                  const uint8_t nonce[CHACHA20_NONCE_BYTES], const uint8_t *in, uint8_t *out, size_t len);
#endif
