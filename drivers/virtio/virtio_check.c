/* Checks of the values a virtio device reports (virtio_check.h). */
#include "virtio_check.h"
#include "../../kernel/format.h"
#include <errno.h>

static const char *type_name(uint8_t type)
{
    static const char *const names[] = { "?", "common", "notify", "isr", "device" };
    return type < sizeof names / sizeof names[0] ? names[type] : "?";
}

static struct virtio_pci_cap *slot_for(struct virtio_pci_layout *l, uint8_t type, int **has)
{
    switch (type) {
    case VIRTIO_PCI_CAP_COMMON:
        return *has = &l->has_common, &l->common;
    case VIRTIO_PCI_CAP_NOTIFY:
        return *has = &l->has_notify, &l->notify;
    case VIRTIO_PCI_CAP_ISR:
        return *has = &l->has_isr, &l->isr;
    case VIRTIO_PCI_CAP_DEVICE:
        return *has = &l->has_device, &l->device;
    }
    return 0;
}

/* What the transport reads or writes in a structure of this type, at the least. */
static uint32_t min_length(uint8_t type)
{
    return type == VIRTIO_PCI_CAP_COMMON ? VIRTIO_PCI_COMMON_LEN
         : type == VIRTIO_PCI_CAP_NOTIFY ? VIRTIO_PCI_NOTIFY_WRITE
         : type == VIRTIO_PCI_CAP_ISR    ? 1
                                         : 0;
}

/* One chosen structure against its BAR (§4.1.4: offset and length within the BAR). */
static int check_cap(const struct virtio_pci_cap *c, const struct pci_bar *b, char *why, size_t n)
{
    const char *name = type_name(c->type);
    uint8_t cap_len = c->type == VIRTIO_PCI_CAP_NOTIFY ? VIRTIO_PCI_NOTIFY_CAP_LEN : VIRTIO_PCI_CAP_LEN;
    if (c->cap_len < cap_len) {
        ksnprintf(why, n, "virtio capability '%s' is %u bytes long, shorter than %u", name, c->cap_len, cap_len);
        return -EINVAL;
    }
    if (!b->size) {
        ksnprintf(why, n, "virtio capability '%s' is in BAR %u, which does not exist", name, c->bar);
        return -EINVAL;
    }
    if (c->length < min_length(c->type)) {
        ksnprintf(why, n, "virtio capability '%s' is %u bytes long, shorter than %u", name, c->length,
                  min_length(c->type));
        return -EINVAL;
    }
    if (!pci_range_within(b->size, c->offset, c->length)) {
        ksnprintf(why, n, "virtio capability '%s' lies outside BAR %u (offset 0x%x + %u > 0x%lx)", name, c->bar,
                  c->offset, c->length, (unsigned long)b->size);
        return -EINVAL;
    }
    /* §4.1.4.4: "an even power of 2, or 0", read as: 0, or a power of 2 that is even (2, 4, ...) */
    uint32_t mult = c->notify_mult;
    if (c->type == VIRTIO_PCI_CAP_NOTIFY && mult && ((mult & (mult - 1)) || (mult & 1))) {
        ksnprintf(why, n, "virtio notify_off_multiplier %u is neither 0 nor an even power of 2", c->notify_mult);
        return -EINVAL;
    }
    return 0;
}

int virtio_pci_layout_check(const struct virtio_pci_cap *caps, int n, const struct pci_bar bars[PCI_BARS],
                            struct virtio_pci_layout *out, char *why, size_t whylen)
{
    *out = (struct virtio_pci_layout){ 0 };
    int chosen[VIRTIO_PCI_CAP_DEVICE + 1] = { 0 };
    for (int i = 0; i < n; i++) {                /* §4.1.4.1: the first usable one of each type */
        const struct virtio_pci_cap *c = &caps[i];
        int *has;
        struct virtio_pci_cap *slot = slot_for(out, c->type, &has);
        if (!slot || chosen[c->type] || c->bar >= PCI_BARS || bars[c->bar].io)
            continue;
        chosen[c->type] = 1;
        *slot = *c;
    }
    if (!chosen[VIRTIO_PCI_CAP_COMMON] || !chosen[VIRTIO_PCI_CAP_NOTIFY] || !chosen[VIRTIO_PCI_CAP_ISR]) {
        ksnprintf(why, whylen, "no virtio common, notify and isr capabilities");
        return -ENODEV;
    }
    for (uint8_t type = VIRTIO_PCI_CAP_COMMON; type <= VIRTIO_PCI_CAP_DEVICE; type++) {
        int *has;
        const struct virtio_pci_cap *c = slot_for(out, type, &has);
        if (!chosen[type])
            continue;
        if (check_cap(c, &bars[c->bar], why, whylen) < 0)
            return -EINVAL;
        *has = 1;
    }
    return 0;
}

int virtio_pci_notify_offset(const struct virtio_pci_cap *notify, uint16_t index, uint16_t queue_notify_off,
                             uint64_t *off, char *why, size_t whylen)
{
    *off = (uint64_t)queue_notify_off * notify->notify_mult;
    if (!pci_range_within(notify->length, *off, VIRTIO_PCI_NOTIFY_WRITE)) {
        ksnprintf(why, whylen, "queue %u's notify address lies outside the notify capability (%u * %u + %u > %u)",
                  index, queue_notify_off, notify->notify_mult, VIRTIO_PCI_NOTIFY_WRITE, notify->length);
        return -EINVAL;
    }
    return 0;
}

int virtio_queue_size_check(uint16_t index, uint16_t size, char *why, size_t whylen)
{
    if (size == 0) {
        ksnprintf(why, whylen, "queue %u does not exist (size 0)", index);
        return -EINVAL;
    }
    if ((size & (size - 1)) || size > VIRTIO_QUEUE_SIZE_MAX) {     /* §2.7 */
        ksnprintf(why, whylen, "queue %u's size %u is not a power of 2 up to %u", index, size,
                  VIRTIO_QUEUE_SIZE_MAX);
        return -EINVAL;
    }
    return 0;
}

int virtio_blk_limits_check(const struct virtio_blk_limits *l, char *why, size_t whylen)
{
    if (l->capacity > UINT64_MAX / VIRTIO_BLK_SECTOR) {
        ksnprintf(why, whylen, "capacity 0x%lx sectors does not fit 64-bit bytes", (unsigned long)l->capacity);
        return -EINVAL;
    }
    uint32_t bs = l->blk_size;
    if (bs && ((bs & (bs - 1)) || bs < VIRTIO_BLK_SECTOR || bs > VIRTIO_BLK_BLK_SIZE_MAX)) {
        ksnprintf(why, whylen, "blk_size %u is not a power of 2 from %u to %u", bs, VIRTIO_BLK_SECTOR,
                  VIRTIO_BLK_BLK_SIZE_MAX);
        return -EINVAL;
    }
    if (l->size_max && l->size_max < VIRTIO_BLK_SECTOR) {
        ksnprintf(why, whylen, "size_max %u is smaller than a sector", l->size_max);
        return -EINVAL;
    }
    return 0;
}

int virtio_blk_segments(uint32_t count, uint32_t size_max, uint32_t seg_max, int max_segments, uint32_t *seg_bytes)
{
    uint64_t bytes = (uint64_t)count * VIRTIO_BLK_SECTOR;      /* 64 bits: 32 wrap at 4 GiB */
    *seg_bytes = size_max ? size_max : VIRTIO_BLK_SEG_BYTES;
    uint64_t segs = (bytes + *seg_bytes - 1) / *seg_bytes;
    if (segs > (uint64_t)max_segments || (seg_max && segs > seg_max))
        return -EINVAL;
    return (int)segs;
}
