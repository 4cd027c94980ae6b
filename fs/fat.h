/* fs/fat.h: FAT12, FAT16 and FAT32, read-write, with VFAT long names, on any fs_disk (a raw disk
 * or a bcache). Pure logic: no kernel calls, no global state; everything lives in struct fat_fs.
 * Written from Microsoft's "FAT: General Overview of On-Disk Format" (fatgen103) and the VFAT
 * long-file-name format.
 *
 * Conventions:
 * - Errors are negative errno values: ENOENT, EEXIST, ENOSPC, EROFS, EISDIR, ENOTDIR, ENOTEMPTY,
 *   ENAMETOOLONG, EFBIG, EIO (the disk failed, or the image is corrupt: bad cluster numbers, chain
 *   loops, entries that contradict each other), EINVAL (a bad argument or name), ENOMEM.
 * - Names are UTF-8 with an explicit length (no NUL needed), one path component each, compared
 *   case-insensitively as FAT does (ASCII and Latin-1 letters). "." and ".." are never looked up
 *   or listed here: the VFS resolves them. Names may not contain / \ : * ? " < > | or control
 *   characters, nor end in a space or a dot; longer than 255 UTF-16 units is ENAMETOOLONG.
 * - Nodes (files and directories) are reference-counted handles. Every call that hands out a
 *   node (fat_root, fat_lookup, fat_create) takes a reference that the caller drops with fat_put.
 *   One file has one node however often it is looked up, so every opener sees the same size.
 *   A file removed while referenced keeps its data until the last fat_put.
 * - Not thread-safe: the caller serialises all calls on one fat_fs.
 * - Timestamps are DOS local time on disk; here they are time_t seconds taken as UTC. */
#ifndef FS_FAT_H
#define FS_FAT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "fs_disk.h"

#define FAT_NAME_MAX 255            /* UTF-16 units in a long name (VFAT) */
#define FAT_NAME_BUF (FAT_NAME_MAX * 3 + 1) /* its UTF-8 form with the NUL */
#define FAT_FILE_MAX 0xffffffffu    /* 4 GiB - 1: the size field is 32 bits (fatgen103 DIR_FileSize) */

struct fat_fs;
struct fat_node;

struct fat_stat {
    uint64_t ino;       /* stable while the file exists and is not renamed: its entry's disk position */
    uint32_t size;      /* bytes; for a directory, the bytes its clusters hold */
    int is_dir;
    int read_only;      /* the ATTR_READ_ONLY bit */
    uint32_t cluster_size;  /* bytes: the unit the filesystem allocates in (st_blksize) */
    time_t mtime, ctime, atime; /* ctime is the FAT creation time; atime has a resolution of a day */
};

struct fat_dirent {
    char name[FAT_NAME_BUF];    /* UTF-8, NUL-terminated: the long name, else the 8.3 name */
    int is_dir;
    uint32_t size;
    time_t mtime;
    uint64_t ino;               /* as fat_stat's */
};

/* Mounts the FAT filesystem on `disk` (which must outlive the mount). The type is decided by the
 * count of clusters (fatgen103 "FAT Type Determination"), never by the label string. Every field
 * of the boot sector is checked; a refused disk gives -EINVAL and a short reason in `why` (e.g.
 * "not a FAT boot sector (no 0x55AA signature)"), -EIO when the disk fails, -ENOMEM.
 * With read_only set, every call that would write returns -EROFS. */
int fat_mount(struct fs_disk *disk, int read_only, struct fat_fs **out, char *why, size_t whylen);

/* Syncs (fat_sync), then frees the filesystem and every node, referenced or not: the caller must
 * hold no node afterwards. Returns the sync's result. */
int fat_unmount(struct fat_fs *fs);

/* Where timestamps come from: now(ctx) is called for each change. Without it, time(NULL). */
void fat_set_clock(struct fat_fs *fs, time_t (*now)(void *ctx), void *ctx);

/* "FAT12", "FAT16" or "FAT32". */
const char *fat_type_name(const struct fat_fs *fs);

/* Free space as far as known: counts the free clusters (once, then keeps the count). */
int fat_statfs(struct fat_fs *fs, uint32_t *cluster_size, uint32_t *clusters, uint32_t *free_clusters);

/* The root directory; a new reference. */
struct fat_node *fat_root(struct fat_fs *fs);

/* Drops one reference. The last reference of a removed file frees its clusters. */
void fat_put(struct fat_fs *fs, struct fat_node *node);

/* Finds `name` in directory `dir`: 0 and a referenced node in *out, -ENOENT, -ENOTDIR when dir is a
 * file, -EIO. */
int fat_lookup(struct fat_fs *fs, struct fat_node *dir, const char *name, size_t len,
               struct fat_node **out);

/* Creates an empty file, or a directory (with its . and .. entries), named `name` in `dir`.
 * -EEXIST if the name (or one differing only in case) exists, -ENOSPC when the disk or a FAT12/16
 * root directory is full, -EROFS, -EINVAL/-ENAMETOOLONG for a bad name. On success 0 and a
 * referenced node in *out (out may be NULL). */
int fat_create(struct fat_fs *fs, struct fat_node *dir, const char *name, size_t len, int is_dir,
               struct fat_node **out);

/* Reads up to len bytes at offset: the count read (0 at or past the end) or -errno (-EISDIR). */
long fat_read(struct fat_fs *fs, struct fat_node *node, void *buf, size_t len, uint64_t offset);

/* Writes len bytes at offset, extending the file (a gap reads as zeros). Returns len, fewer bytes
 * when the disk fills midway, or -errno: -ENOSPC when nothing could be written, -EFBIG when the
 * end would pass FAT_FILE_MAX, -EISDIR, -EROFS. Updates mtime. */
long fat_write(struct fat_fs *fs, struct fat_node *node, const void *buf, size_t len,
               uint64_t offset);

/* Sets the size: shrinking frees clusters, growing appends zeros. -EFBIG past FAT_FILE_MAX. */
int fat_truncate(struct fat_fs *fs, struct fat_node *node, uint64_t size);

/* Removes `name` from `dir`. want_dir selects rmdir (-ENOTDIR for a file, -ENOTEMPTY) or unlink
 * (-EISDIR for a directory). -ENOENT, -EROFS. */
int fat_remove(struct fat_fs *fs, struct fat_node *dir, const char *name, size_t len, int want_dir);

/* Renames as POSIX rename(2) does within one filesystem: an existing target is replaced if it is a
 * file (source a file) or an empty directory (source a directory); -EISDIR, -ENOTDIR, -ENOTEMPTY
 * otherwise; -EINVAL when a directory would move into itself. Open nodes follow the file. */
int fat_rename(struct fat_fs *fs, struct fat_node *olddir, const char *oldname, size_t oldlen,
               struct fat_node *newdir, const char *newname, size_t newlen);

/* Lists `dir`: start with *pos = 0; each call fills *out and advances *pos, returning 1, or 0 at
 * the end, or -errno. . and .. and volume labels are skipped. */
int fat_readdir(struct fat_fs *fs, struct fat_node *dir, uint64_t *pos, struct fat_dirent *out);

/* Fills *st for a node. */
void fat_stat(struct fat_fs *fs, struct fat_node *node, struct fat_stat *st);
/* Whether node is a directory (fat_stat tells too, but walks a directory's clusters). */
int fat_is_dir(const struct fat_node *node);

/* Writes what is pending: the FAT sector held in memory (to every FAT copy) and the FAT32 FSInfo
 * free-count hint; then flushes the disk (a bcache writes back its dirty blocks first), so that
 * everything written before is durable when it returns 0. What fsync calls. Directory entries
 * and file data go to the disk (or the cache) as they change. */
int fat_sync(struct fat_fs *fs);

#endif
