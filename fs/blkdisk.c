#include "blkdisk.h"

/* One request moves at most this much: a driver may refuse larger ones (virtio-blk's seg_max). */
#define CHUNK_SECTORS 2048

static int bd_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
    for (uint32_t done = 0; done < count;) {
        uint32_t n = count - done > CHUNK_SECTORS ? CHUNK_SECTORS : count - done;
        int rc = blk_read(ctx, sector + done, (char *)buf + (size_t)done * BLK_SECTOR, n);
        if (rc < 0)
            return rc;
        done += n;
    }
    return 0;
}

static int bd_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
    for (uint32_t done = 0; done < count;) {
        uint32_t n = count - done > CHUNK_SECTORS ? CHUNK_SECTORS : count - done;
        int rc = blk_write(ctx, sector + done, (const char *)buf + (size_t)done * BLK_SECTOR, n);
        if (rc < 0)
            return rc;
        done += n;
    }
    return 0;
}

static int bd_flush(void *ctx)
{
    struct blkdev *d = ctx;
    return d->can_flush ? blk_flush(d) : 0;   /* no FLUSH: the device writes through (§5.2.6.2) */
}

void blkdisk_init(struct fs_disk *disk, struct blkdev *dev)
{
    *disk = (struct fs_disk){ dev, BLK_SECTOR, dev->sectors, bd_read, bd_write, bd_flush };
}
