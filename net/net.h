/* The network for the layers above (libc's sockets): lwIP over every virtio-net device, with
 * addresses from the kernel options (ip=, gw=, dns=) or DHCP. */
#ifndef NET_NET_H
#define NET_NET_H
#include <stddef.h>

/* Start lwIP and the interfaces, once; later calls return at once. Waits (a few seconds at
 * most) for the first interface's address and prints it. Nothing to fail: without a device
 * or an address the stack still runs (127.0.0.1, and DHCP keeps asking). */
void net_start(void);

/* Make exit wait, up to half a second, until TCP has every byte it was given acknowledged
 * (net/flush.c); net_start calls it. */
void net_flush_at_exit(void);

/* lwIP's memory budget (net/mem_budget.c). */
void net_mem_set_budget(void);
void net_mem_usage(size_t *in_use, size_t *peak, size_t *budget);
#endif
