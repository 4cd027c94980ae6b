/* ioctl on descriptors: FIONBIO (non-blocking) and FIONREAD (bytes waiting) on sockets. */
#ifndef MAYFLY_SYS_IOCTL_H
#define MAYFLY_SYS_IOCTL_H
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif
int ioctl(int fd, unsigned long request, ...);
#ifdef __cplusplus
}
#endif
#endif
