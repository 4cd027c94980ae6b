/* At exit, what the program sent may still sit in lwIP's queues or the NIC's ring, and a VM
 * that stops at once loses it: a server's last answers, the FIN of a connection it closed. So,
 * once the network has started, exit waits (a bounded time) for TCP to have every byte it was
 * given acknowledged. A peer that went away costs the whole bound, no more. */
#include "net.h"
#include "lwip/tcpip.h"
#include "lwip/priv/tcp_priv.h"
#include "../kernel/clock.h"
#include "../kernel/thread.h"
#include <stdlib.h>

#define FLUSH_LIMIT_MS 500
#define FLUSH_POLL_MS 1

/* Whether a connection still has data (or its FIN) not acknowledged. Core lock held. */
static int tcp_sending(void)
{
    for (struct tcp_pcb *pcb = tcp_active_pcbs; pcb; pcb = pcb->next)
        if (pcb->unsent || pcb->unacked)
            return 1;
    return 0;
}

static void flush_at_exit(void)
{
    uint64_t deadline = clock_monotonic_ns() + FLUSH_LIMIT_MS * NSEC_PER_MSEC;
    for (;;) {
        LOCK_TCPIP_CORE();
        int sending = tcp_sending();
        UNLOCK_TCPIP_CORE();
        uint64_t now = clock_monotonic_ns();
        if (!sending || now >= deadline)
            return;
        thread_sleep_until(now + FLUSH_POLL_MS * NSEC_PER_MSEC);
    }
}

void net_flush_at_exit(void)
{
    atexit(flush_at_exit);
}
