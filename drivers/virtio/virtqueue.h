/* Split virtqueues (virtio 1.2 §2.7), the driver's side. Pure logic over memory the caller
 * gives: the host unit tests run it against a simulated device. Everything a device writes is
 * checked before use; a device that breaks the rules marks the queue broken (every later call
 * fails with -EIO) and the error names the queue. x86 and virtio are both little-endian. */
#ifndef DRIVERS_VIRTIO_VIRTQUEUE_H
#define DRIVERS_VIRTIO_VIRTQUEUE_H
#include <stddef.h>
#include <stdint.h>

#define VRING_DESC_F_NEXT 1
#define VRING_DESC_F_WRITE 2
#define VRING_DESC_F_INDIRECT 4
#define VRING_AVAIL_F_NO_INTERRUPT 1
#define VRING_USED_F_NO_NOTIFY 1
#define VQ_ALIGN 4096                 /* the legacy layout's used-ring alignment suits every transport */

struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

struct vring_avail {
    uint16_t flags, idx;
    uint16_t ring[];                  /* then used_event, with VIRTIO_F_EVENT_IDX */
};

struct vring_used_elem {
    uint32_t id, len;
};

struct vring_used {
    uint16_t flags, idx;
    struct vring_used_elem ring[];    /* then avail_event, with VIRTIO_F_EVENT_IDX */
};

/* One piece of a request: the device reads it, or writes it (device_writes). */
struct vq_buf {
    void *addr;
    uint32_t len;
    int device_writes;
};

struct vq_slot {
    void *cookie;
    uint32_t writable;                /* bytes the device may write: the most `len` can say */
    uint16_t ndesc;                   /* descriptors of the ring this request holds */
    uint16_t in_flight;
};

struct virtq {
    char name[24];                    /* for messages: "vda queue 0" */
    uint16_t size, index;
    struct vring_desc *desc;
    struct vring_avail *avail;
    struct vring_used *used;
    struct vring_desc *indirect;      /* indirect_max tables of descriptors per ring slot */
    uint16_t indirect_max;
    int event_idx;
    void (*fence)(void);              /* full fence against the device: vq_init sets mfence; the
                                         kernel gives one that also holds under TCG (kernel/fence.h) */
    uint16_t *next;                   /* our own copy of the free list and chains */
    struct vq_slot *slots;
    uint16_t free_head, num_free;
    uint16_t in_flight;               /* requests, not descriptors */
    uint16_t last_used, kicked_avail;
    int broken;
    char error[96];
};

/* Bytes of zeroed memory vq_init needs for a queue of `size` (a power of two) whose requests
 * may use up to indirect_max pieces through indirect descriptors (0: no indirect). The ring's
 * part starts page-aligned; the caller gives page-aligned memory. */
size_t vq_bytes(uint16_t size, uint16_t indirect_max);
void vq_init(struct virtq *vq, const char *name, uint16_t index, uint16_t size, void *mem,
             uint16_t indirect_max, int event_idx);

/* Queue a request of n pieces (readable first, then writable, as the device expects).
 * Returns 0, -ENOSPC when the ring is full (try after vq_pop), -EINVAL for n = 0, or -EIO. */
int vq_add(struct virtq *vq, const struct vq_buf *bufs, int n, void *cookie);

/* Whether the device must be notified of what vq_add queued since the last call (it may ask
 * not to be, VIRTIO_F_EVENT_IDX or VRING_USED_F_NO_NOTIFY). */
int vq_kick_needed(struct virtq *vq);

/* Take one finished request: 1 with *cookie and *len (bytes written by the device), 0 when none,
 * -EIO when the device broke the rules (vq->error says how). */
int vq_pop(struct virtq *vq, void **cookie, uint32_t *len);

/* Ask for an interrupt at the next used buffer. Returns whether some are already waiting (the
 * caller then pops again rather than sleeping). */
int vq_arm_interrupt(struct virtq *vq);
#endif
