/* Entropy from the CPU: RDSEED and RDRAND where CPUID offers them (Intel DRNG Software
 * Implementation Guide §5), timing jitter of the TSC around memory work otherwise. Usable from
 * the first instruction of kernel_main (no memory allocation, no interrupts, no devices). */
#ifndef KERNEL_ENTROPY_H
#define KERNEL_ENTROPY_H
#include <stddef.h>

/* Which sources a seed came from (a mask, for the `debug` report). */
#define ENTROPY_RDSEED (1u << 0)
#define ENTROPY_RDRAND (1u << 1)
#define ENTROPY_JITTER (1u << 2)
#define ENTROPY_DEVICE (1u << 3)    /* virtio-rng: gathered by kernel/random.c, not here */

/* Fill out with len bytes whitened through ChaCha20 from the CPU's sources; returns the mask of
 * the sources used. */
unsigned entropy_gather(void *out, size_t len);

/* "rdseed, rdrand, virtio-rng, jitter" (those in mask) into buf. */
void entropy_describe(unsigned mask, char *buf, size_t size);
#endif
