/* Kernel options: the words before "--" on the command line. */
#ifndef KERNEL_OPTIONS_H
#define KERNEL_OPTIONS_H
#include "cmdline.h"
#include <stdint.h>

#define OPTIONS_ENV_MAX 64
#define OPTIONS_DNS_MAX 2

/* Addresses for the first network interface (ARCHITECTURE.md: ip=dhcp|ADDR/PREFIX gw= dns=).
 * Addresses are in network order, as written: a.b.c.d is {a, b, c, d}. */
struct net_options {
    int static_ip;                      /* 0: DHCP */
    uint8_t ip[4];
    int prefix;                         /* netmask length, 1-32 */
    int has_gw;
    uint8_t gw[4];
    int ndns;                           /* dns= given: these replace the DHCP server's */
    uint8_t dns[OPTIONS_DNS_MAX][4];
};

struct kernel_options {
    int debug;                          /* "debug": boot details on the console */
    char *env[OPTIONS_ENV_MAX + 1];     /* "env=NAME=VALUE", repeatable: the app's environment */
    int nenv;
    struct net_options net;
};

/* Apply every kernel option in cl. Returns 0, or -EINVAL with a message naming the bad
 * option in err (an unknown option, a flag given a value, a value missing). */
/* The options the kernel booted with (for the layers above: net/ reads .net). */
const struct kernel_options *kernel_options(void);

int options_apply(const struct cmdline *cl, struct kernel_options *opts, char *err, size_t errlen);
#endif
