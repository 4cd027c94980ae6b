/* The frame interface: the registry of devices (a leaf) and the calls into a driver. */
#include "netdev.h"
#include <errno.h>

#define MAX_NETDEVS 8

static struct netdev *devs[MAX_NETDEVS];
static int ndevs;

int net_register(struct netdev *d)
{
    if (ndevs == MAX_NETDEVS)
        return -ENOSPC;
    devs[ndevs++] = d;
    return 0;
}

struct netdev *net_registered(int i)
{
    return i >= 0 && i < ndevs ? devs[i] : NULL;
}

int net_send(struct netdev *d, struct netbuf *b)
{
    uint32_t len = 0;
    int segs = 0;
    for (const struct netbuf *seg = b; seg; seg = seg->next, segs++)
        len += seg->len;
    if (b->len == 0 || segs > NETDEV_SEGS_MAX || (len > ETH_FRAME_MAX && b->gso_type == NETBUF_GSO_NONE))
        return -EINVAL;
    return d->transmit(d, b);
}

void net_set_receiver(struct netdev *d, void (*receive)(struct netdev *, struct netbuf *, void *), void *ctx)
{
    d->receive_ctx = ctx;
    d->receive = receive;
}

void net_rx_done(struct netdev *d, struct netbuf *b) { d->rx_done(d, b); }
