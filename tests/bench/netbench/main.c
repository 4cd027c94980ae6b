/* virtio-net figure for make bench: frames per second from the guest to the host, 64-byte and
 * 1514-byte frames, for two seconds each, the transmit ring kept full. */
#include "../../../drivers/netdev.h"
#include "../../../kernel/clock.h"
#include "../../../kernel/thread.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define RING 512
#define SECONDS 2

struct frame {
    struct netbuf nb;
    uint8_t room[NETBUF_HEADROOM];
    uint8_t data[ETH_FRAME_MAX];
    int busy;
};

static struct frame frames[RING];
static void released(struct netbuf *b) { ((struct frame *)b->owner)->busy = 0; }

int main(void)
{
    struct netdev *d = net_find("net0");
    if (!d) {
        printf("netbench: no net0\n");
        return 1;
    }
    static const int sizes[] = { 64, ETH_FRAME_MAX };
    for (unsigned s = 0; s < 2; s++) {
        uint64_t sent = 0, start = clock_monotonic_ns(), end = start + SECONDS * NSEC_PER_SEC;
        for (int i = 0; clock_monotonic_ns() < end; i = (i + 1) % RING) {
            struct frame *f = &frames[i];
            while (f->busy && clock_monotonic_ns() < end + NSEC_PER_SEC)
                thread_yield();
            if (f->busy) {
                printf("netbench: transmit stalled after %llu frames\n", (unsigned long long)sent);
                return 1;
            }
            memset(f->data, 0xFF, 6);               /* broadcast, a local experimental type */
            memcpy(f->data + 6, d->mac, 6);
            f->data[12] = 0x88, f->data[13] = 0xB5;
            f->nb = (struct netbuf){ .data = f->data, .len = (uint32_t)sizes[s], .release = released, .owner = f };
            f->busy = 1;
            int rc;
            while ((rc = net_send(d, &f->nb)) == -EAGAIN && clock_monotonic_ns() < end + NSEC_PER_SEC)
                thread_yield();
            if (rc < 0) {
                printf("netbench: send failed %d\n", rc);
                return 1;
            }
            sent++;
        }
        double secs = (clock_monotonic_ns() - start) / 1e9;
        printf("net tx %4d-byte frames %.0f frames/s (%.1f MB/s)\n", sizes[s], sent / secs, sent * sizes[s] / secs / 1e6);
    }
    return 0;
}
