/* getrandom and getentropy (newlib 3.3.0 has neither header). Both draw from the kernel's
 * ChaCha20 generator, which is seeded before it gives anything out, so they never block. */
#ifndef _SYS_RANDOM_H
#define _SYS_RANDOM_H
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Linux's flag values: accepted, and change nothing (the generator never blocks and has one pool). */
#define GRND_NONBLOCK 0x0001
#define GRND_RANDOM 0x0002

/* Fill buf with buflen random bytes; returns buflen, or -1 with errno EINVAL for unknown flags. */
ssize_t getrandom(void *buf, size_t buflen, unsigned int flags);

/* Fill buf with buflen (at most 256) random bytes; returns 0, or -1 with errno EIO when buflen
 * is larger. Declared in <unistd.h> too. */
int getentropy(void *buf, size_t buflen);

#ifdef __cplusplus
}
#endif
#endif
