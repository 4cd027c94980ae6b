/* getaddrinfo and friends, through lwIP's DNS client (the servers from DHCP or dns=). */
#include "../net/net.h"
#include <netdb.h>

int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res)
{
    net_start();
    return lwip_getaddrinfo(node, service, hints, res);
}

void freeaddrinfo(struct addrinfo *ai) { lwip_freeaddrinfo(ai); }

struct hostent *gethostbyname(const char *name)
{
    net_start();
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
