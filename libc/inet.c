/* inet_pton and inet_ntop (IPv4, like the stack). inet_pton reads with the network's one
 * dotted-quad parser (net/ipv4_parse.c), which takes exactly the a.b.c.d that POSIX asks for
 * (lwIP's own also takes "1.2", hex and octal); lwIP writes addresses out. */
#include "../net/ipv4_parse.h"
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

int inet_pton(int af, const char *src, void *dst)
{
    if (af != AF_INET) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    uint8_t a[4];
    if (ipv4_parse(src, NULL, a) < 0)
        return 0;
    memcpy(dst, a, sizeof a);           /* network order, as struct in_addr holds it */
    return 1;
}

const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)
{
    if (af != AF_INET) {
        errno = EAFNOSUPPORT;
        return NULL;
    }
    const char *r = lwip_inet_ntop(af, src, dst, size);
    if (!r)
        errno = ENOSPC;
    return r;
}
