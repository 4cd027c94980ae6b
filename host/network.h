/* Private networks between instances, without root: each network is a multicast group on the
 * host's loopback (QEMU's `-netdev socket,mcast=GROUP:PORT,localaddr=127.0.0.1`), a hub that
 * every member's NIC hears. Addresses come from the network's /24 subnet and are leased to
 * instance names, so an instance keeps its address across restarts (until `mayfly rm`).
 *
 * STATE/networks/NAME/config holds "subnet A.B.C.0/24" and "mcast G:P"; .../leases holds
 * "NAME A.B.C.D" lines. Every change happens under an flock of STATE/networks/.lock. */
#ifndef MAYFLY_NETWORK_H
#define MAYFLY_NETWORK_H
#include <stddef.h>
#include <stdint.h>

#define NETWORK_MEMBERS_MAX 253         /* .2 to .254 of a /24 */

struct network {
    char name[64];
    uint8_t subnet[4];                  /* A.B.C.0 */
    char mcast[32];                     /* "239.255.X.Y:PORT" */
};

struct lease {
    char name[64];
    uint8_t addr[4];
};

/* Creates NAME (0), or says why not (-1, message printed). A network that exists is an error
 * unless quiet_exists. */
int network_create(const char *name, int quiet_exists);
int network_remove(const char *name);
int network_load(const char *name, struct network *out);
/* Names of every network, into names (at most max); returns the count. */
int network_list(char names[][64], int max);

/* The address leased to instance on network (leased now if it has none). Returns 0 or -1. */
int network_lease(const char *network, const char *instance, uint8_t addr[4]);
/* Every lease on network; returns the count, or -1. */
int network_leases(const char *network, struct lease *out, int max);
/* Drops instance's lease on every network. */
void network_release_all(const char *instance);
#endif
