/* Starting the network: lwIP (its tcpip thread keeps the timers), one interface per network
 * device, each configured from its ip= kernel option (the Nth for the Nth device) or DHCP; the
 * first is the default route. */
#include "net.h"
#include "ethif.h"
#include "netconfig.h"
#include "lwip/tcpip.h"
#include "../drivers/netdev.h"
#include "options.h"
#include "../kernel/printk.h"

#define ADDRESS_WAIT_MS 5000            /* DHCP answers in milliseconds; past this, go on */

static const struct net_options dhcp_only;
static struct net_options configured;   /* from the command line */

void net_start(void)
{
    static int started;
    if (started)
        return;
    started = 1;
    net_mem_set_budget();
    tcpip_init(NULL, NULL);
    net_flush_at_exit();

    int n = net_count();
    if (n == 0) {
        kprintf("mayfly: no network device: only 127.0.0.1 is reachable\n");
        return;
    }
    if (net_options_read(&configured) < 0)   /* the kernel refused these at boot: not reached */
        configured = dhcp_only;
    LOCK_TCPIP_CORE();
    struct netif *first = NULL;
    for (int i = 0; i < n; i++) {
        struct netif *netif = ethif_add(net_get(i));
        if (!netif) {
            kprintf("mayfly: %s: no memory for its interface\n", net_get(i)->name);
            continue;
        }
        netconfig_apply(netif, &configured, i);
        if (!first)
            first = netif;
    }
    if (first && !netconfig_wait(first, ADDRESS_WAIT_MS))
        kprintf("mayfly: no DHCP answer within %d ms; still asking\n", ADDRESS_WAIT_MS);
    UNLOCK_TCPIP_CORE();
}
