/* virtio-net end to end on QEMU's user network: send an ARP request for the gateway 10.0.2.2
 * and take its reply; then a burst of full-size frames through the transmit ring. The host
 * captures what crossed the wire (filter-dump) and checks it too. */
#include "../check.h"
#include "../../../drivers/netdev.h"
#include "../../../kernel/clock.h"
#include "../../../kernel/thread.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BURST 300
static const uint8_t guest_ip[4] = { 10, 0, 2, 15 }, gateway_ip[4] = { 10, 0, 2, 2 };

struct frame {
    struct netbuf nb;
    uint8_t room[NETBUF_HEADROOM];
    uint8_t data[ETH_FRAME_MAX];
};

static struct waitq arrived;
static uint8_t gateway_mac[6];
static int got_reply, frames_seen, released;

static void on_frame(struct netdev *d, struct netbuf *b, void *ctx)
{
    (void)ctx;
    frames_seen++;
    const uint8_t *f = b->data;
    /* Ethernet type ARP, ARP op 2 (reply), sender 10.0.2.2, target us */
    if (b->len >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 2 && !memcmp(f + 28, gateway_ip, 4) &&
        !memcmp(f + 38, guest_ip, 4) && !memcmp(f + 32, d->mac, 6)) {
        memcpy(gateway_mac, f + 22, 6);
        got_reply = 1;
        waitq_wake_all(&arrived);
    }
    net_rx_done(d, b);
}

static void on_release(struct netbuf *b) { (void)b; released++; }

static void arp_request(struct frame *fr, const uint8_t mac[6])
{
    uint8_t *f = fr->data;
    memset(f, 0, 60);
    memset(f, 0xFF, 6);                          /* to everyone */
    memcpy(f + 6, mac, 6);
    f[12] = 0x08, f[13] = 0x06;                  /* ARP */
    f[14] = 0, f[15] = 1;                        /* Ethernet */
    f[16] = 0x08, f[17] = 0x00;                  /* IPv4 */
    f[18] = 6, f[19] = 4;
    f[20] = 0, f[21] = 1;                        /* request */
    memcpy(f + 22, mac, 6);
    memcpy(f + 28, guest_ip, 4);
    memcpy(f + 38, gateway_ip, 4);
    fr->nb = (struct netbuf){ .data = f, .len = 60, .release = on_release };
}

/* A long burst through a small pool of buffers: the transmit path must never stall. */
#define LONG_BURST 1000000
#define POOL 512                       /* more than the ring holds: it must fill up */
static int pool_busy[POOL];
static long pool_released;
static void pool_release(struct netbuf *b) { *(int *)b->owner = 0; pool_released++; }

static void long_burst(struct netdev *d)
{
    static struct frame pool[POOL];
    uint64_t deadline = clock_monotonic_ns() + 60 * NSEC_PER_SEC;
    long sent = 0;
    while (sent < LONG_BURST && clock_monotonic_ns() < deadline) {
        int i = (int)(sent % POOL);
        struct frame *f = &pool[i];
        while (pool_busy[i] && clock_monotonic_ns() < deadline)
            thread_yield();                          /* its last send is not finished yet */
        memset(f->data, 0xFF, 6);
        memcpy(f->data + 6, d->mac, 6);
        f->data[12] = 0x88, f->data[13] = 0xB5;
        f->nb = (struct netbuf){ .data = f->data, .len = 64, .release = pool_release, .owner = &pool_busy[i] };
        pool_busy[i] = 1;
        int rc;
        while ((rc = net_send(d, &f->nb)) == -EAGAIN && clock_monotonic_ns() < deadline)
            thread_yield();
        if (rc != 0)
            break;
        sent++;
    }
    while (pool_released < sent && clock_monotonic_ns() < deadline)
        thread_yield();
    CHECK(sent == LONG_BURST && pool_released == sent, "a burst of %d frames went through without a stall (%ld sent, %ld given back)",
          LONG_BURST, sent, pool_released);
}

int main(int argc, char **argv)
{
    int want_nics = argc > 1 ? atoi(argv[1]) : 1;
    struct netdev *d = net_find("net0");
    CHECK(d != NULL && net_count() == want_nics, "net0 found, %d NIC(s) in all", net_count());
    if (want_nics > 1)
        CHECK(net_find("net1") != NULL && memcmp(net_find("net1")->mac, d->mac, 6) != 0, "net1 found, with its own MAC");
    if (!d)
        return check_exit();
    printf("net0 MAC %02x:%02x:%02x:%02x:%02x:%02x\n", d->mac[0], d->mac[1], d->mac[2], d->mac[3], d->mac[4], d->mac[5]);
    CHECK(d->link_up, "link is up");
    net_set_receiver(d, on_frame, NULL);

    static struct frame req;
    arp_request(&req, d->mac);
    uint64_t deadline = clock_monotonic_ns() + 5 * NSEC_PER_SEC;
    int sent = net_send(d, &req.nb) == 0;
    while (!got_reply && clock_monotonic_ns() < deadline)
        waitq_wait(&arrived, deadline);
    CHECK(sent && got_reply, "ARP reply: 10.0.2.2 is at %02x:%02x:%02x:%02x:%02x:%02x", gateway_mac[0],
          gateway_mac[1], gateway_mac[2], gateway_mac[3], gateway_mac[4], gateway_mac[5]);

    /* a burst of full-size frames (to the gateway's MAC, a type nobody answers) */
    static struct frame burst[BURST];
    int queued = 0, again = 0;
    for (int i = 0; i < BURST; i++) {
        uint8_t *f = burst[i].data;
        memcpy(f, gateway_mac, 6);
        memcpy(f + 6, d->mac, 6);
        f[12] = 0x88, f[13] = 0xB5;                  /* local experimental ethertype */
        memset(f + 14, (uint8_t)i, ETH_FRAME_MAX - 14);
        burst[i].nb = (struct netbuf){ .data = f, .len = ETH_FRAME_MAX, .release = on_release };
        int rc;
        while ((rc = net_send(d, &burst[i].nb)) == -EAGAIN) {
            again++;
            thread_yield();                          /* let the service thread take finished ones off */
        }
        queued += rc == 0;
    }
    deadline = clock_monotonic_ns() + 5 * NSEC_PER_SEC;
    while (released < BURST + 1 && clock_monotonic_ns() < deadline)
        thread_sleep_until(clock_monotonic_ns() + NSEC_PER_MSEC);
    CHECK(queued == BURST && released == BURST + 1, "%d full-size frames sent, all %d buffers given back (ring full %d times)",
          queued, released, again);
    static struct frame big;
    big.nb = (struct netbuf){ .data = big.data, .len = ETH_FRAME_MAX + 1 };
    CHECK(net_send(d, &big.nb) == -EINVAL, "a frame longer than 1514 bytes is refused");
    printf("frames received: %d\n", frames_seen);
    if (argc > 2 && !strcmp(argv[2], "long"))
        long_burst(d);
    return check_exit();
}
