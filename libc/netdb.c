/* getaddrinfo and friends: the names of the host= kernel options first (net/hosts.h), then
 * lwIP's DNS client (the servers from DHCP or dns=). lwIP judges the hints and the service for
 * both: a host= name reaches it as its address. Its results live in a pool of one
 * (MEMP_NUM_NETDB), so each is copied into one heap block that freeaddrinfo frees. */
#include "../net/hosts.h"
#include "../net/net.h"
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

struct result {                         /* one heap block: what freeaddrinfo frees */
    struct addrinfo ai;
    struct sockaddr_in addr;
    char canonname[];
};

/* Copy lwIP's one IPv4 answer (it gives no more) into a heap block, then free lwIP's. Its
 * ai_addrlen is the whole sockaddr_storage, which connect and bind refuse: ours is the
 * sockaddr_in's. canonname: NULL unless the caller asked for it with AI_CANONNAME. */
static int copy_out(struct addrinfo *from, const char *canonname, struct addrinfo **res)
{
    size_t len = canonname ? strlen(canonname) + 1 : 0;
    struct result *r = malloc(sizeof *r + len);
    if (r) {
        r->ai = *from;
        memcpy(&r->addr, from->ai_addr, sizeof r->addr);
        r->ai.ai_addr = (struct sockaddr *)&r->addr;
        r->ai.ai_addrlen = sizeof r->addr;
        r->ai.ai_canonname = canonname ? memcpy(r->canonname, canonname, len) : NULL;
        r->ai.ai_next = NULL;
    }
    lwip_freeaddrinfo(from);
    *res = r ? &r->ai : NULL;
    return r ? 0 : EAI_MEMORY;
}

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
    net_start();
    int flags = hints ? hints->ai_flags : 0;
    struct net_host host;
    struct addrinfo numeric;
    char address[INET_ADDRSTRLEN];
    const char *canonname = node;
    if (node && !(flags & AI_NUMERICHOST) && net_hosts_lookup(node, &host) == 0) {
        numeric = hints ? *hints : (struct addrinfo){ .ai_family = AF_UNSPEC };
        numeric.ai_flags |= AI_NUMERICHOST;
        node = inet_ntop(AF_INET, host.addr, address, sizeof address);
        hints = &numeric;
        canonname = host.name;
    }
    struct addrinfo *ai;
    int rc = lwip_getaddrinfo(node, service, hints, &ai);
    if (rc != 0) {
        if (res)
            *res = NULL;
        return rc;
    }
    return copy_out(ai, flags & AI_CANONNAME ? canonname : NULL, res);
}

void freeaddrinfo(struct addrinfo *ai)
{
    while (ai) {
        struct addrinfo *next = ai->ai_next;
        free(ai);                       /* the struct result that holds it */
        ai = next;
    }
}

/* A host= name's entry; like lwIP's own, it lasts until the next call. */
static struct hostent *host_entry(const struct net_host *h)
{
    static struct net_host host;
    static char *aliases[1], *addresses[2];
    static struct hostent entry;
    host = *h;
    addresses[0] = (char *)host.addr;
    entry = (struct hostent){ .h_name = host.name, .h_aliases = aliases, .h_addrtype = AF_INET,
                              .h_length = sizeof host.addr, .h_addr_list = addresses };
    return &entry;
}

struct hostent *gethostbyname(const char *name)
{
    net_start();
    struct net_host h;
    if (name && net_hosts_lookup(name, &h) == 0)
        return host_entry(&h);
    return lwip_gethostbyname(name);
}

const char *gai_strerror(int err)
{
    switch (err) {
    case 0: return "Success";
    case EAI_NONAME: return "Name or service not known";
    case EAI_SERVICE: return "Service not supported (give a port number)";
    case EAI_FAIL: return "Non-recoverable failure in name resolution";
    case EAI_MEMORY: return "Memory allocation failure";
    case EAI_FAMILY: return "Address family not supported";
    default: return "Unknown error";
    }
}
