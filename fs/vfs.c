/* Path walking, the mount table, open files. One lock serialises every operation: a filesystem
 * may block on its disk in the middle of changing its structures, and cooperative threads would
 * otherwise interleave there. */
#include "vfs.h"
#include "path.h"
#include "ramfs.h"
#include "../kernel/thread.h"
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct mount {
    char path[VFS_PATH_MAX];
    struct vfs_node *root;
    int read_only;
};

static struct mount mounts[VFS_MOUNTS_MAX];   /* [0] is "/", made on first use */
static int nmounts;
static char cwd[VFS_PATH_MAX] = "/";
static struct mutex lock;

static void node_get(struct vfs_node *n) { n->refs++; }

void vfs_node_put(struct vfs_node *n)
{
    if (n && --n->refs == 0)
        n->ops->put(n);
}

static int ensure_root(void)
{
    if (nmounts)
        return 0;
    struct vfs_node *root = ramfs_create_root();
    if (!root)
        return -ENOMEM;
    mounts[0] = (struct mount){ "/", root, 0 };
    nmounts = 1;
    return 0;
}

/* The mount whose path is the longest prefix of abs. */
static int mount_of(const char *abs)
{
    int best = 0;
    for (int i = 1; i < nmounts; i++)
        if (path_under(abs, mounts[i].path) && strlen(mounts[i].path) > strlen(mounts[best].path))
            best = i;
    return best;
}

static int is_mount_point(const char *abs)
{
    for (int i = 1; i < nmounts; i++)
        if (strcmp(abs, mounts[i].path) == 0)
            return 1;
    return 0;
}

static const char *rest_of(int m, const char *abs)
{
    return strcmp(mounts[m].path, "/") == 0 ? abs : abs + strlen(mounts[m].path);
}

/* Walk rest ("/a/b" or "") from the mount's root; *out holds a reference. */
static int walk(int m, const char *rest, struct vfs_node **out)
{
    struct vfs_node *n = mounts[m].root;
    node_get(n);
    char name[VFS_NAME_MAX + 1];
    while (*rest == '/' && rest[1]) {   /* "/" alone is the root itself */
        rest++;
        const char *end = strchr(rest, '/');
        size_t len = end ? (size_t)(end - rest) : strlen(rest);
        memcpy(name, rest, len);
        name[len] = '\0';
        rest += len;
        if (!n->is_dir) {
            vfs_node_put(n);
            return -ENOTDIR;
        }
        struct vfs_node *next;
        int rc = n->ops->lookup(n, name, &next);
        vfs_node_put(n);
        if (rc < 0)
            return rc;
        n = next;
    }
    *out = n;
    return 0;
}


/* The node an absolute, folded path names, and its mount. */
static int walk_abs(const char *abs, int *m, struct vfs_node **out)
{
    *m = mount_of(abs);
    return walk(*m, rest_of(*m, abs), out);
}

/* The node a path names. */
static int resolve(const char *path, int *m, struct vfs_node **out)
{
    char abs[VFS_PATH_MAX];
    int dir_only, rc = path_fold(cwd, path, abs, sizeof abs, VFS_NAME_MAX, &dir_only);
    if (rc < 0)
        return rc;
    if ((rc = walk_abs(abs, m, out)) < 0)
        return rc;
    if (dir_only && !(*out)->is_dir) {
        vfs_node_put(*out);
        return -ENOTDIR;
    }
    return 0;
}

/* The directory that holds the last name of path, and that name. A mount point, or "/", is not
 * an entry of any directory that can be changed: -EBUSY. */
static int resolve_parent(const char *path, char *abs, int *m, struct vfs_node **dir, const char **name, int *dir_only)
{
    int rc = path_fold(cwd, path, abs, VFS_PATH_MAX, VFS_NAME_MAX, dir_only);
    if (rc < 0)
        return rc;
    if (strcmp(abs, "/") == 0 || is_mount_point(abs))
        return -EBUSY;
    *m = mount_of(abs);
    char *slash = strrchr(abs, '/');
    *name = slash + 1;
    *slash = '\0';                       /* abs is now the parent ("" for "/") */
    rc = walk(*m, rest_of(*m, abs), dir);
    *slash = '/';
    if (rc < 0)
        return rc;
    if (!(*dir)->is_dir) {
        vfs_node_put(*dir);
        return -ENOTDIR;
    }
    return 0;
}

int vfs_mount(const char *path, struct vfs_node *root, int read_only)
{
    char abs[VFS_PATH_MAX];
    int dir_only, m, rc;
    struct vfs_node *n;
    mutex_lock(&lock);
    if ((rc = ensure_root()) < 0 || (rc = path_fold("/", path, abs, sizeof abs, VFS_NAME_MAX, &dir_only)) < 0)
        goto out;
    rc = -EBUSY;
    if (strcmp(abs, "/") == 0 || is_mount_point(abs))
        goto out;
    rc = -ENOSPC;
    if (nmounts == VFS_MOUNTS_MAX)
        goto out;
    if ((rc = walk_abs(abs, &m, &n)) < 0)
        goto out;
    rc = n->is_dir ? 0 : -ENOTDIR;
    vfs_node_put(n);
    if (rc == 0) {
        mounts[nmounts] = (struct mount){ .root = root, .read_only = read_only };
        strcpy(mounts[nmounts].path, abs);
        nmounts++;
    }
out:
    mutex_unlock(&lock);
    return rc;
}

/* ---- open files ---------------------------------------------------------------------------- */

static int writes(int flags) { return (flags & O_ACCMODE) != O_RDONLY; }

static int open_locked(const char *path, int flags, mode_t mode, struct vfs_file **out)
{
    char abs[VFS_PATH_MAX];
    const char *name;
    int m, dir_only, rc;
    struct vfs_node *dir, *n = NULL;
    if ((rc = resolve_parent(path, abs, &m, &dir, &name, &dir_only)) == -EBUSY) {
        rc = resolve(path, &m, &n);      /* "/" or a mount point: it exists, it is a directory */
        if (rc == 0 && (flags & O_CREAT) && (flags & O_EXCL))
            rc = -EEXIST;
    } else if (rc == 0) {
        rc = dir->ops->lookup(dir, name, &n);
        if (rc == 0 && (flags & O_CREAT) && (flags & O_EXCL)) {
            vfs_node_put(n);
            rc = -EEXIST;
        } else if (rc == -ENOENT && (flags & O_CREAT)) {
            if (dir_only)
                rc = -EISDIR;
            else if (mounts[m].read_only)
                rc = -EROFS;
            else
                rc = dir->ops->create(dir, name, S_IFREG | (mode & 07777), &n);
        }
        vfs_node_put(dir);
    }
    if (rc < 0)
        return rc;
    if (n->is_dir && (writes(flags) || (flags & O_TRUNC)))
        rc = -EISDIR;
    else if (!n->is_dir && ((flags & O_DIRECTORY) || dir_only))
        rc = -ENOTDIR;
    else if (mounts[m].read_only && (writes(flags) || (flags & O_TRUNC)))
        rc = -EROFS;
    else if ((flags & O_TRUNC) && writes(flags))
        rc = n->ops->truncate(n, 0);
    struct vfs_file *f = rc == 0 ? calloc(1, sizeof *f) : NULL;
    if (rc == 0 && !f)
        rc = -ENOMEM;
    if (rc < 0) {
        vfs_node_put(n);
        return rc;
    }
    *f = (struct vfs_file){ n, m, flags & (O_ACCMODE | O_APPEND), 0, 1 };
    *out = f;
    return 0;
}

int vfs_open(const char *path, int flags, mode_t mode, struct vfs_file **out)
{
    mutex_lock(&lock);
    int rc = ensure_root();
    if (rc == 0)
        rc = open_locked(path, flags, mode, out);
    mutex_unlock(&lock);
    return rc;
}

struct vfs_file *vfs_file_ref(struct vfs_file *f)
{
    f->refs++;
    return f;
}

int vfs_close(struct vfs_file *f)
{
    if (--f->refs > 0)
        return 0;
    mutex_lock(&lock);
    vfs_node_put(f->node);
    mutex_unlock(&lock);
    free(f);
    return 0;
}

static ssize_t read_at(struct vfs_file *f, void *buf, size_t len, uint64_t off)
{
    if ((f->flags & O_ACCMODE) == O_WRONLY)
        return -EBADF;
    if (f->node->is_dir)
        return -EISDIR;
    mutex_lock(&lock);
    ssize_t n = f->node->ops->read(f->node, buf, len, off);
    mutex_unlock(&lock);
    return n;
}

static uint64_t size_of(struct vfs_node *n)
{
    struct stat st;
    return n->ops->stat(n, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* append: the end of the file, under the lock, so two appenders never overwrite each other */
static ssize_t write_at(struct vfs_file *f, const void *buf, size_t len, uint64_t off, int append, uint64_t *end)
{
    if ((f->flags & O_ACCMODE) == O_RDONLY)
        return -EBADF;
    mutex_lock(&lock);
    if (append)
        off = size_of(f->node);
    ssize_t n = f->node->ops->write(f->node, buf, len, off);
    mutex_unlock(&lock);
    if (n > 0 && end)
        *end = off + (uint64_t)n;
    return n;
}

ssize_t vfs_read(struct vfs_file *f, void *buf, size_t len)
{
    ssize_t n = read_at(f, buf, len, f->offset);
    if (n > 0)
        f->offset += (uint64_t)n;
    return n;
}

ssize_t vfs_write(struct vfs_file *f, const void *buf, size_t len)
{
    return write_at(f, buf, len, f->offset, (f->flags & O_APPEND) != 0, &f->offset);
}

ssize_t vfs_pread(struct vfs_file *f, void *buf, size_t len, off_t off)
{
    return off < 0 ? -EINVAL : read_at(f, buf, len, (uint64_t)off);
}

ssize_t vfs_pwrite(struct vfs_file *f, const void *buf, size_t len, off_t off)
{
    return off < 0 ? -EINVAL : write_at(f, buf, len, (uint64_t)off, 0, NULL);   /* as Linux: O_APPEND aside */
}

off_t vfs_seek(struct vfs_file *f, off_t off, int whence)
{
    int64_t base;
    if (whence == SEEK_SET)
        base = 0;
    else if (whence == SEEK_CUR)
        base = (int64_t)f->offset;
    else if (whence == SEEK_END) {
        mutex_lock(&lock);
        base = (int64_t)size_of(f->node);
        mutex_unlock(&lock);
    } else
        return -EINVAL;
    if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
        return -EINVAL;
    f->offset = (uint64_t)(base + off);
    return (off_t)f->offset;
}

static int stat_node(int m, struct vfs_node *n, struct stat *st)
{
    memset(st, 0, sizeof *st);
    int rc = n->ops->stat(n, st);
    st->st_dev = (dev_t)(m + 1);
    return rc;
}

int vfs_fstat(struct vfs_file *f, struct stat *st)
{
    mutex_lock(&lock);
    int rc = stat_node(f->mount, f->node, st);
    mutex_unlock(&lock);
    return rc;
}

int vfs_ftruncate(struct vfs_file *f, off_t size)
{
    if (size < 0)
        return -EINVAL;
    if (f->node->is_dir)
        return -EISDIR;
    if ((f->flags & O_ACCMODE) == O_RDONLY)
        return -EINVAL;                  /* as Linux says for a descriptor not open for writing */
    mutex_lock(&lock);
    int rc = f->node->ops->truncate(f->node, (uint64_t)size);
    mutex_unlock(&lock);
    return rc;
}

int vfs_fsync(struct vfs_file *f)
{
    mutex_lock(&lock);
    int rc = f->node->ops->sync(f->node);
    mutex_unlock(&lock);
    return rc;
}

int vfs_readdir(struct vfs_file *dir, struct vfs_dirent *out)
{
    if (!dir->node->is_dir)
        return -ENOTDIR;
    mutex_lock(&lock);
    int rc = dir->node->ops->readdir(dir->node, &dir->offset, out);
    mutex_unlock(&lock);
    return rc;
}

void vfs_rewinddir(struct vfs_file *dir) { dir->offset = 0; }

/* ---- by path ------------------------------------------------------------------------------- */

int vfs_stat(const char *path, struct stat *st)
{
    int m, rc;
    struct vfs_node *n;
    mutex_lock(&lock);
    if ((rc = ensure_root()) == 0 && (rc = resolve(path, &m, &n)) == 0) {
        rc = stat_node(m, n, st);
        vfs_node_put(n);
    }
    mutex_unlock(&lock);
    return rc;
}

int vfs_access(const char *path, int mode)
{
    int m, rc;
    struct vfs_node *n;
    if (mode & ~(R_OK | W_OK | X_OK))
        return -EINVAL;
    mutex_lock(&lock);
    if ((rc = ensure_root()) == 0 && (rc = resolve(path, &m, &n)) == 0) {
        vfs_node_put(n);
        if ((mode & W_OK) && mounts[m].read_only)
            rc = -EROFS;
    }
    mutex_unlock(&lock);
    return rc;
}

int vfs_truncate(const char *path, off_t size)
{
    struct vfs_file *f;
    int rc = vfs_open(path, O_WRONLY, 0, &f);
    if (rc < 0)
        return rc;
    rc = vfs_ftruncate(f, size);
    vfs_close(f);
    return rc;
}

int vfs_mkdir(const char *path, mode_t mode)
{
    char abs[VFS_PATH_MAX];
    const char *name;
    int m, dir_only, rc;
    struct vfs_node *dir, *n;
    mutex_lock(&lock);
    if ((rc = ensure_root()) == 0 && (rc = resolve_parent(path, abs, &m, &dir, &name, &dir_only)) == 0) {
        if ((rc = dir->ops->lookup(dir, name, &n)) == 0) {
            vfs_node_put(n);
            rc = -EEXIST;
        } else if (rc == -ENOENT) {
            rc = mounts[m].read_only ? -EROFS : dir->ops->create(dir, name, S_IFDIR | (mode & 07777), &n);
            if (rc == 0)
                vfs_node_put(n);
        }
        vfs_node_put(dir);
    }
    mutex_unlock(&lock);
    return rc == -EBUSY ? -EEXIST : rc;  /* "/" and mount points exist */
}

int vfs_mkdir_parents(const char *path)
{
    char p[VFS_PATH_MAX];
    if (strlen(path) >= sizeof p)
        return -ENAMETOOLONG;
    strcpy(p, path);
    for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
        *s = '\0';
        int rc = vfs_mkdir(p, 0755);
        *s = '/';
        if (rc < 0 && rc != -EEXIST)
            return rc;
    }
    return 0;
}

int vfs_mkdir_p(const char *path, mode_t mode)
{
    int rc = vfs_mkdir(path, mode);
    if (rc == -ENOENT) {
        vfs_mkdir_parents(path);
        rc = vfs_mkdir(path, mode);
    }
    return rc == -EEXIST ? 0 : rc;
}

static int remove_path(const char *path, int want_dir)
{
    char abs[VFS_PATH_MAX];
    const char *name;
    int m, dir_only, rc;
    struct vfs_node *dir;
    mutex_lock(&lock);
    if ((rc = ensure_root()) == 0 && (rc = resolve_parent(path, abs, &m, &dir, &name, &dir_only)) == 0) {
        if (dir_only && !want_dir)
            rc = -EISDIR;                /* unlink("d/"): Linux says EISDIR or ENOTDIR; a name ending in / is a directory */
        else if (mounts[m].read_only)
            rc = -EROFS;
        else
            rc = dir->ops->remove(dir, name, want_dir);
        vfs_node_put(dir);
    }
    mutex_unlock(&lock);
    return rc;
}

int vfs_rmdir(const char *path) { return remove_path(path, 1); }
int vfs_unlink(const char *path)
{
    int rc = remove_path(path, 0);
    return rc == -EBUSY ? -EISDIR : rc;  /* "/" and mount points are directories */
}

int vfs_rename(const char *from, const char *to)
{
    char from_abs[VFS_PATH_MAX], to_abs[VFS_PATH_MAX];
    const char *from_name, *to_name;
    int fm, tm, dir_only, rc;
    struct vfs_node *from_dir, *to_dir;
    mutex_lock(&lock);
    if ((rc = ensure_root()) < 0 || (rc = resolve_parent(from, from_abs, &fm, &from_dir, &from_name, &dir_only)) < 0)
        goto out;
    if ((rc = resolve_parent(to, to_abs, &tm, &to_dir, &to_name, &dir_only)) < 0)
        goto put_from;
    if (fm != tm)
        rc = -EXDEV;
    else if (mounts[fm].read_only)
        rc = -EROFS;
    else if (strcmp(from_abs, to_abs) == 0)
        rc = 0;
    else if (path_under(to_abs, from_abs))
        rc = -EINVAL;                    /* a directory into itself */
    else
        rc = from_dir->ops->rename(from_dir, from_name, to_dir, to_name);
    vfs_node_put(to_dir);
put_from:
    vfs_node_put(from_dir);
out:
    mutex_unlock(&lock);
    return rc;
}

int vfs_chdir(const char *path)
{
    char abs[VFS_PATH_MAX];
    int dir_only, m, rc;
    struct vfs_node *n;
    mutex_lock(&lock);
    if ((rc = ensure_root()) == 0 && (rc = path_fold(cwd, path, abs, sizeof abs, VFS_NAME_MAX, &dir_only)) == 0 &&
        (rc = walk_abs(abs, &m, &n)) == 0) {
        rc = n->is_dir ? 0 : -ENOTDIR;
        vfs_node_put(n);
        if (rc == 0)
            strcpy(cwd, abs);
    }
    mutex_unlock(&lock);
    return rc;
}

int vfs_set_mtime(const char *path, time_t mtime)
{
    int m, rc;
    struct vfs_node *n;
    mutex_lock(&lock);
    if ((rc = ensure_root()) == 0 && (rc = resolve(path, &m, &n)) == 0) {
        rc = mounts[m].read_only ? -EROFS : n->ops->set_mtime ? n->ops->set_mtime(n, mtime) : -EPERM;
        vfs_node_put(n);
    }
    mutex_unlock(&lock);
    return rc;
}

int vfs_getcwd(char *buf, size_t size)
{
    if (strlen(cwd) + 1 > size)
        return -ERANGE;
    strcpy(buf, cwd);
    return 0;
}

void vfs_sync_all(void)
{
    mutex_lock(&lock);
    for (int i = 0; i < nmounts; i++)
        mounts[i].root->ops->sync(mounts[i].root);
    mutex_unlock(&lock);
}
