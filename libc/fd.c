#include "fd.h"
#include <errno.h>
#include <fcntl.h>

#define CONSOLE_FDS 3

static struct file files[FD_MAX] = {
    [0] = { &console_ops, 0, O_RDONLY },
    [1] = { &console_ops, 1, O_WRONLY },
    [2] = { &console_ops, 2, O_WRONLY },
};

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
