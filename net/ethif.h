/* An lwIP interface over a network device (drivers/netdev.h). */
#ifndef NET_ETHIF_H
#define NET_ETHIF_H
#include "lwip/netif.h"

struct netdev;

/* Add an interface for dev (not up, no address); call with the core lock held.
 * Returns it, or NULL when memory is short. */
struct netif *ethif_add(struct netdev *dev);
/* The device's name (net0...) for an interface ethif_add made. */
const char *ethif_name(struct netif *netif);
#endif
