/* virtio-net (virtio 1.2 §5.1): receive queue 0 kept full of buffers that frames arrive in and
 * go up in, uncopied; transmit queue 1 takes each frame as one buffer, the virtio header
 * written into the frame's headroom. One service thread finishes both queues' work. */
#include "virtio_net.h"
#include "../checksum.h"
#include "../../kernel/format.h"
#include "../../kernel/memory.h"
#include "../../kernel/printk.h"
#include "../../kernel/thread.h"
#include "../../kernel/x86.h"
#include <errno.h>
#include <string.h>

#define VIRTIO_NET_F_CSUM (1ull << 0)
#define VIRTIO_NET_F_GUEST_CSUM (1ull << 1)
#define VIRTIO_NET_F_MAC (1ull << 5)
#define VIRTIO_NET_F_HOST_TSO4 (1ull << 11)
#define VIRTIO_NET_F_HOST_TSO6 (1ull << 12)
#define VIRTIO_NET_F_MRG_RXBUF (1ull << 15)
#define VIRTIO_NET_F_STATUS (1ull << 16)
#define CONFIG_MAC 0
#define CONFIG_STATUS 6
#define STATUS_LINK_UP 1
#define HDR_F_NEEDS_CSUM 1
#define HDR_F_DATA_VALID 2
#define HDR_GSO_NONE 0                 /* §5.1.6: gso_type */
#define HDR_GSO_TCPV4 1
#define HDR_GSO_TCPV6 4
#define HDR_LEN_MODERN 12              /* with num_buffers: VERSION_1 or MRG_RXBUF */
#define HDR_LEN_LEGACY 10
#define HDR_NUM_BUFFERS 10
#define RX_QUEUE 0
#define TX_QUEUE 1
#define QUEUE_MAX 256
#define RX_RAM_SHARE 32                /* receive buffers take at most 1/32 of RAM ... */
#define RX_BUFFERS_MIN 32              /* ... but never fewer than this */
#define RX_BUF_SIZE 2048               /* a whole frame and its header fit: no chains without LRO */
#define MAX_NICS 4
#define ETH_MTU 1500

struct virtio_net_hdr {                /* §5.1.6 */
    uint8_t flags, gso_type;
    uint16_t hdr_len, gso_size, csum_start, csum_offset, num_buffers;
};

struct vnet {
    struct netdev net;
    struct virtio_device *dev;
    struct virtq rxq, txq;
    int broken;
    unsigned hdr_len;
    struct netbuf *rx_bufs;            /* one per receive ring slot */
    uint8_t *rx_mem;
};

static struct vnet nics[MAX_NICS];
static int nnics;

static uint8_t *rx_raw(struct vnet *vn, struct netbuf *b) { return vn->rx_mem + (size_t)(b - vn->rx_bufs) * RX_BUF_SIZE; }

static int post_rx(struct vnet *vn, struct netbuf *b)
{
    struct vq_buf buf = { rx_raw(vn, b), RX_BUF_SIZE, 1 };
    return vq_add(&vn->rxq, &buf, 1, b);
}

static void rx_done(struct netdev *net, struct netbuf *b)
{
    struct vnet *vn = net->driver;
    for (struct netbuf *next; b; b = next) {
        next = b->next;
        b->next = NULL;
        post_rx(vn, b);
    }
    virtio_kick(vn->dev, &vn->rxq);
}

static void fail_because(struct vnet *vn, const char *why)
{
    vn->broken = 1;
    virtio_fail(vn->dev, why);
}

static void fail(struct vnet *vn, struct virtq *vq) { fail_because(vn, vq->error); }

/* Take finished transmissions off the ring, handing their buffers back. */
static void reclaim_tx(struct vnet *vn)
{
    void *cookie;
    uint32_t len;
    int rc;
    while ((rc = vq_pop(&vn->txq, &cookie, &len)) == 1) {
        struct netbuf *b = cookie;
        if (b->release)
            b->release(b);
    }
    if (rc < 0)
        fail(vn, &vn->txq);
}

/* netdev's segmentation kinds in virtio-net's numbers. */
static uint8_t hdr_gso(enum netbuf_gso gso)
{
    switch (gso) {
    case NETBUF_GSO_TCPV4:
        return HDR_GSO_TCPV4;
    case NETBUF_GSO_TCPV6:
        return HDR_GSO_TCPV6;
    case NETBUF_GSO_NONE:
        break;
    }
    return HDR_GSO_NONE;
}

static int transmit(struct netdev *net, struct netbuf *b)
{
    struct vnet *vn = net->driver;
    if (vn->broken)
        return -EIO;
    struct virtio_net_hdr *h = (struct virtio_net_hdr *)(b->data - vn->hdr_len);
    memset(h, 0, vn->hdr_len);
    if (b->csum_needed) {
        h->flags = HDR_F_NEEDS_CSUM;
        h->csum_start = b->csum_start;
        h->csum_offset = b->csum_offset;
    }
    if (b->gso_type != NETBUF_GSO_NONE) {
        h->gso_type = hdr_gso(b->gso_type);
        h->gso_size = b->gso_size;
        h->hdr_len = b->hdr_len;
    }
    /* the header and the first buffer are one descriptor; each further buffer one more */
    struct vq_buf bufs[NETDEV_SEGS_MAX];
    int n = 0;
    for (struct netbuf *seg = b; seg; seg = seg->next, n++) {
        if (n == NETDEV_SEGS_MAX)
            return -EINVAL;
        bufs[n] = (struct vq_buf){ seg->data, seg->len, 0 };
    }
    bufs[0] = (struct vq_buf){ h, b->len + vn->hdr_len, 0 };
    int rc = vq_add(&vn->txq, bufs, n, b);
    if (rc == -ENOSPC) {               /* finished ones may be waiting to be taken off */
        reclaim_tx(vn);
        rc = vq_add(&vn->txq, bufs, n, b);
    }
    if (rc == -ENOSPC)
        return -EAGAIN;
    if (rc < 0)
        return rc;
    virtio_kick(vn->dev, &vn->txq);
    return 0;
}

/* The buffers a frame arrived in: num_buffers says so only with MRG_RXBUF (virtio 1.2 §5.1.6.4);
 * without it a frame is one buffer, and the field may hold anything (QEMU leaves it unwritten). */
static uint16_t frame_buffers(struct vnet *vn, const struct virtio_net_hdr *h)
{
    return (vn->dev->features & VIRTIO_NET_F_MRG_RXBUF) ? h->num_buffers : 1;
}

/* A frame whose checksum the device left partial (NEEDS_CSUM, only under GUEST_CSUM) is
 * completed here, so the stack above sees whole packets (virtio 1.2 §5.1.6.4.1). */
static int finish_checksum(const struct virtio_net_hdr *h, struct netbuf *b)
{
    if (!(h->flags & HDR_F_NEEDS_CSUM))
        return 0;
    return checksum_complete(b->data, b->len, h->csum_start, h->csum_offset);
}

static void receive_all(struct vnet *vn)
{
    void *cookie;
    uint32_t len;
    int rc;
    while ((rc = vq_pop(&vn->rxq, &cookie, &len)) == 1) {
        struct netbuf *b = cookie;
        const struct virtio_net_hdr *h = (const void *)rx_raw(vn, b);
        uint16_t nbuf = frame_buffers(vn, h);
        if (nbuf > vn->rxq.size) {     /* more buffers than the ring has: a lie (§5.1.6.4) */
            char why[64];
            ksnprintf(why, sizeof why, "num_buffers %u exceeds the receive ring (%u)", nbuf, vn->rxq.size);
            fail_because(vn, why);
            return;
        }
        if (len <= vn->hdr_len || nbuf == 0) {   /* nothing but a header: give the buffer back */
            post_rx(vn, b);
            continue;
        }
        /* more buffers only with LRO (not negotiated): a frame in several is dropped whole */
        struct netbuf *last = b;
        b->data = rx_raw(vn, b) + vn->hdr_len;
        b->len = len - vn->hdr_len;
        b->csum_valid = (h->flags & (HDR_F_DATA_VALID | HDR_F_NEEDS_CSUM)) != 0;
        b->next = NULL;
        for (uint16_t i = 1; i < nbuf && rc == 1; i++) {
            if ((rc = vq_pop(&vn->rxq, &cookie, &len)) == 1) {
                struct netbuf *more = cookie;
                more->data = rx_raw(vn, more);
                more->len = len;
                more->next = NULL;
                last->next = more;
                last = more;
            }
        }
        if (vn->net.receive && nbuf == 1 && finish_checksum(h, b) == 0)
            vn->net.receive(&vn->net, b, vn->net.receive_ctx);
        else
            rx_done(&vn->net, b);
    }
    if (rc < 0)
        fail(vn, &vn->rxq);
    virtio_kick(vn->dev, &vn->rxq);
}

static void read_link(struct vnet *vn)
{
    uint16_t status = STATUS_LINK_UP;
    if (vn->dev->features & VIRTIO_NET_F_STATUS)
        virtio_config_read(vn->dev, CONFIG_STATUS, &status, sizeof status);
    vn->net.link_up = status & STATUS_LINK_UP;
}

static void *service(void *arg)
{
    struct vnet *vn = arg;
    while (!vn->broken) {
        receive_all(vn);
        reclaim_tx(vn);
        read_link(vn);
        if (vq_arm_interrupt(&vn->rxq) | vq_arm_interrupt(&vn->txq))
            continue;
        virtio_wait_interrupt(vn->dev, 0);
    }
    return NULL;
}

/* Receive buffers to keep posted: the ring's size, but no more than RX_RAM_SHARE of RAM, so that
 * a small VM (-m 3M) keeps memory for its app; fewer buffers only mean drops under a burst. */
static uint16_t rx_buffers(uint16_t ring)
{
    size_t fit = mem_total_bytes() / RX_RAM_SHARE / RX_BUF_SIZE;
    if (fit < RX_BUFFERS_MIN)
        fit = RX_BUFFERS_MIN;
    return fit < ring ? (uint16_t)fit : ring;
}

int virtio_net_attach(struct virtio_device *dev, struct netdev **out)
{
    if (nnics == MAX_NICS)
        return -ENOSPC;
    struct vnet *vn = &nics[nnics];
    vn->dev = dev;
    uint64_t wanted = VIRTIO_NET_F_CSUM | VIRTIO_NET_F_GUEST_CSUM | VIRTIO_NET_F_MAC | VIRTIO_NET_F_HOST_TSO4 |
                      VIRTIO_NET_F_HOST_TSO6 | VIRTIO_NET_F_MRG_RXBUF | VIRTIO_NET_F_STATUS | VIRTIO_F_EVENT_IDX;
    int rc = virtio_negotiate(dev, wanted, VIRTIO_NET_F_MAC);
    if (rc < 0 || (rc = virtio_route_interrupt(dev)) < 0)
        return rc;
    uint64_t f = dev->features;
    /* §5.1.4: the MAC (required) and, if offered, the status must be in the configuration */
    uint16_t status;
    if (virtio_config_read(dev, CONFIG_MAC, vn->net.mac, sizeof vn->net.mac) < 0 ||
        ((f & VIRTIO_NET_F_STATUS) && virtio_config_read(dev, CONFIG_STATUS, &status, sizeof status) < 0)) {
        virtio_fail(dev, "its configuration lacks the MAC address or the status it offered");
        return -ENODEV;
    }
    vn->hdr_len = (f & (VIRTIO_F_VERSION_1 | VIRTIO_NET_F_MRG_RXBUF)) ? HDR_LEN_MODERN : HDR_LEN_LEGACY;
    if ((rc = virtio_setup_queue(dev, &vn->rxq, RX_QUEUE, QUEUE_MAX, 0)) < 0 ||
        (rc = virtio_setup_queue(dev, &vn->txq, TX_QUEUE, QUEUE_MAX, 0)) < 0) {
        virtio_fail(dev, "its queues could not be set up");
        return rc;
    }
    uint16_t n = rx_buffers(vn->rxq.size);
    size_t bytes = PAGE_ROUND_UP((size_t)n * RX_BUF_SIZE), meta = PAGE_ROUND_UP((size_t)n * sizeof(struct netbuf));
    vn->rx_mem = page_alloc(bytes / PAGE_SIZE);
    vn->rx_bufs = page_alloc(meta / PAGE_SIZE);
    if (!vn->rx_mem || !vn->rx_bufs || !thread_create(dev->name, service, vn, 0)) {
        virtio_fail(dev, "no memory for its receive buffers");
        return -ENOMEM;
    }
    memset(vn->rx_bufs, 0, meta);
    for (uint16_t i = 0; i < n; i++)
        post_rx(vn, &vn->rx_bufs[i]);

    struct netdev *net = &vn->net;
    ksnprintf(net->name, sizeof net->name, "%s", dev->name);
    net->mtu = ETH_MTU;
    net->features = ((f & VIRTIO_NET_F_CSUM) ? NETDEV_TX_CSUM : 0) | ((f & VIRTIO_NET_F_GUEST_CSUM) ? NETDEV_RX_CSUM : 0) |
                    ((f & VIRTIO_NET_F_CSUM) && (f & VIRTIO_NET_F_HOST_TSO4) ? NETDEV_TSO4 : 0) |
                    ((f & VIRTIO_NET_F_CSUM) && (f & VIRTIO_NET_F_HOST_TSO6) ? NETDEV_TSO6 : 0);
    net->transmit = transmit;
    net->rx_done = rx_done;
    net->driver = vn;
    read_link(vn);
    virtio_start(dev);
    virtio_kick(dev, &vn->rxq);
    nnics++;
    kdebug("mayfly: %s: MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s, offloads 0x%x\n", net->name, net->mac[0],
           net->mac[1], net->mac[2], net->mac[3], net->mac[4], net->mac[5], net->link_up ? "up" : "down",
           net->features);
    *out = net;
    return 0;
}
