/* What the file calls (file.c, file_paths.c, dir.c) share. Not for applications. */
#ifndef LIBC_FILE_IMPL_H
#define LIBC_FILE_IMPL_H
#include <errno.h>

struct vfs_file;

/* A kernel-style result (0, a count, or -errno) as POSIX has it: -1 with errno set. */
static inline long posix(long rc)
{
    if (rc >= 0)
        return rc;
    errno = (int)-rc;
    return -1;
}

/* The open file or directory behind fd (file.c), or NULL with errno EBADF or ENOTDIR. */
struct vfs_file *libc_vfs_file(int fd);
#endif
