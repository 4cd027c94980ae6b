/* FAT (fs/fat.h) as a filesystem of the VFS, on a block device through the block cache. */
#ifndef FS_FATFS_H
#define FS_FATFS_H
#include "vfs.h"
#include "../drivers/blkdev.h"
#include <stddef.h>

/* Mount dev's FAT filesystem: its root (one reference, for vfs_mount), or NULL with the reason
 * in why (not FAT, a corrupt boot sector, no memory). */
struct vfs_node *fatfs_open(struct blkdev *dev, int read_only, char *why, size_t why_len);
#endif
