/* The network's kernel options (ARCHITECTURE.md: ip=dhcp|ADDR/PREFIX, gw=ADDR, dns=ADDR):
 * declared to the kernel, which checks them at boot, and read back as addresses when the
 * network starts. */
#ifndef NET_OPTIONS_H
#define NET_OPTIONS_H
#include "../kernel/options.h"
#include <stdint.h>

#define NET_DNS_MAX 2

/* Addresses for the first network interface, in network order as written: a.b.c.d is
 * {a, b, c, d}. All-zero: DHCP, no dns= servers. */
struct net_options {
    int static_ip;                      /* 0: DHCP */
    uint8_t ip[4];
    int prefix;                         /* netmask length, 1-32 */
    int has_gw;
    uint8_t gw[4];
    int ndns;                           /* dns= given: these replace the DHCP server's */
    uint8_t dns[NET_DNS_MAX][4];
};

/* ip=, gw= and dns=, for the kernel to check every word against (libc/options.c lists it). */
extern const struct option_layer net_option_layer;

/* The addresses the command line gave. Returns 0, or -EINVAL when a value is malformed (the
 * kernel refused those at boot, so not after it). */
int net_options_read(struct net_options *out);
#endif
