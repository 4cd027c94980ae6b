/* Device discovery: the one place that asks the buses what is there and hands each device to
 * its driver. Done once, at the first lookup (blk_find, net_count, ...), so that a program that
 * uses no device pays nothing at boot; libc calls devices_init at boot under `debug` so that the
 * boot report lists every device. */
#ifndef DRIVERS_DISCOVERY_H
#define DRIVERS_DISCOVERY_H

/* Enumerate the buses, bring up a driver for every device one exists for, and register what
 * they bring up with the block and frame interfaces (idempotent; thread context). */
void devices_init(void);
#endif
