/* fcntl and ioctl on any descriptor: status flags (O_NONBLOCK, which the file's implementation
 * applies), descriptor flags (FD_CLOEXEC: kept, there is no exec), and the sockets' ioctls. */
#include "fd.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/ioctl.h>

#define SETTABLE_FLAGS (O_NONBLOCK | O_APPEND)

/* O_NONBLOCK on or off, in the file's implementation and in its status flags. */
static int set_nonblocking(struct file *f, int on)
{
    if (f->ops->set_nonblocking(f->handle, on) < 0)
        return -1;
    f->flags = on ? f->flags | O_NONBLOCK : f->flags & ~O_NONBLOCK;
    return 0;
}

int fcntl(int fd, int cmd, ...)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -1;
    va_list ap;
    va_start(ap, cmd);
    int arg = va_arg(ap, int);
    va_end(ap);
    switch (cmd) {
    case F_GETFL:
        return f->flags;
    case F_SETFL:
        if (set_nonblocking(f, (arg & O_NONBLOCK) != 0) < 0)
            return -1;
        f->flags = (f->flags & ~SETTABLE_FLAGS) | (arg & SETTABLE_FLAGS);
        return 0;
    case F_GETFD:
    case F_SETFD:
        return 0;
    default:
        errno = EINVAL;
        return -1;
    }
}

int ioctl(int fd, unsigned long request, ...)
{
    va_list ap;
    va_start(ap, request);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    struct file *f = fd_get(fd);
    if (!f)
        return -1;
    if (request == (unsigned long)FIONBIO)
        return set_nonblocking(f, *(int *)arg != 0);
    int s = socket_handle(fd);
    return s < 0 ? -1 : lwip_ioctl(s, (long)request, arg);
}
