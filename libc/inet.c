/* inet_pton and inet_ntop (IPv4, like the stack): lwIP does the conversions, this only says
 * EAFNOSUPPORT and ENOSPC the way POSIX asks. */
#include <arpa/inet.h>
#include <errno.h>

int inet_pton(int af, const char *src, void *dst)
{
    if (af != AF_INET) {
        errno = EAFNOSUPPORT;
        return -1;
    }
    /* POSIX wants exactly four decimal parts; lwIP also takes "1.2" and hex, so check first */
    int parts = 1, digits = 0;
    for (const char *p = src; *p; p++) {
        if (*p == '.') {
            if (!digits)
                return 0;
            parts++, digits = 0;
        } else if (*p >= '0' && *p <= '9' && digits < 3) {
            digits++;
        } else {
            return 0;
        }
    }
    if (parts != 4 || !digits)
        return 0;
    return lwip_inet_pton(af, src, dst);
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
