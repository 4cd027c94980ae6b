/* Files and directories in the descriptor table: open() and the calls that only make sense on a
 * file (pread, pwrite, fsync, ftruncate). Each descriptor's handle is a slot here that points at
 * the VFS's open file; dup() gives a new slot sharing it, and with it the offset, as POSIX says. */
#include "fd.h"
#include "file_impl.h"
#include "../fs/boot.h"
#include "../fs/vfs.h"
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

static struct vfs_file *slots[FD_MAX];



static int slot_alloc(struct vfs_file *f)
{
    for (int i = 0; i < FD_MAX; i++)
        if (!slots[i]) {
            slots[i] = f;
            return i;
        }
    return -EMFILE;
}

static ssize_t file_read(int h, void *buf, size_t len) { return posix(vfs_read(slots[h], buf, len)); }
static ssize_t file_write(int h, const void *buf, size_t len) { return posix(vfs_write(slots[h], buf, len)); }
static off_t file_lseek(int h, off_t off, int whence) { return posix(vfs_seek(slots[h], off, whence)); }
static int file_fstat(int h, struct stat *st) { return (int)posix(vfs_fstat(slots[h], st)); }
static int file_nonblocking(int h, int on) { (void)h, (void)on; return 0; }   /* files never block for long */

static int file_close(int h)
{
    struct vfs_file *f = slots[h];
    slots[h] = NULL;
    return (int)posix(vfs_close(f));
}

static int file_dup(int h)
{
    int s = slot_alloc(slots[h]);
    if (s >= 0)
        vfs_file_ref(slots[h]);
    return (int)posix(s);
}

const struct file_ops vfs_file_ops = {
    file_read, file_write, file_close, file_nonblocking, file_lseek, file_fstat, file_dup,
};

/* Everything written is on the disks when the program ends (exit, main returning, or a signal
 * such as the power button's SIGTERM with no handler: libc/signal.c calls this). */
void files_sync(void) { vfs_sync_all(); }

/* Called before main (start.c, through a weak reference: only programs that use files link
 * this file): the initrd unpacked, the disks mounted. */
void files_start(void)
{
    fs_boot();
    atexit(files_sync);
}

int open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    if (flags & O_CREAT) {
        va_list ap;
        va_start(ap, flags);
        mode = (mode_t)va_arg(ap, int);
        va_end(ap);
    }
    struct vfs_file *f;
    int rc = vfs_open(path, flags, mode, &f);
    if (rc < 0)
        return (int)posix(rc);
    int s = slot_alloc(f);
    int fd = s < 0 ? -1 : fd_alloc(&vfs_file_ops, s, flags & (O_ACCMODE | O_APPEND | O_NONBLOCK));
    if (fd < 0) {
        if (s >= 0)
            slots[s] = NULL;
        vfs_close(f);
        errno = EMFILE;
    }
    return fd;
}

int creat(const char *path, mode_t mode) { return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode); }

/* The VFS's open file behind fd, or NULL with errno (EBADF; ESPIPE or EINVAL for a descriptor
 * that is not a file, as Linux gives for these calls). */
static struct vfs_file *file_of(int fd, int not_file_errno)
{
    struct file *f = fd_get(fd);
    if (!f)
        return NULL;
    if (f->ops != &vfs_file_ops) {
        errno = not_file_errno;
        return NULL;
    }
    return slots[f->handle];
}

struct vfs_file *libc_vfs_file(int fd) { return file_of(fd, ENOTDIR); }

ssize_t pread(int fd, void *buf, size_t len, off_t off)
{
    struct vfs_file *f = file_of(fd, ESPIPE);
    return f ? posix(vfs_pread(f, buf, len, off)) : -1;
}

ssize_t pwrite(int fd, const void *buf, size_t len, off_t off)
{
    struct vfs_file *f = file_of(fd, ESPIPE);
    return f ? posix(vfs_pwrite(f, buf, len, off)) : -1;
}

int fsync(int fd)
{
    struct vfs_file *f = file_of(fd, EINVAL);
    return f ? (int)posix(vfs_fsync(f)) : -1;
}

int fdatasync(int fd) { return fsync(fd); }

int ftruncate(int fd, off_t size)
{
    struct vfs_file *f = file_of(fd, EINVAL);
    return f ? (int)posix(vfs_ftruncate(f, size)) : -1;
}
