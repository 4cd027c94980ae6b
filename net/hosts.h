/* The host table: host=NAME=ADDR kernel options (ARCHITECTURE.md), names that getaddrinfo and
 * gethostbyname resolve before asking DNS; the manager passes an instance's peers this way.
 * Pure: no lwIP, so the host unit tests drive it. */
#ifndef NET_HOSTS_H
#define NET_HOSTS_H
#include <stddef.h>
#include <stdint.h>

#define NET_HOSTS_MAX 64                /* host= words the command line may carry */
#define NET_HOSTNAME_MAX 63

struct net_host {
    char name[NET_HOSTNAME_MAX + 1];    /* as written on the command line */
    uint8_t addr[4];                    /* network order: a.b.c.d is {a, b, c, d} */
};

/* Whether the len bytes at name are a host name: 1-63 letters, digits, '-' and '.', no empty
 * label (no leading, trailing or doubled '.'), and not itself an IPv4 address. */
int net_hostname_valid(const char *name, size_t len);

/* Parse one host= value, "NAME=ADDR". Returns 0, or -EINVAL. */
int net_host_parse(const char *value, struct net_host *out);

/* The entry of the command line's host= words that names name, compared without regard to
 * ASCII case; the first one wins. Call after the kernel applied its options. Returns 0 with
 * *out filled, or -ENOENT (name is in no host= word, or is no host name). */
int net_hosts_lookup(const char *name, struct net_host *out);
#endif
