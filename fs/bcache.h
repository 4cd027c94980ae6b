/* fs/bcache.h: a write-back block cache, bounded in memory, that presents the fs_disk interface
 * on top of another fs_disk. Blocks are the lower disk's sectors. The least recently used block is
 * evicted first, written back if dirty. Requests of at least `bypass` sectors go straight to the
 * lower disk (cached copies of those sectors are kept coherent), so large sequential I/O runs at
 * the disk's own speed and does not flush the cache of its metadata.
 *
 * Not thread-safe: callers serialise (Mayfly's threads are cooperative; the VFS holds one lock per
 * mount around FAT calls). */
#ifndef FS_BCACHE_H
#define FS_BCACHE_H

#include <stdint.h>
#include "fs_disk.h"

struct bcache;

/* Creates a cache of `capacity` blocks (at least 1) over `lower`, which must outlive it.
 * `bypass` is the request size in sectors from which reads and writes skip the cache (0: never).
 * Returns 0 and *out, -EINVAL for a bad argument, -ENOMEM when memory runs out. */
int bcache_create(struct fs_disk *lower, uint32_t capacity, uint32_t bypass, struct bcache **out);

/* The cache's fs_disk face: same sector size and count as the lower disk; its flush is
 * bcache_sync. Valid until bcache_destroy. */
struct fs_disk *bcache_disk(struct bcache *c);

/* Writes every dirty block to the lower disk (in sector order), then calls the lower flush: when it
 * returns 0, everything written through the cache is durable. This is what fsync calls. Returns the
 * first error; blocks that failed to write stay dirty. */
int bcache_sync(struct bcache *c);

/* Syncs, then frees the cache (even when the sync failed: the error is returned). */
int bcache_destroy(struct bcache *c);

/* Counters for tests and benchmarks. */
struct bcache_stats {
    uint64_t hits, misses, writebacks, bypassed;
};
void bcache_get_stats(const struct bcache *c, struct bcache_stats *out);

#endif
