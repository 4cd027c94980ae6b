/* fs/bcache.c: the write-back block cache (contract in bcache.h). Blocks live in one array; a hash
 * table finds a sector's block, a doubly linked list keeps them in least-recently-used order. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "bcache.h"

#define NONE UINT32_MAX

struct block {
    uint64_t sector;
    uint32_t hnext;             /* next block in the same hash bucket */
    uint32_t prev, next;        /* LRU list: prev is more recently used */
    uint8_t valid, dirty;
};

struct bcache {
    struct fs_disk face;        /* what bcache_disk hands out; face.ctx is this cache */
    struct fs_disk *lower;
    uint32_t capacity, bypass, bsize, nbuckets;
    struct block *blocks;
    uint8_t *data;              /* capacity * bsize bytes, block i at i * bsize */
    uint32_t *buckets;
    uint32_t *order;            /* scratch for sync: dirty blocks sorted by sector */
    uint32_t mru, lru;
    struct bcache_stats stats;
};

static uint32_t bucket_of(const struct bcache *c, uint64_t sector)
{
    return (uint32_t)((sector * 0x9e3779b97f4a7c15ull) >> 32) & (c->nbuckets - 1);
}

static uint8_t *block_data(struct bcache *c, uint32_t i)
{
    return c->data + (size_t)i * c->bsize;
}

static uint32_t find(const struct bcache *c, uint64_t sector)
{
    for (uint32_t i = c->buckets[bucket_of(c, sector)]; i != NONE; i = c->blocks[i].hnext)
        if (c->blocks[i].sector == sector)
            return i;
    return NONE;
}

static void lru_unlink(struct bcache *c, uint32_t i)
{
    struct block *b = &c->blocks[i];
    if (b->prev != NONE) c->blocks[b->prev].next = b->next; else c->mru = b->next;
    if (b->next != NONE) c->blocks[b->next].prev = b->prev; else c->lru = b->prev;
}

static void lru_push_front(struct bcache *c, uint32_t i)
{
    struct block *b = &c->blocks[i];
    b->prev = NONE;
    b->next = c->mru;
    if (c->mru != NONE) c->blocks[c->mru].prev = i; else c->lru = i;
    c->mru = i;
}

static void hash_remove(struct bcache *c, uint32_t i)
{
    uint32_t *p = &c->buckets[bucket_of(c, c->blocks[i].sector)];
    while (*p != i)
        p = &c->blocks[*p].hnext;
    *p = c->blocks[i].hnext;
}

static int writeback(struct bcache *c, uint32_t i)
{
    int r = c->lower->write(c->lower->ctx, c->blocks[i].sector, 1, block_data(c, i));
    if (r < 0)
        return r;
    c->blocks[i].dirty = 0;
    c->stats.writebacks++;
    return 0;
}

/* Returns the block holding `sector`, loading it (when `load`) after evicting the least recently
 * used block. A failed write-back leaves the victim in place and fails the request. */
static int get_block(struct bcache *c, uint64_t sector, int load, uint32_t *out)
{
    uint32_t i = find(c, sector);
    if (i != NONE) {
        c->stats.hits++;
        lru_unlink(c, i);
        lru_push_front(c, i);
        *out = i;
        return 0;
    }
    c->stats.misses++;
    i = c->lru;
    struct block *b = &c->blocks[i];
    if (b->valid) {
        if (b->dirty) {
            int r = writeback(c, i);
            if (r < 0)
                return r;
        }
        hash_remove(c, i);
        b->valid = 0;
    }
    if (load) {
        int r = c->lower->read(c->lower->ctx, sector, 1, block_data(c, i));
        if (r < 0)
            return r;
    }
    b->sector = sector;
    b->valid = 1;
    b->dirty = 0;
    uint32_t h = bucket_of(c, sector);
    b->hnext = c->buckets[h];
    c->buckets[h] = i;
    lru_unlink(c, i);
    lru_push_front(c, i);
    *out = i;
    return 0;
}

static int range_ok(const struct bcache *c, uint64_t sector, uint32_t count)
{
    return sector <= c->lower->sectors && count <= c->lower->sectors - sector;
}

static int cache_read(void *ctx, uint64_t sector, uint32_t count, void *buf)
{
    struct bcache *c = ctx;
    uint8_t *p = buf;
    if (!range_ok(c, sector, count))
        return -EINVAL;
    if (c->bypass && count >= c->bypass) {
        /* Straight from the disk, then the cache's newer copies on top: only dirty blocks can
         * differ from the disk, and they are the truth. */
        int r = c->lower->read(c->lower->ctx, sector, count, buf);
        if (r < 0)
            return r;
        c->stats.bypassed++;
        for (uint32_t i = 0; i < c->capacity; i++) {
            struct block *b = &c->blocks[i];
            if (b->valid && b->dirty && b->sector >= sector && b->sector - sector < count)
                memcpy(p + (b->sector - sector) * c->bsize, block_data(c, i), c->bsize);
        }
        return 0;
    }
    for (uint32_t k = 0; k < count; k++) {
        uint32_t i;
        int r = get_block(c, sector + k, 1, &i);
        if (r < 0)
            return r;
        memcpy(p + (size_t)k * c->bsize, block_data(c, i), c->bsize);
    }
    return 0;
}

static int cache_write(void *ctx, uint64_t sector, uint32_t count, const void *buf)
{
    struct bcache *c = ctx;
    const uint8_t *p = buf;
    if (!range_ok(c, sector, count))
        return -EINVAL;
    if (c->bypass && count >= c->bypass) {
        /* Write through, and refresh cached copies so later cached reads see the new data. */
        int r = c->lower->write(c->lower->ctx, sector, count, buf);
        if (r < 0)
            return r;
        c->stats.bypassed++;
        for (uint32_t i = 0; i < c->capacity; i++) {
            struct block *b = &c->blocks[i];
            if (b->valid && b->sector >= sector && b->sector - sector < count) {
                memcpy(block_data(c, i), p + (b->sector - sector) * c->bsize, c->bsize);
                b->dirty = 0;
            }
        }
        return 0;
    }
    for (uint32_t k = 0; k < count; k++) {
        uint32_t i;
        int r = get_block(c, sector + k, 0, &i);
        if (r < 0)
            return r;
        memcpy(block_data(c, i), p + (size_t)k * c->bsize, c->bsize);
        c->blocks[i].dirty = 1;
    }
    return 0;
}

static int cmp_sector(const void *a, const void *b, void *blocks)
{
    const struct block *bl = blocks;
    uint64_t x = bl[*(const uint32_t *)a].sector, y = bl[*(const uint32_t *)b].sector;
    return x < y ? -1 : x > y;
}

/* insertion of a tiny sort keeps the file free of qsort_r portability questions */
static void sort_by_sector(struct bcache *c, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        uint32_t v = c->order[i], j = i;
        while (j > 0 && cmp_sector(&c->order[j - 1], &v, c->blocks) > 0) {
            c->order[j] = c->order[j - 1];
            j--;
        }
        c->order[j] = v;
    }
}

int bcache_sync(struct bcache *c)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->capacity; i++)
        if (c->blocks[i].valid && c->blocks[i].dirty)
            c->order[n++] = i;
    sort_by_sector(c, n);
    int err = 0;
    for (uint32_t k = 0; k < n; k++) {
        int r = writeback(c, c->order[k]);
        if (r < 0 && err == 0)
            err = r;
    }
    if (err == 0 && c->lower->flush)
        err = c->lower->flush(c->lower->ctx);
    return err;
}

static int cache_flush(void *ctx)
{
    return bcache_sync(ctx);
}

int bcache_create(struct fs_disk *lower, uint32_t capacity, uint32_t bypass, struct bcache **out)
{
    if (!lower || capacity == 0 || capacity >= NONE / 2 || lower->sector_size == 0)
        return -EINVAL;
    struct bcache *c = calloc(1, sizeof *c);
    if (!c)
        return -ENOMEM;
    c->lower = lower;
    c->capacity = capacity;
    c->bypass = bypass;
    c->bsize = lower->sector_size;
    c->nbuckets = 1;
    while (c->nbuckets < capacity * 2)
        c->nbuckets <<= 1;
    c->blocks = calloc(capacity, sizeof *c->blocks);
    c->data = malloc((size_t)capacity * c->bsize);
    c->buckets = malloc(c->nbuckets * sizeof *c->buckets);
    c->order = malloc(capacity * sizeof *c->order);
    if (!c->blocks || !c->data || !c->buckets || !c->order) {
        free(c->blocks), free(c->data), free(c->buckets), free(c->order), free(c);
        return -ENOMEM;
    }
    memset(c->buckets, 0xff, c->nbuckets * sizeof *c->buckets);
    c->mru = c->lru = NONE;
    for (uint32_t i = 0; i < capacity; i++)
        lru_push_front(c, i);
    c->face = (struct fs_disk){ .ctx = c, .sector_size = lower->sector_size,
                                .sectors = lower->sectors, .read = cache_read,
                                .write = cache_write, .flush = cache_flush };
    *out = c;
    return 0;
}

struct fs_disk *bcache_disk(struct bcache *c)
{
    return &c->face;
}

int bcache_destroy(struct bcache *c)
{
    int r = bcache_sync(c);
    free(c->blocks), free(c->data), free(c->buckets), free(c->order), free(c);
    return r;
}

void bcache_get_stats(const struct bcache *c, struct bcache_stats *out)
{
    *out = c->stats;
}
