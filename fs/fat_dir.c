/* fs/fat_dir.c: directory entries (fatgen103 "FAT Directory Structure") with their VFAT long
 * names in front. A directory is an array of 32-byte slots: the fixed root region on FAT12/16,
 * a cluster chain otherwise. Slot contents come from the disk and are checked: a broken long name
 * is ignored in favour of the 8.3 name, as the VFAT checksum intends. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fat_impl.h"

#define TAIL_LIMIT (DIR_MAX_ENTRIES + 1)

/* 1 and the disk address of slot idx; 0 past the end of the directory. */
static int slot_addr(struct fat_fs *fs, struct fat_node *dir, uint32_t idx, uint64_t *addr)
{
    if (dir == fs->root && fs->type != 32) {
        if (idx >= fs->root_entries)
            return 0;
        *addr = fs->root_start + (uint64_t)idx * DIR_ENTRY_SIZE;
        return 1;
    }
    uint32_t per = fs->cluster_size / DIR_ENTRY_SIZE, c;
    if (dir->first == 0)
        return -EIO;            /* a directory always has a cluster */
    int r = fat_chain_at(fs, dir, idx / per, &c);
    if (r == 1 && idx >= DIR_MAX_ENTRIES)
        return -EIO;            /* longer than a directory may be: corrupt, or a chain loop */
    if (r <= 0)
        return r;
    *addr = fat_cluster_addr(fs, c) + (uint64_t)(idx % per) * DIR_ENTRY_SIZE;
    return 1;
}

int fat_dir_is_dot(const uint8_t *de)
{
    return de[0] == '.' && (de[1] == ' ' || (de[1] == '.' && de[2] == ' '));
}

/* The next entry at or after *pos: 1 with *f filled and *pos past it, 0 at the end. Deleted
 * entries, volume labels and long names whose sequence or checksum does not hold are skipped. */
int fat_dir_next(struct fat_fs *fs, struct fat_node *dir, uint32_t *pos, struct fat_found *f)
{
    int expect = 0, complete = 0, len = 0;
    uint8_t csum = 0;
    uint32_t start = 0;
    for (;;) {
        uint8_t e[DIR_ENTRY_SIZE];
        uint64_t a;
        int r = slot_addr(fs, dir, *pos, &a);
        if (r <= 0)
            return r;
        if ((r = fat_io_read(fs, a, e, sizeof e)) < 0)
            return r;
        if (e[0] == ENTRY_END)
            return 0;
        uint32_t idx = (*pos)++;
        if (e[0] == ENTRY_FREE) {
            expect = complete = 0;
            continue;
        }
        if ((e[DIR_ATTR] & ATTR_LONG_MASK) == ATTR_LONG_NAME) {
            uint16_t part[LFN_CHARS];
            int ord = e[LDIR_ORD] & LDIR_ORD_MASK, k = fat_lfn_unpack(e, part);
            complete = 0;
            if (e[LDIR_ORD] & LDIR_LAST) {
                len = (ord - 1) * LFN_CHARS + k;
                expect = ord >= 1 && ord <= LFN_MAX_ENTRIES && len > 0 && len <= FAT_NAME_MAX ? ord : 0;
                csum = e[LDIR_CHKSUM];
                start = idx;
            } else if (ord != expect || e[LDIR_CHKSUM] != csum || k != LFN_CHARS) {
                expect = 0;     /* out of sequence, or a middle part that is not full */
            }
            if (expect) {
                memcpy(f->name + (ord - 1) * LFN_CHARS, part, (size_t)k * 2);
                complete = --expect == 0;
            }
            continue;
        }
        if (e[DIR_ATTR] & ATTR_VOLUME_ID) {
            expect = complete = 0;
            continue;
        }
        f->slot = idx;
        f->addr = a;
        memcpy(f->de, e, sizeof e);
        if (complete && fat_lfn_checksum(e) == csum) {
            f->first_slot = start;
            f->len = len;
        } else {
            f->first_slot = idx;
            f->len = fat_short_to_name(e, f->name);
        }
        return 1;
    }
}

/* 1 and *f when `name` matches an entry's long or short name (dot entries excluded), else 0. */
int fat_dir_find(struct fat_fs *fs, struct fat_node *dir, const uint16_t *name, int len,
             struct fat_found *f)
{
    uint32_t pos = 0;
    int r;
    while ((r = fat_dir_next(fs, dir, &pos, f)) == 1) {
        uint16_t sn[SHORT_NAME_UNITS];
        if (fat_dir_is_dot(f->de))
            continue;
        if (fat_name_equal(f->name, f->len, name, len) ||
            fat_name_equal(sn, fat_short_to_name(f->de, sn), name, len))
            return 1;
    }
    return r;
}

static int short_exists(struct fat_fs *fs, struct fat_node *dir, const uint8_t sn[11])
{
    struct fat_found f;
    uint32_t pos = 0;
    int r;
    while ((r = fat_dir_next(fs, dir, &pos, &f)) == 1)
        if (memcmp(f.de, sn, 11) == 0)
            return 1;
    return r;
}

/* The smallest n whose "~n" form of basis is free in dir, in one pass over the directory (a
 * directory holds at most DIR_MAX_ENTRIES names, so one of the first DIR_MAX_ENTRIES + 1 is). */
static int free_tail(struct fat_fs *fs, struct fat_node *dir, const uint8_t basis[11], uint32_t *out)
{
    uint8_t *used = calloc(TAIL_LIMIT / 8 + 1, 1), cand[11];
    struct fat_found f;
    uint32_t pos = 0;
    int r;
    if (!used)
        return -ENOMEM;
    while ((r = fat_dir_next(fs, dir, &pos, &f)) == 1) {
        const uint8_t *t = memchr(f.de, '~', SHORT_BASE);
        uint32_t n = 0;
        for (t = t ? t + 1 : f.de + SHORT_BASE; t < f.de + SHORT_BASE && *t >= '0' && *t <= '9'; t++)
            n = n * 10 + (uint32_t)(*t - '0');
        if (n == 0 || n > TAIL_LIMIT)
            continue;
        fat_short_with_tail(basis, n, cand);
        if (memcmp(cand, f.de, 11) == 0)
            used[n / 8] |= (uint8_t)(1 << n % 8);
    }
    for (*out = 1; r == 0 && (used[*out / 8] >> *out % 8 & 1); (*out)++)
        ;
    free(used);
    return r;
}

/* Picks the short name: the basis itself when it lost nothing and is unused, else the basis
 * with the first free "~N" tail. Returns how many long-name entries go in front (0 when the name
 * is its own 8.3 name). */
static int pick_short(struct fat_fs *fs, struct fat_node *dir, const uint16_t *name, int len,
                      uint8_t sn[11])
{
    uint8_t basis[11];
    uint32_t n;
    int flags = fat_short_basis(name, len, basis), r;
    int nlfn = (len + LFN_CHARS - 1) / LFN_CHARS;
    if (!(flags & BASIS_LOSSY)) {
        if ((r = short_exists(fs, dir, basis)) < 0)
            return r;
        if (r == 0) {
            memcpy(sn, basis, 11);
            return flags & BASIS_EXACT ? 0 : nlfn;
        }
    }
    if ((r = free_tail(fs, dir, basis, &n)) < 0)
        return r;
    fat_short_with_tail(basis, n, sn);
    return nlfn;
}

/* Appends zeroed clusters to a directory until it has `slots` slots. */
static int dir_grow(struct fat_fs *fs, struct fat_node *dir, uint32_t slots)
{
    uint32_t per = fs->cluster_size / DIR_ENTRY_SIZE, last;
    if (dir == fs->root && fs->type != 32)
        return -ENOSPC;         /* the FAT12/16 root has a fixed size */
    if (slots > DIR_MAX_ENTRIES)
        return -ENOSPC;
    for (;;) {
        int r = fat_chain_at(fs, dir, (slots - 1) / per, &last);
        if (r != 0)
            return r < 0 ? r : 0;
        uint32_t c;
        if ((r = fat_alloc(fs, last, &c)) < 0 || (r = fat_io_zero(fs, fat_cluster_addr(fs, c), fs->cluster_size)) < 0)
            return r;
    }
}

/* Adds `name` with short entry `de` (all but its name filled in) to dir: finds a run of free
 * slots (growing the directory if it must), writes the long entries and then the short one. */
int fat_dir_add(struct fat_fs *fs, struct fat_node *dir, const uint16_t *name, int len,
            uint8_t *de, uint64_t *addr)
{
    int nlfn = pick_short(fs, dir, name, len, de);
    if (nlfn < 0)
        return nlfn;
    uint32_t need = (uint32_t)nlfn + 1, run = 0, idx = 0;
    int seen_end = 0;           /* after an ENTRY_END slot every slot is free, whatever it holds */
    for (;; idx++) {
        uint64_t a;
        uint8_t b0;
        int r = slot_addr(fs, dir, idx, &a);
        if (r < 0)
            return r;
        if (r == 0) {
            if ((r = dir_grow(fs, dir, idx - run + need)) < 0)
                return r;
            break;
        }
        if ((r = fat_io_read(fs, a, &b0, 1)) < 0)
            return r;
        seen_end |= b0 == ENTRY_END;
        run = seen_end || b0 == ENTRY_FREE ? run + 1 : 0;
        if (run == need) {
            idx++;
            break;
        }
    }
    uint32_t first = idx - run;
    uint8_t csum = fat_lfn_checksum(de), e[DIR_ENTRY_SIZE];
    for (uint32_t i = 0; i < need; i++) {
        uint64_t a;
        int r = slot_addr(fs, dir, first + i, &a);
        if (r <= 0)
            return r < 0 ? r : -EIO;
        if (i < (uint32_t)nlfn)
            fat_lfn_pack(e, nlfn - (int)i, i == 0, csum, name, len);
        else
            memcpy(e, de, sizeof e), *addr = a;
        if ((r = fat_io_write(fs, a, e, sizeof e)) < 0)
            return r;
    }
    return 0;
}

int fat_dir_erase(struct fat_fs *fs, struct fat_node *dir, const struct fat_found *f)
{
    for (uint32_t s = f->first_slot; s <= f->slot; s++) {
        uint64_t a;
        uint8_t mark = ENTRY_FREE;
        int r = slot_addr(fs, dir, s, &a);
        if (r <= 0 || (r = fat_io_write(fs, a, &mark, 1)) < 0)
            return r < 0 ? r : -EIO;
    }
    return 0;
}

/* 1 when nothing but . and .. is left */
int fat_dir_is_empty(struct fat_fs *fs, struct fat_node *dir)
{
    struct fat_found f;
    uint32_t pos = 0;
    int r;
    while ((r = fat_dir_next(fs, dir, &pos, &f)) == 1)
        if (!fat_dir_is_dot(f.de))
            return 0;
    return r < 0 ? r : 1;
}
