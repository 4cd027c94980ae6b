#include "options.h"
#include "format.h"
#include <errno.h>
#include <string.h>

#define KNOWN "debug, env=NAME=VALUE, ip=dhcp|ADDR/PREFIX, gw=ADDR, dns=ADDR"
#define PREFIX_MAX 32

/* A dotted quad a.b.c.d, each part 0-255 in decimal, up to end (or the string's end). */
static int parse_ipv4(const char *s, const char *end, uint8_t out[4])
{
    if (!end)
        end = s + strlen(s);
    for (int part = 0; part < 4; part++) {
        unsigned v = 0;
        int digits = 0;
        while (s < end && *s >= '0' && *s <= '9' && digits < 3)
            v = v * 10 + (unsigned)(*s++ - '0'), digits++;
        if (!digits || v > 255)
            return -EINVAL;
        out[part] = (uint8_t)v;
        if (part < 3 && (s == end || *s++ != '.'))
            return -EINVAL;
    }
    return s == end ? 0 : -EINVAL;
}

static int apply_ip(struct net_options *n, const char *value)
{
    if (strcmp(value, "dhcp") == 0) {
        n->static_ip = 0;
        return 0;
    }
    const char *slash = strchr(value, '/');
    if (!slash || parse_ipv4(value, slash, n->ip) < 0)
        return -EINVAL;
    int prefix = 0, digits = 0;
    for (const char *p = slash + 1; *p; p++, digits++) {
        if (*p < '0' || *p > '9' || digits == 2)
            return -EINVAL;
        prefix = prefix * 10 + (*p - '0');
    }
    if (!digits || prefix < 1 || prefix > PREFIX_MAX)
        return -EINVAL;
    n->prefix = prefix;
    n->static_ip = 1;
    return 0;
}

/* ip=, gw= and dns=: 1 when key is one of them (its error in err), 0 when it is not. */
static int apply_net_option(const char *key, const char *value, struct net_options *n, char *err, size_t errlen, int *rc)
{
    *rc = 0;
    if (strcmp(key, "ip") && strcmp(key, "gw") && strcmp(key, "dns"))
        return 0;
    if (!value || !*value)
        *rc = -EINVAL;
    else if (!strcmp(key, "ip"))
        *rc = apply_ip(n, value);
    else if (!strcmp(key, "gw"))
        *rc = parse_ipv4(value, NULL, n->gw), n->has_gw = *rc == 0;
    else if (n->ndns == OPTIONS_DNS_MAX)
        *rc = -E2BIG;
    else if ((*rc = parse_ipv4(value, NULL, n->dns[n->ndns])) == 0)
        n->ndns++;
    if (*rc == -E2BIG)
        ksnprintf(err, errlen, "more than %d dns= options", OPTIONS_DNS_MAX);
    else if (*rc < 0)
        ksnprintf(err, errlen, "kernel option '%s' wants %s (got '%s')", key,
                  !strcmp(key, "ip") ? "dhcp or ADDR/PREFIX, as in ip=10.0.2.15/24" : "an IPv4 address, as in 10.0.2.2",
                  value ? value : "");
    return 1;
}

int options_apply(const struct cmdline *cl, struct kernel_options *opts, char *err, size_t errlen)
{
    memset(opts, 0, sizeof *opts);
    int rc;
    for (int i = 0; i < cl->nkernel_opts; i++) {
        char *key, *value;
        cmdline_split_option(cl->kernel_opts[i], &key, &value);
        if (strcmp(key, "debug") == 0) {
            if (value) {
                ksnprintf(err, errlen, "kernel option 'debug' takes no value (got '%s')", value);
                return -EINVAL;
            }
            opts->debug = 1;
        } else if (strcmp(key, "env") == 0) {
            if (!value || !strchr(value, '=') || value[0] == '=') {
                ksnprintf(err, errlen, "kernel option 'env' wants NAME=VALUE (got '%s')", value ? value : "");
                return -EINVAL;
            }
            if (opts->nenv == OPTIONS_ENV_MAX) {
                ksnprintf(err, errlen, "more than %d env= options", OPTIONS_ENV_MAX);
                return -EINVAL;
            }
            opts->env[opts->nenv++] = value;
        } else if (apply_net_option(key, value, &opts->net, err, errlen, &rc)) {
            if (rc < 0)
                return -EINVAL;
        } else {
            ksnprintf(err, errlen, "unknown kernel option '%s' (known: " KNOWN "; app arguments go after '--')", key);
            return -EINVAL;
        }
    }
    if (opts->net.has_gw && !opts->net.static_ip) {
        ksnprintf(err, errlen, "kernel option 'gw' needs a static address (ip=ADDR/PREFIX); DHCP gives the gateway");
        return -EINVAL;
    }
    return 0;
}
