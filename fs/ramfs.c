/* Each node is a heap block: a directory keeps its children in a list, a file its bytes in one
 * buffer that doubles as it grows. A removed node that is still open lives on, nameless, until
 * its last handle goes (POSIX: unlink of an open file). */
#include "ramfs.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct rnode {
    struct vfs_node vn;                  /* first: a vfs_node pointer is an rnode pointer */
    struct rnode *parent, *children, *next;
    char *name;
    unsigned char *data;
    size_t size, cap;
    mode_t mode;
    time_t mtime, ctime;
    uint64_t ino;
    int linked;                          /* still in a directory */
};

static const struct vfs_ops ramfs_ops;
static uint64_t next_ino = 1;

static struct rnode *R(struct vfs_node *n) { return (struct rnode *)n; }

static struct rnode *node_new(const char *name, mode_t mode)
{
    struct rnode *r = calloc(1, sizeof *r);
    if (!r || !(r->name = strdup(name))) {
        free(r);
        return NULL;
    }
    r->vn = (struct vfs_node){ &ramfs_ops, S_ISDIR(mode), 0 };
    r->mode = mode;
    r->mtime = r->ctime = time(NULL);
    r->ino = next_ino++;
    return r;
}

static void node_free(struct rnode *r)
{
    free(r->data);
    free(r->name);
    free(r);
}

static struct rnode *child(struct rnode *dir, const char *name)
{
    for (struct rnode *c = dir->children; c; c = c->next)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static void detach(struct rnode *c)
{
    struct rnode **p = &c->parent->children;
    while (*p != c)
        p = &(*p)->next;
    *p = c->next;
    c->parent->mtime = time(NULL);
    c->parent = c->next = NULL;
    c->linked = 0;
}

static void attach(struct rnode *dir, struct rnode *c)
{
    c->parent = dir;
    c->next = dir->children;
    dir->children = c;
    c->linked = 1;
    dir->mtime = time(NULL);
}

static void drop(struct rnode *r)           /* unlinked: free it now unless it is open */
{
    if (r->vn.refs == 0)
        node_free(r);
}

struct vfs_node *ramfs_create_root(void)
{
    struct rnode *r = node_new("", S_IFDIR | 0755);
    if (!r)
        return NULL;
    r->vn.refs = 1;                      /* the caller's: the mount table's, for good */
    return &r->vn;
}

static int ram_lookup(struct vfs_node *dir, const char *name, struct vfs_node **out)
{
    struct rnode *c = child(R(dir), name);
    if (!c)
        return -ENOENT;
    c->vn.refs++;
    *out = &c->vn;
    return 0;
}

static int ram_create(struct vfs_node *dir, const char *name, mode_t mode, struct vfs_node **out)
{
    if (child(R(dir), name))
        return -EEXIST;
    struct rnode *c = node_new(name, mode);
    if (!c)
        return -ENOSPC;                  /* the heap is the disk */
    attach(R(dir), c);
    c->vn.refs = 1;
    *out = &c->vn;
    return 0;
}

static ssize_t ram_read(struct vfs_node *n, void *buf, size_t len, uint64_t off)
{
    struct rnode *r = R(n);
    if (off >= r->size)
        return 0;
    if (len > r->size - off)
        len = r->size - (size_t)off;
    memcpy(buf, r->data + off, len);
    return (ssize_t)len;
}

static int resize(struct rnode *r, uint64_t size)
{
    if (size > SIZE_MAX / 2)
        return -EFBIG;
    if (size > r->cap) {
        size_t cap = r->cap ? r->cap : 64;
        while (cap < size)
            cap *= 2;
        unsigned char *d = realloc(r->data, cap);
        if (!d)
            return -ENOSPC;
        r->data = d;
        r->cap = cap;
    }
    if (size > r->size)
        memset(r->data + r->size, 0, (size_t)size - r->size);
    r->size = (size_t)size;
    r->mtime = r->ctime = time(NULL);
    return 0;
}

static ssize_t ram_write(struct vfs_node *n, const void *buf, size_t len, uint64_t off)
{
    struct rnode *r = R(n);
    if (off + len < off)
        return -EFBIG;
    if (off + len > r->size) {
        int rc = resize(r, off + len);
        if (rc < 0)
            return rc;
    }
    memcpy(r->data + off, buf, len);
    r->mtime = time(NULL);
    return (ssize_t)len;
}

static int ram_truncate(struct vfs_node *n, uint64_t size) { return resize(R(n), size); }

static int ram_remove(struct vfs_node *dir, const char *name, int want_dir)
{
    struct rnode *c = child(R(dir), name);
    if (!c)
        return -ENOENT;
    if (want_dir && !c->vn.is_dir)
        return -ENOTDIR;
    if (!want_dir && c->vn.is_dir)
        return -EISDIR;
    if (c->children)
        return -ENOTEMPTY;
    detach(c);
    drop(c);
    return 0;
}

static int ram_rename(struct vfs_node *from_dir, const char *from, struct vfs_node *to_dir, const char *to)
{
    struct rnode *src = child(R(from_dir), from), *dst = child(R(to_dir), to);
    if (!src)
        return -ENOENT;
    if (dst == src)
        return 0;
    for (struct rnode *a = R(to_dir); a; a = a->parent)
        if (a == src)
            return -EINVAL;              /* a directory into its own subtree */
    if (dst) {
        if (src->vn.is_dir && !dst->vn.is_dir)
            return -ENOTDIR;
        if (!src->vn.is_dir && dst->vn.is_dir)
            return -EISDIR;
        if (dst->children)
            return -ENOTEMPTY;
    }
    char *name = strdup(to);
    if (!name)
        return -ENOMEM;
    if (dst) {
        detach(dst);
        drop(dst);
    }
    detach(src);
    free(src->name);
    src->name = name;
    attach(R(to_dir), src);
    src->ctime = time(NULL);
    return 0;
}

static int ram_readdir(struct vfs_node *dir, uint64_t *pos, struct vfs_dirent *out)
{
    struct rnode *c = R(dir)->children;
    for (uint64_t i = 0; c && i < *pos; i++)
        c = c->next;
    if (!c)
        return 0;
    strncpy(out->name, c->name, sizeof out->name - 1);
    out->name[sizeof out->name - 1] = '\0';
    out->is_dir = c->vn.is_dir;
    out->ino = c->ino;
    (*pos)++;
    return 1;
}

static int ram_stat(struct vfs_node *n, struct stat *st)
{
    struct rnode *r = R(n);
    st->st_ino = (ino_t)r->ino;
    st->st_mode = r->mode;
    st->st_nlink = r->vn.is_dir ? 2 : (nlink_t)r->linked;
    st->st_size = (off_t)r->size;
    st->st_blksize = 4096;
    st->st_blocks = (blkcnt_t)((r->size + 511) / 512);
    st->st_mtime = r->mtime;
    st->st_ctime = r->ctime;
    st->st_atime = r->mtime;
    return 0;
}

static int ram_sync(struct vfs_node *n)
{
    (void)n;
    return 0;                            /* memory is as stable as it gets */
}

static void ram_put(struct vfs_node *n)
{
    if (!R(n)->linked)
        node_free(R(n));
}

static int ram_set_mtime(struct vfs_node *n, time_t mtime)
{
    R(n)->mtime = mtime;
    return 0;
}

static const struct vfs_ops ramfs_ops = {
    ram_lookup, ram_create, ram_read, ram_write, ram_truncate, ram_remove, ram_rename,
    ram_readdir, ram_stat, ram_sync, ram_put, ram_set_mtime,
};
