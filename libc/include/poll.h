/* poll() over every kind of descriptor (console and sockets); struct pollfd and POLL* are
 * lwIP's. */
#ifndef MAYFLY_POLL_H
#define MAYFLY_POLL_H
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif
int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms);
#ifdef __cplusplus
}
#endif
#endif
