/* virtio over MMIO (virtio 1.2 §4.2): a device at a memory range with an interrupt, as the
 * platform describes it (ACPI: _HID "LNRO0005", what QEMU's -M microvm gives). */
#ifndef DRIVERS_VIRTIO_VIRTIO_MMIO_H
#define DRIVERS_VIRTIO_VIRTIO_MMIO_H
#include "virtio.h"
#include <stdint.h>

#define VIRTIO_MMIO_ACPI_HID "LNRO0005"

/* The device behind the transport at [base, base + size) with interrupt gsi (level- or
 * edge-triggered), or NULL when the range is unaligned, too small, wraps (said on the console)
 * or cannot be mapped, or no device is
 * plugged in there (QEMU's microvm has transports with nothing behind them). */
struct virtio_device *virtio_mmio_open(uint64_t base, uint64_t size, uint32_t gsi, int level);
#endif
