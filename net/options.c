/* The network's kernel options: the checks the kernel runs at boot, and the parsing into
 * addresses, one and the same code. No lwIP here, so that an app without a network still
 * refuses a bad ip= (and the host unit tests can drive it). */
#include "options.h"
#include "hosts.h"
#include "ipv4_parse.h"
#include "../kernel/format.h"
#include <errno.h>
#include <string.h>

#define PREFIX_MAX 32
#define PREFIX_DIGITS_MAX 2

/* ip=dhcp, or ip=ADDR/PREFIX into n. */
static int parse_ip(const char *value, struct net_address *n)
{
    if (strcmp(value, "dhcp") == 0) {
        n->static_ip = 0;
        return 0;
    }
    const char *slash = strchr(value, '/');
    if (!slash || ipv4_parse(value, slash, n->ip) < 0)
        return -EINVAL;
    int prefix = 0, digits = 0;
    for (const char *p = slash + 1; *p; p++, digits++) {
        if (*p < '0' || *p > '9' || digits == PREFIX_DIGITS_MAX)
            return -EINVAL;
        prefix = prefix * 10 + (*p - '0');
    }
    if (!digits || prefix < 1 || prefix > PREFIX_MAX)
        return -EINVAL;
    n->prefix = prefix;
    n->static_ip = 1;
    return 0;
}

static int check_ip(const char *key, const char *value, char *err, size_t errlen)
{
    struct net_address n;
    if (parse_ip(value, &n) == 0)
        return 0;
    ksnprintf(err, errlen, "kernel option '%s' wants dhcp or ADDR/PREFIX, as in ip=10.0.2.15/24 (got '%s')", key, value);
    return -EINVAL;
}

static int check_address(const char *key, const char *value, char *err, size_t errlen)
{
    uint8_t a[4];
    if (ipv4_parse(value, NULL, a) == 0)
        return 0;
    ksnprintf(err, errlen, "kernel option '%s' wants an IPv4 address, as in 10.0.2.2 (got '%s')", key, value);
    return -EINVAL;
}

static int check_host(const char *key, const char *value, char *err, size_t errlen)
{
    struct net_host h;
    if (net_host_parse(value, &h) == 0)
        return 0;
    const char *eq = strchr(value, '=');
    if (!eq)
        ksnprintf(err, errlen, "kernel option '%s' wants NAME=ADDR, as in host=db=10.89.0.3 (got '%s')", key, value);
    else if (!net_hostname_valid(value, (size_t)(eq - value)))
        ksnprintf(err, errlen, "kernel option '%s' wants a host name of 1-%d letters, digits, '-' and '.' (got '%s')", key, NET_HOSTNAME_MAX, value);
    else
        ksnprintf(err, errlen, "kernel option '%s' wants an IPv4 address after the name, as in host=db=10.89.0.3 (got '%s')", key, value);
    return -EINVAL;
}

/* A gateway belongs to the first interface's static address: DHCP's lease names its own. */
static int check_gateway_needs_address(char *err, size_t errlen)
{
    int pos = 0;
    const char *ip = option_next("ip", &pos);
    if (!option_value("gw") || (ip && strcmp(ip, "dhcp") != 0))
        return 0;
    ksnprintf(err, errlen, "kernel option 'gw' needs a static address on the first interface (its ip=ADDR/PREFIX); DHCP gives the gateway");
    return -EINVAL;
}

static const struct option_key net_keys[] = {
    { "ip", "ip=dhcp|ADDR/PREFIX", 0, NET_IFACES_MAX, check_ip },
    { "gw", "gw=ADDR", 0, 0, check_address },
    { "dns", "dns=ADDR", 0, NET_DNS_MAX, check_address },
    { "host", "host=NAME=ADDR", 0, NET_HOSTS_MAX, check_host },
    { NULL, NULL, 0, 0, NULL },
};

const struct option_layer net_option_layer = { net_keys, check_gateway_needs_address };

int net_options_read(struct net_options *out)
{
    memset(out, 0, sizeof *out);
    char *ip;
    for (int pos = 0, i = 0; i < NET_IFACES_MAX && (ip = option_next("ip", &pos)); i++)
        if (parse_ip(ip, &out->iface[i]) < 0)
            return -EINVAL;
    const char *gw = option_value("gw");
    if (gw) {
        if (ipv4_parse(gw, NULL, out->gw) < 0)
            return -EINVAL;
        out->has_gw = 1;
    }
    char *dns;
    for (int pos = 0; out->ndns < NET_DNS_MAX && (dns = option_next("dns", &pos)); out->ndns++)
        if (ipv4_parse(dns, NULL, out->dns[out->ndns]) < 0)
            return -EINVAL;
    return 0;
}
