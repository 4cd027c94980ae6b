/* The VFS's operations over FAT's. A vfs_node here wraps one reference to a FAT node; FAT itself
 * shares one node among every opener of a file, so the wrappers need no state of their own. */
#include "fatfs.h"
#include "bcache.h"
#include "blkdisk.h"
#include "fat.h"
#include "../kernel/format.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_BLOCKS 1024              /* 512 KiB of sectors: the FAT's and directories' */
#define BYPASS_SECTORS 64              /* 32 KiB and more go straight to the disk */

struct fatfs {
    struct fat_fs *fat;
    struct bcache *cache;
    struct fs_disk disk;
};

struct fnode {
    struct vfs_node vn;                /* first */
    struct fatfs *fs;
    struct fat_node *fn;
};

static const struct vfs_ops fatfs_ops;

static struct fnode *F(struct vfs_node *n) { return (struct fnode *)n; }

/* Wrap fn (whose reference it takes over) into *out. */
static int wrap(struct fatfs *fs, struct fat_node *fn, struct vfs_node **out)
{
    struct fnode *w = malloc(sizeof *w);
    if (!w) {
        fat_put(fs->fat, fn);
        return -ENOMEM;
    }
    *w = (struct fnode){ { &fatfs_ops, fat_is_dir(fn), 1 }, fs, fn };
    *out = &w->vn;
    return 0;
}

static int ff_lookup(struct vfs_node *dir, const char *name, struct vfs_node **out)
{
    struct fat_node *fn;
    int rc = fat_lookup(F(dir)->fs->fat, F(dir)->fn, name, strlen(name), &fn);
    return rc < 0 ? rc : wrap(F(dir)->fs, fn, out);
}

static int ff_create(struct vfs_node *dir, const char *name, mode_t mode, struct vfs_node **out)
{
    struct fat_node *fn;
    int rc = fat_create(F(dir)->fs->fat, F(dir)->fn, name, strlen(name), S_ISDIR(mode), &fn);
    return rc < 0 ? rc : wrap(F(dir)->fs, fn, out);
}

static ssize_t ff_read(struct vfs_node *n, void *buf, size_t len, uint64_t off)
{
    return fat_read(F(n)->fs->fat, F(n)->fn, buf, len, off);
}

static ssize_t ff_write(struct vfs_node *n, const void *buf, size_t len, uint64_t off)
{
    return fat_write(F(n)->fs->fat, F(n)->fn, buf, len, off);
}

static int ff_truncate(struct vfs_node *n, uint64_t size) { return fat_truncate(F(n)->fs->fat, F(n)->fn, size); }

static int ff_remove(struct vfs_node *dir, const char *name, int want_dir)
{
    return fat_remove(F(dir)->fs->fat, F(dir)->fn, name, strlen(name), want_dir);
}

static int ff_rename(struct vfs_node *from_dir, const char *from, struct vfs_node *to_dir, const char *to)
{
    return fat_rename(F(from_dir)->fs->fat, F(from_dir)->fn, from, strlen(from), F(to_dir)->fn, to, strlen(to));
}

static int ff_readdir(struct vfs_node *dir, uint64_t *pos, struct vfs_dirent *out)
{
    struct fat_dirent e;
    int rc = fat_readdir(F(dir)->fs->fat, F(dir)->fn, pos, &e);
    if (rc <= 0)
        return rc;
    strncpy(out->name, e.name, sizeof out->name - 1);
    out->name[sizeof out->name - 1] = '\0';
    out->is_dir = e.is_dir;
    out->ino = e.ino;
    return 1;
}

static int ff_stat(struct vfs_node *n, struct stat *st)
{
    struct fat_stat fs;
    fat_stat(F(n)->fs->fat, F(n)->fn, &fs);
    /* FAT keeps no owner or permissions: only a read-only bit */
    st->st_mode = fs.is_dir ? S_IFDIR | 0755 : S_IFREG | (fs.read_only ? 0444 : 0644);
    st->st_ino = (ino_t)fs.ino;
    st->st_nlink = fs.is_dir ? 2 : 1;
    st->st_size = (off_t)fs.size;
    st->st_blksize = (blksize_t)fs.cluster_size;
    st->st_blocks = (blkcnt_t)((fs.size + 511) / 512);
    st->st_mtime = fs.mtime;
    st->st_ctime = fs.ctime;
    st->st_atime = fs.atime;
    return 0;
}

static int ff_sync(struct vfs_node *n) { return fat_sync(F(n)->fs->fat); }

static void ff_put(struct vfs_node *n)
{
    fat_put(F(n)->fs->fat, F(n)->fn);
    free(n);
}

static const struct vfs_ops fatfs_ops = {
    ff_lookup, ff_create, ff_read, ff_write, ff_truncate, ff_remove, ff_rename,
    ff_readdir, ff_stat, ff_sync, ff_put, NULL,
};

struct vfs_node *fatfs_open(struct blkdev *dev, int read_only, char *why, size_t why_len)
{
    struct fatfs *fs = calloc(1, sizeof *fs);
    struct vfs_node *root = NULL;
    if (fs)
        blkdisk_init(&fs->disk, dev);
    if (!fs || bcache_create(&fs->disk, CACHE_BLOCKS, BYPASS_SECTORS, &fs->cache) < 0) {
        ksnprintf(why, why_len, "no memory for its cache");
        free(fs);
        return NULL;
    }
    if (fat_mount(bcache_disk(fs->cache), read_only || dev->read_only, &fs->fat, why, why_len) < 0 ||
        wrap(fs, fat_root(fs->fat), &root) < 0) {
        if (fs->fat)
            fat_unmount(fs->fat);
        bcache_destroy(fs->cache);
        free(fs);
        return NULL;
    }
    return root;
}
