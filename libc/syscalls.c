/* newlib's system-call hooks for files and processes (x86_64-elf: names without underscore).
 * Descriptors come from the table in fd.c: the console (0-2), sockets and files (file.c, linked
 * only when a program opens one). */
#include "fd.h"
#include "signal_impl.h"
#include "../kernel/memory.h"
#include "../kernel/panic.h"
#include "../kernel/printk.h"
#include "../kernel/shutdown.h"
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/times.h>
#include <unistd.h>


_READ_WRITE_RETURN_TYPE write(int fd, const void *buf, size_t len)
{
    struct file *f = fd_get(fd);
    return f ? f->ops->write(f->handle, buf, len) : -1;
}

_READ_WRITE_RETURN_TYPE read(int fd, void *buf, size_t len)
{
    struct file *f = fd_get(fd);
    return f ? f->ops->read(f->handle, buf, len) : -1;
}

int close(int fd)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -1;
    int rc = f->ops->close(f->handle);
    fd_release(fd);                     /* gone even when close reports an error, as POSIX has it */
    return rc;
}

int fstat(int fd, struct stat *st)
{
    struct file *f = fd_get(fd);
    if (!f)
        return -1;
    if (f->ops->fstat)
        return f->ops->fstat(f->handle, st);
    memset(st, 0, sizeof *st);
    st->st_mode = f->ops == &console_ops ? S_IFCHR | 0620 : S_IFSOCK | 0777;
    return 0;
}

int isatty(int fd)
{
    struct file *f = fd_get(fd);
    if (f && f->ops == &console_ops)
        return 1;
    if (f)
        errno = ENOTTY;
    return 0;
}

off_t lseek(int fd, off_t off, int whence)
{
    struct file *f = fd_get(fd);
    if (f && f->ops->lseek)
        return f->ops->lseek(f->handle, off, whence);
    if (f)
        errno = ESPIPE;
    return -1;
}

void *sbrk(ptrdiff_t incr)
{
    int err;
    void *old = heap_grow(incr, &err);
    if (old == (void *)-1)
        errno = -err;
    return old;
}

/* One process: no fork, no exec, no children. */
int fork(void) { errno = ENOSYS; return -1; }
int execve(const char *p, char *const a[], char *const e[]) { (void)p, (void)a, (void)e; errno = ENOSYS; return -1; }
int wait(int *status) { (void)status; errno = ECHILD; return -1; }
int getpid(void) { return MAYFLY_PID; }

void _exit(int status) { machine_exit(status); }
