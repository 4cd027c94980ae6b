/* BSD sockets on Mayfly: the types and constants are lwIP's (lwip/sockets.h), the functions
 * Mayfly's (libc/socket.c), which map descriptors from the one table shared with the console
 * onto lwIP's sockets. fcntl.h comes first so that O_NONBLOCK and friends are newlib's. */
#ifndef MAYFLY_SYS_SOCKET_H
#define MAYFLY_SYS_SOCKET_H
#include <fcntl.h>
#include <sys/types.h>
#include <sys/time.h>
#include <lwip/sockets.h>

#ifndef SOMAXCONN
#define SOMAXCONN 255                   /* lwIP's limit on a listen backlog */
#endif

#ifdef __cplusplus
extern "C" {
#endif
int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr *addr, socklen_t len);
int listen(int fd, int backlog);
int accept(int fd, struct sockaddr *addr, socklen_t *len);
int connect(int fd, const struct sockaddr *addr, socklen_t len);
ssize_t send(int fd, const void *buf, size_t len, int flags);
ssize_t recv(int fd, void *buf, size_t len, int flags);
ssize_t sendto(int fd, const void *buf, size_t len, int flags, const struct sockaddr *to, socklen_t tolen);
ssize_t recvfrom(int fd, void *buf, size_t len, int flags, struct sockaddr *from, socklen_t *fromlen);
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t recvmsg(int fd, struct msghdr *msg, int flags);
int setsockopt(int fd, int level, int name, const void *value, socklen_t len);
int getsockopt(int fd, int level, int name, void *value, socklen_t *len);
int getsockname(int fd, struct sockaddr *addr, socklen_t *len);
int getpeername(int fd, struct sockaddr *addr, socklen_t *len);
int shutdown(int fd, int how);
#ifdef __cplusplus
}
#endif
#endif
