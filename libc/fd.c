#include "fd.h"
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

/* In .bss, not .data: a table written out in the image would cost every app 16 KiB. The
 * console's descriptors are filled in by fd_init, before main. */
static struct file files[FD_MAX];

void fd_init(void)
{
    files[0] = (struct file){ &console_ops, 0, O_RDONLY };
    files[1] = (struct file){ &console_ops, 1, O_WRONLY };
    files[2] = (struct file){ &console_ops, 2, O_WRONLY };
}

int fd_alloc(const struct file_ops *ops, int handle, int flags)
{
    for (int fd = 0; fd < FD_MAX; fd++)
        if (!files[fd].ops) {
            files[fd] = (struct file){ ops, handle, flags };
            return fd;
        }
    errno = EMFILE;
    return -1;
}

struct file *fd_get(int fd)
{
    if (fd < 0 || fd >= FD_MAX || !files[fd].ops) {
        errno = EBADF;
        return NULL;
    }
    return &files[fd];
}

void fd_release(int fd)
{
    if (fd >= 0 && fd < FD_MAX)
        files[fd] = (struct file){ 0 };
}

/* A second descriptor for f: its own handle when the implementation makes one (files share
 * their offset through it), the same one for the console; sockets cannot be duplicated. */
static int dup_handle(struct file *f)
{
    if (f->ops->dup)
        return f->ops->dup(f->handle);
    if (f->ops == &console_ops)
        return f->handle;
    errno = EOPNOTSUPP;
    return -1;
}

int dup(int fd)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -1;
    int h = dup_handle(f);
    if (h < 0)
        return -1;
    int nfd = fd_alloc(f->ops, h, f->flags);
    if (nfd < 0 && f->ops->dup)
        f->ops->close(h);
    return nfd;
}

int dup2(int fd, int to)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -1;
    if (to < 0 || to >= FD_MAX) {
        errno = EBADF;
        return -1;
    }
    if (to == fd)
        return to;
    int h = dup_handle(f);
    if (h < 0)
        return -1;
    if (files[to].ops)
        files[to].ops->close(files[to].handle);   /* as POSIX: silently, errors ignored */
    files[to] = (struct file){ f->ops, h, f->flags };
    return to;
}
