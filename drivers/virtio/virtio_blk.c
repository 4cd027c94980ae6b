/* virtio-blk (virtio 1.2 §5.2): one request queue; a request is a header, the data (split at
 * the device's size_max), and a status byte the device writes (§5.2.6). The header and status
 * live in the driver's own slots, one per request in flight, so that the block interface knows
 * nothing of them and submitting allocates nothing. Interrupts only wake the device's service
 * thread, which finishes completed requests in thread context. */
#include "virtio_blk.h"
#include "virtio_check.h"
#include "../../kernel/memory.h"
#include "../../kernel/format.h"
#include "../../kernel/printk.h"
#include "../../kernel/x86.h"
#include <errno.h>
#include <string.h>

#define VIRTIO_BLK_F_SIZE_MAX (1ull << 1)
#define VIRTIO_BLK_F_SEG_MAX (1ull << 2)
#define VIRTIO_BLK_F_RO (1ull << 5)
#define VIRTIO_BLK_F_BLK_SIZE (1ull << 6)
#define VIRTIO_BLK_F_FLUSH (1ull << 9)
#define CONFIG_CAPACITY 0
#define CONFIG_SIZE_MAX 8
#define CONFIG_SEG_MAX 12
#define CONFIG_BLK_SIZE 20
#define T_IN 0
#define T_OUT 1
#define T_FLUSH 4
#define S_OK 0
#define S_UNSUPP 2
#define STATUS_UNSET 0xFF
#define QUEUE_MAX 256
#define MAX_SEGMENTS 64
#define MAX_DISKS 8

/* What the device reads before the data and writes after it (§5.2.6), for one request. */
struct slot {
    struct {
        uint32_t type, reserved;
        uint64_t sector;
    } hdr;
    uint8_t status;
    struct blk_request *req;
    struct slot *next_free;
};

struct vblk {
    struct blkdev blk;
    struct virtio_device *dev;
    struct virtq vq;
    struct waitq space_wait;           /* for a free slot and room in the ring */
    int broken;
    uint32_t size_max, seg_max;
    struct slot *slots, *free_slots;   /* as many as the ring has entries: never the shortage */
};

static struct vblk disks[MAX_DISKS];
static int ndisks;

static void put_slot(struct vblk *vb, struct slot *sl)
{
    sl->req = NULL;
    sl->next_free = vb->free_slots;
    vb->free_slots = sl;
}

/* The pieces of r's request: header, data (at most size_max each), status. Returns how many,
 * or -EINVAL when it takes more than the device does in one request. */
static int pieces(struct vblk *vb, struct slot *sl, struct blk_request *r, struct vq_buf *bufs)
{
    int n = 0;
    bufs[n++] = (struct vq_buf){ &sl->hdr, sizeof sl->hdr, 0 };
    if (r->op != BLK_FLUSH) {
        uint32_t seg;                  /* bytes in 64 bits: count * 512 wraps 32 at 4 GiB */
        if (virtio_blk_segments(r->count, vb->size_max, vb->seg_max, MAX_SEGMENTS, &seg) < 0)
            return -EINVAL;
        uint64_t bytes = (uint64_t)r->count * BLK_SECTOR;
        for (uint64_t off = 0; off < bytes;) {
            uint32_t len = bytes - off > seg ? seg : (uint32_t)(bytes - off);
            bufs[n++] = (struct vq_buf){ (char *)r->buf + off, len, r->op == BLK_READ };
            off += len;
        }
    }
    bufs[n++] = (struct vq_buf){ &sl->status, 1, 1 };
    return n;
}

static int submit(struct blkdev *b, struct blk_request *r)
{
    struct vblk *vb = b->driver;
    if (r->op == BLK_FLUSH && !b->can_flush && !vb->broken) {
        blk_complete(r, 0);             /* without VIRTIO_BLK_F_FLUSH writes are already stable */
        return 0;
    }
    while (!vb->broken && !vb->free_slots)
        waitq_wait(&vb->space_wait, 0);
    if (vb->broken)
        return -EIO;
    struct slot *sl = vb->free_slots;
    vb->free_slots = sl->next_free;
    sl->req = r;
    sl->hdr.type = r->op == BLK_READ ? T_IN : r->op == BLK_WRITE ? T_OUT : T_FLUSH;
    sl->hdr.reserved = 0;
    sl->hdr.sector = r->op == BLK_FLUSH ? 0 : r->sector;
    sl->status = STATUS_UNSET;
    struct vq_buf bufs[MAX_SEGMENTS + 2];
    int n = pieces(vb, sl, r, bufs), rc = n;
    if (n > 0)
        while ((rc = vq_add(&vb->vq, bufs, n, sl)) == -ENOSPC)   /* the ring is full: wait for room */
            waitq_wait(&vb->space_wait, 0);
    if (rc < 0) {
        put_slot(vb, sl);
        return rc;
    }
    virtio_kick(vb->dev, &vb->vq);
    return 0;
}

/* The device broke the ring's rules: say so, fail everything in flight, stop using it. */
static void give_up(struct vblk *vb)
{
    vb->broken = 1;
    virtio_fail(vb->dev, vb->vq.error);
    for (uint16_t i = 0; i < vb->vq.size; i++)
        if (vb->vq.slots[i].in_flight) {
            struct slot *sl = vb->vq.slots[i].cookie;
            struct blk_request *r = sl->req;
            vb->vq.slots[i].in_flight = 0;
            put_slot(vb, sl);
            blk_complete(r, -EIO);
        }
    waitq_wake_all(&vb->space_wait);
}

static void *service(void *arg)
{
    struct vblk *vb = arg;
    for (;;) {
        void *cookie;
        uint32_t len;
        int rc;
        while ((rc = vq_pop(&vb->vq, &cookie, &len)) == 1) {
            struct slot *sl = cookie;
            struct blk_request *r = sl->req;
            int status = sl->status == S_OK ? 0 : sl->status == S_UNSUPP ? -ENOTSUP : -EIO;
            put_slot(vb, sl);
            waitq_wake_one(&vb->space_wait);
            blk_complete(r, status);
        }
        if (rc < 0) {
            give_up(vb);
            return NULL;
        }
        if (vq_arm_interrupt(&vb->vq))
            continue;                   /* more finished while we were arming */
        virtio_wait_interrupt(vb->dev, 0);
    }
}

/* One slot per ring entry, all free. */
static int make_slots(struct vblk *vb)
{
    size_t pages = PAGE_ROUND_UP(vb->vq.size * sizeof(struct slot)) / PAGE_SIZE;
    if (!(vb->slots = page_alloc(pages)))
        return -ENOMEM;
    memset(vb->slots, 0, pages * PAGE_SIZE);
    for (uint16_t i = vb->vq.size; i-- > 0;)
        put_slot(vb, &vb->slots[i]);
    return 0;
}

/* The configuration (§5.2.4): the capacity always, the limits the device offered; each value
 * read is checked before it is used. 0, or -ENODEV (the device is failed, saying why). */
static int read_config(struct vblk *vb)
{
    struct virtio_device *dev = vb->dev;
    struct virtio_blk_limits l = { 0 };
    uint64_t f = dev->features;
    int rc = virtio_config_read(dev, CONFIG_CAPACITY, &l.capacity, sizeof l.capacity);
    if (rc == 0 && (f & VIRTIO_BLK_F_BLK_SIZE))
        rc = virtio_config_read(dev, CONFIG_BLK_SIZE, &l.blk_size, sizeof l.blk_size);
    if (rc == 0 && (f & VIRTIO_BLK_F_SIZE_MAX))
        rc = virtio_config_read(dev, CONFIG_SIZE_MAX, &l.size_max, sizeof l.size_max);
    if (rc == 0 && (f & VIRTIO_BLK_F_SEG_MAX))
        rc = virtio_config_read(dev, CONFIG_SEG_MAX, &l.seg_max, sizeof l.seg_max);
    char why[96];
    if (rc < 0)
        ksnprintf(why, sizeof why, "its configuration lacks the capacity or the limits it offered");
    else
        rc = virtio_blk_limits_check(&l, why, sizeof why);
    if (rc < 0) {
        virtio_fail(dev, why);
        return -ENODEV;
    }
    vb->blk.sectors = l.capacity;
    vb->blk.block_size = l.blk_size ? l.blk_size : BLK_SECTOR;
    vb->size_max = l.size_max;
    vb->seg_max = l.seg_max;
    return 0;
}

int virtio_blk_attach(struct virtio_device *dev, struct blkdev **out)
{
    if (ndisks == MAX_DISKS)
        return -ENOSPC;
    struct vblk *vb = &disks[ndisks];
    vb->dev = dev;
    uint64_t wanted = VIRTIO_BLK_F_SIZE_MAX | VIRTIO_BLK_F_SEG_MAX | VIRTIO_BLK_F_RO | VIRTIO_BLK_F_BLK_SIZE |
                      VIRTIO_BLK_F_FLUSH | VIRTIO_F_INDIRECT_DESC | VIRTIO_F_EVENT_IDX;
    int rc = virtio_negotiate(dev, wanted, 0);
    if (rc < 0 || (rc = virtio_route_interrupt(dev)) < 0)
        return rc;
    struct blkdev *b = &vb->blk;
    if ((rc = read_config(vb)) < 0)
        return rc;
    b->read_only = (dev->features & VIRTIO_BLK_F_RO) != 0;
    b->can_flush = (dev->features & VIRTIO_BLK_F_FLUSH) != 0;
    rc = virtio_setup_queue(dev, &vb->vq, 0, QUEUE_MAX, MAX_SEGMENTS + 2);
    if (rc < 0) {
        virtio_fail(dev, "its request queue could not be set up");
        return rc;
    }
    if (make_slots(vb) < 0 || !thread_create(dev->name, service, vb, 0)) {
        virtio_fail(dev, "no memory for its requests or its service thread");
        return -ENOMEM;
    }
    virtio_start(dev);
    ksnprintf(b->name, sizeof b->name, "%s", dev->name);
    b->submit = submit;
    b->driver = vb;
    ndisks++;
    kdebug("mayfly: %s: %lu sectors (%lu MiB)%s\n", b->name, (unsigned long)b->sectors,
           (unsigned long)(b->sectors / 2048), b->read_only ? ", read-only" : "");
    *out = b;
    return 0;
}
