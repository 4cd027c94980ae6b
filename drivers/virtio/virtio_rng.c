/* virtio-rng (virtio 1.2 §5.4): no features, no configuration, one queue (requestq, §5.4.2) to
 * which the driver gives device-writable buffers that the device fills with random bytes
 * (§5.4.6). Requests are rare (the generator's seedings), so one is in flight at a time, waited
 * for by the thread that asked, with a deadline: a device that never answers costs one seeding
 * its bytes, not the boot. */
#include "virtio_rng.h"
#include "../../kernel/clock.h"
#include "../../kernel/x86.h"
#include "../../kernel/printk.h"
#include <errno.h>
#include <string.h>

#define QUEUE_MAX 8
#define ANSWER_NS (500ull * 1000000)     /* how long the device may take to fill a buffer */

static struct {
    struct virtio_device *dev;
    struct virtq vq;
    int busy, broken;
    uint8_t buf[VIRTIO_RNG_REQUEST_MAX]; /* the device writes here (identity mapped memory) */
} rng;

int virtio_rng_attach(struct virtio_device *dev)
{
    if (rng.dev) {
        kdebug("mayfly: %s: a second entropy device; not used\n", dev->where);
        return -ENOSPC;
    }
    int rc = virtio_negotiate(dev, 0, 0);  /* §5.4.3: the device has no feature bits */
    if (rc < 0 || (rc = virtio_route_interrupt(dev)) < 0)
        return rc;
    if ((rc = virtio_setup_queue(dev, &rng.vq, 0, QUEUE_MAX, 0)) < 0) {
        virtio_fail(dev, "its request queue could not be set up");
        return rc;
    }
    virtio_start(dev);
    rng.dev = dev;
    return 0;
}

/* Wait for the device to return the buffer: 1 with *len, 0 at the deadline, -EIO if it broke
 * the ring's rules. */
static int wait_answer(uint32_t *len, uint64_t deadline)
{
    for (;;) {
        void *cookie;
        int rc = vq_pop(&rng.vq, &cookie, len);
        if (rc != 0)
            return rc;
        if (vq_arm_interrupt(&rng.vq))
            continue;
        if (virtio_wait_interrupt(rng.dev, deadline) == -ETIMEDOUT)
            return vq_pop(&rng.vq, &cookie, len);   /* a last look */
    }
}

int virtio_rng_read(void *buf, size_t len)
{
    if (!rng.dev || rng.broken)
        return -ENODEV;
    if (rng.busy)
        return -EBUSY;
    rng.busy = 1;
    if (len > sizeof rng.buf)
        len = sizeof rng.buf;
    struct vq_buf piece = { rng.buf, (uint32_t)len, 1 };
    int rc = vq_add(&rng.vq, &piece, 1, &rng);
    uint32_t got = 0;
    if (rc == 0) {
        virtio_kick(rng.dev, &rng.vq);
        rc = wait_answer(&got, clock_monotonic_ns() + ANSWER_NS);
    }
    if (rc < 0) {
        rng.broken = 1;                      /* -EIO: the ring is not to be trusted any more */
        virtio_fail(rng.dev, rng.vq.error[0] ? rng.vq.error : "its request queue failed");
        rng.busy = 0;
        return -ENODEV;
    }
    if (rc == 0) {
        /* no answer: the buffer stays the device's, so this device is not asked again */
        rng.broken = 1;
        kprintf("mayfly: %s: the entropy device did not answer in time; not used\n", rng.dev->name);
        rng.busy = 0;
        return -ETIMEDOUT;
    }
    if (got > len)
        got = (uint32_t)len;                 /* a device that claims more than it was given */
    memcpy(buf, rng.buf, got);
    memset(rng.buf, 0, sizeof rng.buf);
    rng.busy = 0;
    return (int)got;
}
