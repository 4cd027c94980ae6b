/* Address configuration (ARCHITECTURE.md: ip=dhcp|ADDR/PREFIX, gw=, dns=). With DHCP, lwIP
 * tells us through the status callback when the lease is bound; the address is printed then,
 * once, whether a thread waits for it or not. */
#include "netconfig.h"
#include "ethif.h"
#include "options.h"
#include "lwip/dhcp.h"
#include "lwip/dns.h"
#include "lwip/tcpip.h"
#include "../kernel/clock.h"
#include "../kernel/printk.h"
#include "../kernel/thread.h"
#include <errno.h>
#include <stdint.h>

static struct waitq addressed;
static const struct net_options *options;
static uint32_t printed;                /* by netif->num: each address is printed once */

static void ip_from(ip4_addr_t *a, const uint8_t b[4]) { IP4_ADDR(a, b[0], b[1], b[2], b[3]); }

static int prefix_len(const ip4_addr_t *mask)
{
    uint32_t m = lwip_ntohl(ip4_addr_get_u32(mask));
    int n = 0;
    while (m & 0x80000000u)
        n++, m <<= 1;
    return n;
}

/* dns= servers; set again after each DHCP lease, which would replace them. */
static void set_dns_servers(void)
{
    for (int i = 0; options && i < options->ndns; i++) {
        ip_addr_t d;
        ip_from(ip_2_ip4(&d), options->dns[i]);
        IP_SET_TYPE_VAL(d, IPADDR_TYPE_V4);
        dns_setserver((u8_t)i, &d);
    }
}

static void print_address(struct netif *netif)
{
    char ip[IP4ADDR_STRLEN_MAX], gw[IP4ADDR_STRLEN_MAX], dns[IP4ADDR_STRLEN_MAX] = "none";
    ip4addr_ntoa_r(netif_ip4_addr(netif), ip, sizeof ip);
    ip4addr_ntoa_r(netif_ip4_gw(netif), gw, sizeof gw);
    const ip_addr_t *d = dns_getserver(0);
    if (!ip_addr_isany(d))
        ip4addr_ntoa_r(ip_2_ip4(d), dns, sizeof dns);
    kprintf("mayfly: %s address %s/%d, gateway %s, dns %s (%s)\n", ethif_name(netif), ip, prefix_len(netif_ip4_netmask(netif)), gw, dns, dhcp_supplied_address(netif) ? "DHCP" : "static");
}

/* lwIP calls this when the interface goes up or down or its address changes. */
static void status_changed(struct netif *netif)
{
    if (!netif_is_up(netif) || ip4_addr_isany_val(*netif_ip4_addr(netif)))
        return;
    set_dns_servers();
    uint32_t bit = 1u << (netif->num % 32);
    if (!(printed & bit)) {
        printed |= bit;
        print_address(netif);
    }
    waitq_wake_all(&addressed);
}

void netconfig_apply(struct netif *netif, const struct net_options *o, int index)
{
    static const struct net_address dhcp;
    const struct net_address *a = index < NET_IFACES_MAX ? &o->iface[index] : &dhcp;
    int primary = index == 0;
    if (primary) {
        options = o;
        set_dns_servers();
        netif_set_default(netif);
    }
    netif_set_status_callback(netif, status_changed);
    if (a->static_ip) {
        ip4_addr_t ip, mask, gw;
        ip_from(&ip, a->ip);
        ip4_addr_set_u32(&mask, lwip_htonl(a->prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> a->prefix)));
        ip_from(&gw, o->gw);
        if (!primary || !o->has_gw)
            ip4_addr_set_zero(&gw);
        netif_set_addr(netif, &ip, &mask, &gw);
        netif_set_up(netif);
    } else {
        netif_set_up(netif);
        dhcp_start(netif);
    }
}

int netconfig_wait(struct netif *netif, unsigned timeout_ms)
{
    uint64_t deadline = clock_monotonic_ns() + (uint64_t)timeout_ms * NSEC_PER_MSEC;
    while (ip4_addr_isany_val(*netif_ip4_addr(netif))) {
        UNLOCK_TCPIP_CORE();
        int rc = waitq_wait(&addressed, deadline);
        LOCK_TCPIP_CORE();
        if (rc == -ETIMEDOUT)
            return !ip4_addr_isany_val(*netif_ip4_addr(netif));
    }
    return 1;
}
