/* A block device (drivers/blkdev.h) as the filesystem's disk (fs/fs_disk.h). */
#ifndef FS_BLKDISK_H
#define FS_BLKDISK_H
#include "fs_disk.h"
#include "../drivers/blkdev.h"

/* Fill disk so that it reads and writes dev, in 512-byte sectors. */
void blkdisk_init(struct fs_disk *disk, struct blkdev *dev);
#endif
