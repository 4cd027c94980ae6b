#include "netdev.h"
#include "devices.h"
#include <errno.h>
#include <string.h>

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

int net_count(void)
{
    devices_init();
    return ndevs;
}

struct netdev *net_get(int i)
{
    devices_init();
    return i >= 0 && i < ndevs ? devs[i] : NULL;
}

struct netdev *net_find(const char *name)
{
    devices_init();
    for (int i = 0; i < ndevs; i++)
        if (strcmp(devs[i]->name, name) == 0)
            return devs[i];
    return NULL;
}

int net_send(struct netdev *d, struct netbuf *b)
{
    uint32_t len = 0;
    for (const struct netbuf *seg = b; seg; seg = seg->next)
        len += seg->len;
    if (b->len == 0 || (len > ETH_FRAME_MAX && b->gso_type == NETBUF_GSO_NONE))
        return -EINVAL;
    return d->transmit(d, b);
}

void net_set_receiver(struct netdev *d, void (*receive)(struct netdev *, struct netbuf *, void *), void *ctx)
{
    d->receive_ctx = ctx;
    d->receive = receive;
}

void net_rx_done(struct netdev *d, struct netbuf *b) { d->rx_done(d, b); }
