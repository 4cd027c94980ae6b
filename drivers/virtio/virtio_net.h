/* The virtio-net driver (virtio 1.2 §5.1), for discovery. */
#ifndef DRIVERS_VIRTIO_VIRTIO_NET_H
#define DRIVERS_VIRTIO_VIRTIO_NET_H
#include "virtio.h"
#include "../netdev.h"

/* Bring up the network device dev (named already) and give its frame interface in *out, for
 * the caller to register. Returns 0, or -errno with the device left failed and a message saying
 * why. */
int virtio_net_attach(struct virtio_device *dev, struct netdev **out);
#endif
