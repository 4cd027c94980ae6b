/* Name resolution: the names of the host=NAME=ADDR kernel options (any case) first, then lwIP's
 * DNS client. struct addrinfo and EAI_* are lwIP's. A service must be a port number (there is
 * no /etc/services). IPv4 only; one address per name. */
#ifndef MAYFLY_NETDB_H
#define MAYFLY_NETDB_H
#include <sys/socket.h>
#include <lwip/netdb.h>

#ifdef __cplusplus
extern "C" {
#endif
int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res);
void freeaddrinfo(struct addrinfo *ai);
const char *gai_strerror(int err);
struct hostent *gethostbyname(const char *name);
#ifdef __cplusplus
}
#endif
#endif
