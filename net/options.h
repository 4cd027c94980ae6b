/* The network's kernel options (ARCHITECTURE.md: ip=dhcp|ADDR/PREFIX, one per interface,
 * gw=ADDR, dns=ADDR, host=NAME=ADDR): declared to the kernel, which checks them at boot, and
 * read back as addresses when the network starts (host= words: net/hosts.h). */
#ifndef NET_OPTIONS_H
#define NET_OPTIONS_H
#include "../kernel/options.h"
#include <stdint.h>

#define NET_DNS_MAX 2
#define NET_IFACES_MAX 4                /* ip= words: one for each of the first interfaces */

/* One interface's address, in network order as written: a.b.c.d is {a, b, c, d}. */
struct net_address {
    int static_ip;                      /* 0: DHCP */
    uint8_t ip[4];
    int prefix;                         /* netmask length, 1-32 */
};

/* What the command line says. All-zero: DHCP everywhere, no dns= servers. */
struct net_options {
    /* The Nth ip= word, for the Nth interface in discovery order (net/net.c); interfaces past
     * the ip= words given use DHCP. */
    struct net_address iface[NET_IFACES_MAX];
    /* gw= and dns=: the first interface's alone (a gw= needs its ip= static); it is the
     * default route. */
    int has_gw;
    uint8_t gw[4];
    int ndns;                           /* dns= given: these replace the DHCP server's */
    uint8_t dns[NET_DNS_MAX][4];
};

/* ip=, gw=, dns= and host=, for the kernel to check every word against (libc/options.c lists it). */
extern const struct option_layer net_option_layer;

/* The addresses the command line gave. Returns 0, or -EINVAL when a value is malformed (the
 * kernel refused those at boot, so not after it). */
int net_options_read(struct net_options *out);
#endif
