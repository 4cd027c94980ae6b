/* BSD sockets: each socket is an lwIP socket behind a descriptor of the shared table (fd.c).
 * The first socket starts the network (net/net.c), so a program without sockets links no
 * TCP/IP stack at all. lwIP sets errno itself; these functions only map descriptors. */
#include "fd.h"
#include "../net/net.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>

static ssize_t sock_read(int s, void *buf, size_t len) { return lwip_read(s, buf, len); }
static ssize_t sock_write(int s, const void *buf, size_t len) { return lwip_write(s, buf, len); }
static int sock_close(int s) { return lwip_close(s); }

static int sock_set_nonblocking(int s, int on)
{
    unsigned long arg = on != 0;
    return lwip_ioctl(s, (long)FIONBIO, &arg);
}

const struct file_ops socket_ops = {
    .read = sock_read, .write = sock_write, .close = sock_close, .set_nonblocking = sock_set_nonblocking,
};

int socket_handle(int fd)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -1;
    if (f->ops != &socket_ops) {
        errno = ENOTSOCK;
        return -1;
    }
    return f->handle;
}

/* A descriptor for lwIP's socket s (closing s when the table is full). */
static int wrap(int s)
{
    if (s < 0)
        return -1;
    int fd = fd_alloc(&socket_ops, s, O_RDWR);
    if (fd < 0)
        lwip_close(s);
    return fd;
}

int socket(int domain, int type, int protocol)
{
    net_start();
    return wrap(lwip_socket(domain, type, protocol));
}

int accept(int fd, struct sockaddr *addr, socklen_t *len)
{
    int s = socket_handle(fd);
    return s < 0 ? -1 : wrap(lwip_accept(s, addr, len));
}

/* The rest take a descriptor and pass everything else through. */
#define VIA_HANDLE(call)                 \
    do {                                 \
        int s = socket_handle(fd);       \
        return s < 0 ? -1 : (call);      \
    } while (0)

int bind(int fd, const struct sockaddr *a, socklen_t n) { VIA_HANDLE(lwip_bind(s, a, n)); }
int listen(int fd, int backlog) { VIA_HANDLE(lwip_listen(s, backlog)); }
int connect(int fd, const struct sockaddr *a, socklen_t n) { VIA_HANDLE(lwip_connect(s, a, n)); }
ssize_t send(int fd, const void *b, size_t n, int fl) { VIA_HANDLE(lwip_send(s, b, n, fl)); }
ssize_t recv(int fd, void *b, size_t n, int fl) { VIA_HANDLE(lwip_recv(s, b, n, fl)); }
ssize_t sendmsg(int fd, const struct msghdr *m, int fl) { VIA_HANDLE(lwip_sendmsg(s, m, fl)); }
ssize_t recvmsg(int fd, struct msghdr *m, int fl) { VIA_HANDLE(lwip_recvmsg(s, m, fl)); }
int getsockname(int fd, struct sockaddr *a, socklen_t *n) { VIA_HANDLE(lwip_getsockname(s, a, n)); }
int getpeername(int fd, struct sockaddr *a, socklen_t *n) { VIA_HANDLE(lwip_getpeername(s, a, n)); }
int shutdown(int fd, int how) { VIA_HANDLE(lwip_shutdown(s, how)); }

ssize_t sendto(int fd, const void *b, size_t n, int fl, const struct sockaddr *to, socklen_t tolen)
{
    VIA_HANDLE(lwip_sendto(s, b, n, fl, to, tolen));
}

ssize_t recvfrom(int fd, void *b, size_t n, int fl, struct sockaddr *from, socklen_t *fromlen)
{
    VIA_HANDLE(lwip_recvfrom(s, b, n, fl, from, fromlen));
}

int setsockopt(int fd, int level, int name, const void *v, socklen_t n)
{
    VIA_HANDLE(lwip_setsockopt(s, level, name, v, n));
}

int getsockopt(int fd, int level, int name, void *v, socklen_t *n)
{
    VIA_HANDLE(lwip_getsockopt(s, level, name, v, n));
}
