/* Internet addresses: lwIP's struct sockaddr_in, in_addr, IPPROTO_*, INADDR_* and the byte
 * order macros (htons...). See sys/socket.h. */
#ifndef MAYFLY_NETINET_IN_H
#define MAYFLY_NETINET_IN_H
#include <sys/socket.h>
#include <lwip/inet.h>
#endif
