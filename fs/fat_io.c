/* fs/fat_io.c: byte-addressed access to the disk under a FAT filesystem. Whole sectors in the
 * middle of a request go to the disk in one call (so a bcache can pass large I/O through); the
 * partial sectors at either end are read, patched and written back through fs->sec. */
#include <errno.h>
#include <string.h>
#include "fat_impl.h"

/* FAT is little-endian on disk (fatgen103 "Notes on Endianness") */
uint16_t fat_get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
uint32_t fat_get32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
void fat_put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }
void fat_put32(uint8_t *p, uint32_t v) { fat_put16(p, (uint16_t)v), fat_put16(p + 2, (uint16_t)(v >> 16)); }

uint64_t fat_cluster_addr(const struct fat_fs *fs, uint32_t cluster)
{
    return fs->data_start + (uint64_t)(cluster - CLUSTER_FIRST) * fs->cluster_size;
}

static int in_disk(const struct fat_fs *fs, uint64_t addr, uint64_t len)
{
    uint64_t size = fs->disk->sectors * fs->disk->sector_size;
    return addr <= size && len <= size - addr;
}

/* One transfer; `src` NULL with write set means zeros. */
static int transfer(struct fat_fs *fs, uint64_t addr, uint8_t *dst, const uint8_t *src,
                    uint64_t len, int write)
{
    struct fs_disk *d = fs->disk;
    uint32_t ss = d->sector_size;
    if (!in_disk(fs, addr, len))
        return -EIO;
    while (len > 0) {
        uint64_t sector = addr / ss;
        uint32_t skip = (uint32_t)(addr % ss);
        int r;
        if (skip == 0 && len >= ss && (dst || src)) {
            uint64_t n = len / ss;
            if (n > UINT32_MAX / ss)
                n = UINT32_MAX / ss;
            r = write ? d->write(d->ctx, sector, (uint32_t)n, src) : d->read(d->ctx, sector, (uint32_t)n, dst);
            if (r < 0)
                return r;
            n *= ss;
            addr += n, len -= n;
            if (dst) dst += n;
            if (src) src += n;
            continue;
        }
        uint32_t part = ss - skip;
        if (part > len)
            part = (uint32_t)len;
        if (!write || part < ss) {
            r = d->read(d->ctx, sector, 1, fs->sec);
            if (r < 0)
                return r;
        }
        if (!write) {
            memcpy(dst, fs->sec + skip, part);
            dst += part;
        } else {
            if (src) memcpy(fs->sec + skip, src, part), src += part;
            else memset(fs->sec + skip, 0, part);
            r = d->write(d->ctx, sector, 1, fs->sec);
            if (r < 0)
                return r;
        }
        addr += part, len -= part;
    }
    return 0;
}

int fat_io_read(struct fat_fs *fs, uint64_t addr, void *buf, size_t len)
{
    return transfer(fs, addr, buf, NULL, len, 0);
}

int fat_io_write(struct fat_fs *fs, uint64_t addr, const void *buf, size_t len)
{
    return transfer(fs, addr, NULL, buf, len, 1);
}

/* Zeros sector by sector: new directory clusters and the gaps a write leaves. */
int fat_io_zero(struct fat_fs *fs, uint64_t addr, uint64_t len)
{
    return transfer(fs, addr, NULL, NULL, len, 1);
}
