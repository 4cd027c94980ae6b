/* The virtual filesystem: one tree under "/", an in-memory root with other filesystems mounted
 * on its directories, reached by path. There are no symbolic links, so a path is made absolute
 * and its "." and ".." are folded by text alone (fs/path.c), then the longest mount point that
 * prefixes it picks the filesystem, which is walked one name at a time from its root.
 *
 * A filesystem gives its nodes (files and directories) through struct vfs_ops. Every function
 * here returns 0 or a count, or a negative errno value, as the kernel's functions do; the C
 * library's glue (libc/file.c) turns them into -1 and errno. Called from threads only. */
#ifndef FS_VFS_H
#define FS_VFS_H
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#define VFS_NAME_MAX 255                 /* bytes in one name, as Linux's NAME_MAX */
#define VFS_PATH_MAX 1024                /* bytes in a whole path, with its NUL */
#define VFS_MOUNTS_MAX 8

struct vfs_node;

struct vfs_dirent {
    char name[VFS_NAME_MAX + 1];
    int is_dir;
    uint64_t ino;
};

/* A filesystem's operations on its nodes. A node handed out (lookup, create) carries one
 * reference (struct vfs_node's refs). Names are single components, NUL-terminated, never "." or "..". */
struct vfs_ops {
    int (*lookup)(struct vfs_node *dir, const char *name, struct vfs_node **out);
    /* A new file, or a directory when S_ISDIR(mode); -EEXIST when the name is taken. */
    int (*create)(struct vfs_node *dir, const char *name, mode_t mode, struct vfs_node **out);
    ssize_t (*read)(struct vfs_node *n, void *buf, size_t len, uint64_t off);
    /* Writing past the end fills the gap with zeros. */
    ssize_t (*write)(struct vfs_node *n, const void *buf, size_t len, uint64_t off);
    int (*truncate)(struct vfs_node *n, uint64_t size);
    /* Unlink a file (want_dir 0: -EISDIR for a directory) or an empty directory (want_dir 1:
     * -ENOTDIR for a file, -ENOTEMPTY). An open node stays readable until its last put. */
    int (*remove)(struct vfs_node *dir, const char *name, int want_dir);
    /* POSIX rename within the filesystem: an existing target of the same kind is replaced. */
    int (*rename)(struct vfs_node *from_dir, const char *from, struct vfs_node *to_dir, const char *to);
    /* The entry at *pos (an offset only the filesystem understands, 0 at the start), moving *pos
     * on: 1, or 0 at the end. */
    int (*readdir)(struct vfs_node *dir, uint64_t *pos, struct vfs_dirent *out);
    int (*stat)(struct vfs_node *n, struct stat *st);
    /* Everything written to n (and the metadata that finds it) on stable storage. */
    int (*sync)(struct vfs_node *n);
    /* No handle to n is left (refs is 0): forget it, or free it if it was removed. */
    void (*put)(struct vfs_node *n);
    /* Set the modification time (utime); NULL when the filesystem cannot: -EPERM. */
    int (*set_mtime)(struct vfs_node *n, time_t mtime);
};

/* The part of a filesystem's node the VFS reads. refs counts the handles out: a filesystem's
 * lookup and create add one; the VFS calls put when the count falls to zero. */
struct vfs_node {
    const struct vfs_ops *ops;
    int is_dir;
    int refs;
};

/* An open file: one per open(), shared by the descriptors dup() makes of it. */
struct vfs_file {
    struct vfs_node *node;
    int mount;                           /* index into the mount table */
    int flags;                           /* O_ACCMODE, O_APPEND */
    uint64_t offset;                     /* for directories, the readdir position */
    int refs;
};

/* Mount root (one reference, now the table's) at path, an existing directory of the in-memory
 * root. -EBUSY if something is mounted there, -ENOSPC when the table is full. */
int vfs_mount(const char *path, struct vfs_node *root, int read_only);

int vfs_open(const char *path, int flags, mode_t mode, struct vfs_file **out);
struct vfs_file *vfs_file_ref(struct vfs_file *f);
int vfs_close(struct vfs_file *f);      /* drops one reference */
ssize_t vfs_read(struct vfs_file *f, void *buf, size_t len);
ssize_t vfs_write(struct vfs_file *f, const void *buf, size_t len);
ssize_t vfs_pread(struct vfs_file *f, void *buf, size_t len, off_t off);
ssize_t vfs_pwrite(struct vfs_file *f, const void *buf, size_t len, off_t off);
off_t vfs_seek(struct vfs_file *f, off_t off, int whence);
int vfs_fstat(struct vfs_file *f, struct stat *st);
int vfs_ftruncate(struct vfs_file *f, off_t size);
int vfs_fsync(struct vfs_file *f);
int vfs_readdir(struct vfs_file *dir, struct vfs_dirent *out);   /* 1, 0 at the end */
void vfs_rewinddir(struct vfs_file *dir);

int vfs_stat(const char *path, struct stat *st);
int vfs_access(const char *path, int mode);
int vfs_truncate(const char *path, off_t size);
int vfs_mkdir(const char *path, mode_t mode);
/* mkdir -p of the directories above path's last name (0755): 0, or the first error but EEXIST. */
int vfs_mkdir_parents(const char *path);
/* mkdir -p of path itself, with mode for its last name: 0 when it exists already. */
int vfs_mkdir_p(const char *path, mode_t mode);
/* Drop a reference to a node (its filesystem frees it with the last one). */
void vfs_node_put(struct vfs_node *n);
int vfs_rmdir(const char *path);
int vfs_unlink(const char *path);
int vfs_rename(const char *from, const char *to);
int vfs_chdir(const char *path);
/* The modification time of what path names (the initrd keeps the archive's; utime). */
int vfs_set_mtime(const char *path, time_t mtime);
/* The working directory into buf; -ERANGE if it does not fit. */
int vfs_getcwd(char *buf, size_t size);

/* Every mounted filesystem's data on stable storage: at exit and shutdown. */
void vfs_sync_all(void);
#endif
