/* getentropy, getrandom and the arc4random family, on the kernel's generator (kernel/random.h).
 * Prototypes are newlib's (<stdlib.h> under __BSD_VISIBLE, <sys/unistd.h>) and <sys/random.h>. */
#include "../kernel/random.h"
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>

#define GETENTROPY_MAX 256              /* POSIX.1-2024 GETENTROPY_MAX, OpenBSD's limit */
#define GETRANDOM_MAX ((1u << 25) - 1)   /* Linux's most per call; the caller asks again for more */

int getentropy(void *buf, size_t buflen)
{
    if (buflen > GETENTROPY_MAX) {
        errno = EIO;
        return -1;
    }
    random_bytes(buf, buflen);
    return 0;
}

ssize_t getrandom(void *buf, size_t buflen, unsigned int flags)
{
    if (flags & ~(unsigned)(GRND_NONBLOCK | GRND_RANDOM)) {
        errno = EINVAL;
        return -1;
    }
    if (buflen > GETRANDOM_MAX)
        buflen = GETRANDOM_MAX;
    random_bytes(buf, buflen);
    return (ssize_t)buflen;
}

uint32_t arc4random(void)
{
    return random_u32();
}

void arc4random_buf(void *buf, size_t n)
{
    random_bytes(buf, n);
}

/* Unbiased: 2^32 mod bound values at the bottom of the range would make the low residues more
 * likely, so they are rejected and drawn again (each draw is rejected with probability below
 * 1/2, and usually far below). */
uint32_t arc4random_uniform(uint32_t bound)
{
    if (bound < 2)
        return 0;
    uint32_t reject_below = (uint32_t)-bound % bound;   /* 2^32 mod bound */
    uint32_t r;
    do
        r = random_u32();
    while (r < reject_below);
    return r % bound;
}
