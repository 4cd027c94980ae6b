#include "fd.h"
#include <errno.h>
#include <fcntl.h>

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
