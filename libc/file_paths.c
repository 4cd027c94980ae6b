/* The file calls that take a path: the VFS does the work, this turns its -errno into errno. */
#include "file_impl.h"
#include "../fs/vfs.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <utime.h>
#include <unistd.h>

/* A program that only stats or makes directories still needs the initrd and its disks: this
 * pulls in file.c, whose files_start start.c calls before main. */
void files_start(void);
__attribute__((used)) static void (*const start_files)(void) = files_start;


int stat(const char *path, struct stat *st) { return posix(vfs_stat(path, st)); }
int lstat(const char *path, struct stat *st) { return posix(vfs_stat(path, st)); }   /* no symbolic links */
int access(const char *path, int mode) { return posix(vfs_access(path, mode)); }
int unlink(const char *path) { return posix(vfs_unlink(path)); }
int rmdir(const char *path) { return posix(vfs_rmdir(path)); }
int mkdir(const char *path, mode_t mode) { return posix(vfs_mkdir(path, mode)); }
int rename(const char *from, const char *to) { return posix(vfs_rename(from, to)); }
int truncate(const char *path, off_t size) { return posix(vfs_truncate(path, size)); }
int chdir(const char *path) { return posix(vfs_chdir(path)); }

/* Only the modification time is kept; times NULL means now. */
int utime(const char *path, const struct utimbuf *times)
{
    return posix(vfs_set_mtime(path, times ? times->modtime : time(NULL)));
}

/* No filesystem here keeps hard links (FAT cannot): as Linux says for FAT. */
int link(const char *from, const char *to)
{
    struct stat st;
    int rc = vfs_stat(from, &st);
    if (rc == 0)
        rc = vfs_stat(to, &st) == 0 ? -EEXIST : -EPERM;
    return posix(rc);
}

/* getcwd(NULL, 0) allocates, as glibc and musl do. */
char *getcwd(char *buf, size_t size)
{
    char here[VFS_PATH_MAX];
    vfs_getcwd(here, sizeof here);
    size_t need = strlen(here) + 1;
    if (!buf) {
        if (size == 0)
            size = need;
        if (!(buf = malloc(size))) {
            errno = ENOMEM;
            return NULL;
        }
    }
    if (size == 0) {
        errno = EINVAL;
        return NULL;
    }
    if (need > size) {
        errno = ERANGE;
        return NULL;
    }
    memcpy(buf, here, need);
    return buf;
}
