/* fs/fat_file.c: a file's bytes over its cluster chain. Runs of physically consecutive clusters
 * move in one disk request, so large reads and writes reach the disk (or pass a bcache) whole.
 * The chain is trusted only as far as it is checked: a chain shorter than the size is -EIO. */
#include <errno.h>
#include <string.h>
#include "fat_impl.h"

/* Moves len bytes at off between the file and rd (reading) or wr (writing; NULL writes zeros).
 * The chain must already cover the range. */
static int walk(struct fat_fs *fs, struct fat_node *n, uint8_t *rd, const uint8_t *wr,
                uint32_t len, uint32_t off)
{
    uint32_t cs = fs->cluster_size, done = 0;
    while (done < len) {
        uint32_t pos = off + done, idx = pos / cs, c;
        int r = fat_chain_at(fs, n, idx, &c);
        if (r <= 0)
            return r < 0 ? r : -EIO;
        uint64_t addr = fat_cluster_addr(fs, c) + pos % cs, run = cs - pos % cs;
        while (done + run < len) {
            uint32_t next;
            if ((r = fat_next(fs, c, &next)) < 0)
                return r;
            if (r == 0 || next != c + 1)
                break;
            c = next;
            n->hint_idx = ++idx, n->hint_clus = c;
            run += cs;
        }
        if (run > len - done)
            run = len - done;
        if (rd)
            r = fat_io_read(fs, addr, rd + done, run);
        else if (wr)
            r = fat_io_write(fs, addr, wr + done, run);
        else
            r = fat_io_zero(fs, addr, run);
        if (r < 0)
            return r;
        done += (uint32_t)run;
    }
    return 0;
}

/* Walks the whole chain once per node before its data is used: a loop inside the file's size
 * would otherwise go unseen (reads would repeat data, writes would land on other clusters), and a
 * chain shorter than the size fails here rather than midway. */
static int chain_check(struct fat_fs *fs, struct fat_node *n)
{
    uint32_t last;
    if (n->chain_ok)
        return 0;
    if (n->first == 0)
        return n->size == 0 ? 0 : -EIO;
    int r = fat_chain_at(fs, n, fs->clusters + 1, &last);
    if (r < 0)
        return r;
    if ((uint64_t)(n->hint_idx + 1) * fs->cluster_size < n->size)
        return -EIO;
    n->chain_ok = 1;
    return 0;
}

long fat_file_read(struct fat_fs *fs, struct fat_node *n, uint8_t *buf, uint32_t len, uint32_t off)
{
    if (off >= n->size)
        return 0;
    if (len > n->size - off)
        len = n->size - off;
    int r = chain_check(fs, n);
    if (r < 0)
        return r;
    r = walk(fs, n, buf, NULL, len, off);
    return r < 0 ? r : (long)len;
}

static uint32_t clusters_for(const struct fat_fs *fs, uint64_t bytes)
{
    return (uint32_t)((bytes + fs->cluster_size - 1) / fs->cluster_size);
}

/* Grows the chain to `want` clusters; on -ENOSPC *have says how many it reached. */
static int extend(struct fat_fs *fs, struct fat_node *n, uint32_t want, uint32_t *have)
{
    uint32_t last;
    *have = 0;
    if (want == 0)
        return 0;
    int r = fat_chain_at(fs, n, want - 1, &last);
    if (r < 0)
        return r;
    *have = last ? n->hint_idx + 1 : 0;
    while (*have < want) {
        uint32_t c;
        if ((r = fat_alloc(fs, last, &c)) < 0)
            return r;
        if (last == 0)
            n->first = c;       /* the entry is stored with the new size below */
        n->hint_idx = *have, n->hint_clus = c;
        last = c;
        (*have)++;
    }
    return 0;
}

/* Writes buf (NULL: zeros) at off, first zeroing any gap after the current end. Returns the bytes
 * written, fewer when the disk fills, -ENOSPC if none. Caller checked off + len <= FAT_FILE_MAX. */
long fat_file_write(struct fat_fs *fs, struct fat_node *n, const uint8_t *buf, uint32_t len, uint32_t off)
{
    uint32_t have, end = off + len;
    int r = chain_check(fs, n);
    if (r < 0)
        return r;
    r = extend(fs, n, clusters_for(fs, end), &have);
    if (r == -ENOSPC && (uint64_t)have * fs->cluster_size > off) {
        end = (uint64_t)have * fs->cluster_size < end ? have * fs->cluster_size : end;
        r = 0;
    }
    if (r < 0) {
        fat_file_shrink(fs, n, n->size);    /* give back what this call allocated */
        return r;
    }
    if (off > n->size && (r = walk(fs, n, NULL, NULL, off - n->size, n->size)) < 0)
        return r;
    if ((r = walk(fs, n, NULL, buf, end - off, off)) < 0)
        return r;
    if (end > n->size)
        n->size = end;
    fat_node_touch(fs, n);
    r = fat_node_store(fs, n);
    return r < 0 ? r : (long)(end - off);
}

/* Cuts the file to `size` (not more than its size) and frees the clusters past it. */
int fat_file_shrink(struct fat_fs *fs, struct fat_node *n, uint32_t size)
{
    uint32_t keep = clusters_for(fs, size), last;
    int r = chain_check(fs, n);
    if (r < 0)
        return r;
    if (keep == 0 && n->first) {
        r = fat_free_chain(fs, n->first);
        n->first = 0;
    } else if (keep > 0 && (r = fat_chain_at(fs, n, keep - 1, &last)) == 1) {
        r = fat_cut_after(fs, last);
    }
    n->hint_clus = 0;
    if (r < 0)
        return r;
    n->size = size;
    return fat_node_store(fs, n);
}

void fat_node_touch(struct fat_fs *fs, struct fat_node *n)
{
    uint16_t date, time;
    fat_dos_time_now(fs, &date, &time, NULL);
    fat_put16(n->de + DIR_WRT_DATE, date);
    fat_put16(n->de + DIR_WRT_TIME, time);
    fat_put16(n->de + DIR_ACC_DATE, date);
    n->de[DIR_ATTR] |= n->is_dir ? 0 : ATTR_ARCHIVE; /* "modified since the last backup" */
}

/* Writes the node's short entry back with its current first cluster and size. */
int fat_node_store(struct fat_fs *fs, struct fat_node *n)
{
    if (n->ent == ROOT_ENT || n->unlinked)
        return 0;
    fat_put16(n->de + DIR_CLUS_HI, fs->type == 32 ? (uint16_t)(n->first >> 16) : 0);
    fat_put16(n->de + DIR_CLUS_LO, (uint16_t)n->first);
    fat_put32(n->de + DIR_SIZE, n->is_dir ? 0 : n->size);
    return fat_io_write(fs, n->ent, n->de, DIR_ENTRY_SIZE);
}
