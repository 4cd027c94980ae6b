/* The virtio-blk driver (virtio 1.2 §5.2), for discovery. */
#ifndef DRIVERS_VIRTIO_VIRTIO_BLK_H
#define DRIVERS_VIRTIO_VIRTIO_BLK_H
#include "virtio.h"
#include "../blkdev.h"

/* Bring up the block device dev (named already) and give its block interface in *out, for the
 * caller to register. Returns 0, or -errno with the device left failed and a message saying why. */
int virtio_blk_attach(struct virtio_device *dev, struct blkdev **out);
#endif
