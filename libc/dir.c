/* opendir, readdir and their family over a descriptor opened with O_DIRECTORY. */
#include "file_impl.h"
#include "../fs/vfs.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


DIR *fdopendir(int fd)
{
    struct vfs_file *f = libc_vfs_file(fd);
    if (!f)
        return NULL;
    if (!f->node->is_dir) {
        errno = ENOTDIR;
        return NULL;
    }
    DIR *d = calloc(1, sizeof *d);
    if (!d) {
        errno = ENOMEM;
        return NULL;
    }
    d->fd = fd;
    return d;
}

DIR *opendir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return NULL;
    DIR *d = fdopendir(fd);
    if (!d)
        close(fd);
    return d;
}

struct dirent *readdir(DIR *d)
{
    struct vfs_file *f = libc_vfs_file(d->fd);
    struct vfs_dirent e;
    int rc = f ? vfs_readdir(f, &e) : -EBADF;
    if (rc <= 0) {
        if (rc < 0)
            errno = -rc;
        return NULL;                     /* the end: errno untouched */
    }
    d->entry.d_ino = (ino_t)e.ino;
    d->entry.d_off = (off_t)f->offset;
    d->entry.d_reclen = sizeof d->entry;
    d->entry.d_type = e.is_dir ? DT_DIR : DT_REG;
    strcpy(d->entry.d_name, e.name);
    return &d->entry;
}

void rewinddir(DIR *d)
{
    struct vfs_file *f = libc_vfs_file(d->fd);
    if (f)
        vfs_rewinddir(f);
}

int dirfd(DIR *d) { return d->fd; }

int closedir(DIR *d)
{
    int rc = close(d->fd);
    free(d);
    return rc;
}
