/* lwIP interfaces over drivers/netdev.h, without copying frames either way.
 *
 * Transmit: a frame's pbufs become the device's buffers (the virtio-net header goes in the
 * PBUF_LINK_ENCAPSULATION_HLEN bytes lwIP leaves before the Ethernet header), referenced until
 * the device releases them. lwIP does not rewrite a segment the driver still holds
 * (tcp_output_segment_busy). When the ring is full, frames wait in a backlog; a frame only
 * fails when the backlog is full too, as a NIC queue would. The backlog is sent from two places,
 * each after net_send returns, never from inside it: the transmit path itself, and a thread per
 * interface that the device's releases wake. A release only frees, so transmit never re-enters.
 *
 * Receive: a frame goes up in the device's own buffer, wrapped in a custom pbuf that gives it
 * back when lwIP frees it. Buffers held by the stack (unread data, reassembly) are buffers the
 * device cannot fill, so past half the ring the frame is copied and its buffer returned at
 * once: a slow reader cannot starve the ring. */
#include "ethif.h"
#include "lwip/etharp.h"
#include "lwip/pbuf.h"
#include "lwip/tcpip.h"
#include "netif/ethernet.h"
#include "../drivers/netdev.h"
#include "../kernel/app.h"
#include "../kernel/thread.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* a frame goes out in at most NETDEV_SEGS_MAX buffers; longer pbuf chains are copied into one */
#define TX_FRAMES 384                   /* in the ring plus waiting in the backlog */
#define RX_HELD_MAX 128                 /* of the device's buffers lent to the stack */
#define TX_DRAIN_STACK (16 * 1024)      /* the drain thread only sends and frees */

_Static_assert(PBUF_LINK_ENCAPSULATION_HLEN >= NETBUF_HEADROOM, "lwipopts.h must leave the driver its headroom");

struct tx_frame {
    struct netbuf segs[NETDEV_SEGS_MAX];
    struct pbuf *p;
    struct ethif *ei;
    struct tx_frame *next;
};

struct rx_pbuf {
    struct pbuf_custom pc;              /* first: lwIP hands back the pbuf */
    struct netbuf *nb;
    struct ethif *ei;
    struct rx_pbuf *next;
};

struct ethif {
    struct netif netif;
    struct netdev *dev;
    struct tx_frame *tx_free, *backlog, *backlog_tail;
    struct waitq tx_room;               /* the drain thread, waiting for a release */
    struct rx_pbuf *rx_free;
    int rx_held;
};

static void tx_put(struct ethif *ei, struct tx_frame *f)
{
    pbuf_free(f->p);
    f->p = NULL;
    f->next = ei->tx_free;
    ei->tx_free = f;
}

/* The device is done with a frame (thread context: the device's service thread, or inside
 * net_send when the driver reclaims to make room). Only frees; frames waiting for the room
 * are the drain thread's to send. */
static void tx_release(struct netbuf *b)
{
    struct tx_frame *f = b->owner;
    struct ethif *ei = f->ei;
    tx_put(ei, f);
    if (ei->backlog)
        waitq_wake_one(&ei->tx_room);
}

/* Send the backlog in order until the ring is full; core lock held. */
static void tx_drain(struct ethif *ei)
{
    while (ei->backlog) {
        struct tx_frame *f = ei->backlog;
        int rc = net_send(ei->dev, &f->segs[0]);
        if (rc == -EAGAIN)
            break;
        ei->backlog = f->next;
        if (rc < 0)
            tx_put(ei, f);              /* a broken device: the frame is lost, as on a wire */
    }
}

/* Sends what waited for room once releases made some. Between the drain and the wait no other
 * thread runs (cooperative threads), so no release's wake-up falls in between. */
static __attribute__((noreturn)) void *tx_drain_thread(void *arg)
{
    struct ethif *ei = arg;
    for (;;) {
        LOCK_TCPIP_CORE();
        tx_drain(ei);
        UNLOCK_TCPIP_CORE();
        waitq_wait(&ei->tx_room, 0);
    }
}

static int chain_fits(struct pbuf *p)
{
    int n = 0;
    for (struct pbuf *q = p; q; q = q->next)
        if (q->len && ++n > NETDEV_SEGS_MAX)
            return 0;
    /* the first pbuf must have the driver's headroom in front of its payload */
    if (pbuf_add_header(p, NETBUF_HEADROOM))
        return 0;
    pbuf_remove_header(p, NETBUF_HEADROOM);
    return 1;
}

static err_t linkoutput(struct netif *netif, struct pbuf *p)
{
    struct ethif *ei = netif->state;
    struct tx_frame *f = ei->tx_free;
    if (!f || p->tot_len > ETH_FRAME_MAX)
        return ERR_MEM;
    if (chain_fits(p)) {
        pbuf_ref(p);
        f->p = p;
    } else if (!(f->p = pbuf_clone(PBUF_RAW_TX, PBUF_RAM, p))) {
        return ERR_MEM;
    }
    ei->tx_free = f->next;
    memset(f->segs, 0, sizeof f->segs);
    struct netbuf *seg = NULL;
    for (struct pbuf *q = f->p; q; q = q->next) {
        if (!q->len)
            continue;
        struct netbuf *nb = seg ? seg + 1 : &f->segs[0];
        if (seg)
            seg->next = nb;
        nb->data = q->payload;
        nb->len = q->len;
        seg = nb;
    }
    f->segs[0].release = tx_release;
    f->segs[0].owner = f;
    f->next = NULL;
    if (ei->backlog)
        ei->backlog_tail->next = f;
    else
        ei->backlog = f;
    ei->backlog_tail = f;
    tx_drain(ei);
    return ERR_OK;
}

static void rx_free(struct pbuf *p)
{
    struct rx_pbuf *r = (struct rx_pbuf *)p;
    struct ethif *ei = r->ei;
    net_rx_done(ei->dev, r->nb);
    r->next = ei->rx_free;
    ei->rx_free = r;
    ei->rx_held--;
}

/* A frame from the device (its service thread): up the stack, lent or copied. */
static void receive(struct netdev *dev, struct netbuf *b, void *ctx)
{
    struct ethif *ei = ctx;
    struct pbuf *p;
    struct rx_pbuf *r = ei->rx_free;
    if (r && ei->rx_held < RX_HELD_MAX) {
        ei->rx_free = r->next;
        ei->rx_held++;
        r->nb = b;
        r->pc.custom_free_function = rx_free;
        p = pbuf_alloced_custom(PBUF_RAW, (u16_t)b->len, PBUF_REF, &r->pc, b->data, (u16_t)b->len);
    } else {
        p = pbuf_alloc(PBUF_RAW, (u16_t)b->len, PBUF_RAM);
        if (p)
            pbuf_take(p, b->data, (u16_t)b->len);
        net_rx_done(dev, b);
    }
    if (p && ei->netif.input(p, &ei->netif) != ERR_OK)
        pbuf_free(p);
}

static err_t ethif_init(struct netif *netif)
{
    struct ethif *ei = netif->state;
    struct netdev *dev = ei->dev;
    netif->name[0] = 'e', netif->name[1] = 'n';
    netif->output = etharp_output;
    netif->linkoutput = linkoutput;
    netif->mtu = dev->mtu;
    netif->hwaddr_len = ETH_HWADDR_LEN;
    memcpy(netif->hwaddr, dev->mac, ETH_HWADDR_LEN);
    netif_set_hostname(netif, app_name);     /* the DHCP server learns the service's name */
    netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET;
    if (dev->link_up)
        netif->flags |= NETIF_FLAG_LINK_UP;
    return ERR_OK;
}

const char *ethif_name(struct netif *netif) { return ((struct ethif *)netif->state)->dev->name; }

struct netif *ethif_add(struct netdev *dev)
{
    struct ethif *ei = calloc(1, sizeof *ei);
    struct tx_frame *tx = calloc(TX_FRAMES, sizeof *tx);
    struct rx_pbuf *rx = calloc(RX_HELD_MAX, sizeof *rx);
    if (!ei || !tx || !rx) {
        free(ei), free(tx), free(rx);
        return NULL;
    }
    ei->dev = dev;
    for (int i = 0; i < TX_FRAMES; i++) {
        tx[i].ei = ei;
        tx[i].next = ei->tx_free;
        ei->tx_free = &tx[i];
    }
    for (int i = 0; i < RX_HELD_MAX; i++) {
        rx[i].ei = ei;
        rx[i].next = ei->rx_free;
        ei->rx_free = &rx[i];
    }
    if (!netif_add(&ei->netif, NULL, NULL, NULL, ei, ethif_init, tcpip_input)) {
        free(ei), free(tx), free(rx);
        return NULL;
    }
    if (!thread_create("ethif-tx", tx_drain_thread, ei, TX_DRAIN_STACK)) {
        netif_remove(&ei->netif);
        free(ei), free(tx), free(rx);
        return NULL;
    }
    net_set_receiver(dev, receive, ei);
    return &ei->netif;
}
