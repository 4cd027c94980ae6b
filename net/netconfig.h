/* Addresses for an interface: static ones from the kernel options, or DHCP. */
#ifndef NET_NETCONFIG_H
#define NET_NETCONFIG_H
#include "lwip/netif.h"

struct net_options;

/* Bring netif, the index-th network device, up with its address in o (or DHCP when o gives it
 * none); core lock held. Device 0 is the default route and takes o's gateway and DNS servers.
 * o must outlive the network (DHCP leases set its DNS servers again). */
void netconfig_apply(struct netif *netif, const struct net_options *o, int index);
/* Wait until netif has an address or timeout_ms passes; core lock held (released while
 * waiting). Prints the address once it is known, now or later. Returns 1 with an address. */
int netconfig_wait(struct netif *netif, unsigned timeout_ms);
#endif
