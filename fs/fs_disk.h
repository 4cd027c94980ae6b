/* fs/fs_disk.h: the disk as the filesystem code sees it. The block cache (fs/bcache.h) both uses
 * and presents this interface, so FAT runs on a raw disk or on a cache without knowing which.
 *
 * Contract for implementations: read/write move `count` whole sectors of `sector_size` bytes
 * starting at `sector`; they return 0 or a negative errno (-EIO for a failed transfer, -EINVAL for
 * a range past `sectors`). flush returns once everything written before it is durable (virtio-blk
 * FLUSH); a cache's flush first writes back its dirty blocks. */
#ifndef FS_DISK_H
#define FS_DISK_H

#include <stdint.h>

struct fs_disk {
    void *ctx;                  /* the implementation's own state, passed back to every call */
    uint32_t sector_size;       /* bytes per sector: a power of two, 512-4096 */
    uint64_t sectors;           /* size of the disk in sectors */
    int (*read)(void *ctx, uint64_t sector, uint32_t count, void *buf);
    int (*write)(void *ctx, uint64_t sector, uint32_t count, const void *buf);
    int (*flush)(void *ctx);
};

#endif
