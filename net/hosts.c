/* The host table, read from the host= words the kernel kept (kernel/options.h). Small enough
 * (NET_HOSTS_MAX entries) to parse again at every lookup: nothing to build or keep. */
#include "hosts.h"
#include "ipv4_parse.h"
#include "../kernel/options.h"
#include <errno.h>
#include <string.h>

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

static char lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

int net_hostname_valid(const char *name, size_t len)
{
    if (len == 0 || len > NET_HOSTNAME_MAX || name[0] == '.' || name[len - 1] == '.')
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!name_char(name[i]) || (name[i] == '.' && name[i + 1] == '.'))
            return 0;
    uint8_t a[4];
    return ipv4_parse(name, name + len, a) < 0;     /* an address is never looked up by name */
}

int net_host_parse(const char *value, struct net_host *out)
{
    const char *eq = strchr(value, '=');
    if (!eq || !net_hostname_valid(value, (size_t)(eq - value)) || ipv4_parse(eq + 1, NULL, out->addr) < 0)
        return -EINVAL;
    memcpy(out->name, value, (size_t)(eq - value));
    out->name[eq - value] = '\0';
    return 0;
}

static int same_name(const char *a, const char *b)
{
    for (; *a && lower(*a) == lower(*b); a++, b++)
        ;
    return *a == *b;
}

int net_hosts_lookup(const char *name, struct net_host *out)
{
    if (!net_hostname_valid(name, strnlen(name, NET_HOSTNAME_MAX + 1)))
        return -ENOENT;
    char *v;
    for (int pos = 0; (v = option_next("host", &pos));)
        if (net_host_parse(v, out) == 0 && same_name(out->name, name))
            return 0;
    return -ENOENT;
}
