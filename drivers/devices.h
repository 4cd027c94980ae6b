/* Finding devices: done once, on the first use of a device interface, so that a program that
 * uses none pays nothing at boot. */
#ifndef DRIVERS_DEVICES_H
#define DRIVERS_DEVICES_H

/* Enumerate the buses and attach drivers (idempotent). */
void devices_init(void);
#endif
