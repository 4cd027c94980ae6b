/* The kernel's random generator: ChaCha20 with fast key erasure (csprng.h), seeded at first use
 * (first thing in the boot, for the stack canary) from the CPU (entropy.h), given the bytes of a
 * device source (virtio-rng) at the first request after one is registered, and reseeded from
 * both after RANDOM_RESEED_BYTES of output or RANDOM_RESEED_NS of time. getentropy, getrandom,
 * arc4random and lwIP's LWIP_RAND all draw from it. Thread context only, but for that first call
 * in kernel_main: a request may wait for the device. */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H
#include <stddef.h>
#include <stdint.h>

#define RANDOM_RESEED_BYTES (1u << 20)
#define RANDOM_RESEED_NS (300ull * 1000000000ull)

/* Fill buf with len unpredictable bytes. Never fails: the CPU's sources are always there. */
void random_bytes(void *buf, size_t len);
uint32_t random_u32(void);

/* A source the generator asks at every (re)seeding, besides the CPU: fills up to len bytes and
 * returns how many, or -errno (no device: the CPU's sources are used alone). Registered by a
 * layer above (libc/start.c registers the drivers' rng_read), so the kernel calls no driver. */
void random_set_device_source(int (*read)(void *buf, size_t len));
#endif
