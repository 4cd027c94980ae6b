/* fs/fat_table.c: the File Allocation Table (fatgen103 "FAT Data Structure"): reading and writing
 * entries of 12, 16 or 28 bits, walking chains without trusting them, allocating and freeing.
 * Every copy of the FAT is written unless FAT32 mirroring is off; reads use the active copy. */
#include <errno.h>
#include "fat_impl.h"

#define FAT12_EOC_MIN 0xff8u
#define FAT16_EOC_MIN 0xfff8u
#define FAT32_EOC_MIN 0x0ffffff8u
#define FAT12_EOC 0xfffu
#define FAT16_EOC 0xffffu
#define FAT32_EOC 0x0fffffffu
#define FAT32_MASK 0x0fffffffu  /* the top 4 bits are reserved and kept as found */
#define FREE 0
#define COUNT_CHUNK 4096

static uint64_t entry_offset(const struct fat_fs *fs, uint32_t c)
{
    return fs->type == 12 ? c + c / 2 : (uint64_t)c * (uint32_t)(fs->type / 8);
}

static uint32_t eoc_min(const struct fat_fs *fs)
{
    return fs->type == 12 ? FAT12_EOC_MIN : fs->type == 16 ? FAT16_EOC_MIN : FAT32_EOC_MIN;
}

static uint32_t eoc(const struct fat_fs *fs)
{
    return fs->type == 12 ? FAT12_EOC : fs->type == 16 ? FAT16_EOC : FAT32_EOC;
}

static int valid(const struct fat_fs *fs, uint32_t c)
{
    return c >= CLUSTER_FIRST && c <= fs->clusters + 1;
}

/* The FAT is reached through a window of one FAT sector kept in fs->win: walking a chain or
 * scanning for a free cluster reads each FAT sector once, and allocating a run of clusters
 * changes it many times before it is written. A dirty window is written to every copy when
 * another sector is needed and at fat_table_flush (fat_sync). */
int fat_table_flush(struct fat_fs *fs)
{
    if (!fs->win_dirty)
        return 0;
    for (uint32_t copy = 0; copy < fs->fats; copy++) {
        if (!fs->mirror && copy != fs->active_fat)
            continue;
        uint64_t at = fs->fat_start + (uint64_t)copy * fs->fat_bytes + fs->win_at;
        int r = fat_io_write(fs, at, fs->win, fs->bytes_per_sector);
        if (r < 0)
            return r;
    }
    fs->win_dirty = 0;
    return 0;
}

/* the window byte at offset `off` of the FAT */
static int win_byte(struct fat_fs *fs, uint64_t off, uint8_t **b)
{
    uint64_t base = off - off % fs->bytes_per_sector;
    if (base != fs->win_at) {
        int r = fat_table_flush(fs);
        if (r < 0)
            return r;
        fs->win_at = UINT64_MAX;
        r = fat_io_read(fs, fs->fat_start + (uint64_t)fs->active_fat * fs->fat_bytes + base, fs->win,
                        fs->bytes_per_sector);
        if (r < 0)
            return r;
        fs->win_at = base;
    }
    *b = fs->win + (off - base);
    return 0;
}

/* Bytes one at a time, as a FAT12 entry may straddle two sectors. */
static int get_entry(struct fat_fs *fs, uint32_t c, uint32_t *v)
{
    uint64_t off = entry_offset(fs, c);
    uint32_t raw = 0;
    for (int i = 0; i < (fs->type == 32 ? 4 : 2); i++) {
        uint8_t *b;
        int r = win_byte(fs, off + (uint64_t)i, &b);
        if (r < 0)
            return r;
        raw |= (uint32_t)*b << (8 * i);
    }
    if (fs->type == 12)
        *v = c & 1 ? raw >> 4 : raw & 0xfffu; /* two entries share three bytes */
    else
        *v = fs->type == 16 ? raw : raw & FAT32_MASK;
    return 0;
}

static int set_entry(struct fat_fs *fs, uint32_t c, uint32_t v)
{
    uint64_t off = entry_offset(fs, c);
    uint32_t mask = fs->type == 12 ? (c & 1 ? 0xfff0u : 0x0fffu) : fs->type == 16 ? 0xffffu : FAT32_MASK;
    uint32_t bits = fs->type == 12 && (c & 1) ? v << 4 : v; /* FAT32 keeps its top 4 bits */
    for (int i = 0; i < (fs->type == 32 ? 4 : 2); i++) {
        uint8_t *b, m = (uint8_t)(mask >> (8 * i));
        int r = win_byte(fs, off + (uint64_t)i, &b);
        if (r < 0)
            return r;
        *b = (uint8_t)((*b & ~m) | ((bits >> (8 * i)) & m));
        fs->win_dirty = 1;
    }
    return 0;
}

/* 1 and *next for a link, 0 at end of chain, -EIO for anything else in a chain: a free or bad
 * cluster, or a number outside the volume. */
int fat_next(struct fat_fs *fs, uint32_t cluster, uint32_t *next)
{
    uint32_t v;
    if (!valid(fs, cluster))
        return -EIO;
    int r = get_entry(fs, cluster, &v);
    if (r < 0)
        return r;
    if (v >= eoc_min(fs))
        return 0;
    if (!valid(fs, v))
        return -EIO;
    *next = v;
    return 1;
}

/* Finds the idx-th cluster (from 0) of n's chain, starting from n's hint when it is not past idx.
 * 1 and *cluster when found; 0 when the chain is shorter, *cluster then being its last cluster
 * (0 for no chain). A chain longer than the volume has clusters is a loop: -EIO. */
int fat_chain_at(struct fat_fs *fs, struct fat_node *n, uint32_t idx, uint32_t *cluster)
{
    uint32_t i = 0, c = n->first;
    if (c == 0) {
        *cluster = 0;
        return 0;
    }
    if (n->hint_clus && n->hint_idx <= idx)
        i = n->hint_idx, c = n->hint_clus;
    while (i < idx) {
        uint32_t next;
        int r = fat_next(fs, c, &next);
        if (r < 0)
            return r;
        if (r == 0)
            break;
        if (++i > fs->clusters)
            return -EIO;
        c = next;
    }
    if (!valid(fs, c))
        return -EIO;
    n->hint_idx = i, n->hint_clus = c;
    *cluster = c;
    return i == idx;
}

int fat_count_free(struct fat_fs *fs)
{
    if (fs->free_known)
        return 0;
    uint32_t n = 0, last = fs->clusters + 1;
    int r = fat_table_flush(fs);        /* the chunks below are read from the disk */
    if (r < 0)
        return r;
    if (fs->type == 12) {
        for (uint32_t c = CLUSTER_FIRST; c <= last; c++) {
            uint32_t v;
            if ((r = get_entry(fs, c, &v)) < 0)
                return r;
            n += v == FREE;
        }
    } else {
        /* read the FAT in chunks: one disk request per 4 KiB, not one per entry */
        uint8_t buf[COUNT_CHUNK];
        uint32_t width = (uint32_t)fs->type / 8, per = COUNT_CHUNK / width;
        uint64_t base = fs->fat_start + (uint64_t)fs->active_fat * fs->fat_bytes;
        for (uint32_t c = 0; c <= last; c += per) {
            uint32_t k = last + 1 - c < per ? last + 1 - c : per;
            if ((r = fat_io_read(fs, base + (uint64_t)c * width, buf, (size_t)k * width)) < 0)
                return r;
            for (uint32_t j = 0; j < k; j++) {
                uint32_t v = width == 2 ? fat_get16(buf + j * 2) : fat_get32(buf + j * 4) & FAT32_MASK;
                n += c + j >= CLUSTER_FIRST && v == FREE;
            }
        }
    }
    fs->free_count = n;
    fs->free_known = 1;
    return 0;
}

static void count_change(struct fat_fs *fs, int delta)
{
    if (fs->free_known)
        fs->free_count += (uint32_t)delta;
    fs->fsinfo_dirty = 1;
}

/* Allocates one cluster, marks it end of chain and links it after prev (0: a new chain). The
 * search starts after the last allocation (the FSInfo next-free hint's meaning). */
int fat_alloc(struct fat_fs *fs, uint32_t prev, uint32_t *out)
{
    int r;
    if (fs->fsinfo_sector && (r = fat_count_free(fs)) < 0)
        return r;
    if (fs->free_known && fs->free_count == 0)
        return -ENOSPC;
    uint32_t start = valid(fs, fs->next_free) ? fs->next_free : CLUSTER_FIRST, c = start;
    for (uint32_t tried = 0; tried < fs->clusters; tried++) {
        c = c >= fs->clusters + 1 ? CLUSTER_FIRST : c + 1;
        uint32_t v;
        if ((r = get_entry(fs, c, &v)) < 0)
            return r;
        if (v != FREE)
            continue;
        if ((r = set_entry(fs, c, eoc(fs))) < 0 || (prev && (r = set_entry(fs, prev, c)) < 0))
            return r;
        fs->next_free = c;
        count_change(fs, -1);
        *out = c;
        return 0;
    }
    if (fs->free_known)
        fs->free_count = 0;
    return -ENOSPC;
}

int fat_free_chain(struct fat_fs *fs, uint32_t first)
{
    uint32_t c = first;
    for (uint32_t steps = 0; steps <= fs->clusters; steps++) {
        uint32_t next = 0;
        int more = fat_next(fs, c, &next), r;
        if (more < 0)
            return more;    /* a loop ends here too: it comes back to a cluster already freed */
        if ((r = set_entry(fs, c, FREE)) < 0)
            return r;
        count_change(fs, 1);
        if (!more)
            return 0;
        c = next;
    }
    return -EIO;
}

/* Makes `last` the end of its chain and frees what followed it. */
int fat_cut_after(struct fat_fs *fs, uint32_t last)
{
    uint32_t next;
    int r = fat_next(fs, last, &next);
    if (r <= 0)
        return r;
    if ((r = set_entry(fs, last, eoc(fs))) < 0)
        return r;
    return fat_free_chain(fs, next);
}
