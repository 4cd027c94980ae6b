/* Network devices for net/: Ethernet frames in, frames out, without copies. A frame buffer
 * keeps NETBUF_HEADROOM free bytes before the frame for the driver's own header. Offloads are
 * said in this interface's own terms; each driver translates them for its device. This file's
 * registry is a leaf: discovery registers the devices drivers bring up, and nothing here calls
 * discovery or a driver except through the pointers the driver gave. */
#ifndef DRIVERS_NETDEV_H
#define DRIVERS_NETDEV_H
#include <stdint.h>

#define NETBUF_HEADROOM 16
#define ETH_FRAME_MAX 1514             /* without the FCS */
#define NETDEV_SEGS_MAX 8              /* buffers one transmitted frame may span */

#define NETDEV_TX_CSUM (1u << 0)       /* the device completes a partial checksum (csum_start/offset) */
#define NETDEV_TSO4 (1u << 1)          /* it segments TCP/IPv4 (gso_type, gso_size, hdr_len) */
#define NETDEV_TSO6 (1u << 2)
#define NETDEV_RX_CSUM (1u << 3)       /* received frames may come with csum_valid set */

/* What the device should cut a large frame into. */
enum netbuf_gso {
    NETBUF_GSO_NONE,                   /* nothing: the frame goes as it is */
    NETBUF_GSO_TCPV4,                  /* TCP segments over IPv4 (NETDEV_TSO4) */
    NETBUF_GSO_TCPV6,                  /* TCP segments over IPv6 (NETDEV_TSO6) */
};

struct netbuf {
    struct netbuf *next;               /* the rest of a frame that spans buffers */
    uint8_t *data;                     /* the Ethernet header; NETBUF_HEADROOM bytes before are free */
    uint32_t len;
    /* transmit offloads, as asked by the stack (zero: none). A checksum: the device sums from
     * csum_start (bytes from the Ethernet header) to the end and stores the result csum_offset
     * bytes further on. Segmentation: segments of gso_size payload bytes, each led by a copy
     * of the first hdr_len bytes (Ethernet, IP, TCP headers). */
    uint8_t csum_needed;
    enum netbuf_gso gso_type;
    uint16_t csum_start, csum_offset, gso_size, hdr_len;
    /* receive: the device checked the checksums */
    uint8_t csum_valid;
    /* transmit: called (thread context) once the device is done with the buffer */
    void (*release)(struct netbuf *);
    void *owner;
};

struct netdev {
    char name[8];
    uint8_t mac[6];
    uint16_t mtu;
    int link_up;
    unsigned features;                 /* NETDEV_* */
    /* the driver's */
    int (*transmit)(struct netdev *, struct netbuf *);
    void (*rx_done)(struct netdev *, struct netbuf *);
    void *driver;
    /* the receiver's (net/), called in thread context with a frame it owns until net_rx_done */
    void (*receive)(struct netdev *, struct netbuf *, void *ctx);
    void *receive_ctx;
};

/* Finding devices. These are discovery's (drivers/discovery.c): the first call finds every
 * device (devices_init), so that a program that uses none pays nothing at boot. */
/* The device called name, or NULL. */
struct netdev *net_find(const char *name);
/* How many there are; the i-th (0 ... count - 1), or NULL. */
int net_count(void);
struct netdev *net_get(int i);

/* Send a frame: b and the buffers chained after it (the first holds the headroom; at most
 * NETDEV_SEGS_MAX in all). 0: queued, b->release runs when the device is done. -EAGAIN: the
 * ring is full (retry after a release); -EINVAL: too long or in too many buffers; -EIO: the
 * device is broken. */
int net_send(struct netdev *d, struct netbuf *b);
/* Frames go to receive(d, b, ctx) from now on; until set, they are dropped. */
void net_set_receiver(struct netdev *d, void (*receive)(struct netdev *, struct netbuf *, void *), void *ctx);
/* Give a received buffer (the whole chain) back to the device. */
void net_rx_done(struct netdev *d, struct netbuf *b);

/* For discovery: add a device a driver brought up (0, or -ENOSPC when the table is full); the
 * i-th added so far, or NULL. Neither finds devices. */
int net_register(struct netdev *d);
struct netdev *net_registered(int i);
#endif
