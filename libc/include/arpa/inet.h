/* Address conversion. inet_addr, inet_aton and inet_ntoa are lwIP's (macros over its IPv4
 * functions); inet_pton and inet_ntop are functions here (IPv4 only, like the stack). */
#ifndef MAYFLY_ARPA_INET_H
#define MAYFLY_ARPA_INET_H
#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif
int inet_pton(int af, const char *src, void *dst);
const char *inet_ntop(int af, const void *src, char *dst, socklen_t size);
#ifdef __cplusplus
}
#endif
#endif
