/* Entropy devices (virtio-rng), for the kernel's random generator: libc/start.c registers
 * rng_read with random_set_device_source, so the generator asks for devices (and discovery runs)
 * only when it is first seeded. */
#ifndef DRIVERS_RNGDEV_H
#define DRIVERS_RNGDEV_H
#include <stddef.h>

/* Fill up to len bytes from the entropy device; returns how many, or -ENODEV when there is
 * none (or -errno when it failed). Finds the devices first. Thread context. */
int rng_read(void *buf, size_t len);
#endif
