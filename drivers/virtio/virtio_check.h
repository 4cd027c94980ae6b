/* Checks of the values a virtio device reports, made before a transport or driver uses them
 * (virtio 1.2): a device that breaks a rule is refused, never believed. Pure logic on plain
 * values, so that the host tests run it (tests/unit/test_virtio_check.c); the transports and
 * drivers read the registers and say on the console what was refused. Each check returns 0, or
 * -EINVAL with the reason written to why (n bytes), or as stated. */
#ifndef DRIVERS_VIRTIO_VIRTIO_CHECK_H
#define DRIVERS_VIRTIO_VIRTIO_CHECK_H
#include "../../kernel/pci.h"
#include "../../kernel/pci_check.h"
#include <stddef.h>
#include <stdint.h>

/* §4.1.4: cfg_type of the vendor capabilities the modern PCI transport uses */
#define VIRTIO_PCI_CAP_COMMON 1
#define VIRTIO_PCI_CAP_NOTIFY 2
#define VIRTIO_PCI_CAP_ISR 3
#define VIRTIO_PCI_CAP_DEVICE 4
#define VIRTIO_PCI_CAP_LEN 16          /* struct virtio_pci_cap */
#define VIRTIO_PCI_NOTIFY_CAP_LEN 20   /* struct virtio_pci_notify_cap */
#define VIRTIO_PCI_COMMON_LEN 56       /* common config up to queue_device, all that we touch */
#define VIRTIO_PCI_NOTIFY_WRITE 2      /* a notification is a 16-bit write (§4.1.5.2) */
#define VIRTIO_QUEUE_SIZE_MAX 32768    /* §2.7 */

/* One vendor capability as read from configuration space (§4.1.4). */
struct virtio_pci_cap {
    uint8_t type, bar, cap_len;
    uint32_t offset, length;
    uint32_t notify_mult;              /* notify_off_multiplier: the notify capability's only */
};

/* The structures the transport uses: the first usable instance of each type (§4.1.4.1). */
struct virtio_pci_layout {
    struct virtio_pci_cap common, notify, isr, device;
    int has_common, has_notify, has_isr, has_device;   /* found and within their BAR */
};

/* Choose and check the structures among caps[0 .. n-1] against the function's BARs: each lies
 * inside its BAR (offset + length, without overflow), is long enough for what the transport
 * reads there, and the notify multiplier is 0 or a power of 2 (§4.1.4.4). Capabilities with a
 * reserved BAR number are ignored (§4.1.4.1), as are those in I/O BARs (not supported here).
 * Returns 0; -ENODEV when common, notify or isr is missing (not a modern device); -EINVAL when
 * one lies (out->has_common says whether the common structure can still be written to fail
 * the device). A missing device-config structure is no error: has_device is 0. */
int virtio_pci_layout_check(const struct virtio_pci_cap *caps, int n, const struct pci_bar bars[PCI_BARS],
                            struct virtio_pci_layout *out, char *why, size_t whylen);

/* §4.1.4.4: the offset within the notify structure at which queue `index` is notified, given
 * the queue_notify_off the device reported; the 16-bit write there must lie inside it. */
int virtio_pci_notify_offset(const struct virtio_pci_cap *notify, uint16_t index, uint16_t queue_notify_off,
                             uint64_t *off, char *why, size_t whylen);

/* The largest size a device gives for queue `index`: a split queue's size is a power of 2, at
 * most 32768 (§2.7); 0 means the queue does not exist, which a driver that needs it refuses. */
int virtio_queue_size_check(uint16_t index, uint16_t size, char *why, size_t whylen);

/* 1 if the device-specific configuration, `have` bytes long, holds [off, off + len). */
static inline int virtio_config_within(uint64_t have, unsigned off, unsigned len)
{
    return pci_range_within(have, off, len);
}

/* virtio-blk's configuration (§5.2.4): capacity in 512-byte sectors, and the limits a device
 * may state (0: not stated). */
struct virtio_blk_limits {
    uint64_t capacity;
    uint32_t blk_size, size_max, seg_max;
};
#define VIRTIO_BLK_SECTOR 512
#define VIRTIO_BLK_BLK_SIZE_MAX 65536u /* larger logical blocks than this are no disk we know */
#define VIRTIO_BLK_SEG_BYTES 0x40000000u   /* a segment without size_max: fits a descriptor */

/* The capacity's bytes fit in 64 bits; blk_size, if stated, is a power of 2 from 512 to 64 KiB;
 * size_max, if stated, holds a sector. */
int virtio_blk_limits_check(const struct virtio_blk_limits *l, char *why, size_t whylen);

/* How many data segments a request of `count` sectors takes, each at most size_max bytes (or
 * VIRTIO_BLK_SEG_BYTES when size_max is 0), counted in 64 bits; -EINVAL when more than
 * max_segments or the device's seg_max (if stated). seg_bytes gets the segment size used. */
int virtio_blk_segments(uint32_t count, uint32_t size_max, uint32_t seg_max, int max_segments, uint32_t *seg_bytes);
#endif
