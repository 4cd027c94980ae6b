/* fs/fat.c: the FAT API (contract in fat.h): mounting, the node cache, and the operations that
 * combine directory entries, the FAT and file data. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fat_impl.h"

#define MIN_SECTOR 512
#define MAX_SECTOR 4096
#define INO_ROOT 1
#define MAX_DEPTH 65536         /* deeper than this is a loop of .. entries */
#define DOTDOT_SLOT 1           /* ".." is the second entry of a directory's first cluster */

static void set_why(char *why, size_t whylen, const char *s)
{
    if (why && whylen) {
        strncpy(why, s, whylen - 1);
        why[whylen - 1] = 0;
    }
}

static uint32_t entry_cluster(const struct fat_fs *fs, const uint8_t *de)
{
    uint32_t hi = fs->type == 32 ? fat_get16(de + DIR_CLUS_HI) : 0; /* zero on FAT12/16 */
    return hi << 16 | fat_get16(de + DIR_CLUS_LO);
}

static struct fat_node *node_new(struct fat_fs *fs, uint64_t ent, const uint8_t *de)
{
    struct fat_node *n = calloc(1, sizeof *n);
    if (!n)
        return NULL;
    n->refs = 1;
    n->ent = ent;
    memcpy(n->de, de, DIR_ENTRY_SIZE);
    n->first = entry_cluster(fs, de);
    n->is_dir = (de[DIR_ATTR] & ATTR_DIRECTORY) != 0;
    n->size = n->is_dir ? 0 : fat_get32(de + DIR_SIZE);
    n->next = fs->nodes;
    fs->nodes = n;
    return n;
}

/* The one node of the entry f found: from the cache, or made after checking its cluster. */
static int node_of(struct fat_fs *fs, const struct fat_found *f, struct fat_node **out)
{
    for (struct fat_node *n = fs->nodes; n; n = n->next)
        if (n->ent == f->addr && !n->unlinked) {
            n->refs++;
            *out = n;
            return 0;
        }
    uint32_t c = entry_cluster(fs, f->de);
    if ((c != 0 && (c < CLUSTER_FIRST || c > fs->clusters + 1)) ||
        (c == 0 && (f->de[DIR_ATTR] & ATTR_DIRECTORY)))
        return -EIO;
    *out = node_new(fs, f->addr, f->de);
    return *out ? 0 : -ENOMEM;
}

int fat_mount(struct fs_disk *disk, int read_only, struct fat_fs **out, char *why, size_t whylen)
{
    uint32_t ss = disk->sector_size;
    if (ss < MIN_SECTOR || ss > MAX_SECTOR || (ss & (ss - 1)) || disk->sectors == 0) {
        set_why(why, whylen, "the disk's sector size is not 512-4096, or it is empty");
        return -EINVAL;
    }
    struct fat_fs *fs = calloc(1, sizeof *fs);
    uint8_t *bs = malloc(ss);
    if (!fs || !bs || !(fs->sec = malloc(ss))) {
        free(bs), free(fs ? fs->sec : NULL), free(fs);
        set_why(why, whylen, "out of memory");
        return -ENOMEM;
    }
    fs->disk = disk;
    fs->read_only = read_only;
    int r = disk->read(disk->ctx, 0, 1, bs);
    if (r < 0)
        set_why(why, whylen, "the boot sector cannot be read");
    else
        r = fat_bpb_parse(fs, bs, why, whylen);
    free(bs);
    uint8_t root_de[DIR_ENTRY_SIZE] = { 0 };
    root_de[DIR_ATTR] = ATTR_DIRECTORY;
    fat_put16(root_de + DIR_CLUS_LO, (uint16_t)fs->root_cluster);
    fat_put16(root_de + DIR_CLUS_HI, (uint16_t)(fs->root_cluster >> 16));
    if (r == 0 && (!(fs->root = node_new(fs, ROOT_ENT, root_de)) ||
                   !(fs->win = malloc(fs->bytes_per_sector))))
        r = -ENOMEM;
    fs->win_at = UINT64_MAX;
    if (r < 0) {
        free(fs->root), free(fs->sec), free(fs);
        return r;
    }
    fat_fsinfo_load(fs);
    *out = fs;
    return 0;
}

int fat_sync(struct fat_fs *fs)
{
    int r = fat_table_flush(fs);
    if (r == 0)
        r = fat_fsinfo_store(fs);
    if (r < 0)
        return r;
    return fs->disk->flush ? fs->disk->flush(fs->disk->ctx) : 0;
}

int fat_unmount(struct fat_fs *fs)
{
    for (struct fat_node *n = fs->nodes; n; n = n->next)
        if (n->unlinked && n->first && !fs->read_only)
            fat_free_chain(fs, n->first);   /* removed files still open: their last reference */
    int r = fs->read_only ? 0 : fat_sync(fs);
    while (fs->nodes) {
        struct fat_node *n = fs->nodes;
        fs->nodes = n->next;
        free(n);
    }
    free(fs->sec);
    free(fs->win);
    free(fs);
    return r;
}

void fat_set_clock(struct fat_fs *fs, time_t (*now)(void *ctx), void *ctx)
{
    fs->now = now;
    fs->now_ctx = ctx;
}

const char *fat_type_name(const struct fat_fs *fs)
{
    return fs->type == 12 ? "FAT12" : fs->type == 16 ? "FAT16" : "FAT32";
}

int fat_statfs(struct fat_fs *fs, uint32_t *cluster_size, uint32_t *clusters, uint32_t *free_clusters)
{
    int r = fat_count_free(fs);
    *cluster_size = fs->cluster_size;
    *clusters = fs->clusters;
    *free_clusters = fs->free_count;
    return r;
}

struct fat_node *fat_root(struct fat_fs *fs)
{
    fs->root->refs++;
    return fs->root;
}

void fat_put(struct fat_fs *fs, struct fat_node *node)
{
    if (--node->refs > 0 || node == fs->root)
        return;
    if (node->unlinked && node->first && !fs->read_only)
        fat_free_chain(fs, node->first); /* a failure leaves lost clusters, as a crash would */
    for (struct fat_node **p = &fs->nodes; *p; p = &(*p)->next)
        if (*p == node) {
            *p = node->next;
            break;
        }
    free(node);
}

/* Converts and checks a name for an operation on directory dir. */
static int prepare(struct fat_fs *fs, struct fat_node *dir, int writes, const char *name,
                   size_t len, uint16_t *u, int *ulen)
{
    if (writes && fs->read_only)
        return -EROFS;
    if (!dir->is_dir)
        return -ENOTDIR;
    if (dir->unlinked)
        return -ENOENT;         /* a removed directory, still open: nothing may be added */
    return fat_name_from_utf8(name, len, u, ulen);
}

int fat_lookup(struct fat_fs *fs, struct fat_node *dir, const char *name, size_t len,
               struct fat_node **out)
{
    uint16_t u[FAT_NAME_MAX];
    struct fat_found f;
    int ulen, r = prepare(fs, dir, 0, name, len, u, &ulen);
    if (r == -EINVAL)
        return -ENOENT;         /* a name FAT cannot hold is a name that is not there */
    if (r < 0 || (r = fat_dir_find(fs, dir, u, ulen, &f)) < 0)
        return r;
    return r == 0 ? -ENOENT : node_of(fs, &f, out);
}

/* The . and .. entries of a new directory's first cluster c (fatgen103: ".." of a directory in
 * the root holds cluster 0, also on FAT32). */
static int make_dots(struct fat_fs *fs, uint32_t c, struct fat_node *parent, const uint8_t *de)
{
    uint8_t dots[2 * DIR_ENTRY_SIZE];
    uint32_t up = parent == fs->root ? 0 : parent->first;
    int r = fat_io_zero(fs, fat_cluster_addr(fs, c), fs->cluster_size);
    for (int i = 0; i < 2; i++) {
        uint8_t *e = dots + i * DIR_ENTRY_SIZE;
        uint32_t to = i == 0 ? c : up;
        memcpy(e, de, DIR_ENTRY_SIZE);
        memset(e, ' ', 11);
        memset(e, '.', (size_t)i + 1);
        fat_put16(e + DIR_CLUS_HI, fs->type == 32 ? (uint16_t)(to >> 16) : 0);
        fat_put16(e + DIR_CLUS_LO, (uint16_t)to);
    }
    return r < 0 ? r : fat_io_write(fs, fat_cluster_addr(fs, c), dots, sizeof dots);
}

int fat_create(struct fat_fs *fs, struct fat_node *dir, const char *name, size_t len, int is_dir,
               struct fat_node **out)
{
    uint16_t u[FAT_NAME_MAX], date, time;
    uint8_t de[DIR_ENTRY_SIZE] = { 0 }, tenth;
    struct fat_found f;
    uint32_t c = 0;
    uint64_t addr;
    int ulen, r = prepare(fs, dir, 1, name, len, u, &ulen);
    if (r < 0 || (r = fat_dir_find(fs, dir, u, ulen, &f)) < 0)
        return r;
    if (r == 1)
        return -EEXIST;
    fat_dos_time_now(fs, &date, &time, &tenth);
    de[DIR_ATTR] = is_dir ? ATTR_DIRECTORY : ATTR_ARCHIVE;
    de[DIR_CRT_TENTH] = tenth;
    fat_put16(de + DIR_CRT_TIME, time), fat_put16(de + DIR_WRT_TIME, time);
    fat_put16(de + DIR_CRT_DATE, date), fat_put16(de + DIR_WRT_DATE, date), fat_put16(de + DIR_ACC_DATE, date);
    if (is_dir) {
        if ((r = fat_alloc(fs, 0, &c)) < 0)
            return r;
        fat_put16(de + DIR_CLUS_HI, fs->type == 32 ? (uint16_t)(c >> 16) : 0);
        fat_put16(de + DIR_CLUS_LO, (uint16_t)c);
        r = make_dots(fs, c, dir, de);
    }
    if (r == 0)
        r = fat_dir_add(fs, dir, u, ulen, de, &addr);
    if (r < 0) {
        if (c)
            fat_free_chain(fs, c);
        return r;
    }
    struct fat_node *n = node_new(fs, addr, de);
    if (!n)
        return -ENOMEM;
    if (out)
        *out = n;
    else
        fat_put(fs, n);
    return 0;
}

long fat_read(struct fat_fs *fs, struct fat_node *node, void *buf, size_t len, uint64_t offset)
{
    if (node->is_dir)
        return -EISDIR;
    if (offset >= node->size)
        return 0;
    return fat_file_read(fs, node, buf, len > FAT_FILE_MAX ? FAT_FILE_MAX : (uint32_t)len, (uint32_t)offset);
}

long fat_write(struct fat_fs *fs, struct fat_node *node, const void *buf, size_t len,
               uint64_t offset)
{
    if (fs->read_only)
        return -EROFS;
    if (node->is_dir)
        return -EISDIR;
    if (len == 0)
        return 0;
    if (offset > FAT_FILE_MAX || len > FAT_FILE_MAX - offset)
        return -EFBIG;
    return fat_file_write(fs, node, buf, (uint32_t)len, (uint32_t)offset);
}

int fat_truncate(struct fat_fs *fs, struct fat_node *node, uint64_t size)
{
    if (fs->read_only)
        return -EROFS;
    if (node->is_dir)
        return -EISDIR;
    if (size > FAT_FILE_MAX)
        return -EFBIG;
    uint32_t old = node->size;
    if (size == old)
        return 0;
    if (size < old) {
        fat_node_touch(fs, node);
        return fat_file_shrink(fs, node, (uint32_t)size);
    }
    long w = fat_file_write(fs, node, NULL, (uint32_t)(size - old), old);
    if (w >= 0 && (uint64_t)w < size - old) {
        fat_file_shrink(fs, node, old);     /* all or nothing, as ftruncate is */
        return -ENOSPC;
    }
    return w < 0 ? (int)w : 0;
}

/* Erases the entry t of dir (unlink, rmdir, the target a rename replaces): it must be of the
 * kind asked for (want_dir), and empty if a directory. Its clusters go with the last reference. */
static int remove_found(struct fat_fs *fs, struct fat_node *dir, const struct fat_found *t, int want_dir)
{
    struct fat_node *n;
    int r = node_of(fs, t, &n);
    if (r < 0)
        return r;
    if (n->is_dir && !want_dir)
        r = -EISDIR;
    else if (!n->is_dir && want_dir)
        r = -ENOTDIR;
    else if (n->is_dir && (r = fat_dir_is_empty(fs, n)) >= 0)
        r = r ? 0 : -ENOTEMPTY;
    if (r == 0 && (r = fat_dir_erase(fs, dir, t)) == 0)
        n->unlinked = 1;
    fat_put(fs, n);
    return r;
}

int fat_remove(struct fat_fs *fs, struct fat_node *dir, const char *name, size_t len, int want_dir)
{
    uint16_t u[FAT_NAME_MAX];
    struct fat_found f;
    int ulen, r = prepare(fs, dir, 1, name, len, u, &ulen);
    if (r < 0 || (r = fat_dir_find(fs, dir, u, ulen, &f)) <= 0)
        return r < 0 ? r : -ENOENT;
    return remove_found(fs, dir, &f, want_dir);
}

/* -EINVAL when `dir` is `d` or lies below it: walks up through the ".." entries. */
static int check_not_below(struct fat_fs *fs, struct fat_node *d, struct fat_node *dir)
{
    uint32_t c = dir == fs->root ? 0 : dir->first;
    for (uint32_t steps = 0; c != 0 && c != fs->root_cluster; steps++) {
        uint8_t e[DIR_ENTRY_SIZE];
        if (c == d->first)
            return -EINVAL;
        if (steps > MAX_DEPTH || c < CLUSTER_FIRST || c > fs->clusters + 1)
            return -EIO;
        int r = fat_io_read(fs, fat_cluster_addr(fs, c) + DOTDOT_SLOT * DIR_ENTRY_SIZE, e, sizeof e);
        if (r < 0)
            return r;
        if (memcmp(e, "..         ", 11) != 0)
            return -EIO;
        c = entry_cluster(fs, e);
    }
    return 0;
}

int fat_rename(struct fat_fs *fs, struct fat_node *olddir, const char *oldname, size_t oldlen,
               struct fat_node *newdir, const char *newname, size_t newlen)
{
    uint16_t ou[FAT_NAME_MAX], nu[FAT_NAME_MAX];
    struct fat_found fo, fn;
    struct fat_node *src;
    uint8_t de[DIR_ENTRY_SIZE];
    uint64_t addr;
    int olen, nlen, r = prepare(fs, olddir, 1, oldname, oldlen, ou, &olen);
    if (r < 0 || (r = prepare(fs, newdir, 1, newname, newlen, nu, &nlen)) < 0)
        return r;
    if ((r = fat_dir_find(fs, olddir, ou, olen, &fo)) <= 0)
        return r < 0 ? r : -ENOENT;
    if ((r = node_of(fs, &fo, &src)) < 0)
        return r;
    if (src->is_dir && (r = check_not_below(fs, src, newdir)) < 0)
        goto out;
    if ((r = fat_dir_find(fs, newdir, nu, nlen, &fn)) < 0)
        goto out;
    if (r == 1 && fn.addr == fo.addr) {
        /* the same entry: nothing to do, unless only the case of the name changes */
        r = 0;
        if (fo.len == nlen && memcmp(fo.name, nu, (size_t)nlen * 2) == 0)
            goto out;
    } else if (r == 1 && (r = remove_found(fs, newdir, &fn, src->is_dir)) < 0) {
        goto out;
    }
    /* the new entry first, then the old one goes: a failure in between leaves two names, not none */
    memcpy(de, src->de, sizeof de);
    de[DIR_NTRES] = 0;
    if ((r = fat_dir_add(fs, newdir, nu, nlen, de, &addr)) < 0 || (r = fat_dir_erase(fs, olddir, &fo)) < 0)
        goto out;
    src->ent = addr;
    memcpy(src->de, de, sizeof de);
    if (src->is_dir && olddir != newdir) {
        uint8_t up[4];
        uint32_t c = newdir == fs->root ? 0 : newdir->first;
        fat_put16(up, fs->type == 32 ? (uint16_t)(c >> 16) : 0);
        fat_put16(up + 2, (uint16_t)c);
        uint64_t dd = fat_cluster_addr(fs, src->first) + DOTDOT_SLOT * DIR_ENTRY_SIZE;
        if ((r = fat_io_write(fs, dd + DIR_CLUS_HI, up, 2)) == 0)
            r = fat_io_write(fs, dd + DIR_CLUS_LO, up + 2, 2);
    }
out:
    fat_put(fs, src);
    return r;
}

int fat_readdir(struct fat_fs *fs, struct fat_node *dir, uint64_t *pos, struct fat_dirent *out)
{
    struct fat_found f;
    if (!dir->is_dir)
        return -ENOTDIR;
    if (*pos > DIR_MAX_ENTRIES)
        return 0;             /* past any valid slot: fat_dir_next reports a longer chain */
    uint32_t p = (uint32_t)*pos;
    int r;
    while ((r = fat_dir_next(fs, dir, &p, &f)) == 1 && fat_dir_is_dot(f.de))
        ;
    *pos = p;
    if (r <= 0)
        return r;
    fat_name_to_utf8(f.name, f.len, out->name, sizeof out->name);
    out->is_dir = (f.de[DIR_ATTR] & ATTR_DIRECTORY) != 0;
    out->size = out->is_dir ? 0 : fat_get32(f.de + DIR_SIZE);
    out->mtime = fat_dos_to_unix(fat_get16(f.de + DIR_WRT_DATE), fat_get16(f.de + DIR_WRT_TIME));
    out->ino = f.addr / DIR_ENTRY_SIZE;
    for (struct fat_node *n = fs->nodes; n; n = n->next)
        if (n->ent == f.addr && !n->unlinked)
            out->size = n->is_dir ? 0 : n->size; /* an open file's size is the node's */
    return 1;
}

int fat_is_dir(const struct fat_node *node) { return node->is_dir; }

void fat_stat(struct fat_fs *fs, struct fat_node *node, struct fat_stat *st)
{
    const uint8_t *de = node->de;
    uint32_t last;
    memset(st, 0, sizeof *st);
    st->ino = node == fs->root ? INO_ROOT : node->ent / DIR_ENTRY_SIZE;
    st->is_dir = node->is_dir;
    st->read_only = (de[DIR_ATTR] & ATTR_READ_ONLY) != 0;
    st->cluster_size = fs->cluster_size;
    st->size = node->size;
    if (node == fs->root && fs->type != 32)
        st->size = fs->root_entries * DIR_ENTRY_SIZE;
    else if (node->is_dir && fat_chain_at(fs, node, DIR_MAX_ENTRIES, &last) >= 0 && last)
        st->size = (node->hint_idx + 1) * fs->cluster_size;
    st->mtime = fat_dos_to_unix(fat_get16(de + DIR_WRT_DATE), fat_get16(de + DIR_WRT_TIME));
    st->ctime = fat_dos_to_unix(fat_get16(de + DIR_CRT_DATE), fat_get16(de + DIR_CRT_TIME));
    st->atime = fat_dos_to_unix(fat_get16(de + DIR_ACC_DATE), 0);
}
