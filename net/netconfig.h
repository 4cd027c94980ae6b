/* Addresses for an interface: static ones from the kernel options, or DHCP. */
#ifndef NET_NETCONFIG_H
#define NET_NETCONFIG_H
#include "lwip/netif.h"

struct net_options;

/* Bring netif up with o's addresses (or DHCP when o says none); core lock held. The primary
 * interface is the default route and takes o's DNS servers. */
void netconfig_apply(struct netif *netif, const struct net_options *o, int primary);
/* Wait until netif has an address or timeout_ms passes; core lock held (released while
 * waiting). Prints the address once it is known, now or later. Returns 1 with an address. */
int netconfig_wait(struct netif *netif, unsigned timeout_ms);
#endif
