/* fs/fat_impl.h: what the fat_*.c files share and nobody else sees. Section names cite
 * Microsoft's "FAT: General Overview of On-Disk Format" (fatgen103). */
#ifndef FS_FAT_IMPL_H
#define FS_FAT_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "fat.h"

/* Directory entry layout (fatgen103 "FAT Directory Structure") */
#define DIR_ENTRY_SIZE 32
#define DIR_NAME 0              /* 11 bytes: 8 + 3, space-padded */
#define DIR_ATTR 11
#define DIR_NTRES 12            /* Windows NT: bit 3 base lower case, bit 4 extension lower case */
#define DIR_CRT_TENTH 13
#define DIR_CRT_TIME 14
#define DIR_CRT_DATE 16
#define DIR_ACC_DATE 18
#define DIR_CLUS_HI 20
#define DIR_WRT_TIME 22
#define DIR_WRT_DATE 24
#define DIR_CLUS_LO 26
#define DIR_SIZE 28

#define ATTR_READ_ONLY 0x01
#define ATTR_HIDDEN 0x02
#define ATTR_SYSTEM 0x04
#define ATTR_VOLUME_ID 0x08
#define ATTR_DIRECTORY 0x10
#define ATTR_ARCHIVE 0x20
#define ATTR_LONG_NAME 0x0f     /* RO|HIDDEN|SYSTEM|VOLUME_ID marks a VFAT long-name entry */
#define ATTR_LONG_MASK 0x3f

#define NTRES_LOWER_BASE 0x08
#define NTRES_LOWER_EXT 0x10

#define ENTRY_FREE 0xe5         /* DIR_Name[0]: deleted entry */
#define ENTRY_END 0x00          /* DIR_Name[0]: free, and so is every entry after it */
#define ENTRY_KANJI_E5 0x05     /* DIR_Name[0]: stands for a real 0xE5 byte */

/* Long-name entry (VFAT) */
#define LDIR_ORD 0
#define LDIR_CHKSUM 13
#define LDIR_LAST 0x40          /* set in the ordinal of the last (first on disk) entry */
#define LDIR_ORD_MASK 0x3f
#define LFN_CHARS 13            /* UTF-16 units per long-name entry */
#define LFN_MAX_ENTRIES 20      /* 255 units / 13, rounded up */
#define SHORT_NAME_UNITS 12     /* "NAME8CHR.EXT" */
#define SHORT_BASE 8            /* DIR_Name: 8 characters of base, then 3 of extension */
#define SHORT_EXT 3

#define DIR_MAX_ENTRIES 65536   /* a directory may not exceed 2 MiB (fatgen103 "FAT Directory Structure") */
#define CLUSTER_FIRST 2         /* clusters 0 and 1 are reserved: the first data cluster is 2 */
#define ROOT_ENT UINT64_MAX     /* the key of the root directory, which has no entry */

struct fat_node {
    struct fat_node *next;      /* in fs->nodes */
    uint32_t refs;
    uint64_t ent;               /* disk byte address of the short entry; ROOT_ENT for the root */
    uint8_t de[DIR_ENTRY_SIZE]; /* the short entry as last written (or the root's made-up one) */
    uint32_t first, size;       /* first cluster (0: none) and byte size */
    uint8_t is_dir, unlinked;
    uint8_t chain_ok;           /* the chain was walked once and covers the size */
    uint32_t hint_idx, hint_clus; /* last cluster found in the chain: its index and number */
};

struct fat_fs {
    struct fs_disk *disk;
    int read_only;
    int type;                   /* 12, 16 or 32 */
    uint32_t bytes_per_sector, cluster_size;
    uint32_t clusters;          /* CountofClusters: valid numbers are 2 .. clusters + 1 */
    uint32_t fat_bytes, fats;   /* size of one FAT copy; how many copies */
    int mirror;                 /* write every copy (FAT32 BPB_ExtFlags bit 7 clear) */
    uint32_t active_fat;        /* the copy read from */
    uint64_t fat_start;         /* byte address of the first FAT */
    uint64_t root_start;        /* FAT12/16: byte address of the fixed root directory */
    uint32_t root_entries;      /* FAT12/16: its size in entries */
    uint64_t data_start;        /* byte address of cluster 2 */
    uint32_t root_cluster;      /* FAT32: first cluster of the root directory */
    uint32_t fsinfo_sector;     /* FAT32: the FSInfo sector, 0 if unusable */
    int free_known, fsinfo_dirty;
    uint32_t free_count, next_free;
    uint8_t *sec;               /* one disk sector of scratch for partial-sector I/O */
    uint8_t *win;               /* one FAT sector (bytes_per_sector), see fat_table.c */
    uint64_t win_at;            /* its offset in the FAT, UINT64_MAX when empty */
    int win_dirty;
    struct fat_node *nodes;     /* every live node, the root included */
    struct fat_node *root;
    time_t (*now)(void *);
    void *now_ctx;
};

/* fat_io.c: byte-addressed disk access (partial sectors are read-modified-written) */
int fat_io_read(struct fat_fs *fs, uint64_t addr, void *buf, size_t len);
int fat_io_write(struct fat_fs *fs, uint64_t addr, const void *buf, size_t len);
int fat_io_zero(struct fat_fs *fs, uint64_t addr, uint64_t len);
uint64_t fat_cluster_addr(const struct fat_fs *fs, uint32_t cluster);
uint16_t fat_get16(const uint8_t *p);
uint32_t fat_get32(const uint8_t *p);
void fat_put16(uint8_t *p, uint16_t v);
void fat_put32(uint8_t *p, uint32_t v);

/* fat_bpb.c: the boot sector and FSInfo */
int fat_bpb_parse(struct fat_fs *fs, const uint8_t *bs, char *why, size_t whylen);
void fat_fsinfo_load(struct fat_fs *fs);
int fat_fsinfo_store(struct fat_fs *fs);

/* fat_table.c: the FAT */
int fat_next(struct fat_fs *fs, uint32_t cluster, uint32_t *next);
int fat_chain_at(struct fat_fs *fs, struct fat_node *n, uint32_t idx, uint32_t *cluster);
int fat_alloc(struct fat_fs *fs, uint32_t prev, uint32_t *out);
int fat_free_chain(struct fat_fs *fs, uint32_t first);
int fat_cut_after(struct fat_fs *fs, uint32_t last);
int fat_count_free(struct fat_fs *fs);
int fat_table_flush(struct fat_fs *fs);

/* fat_name.c: UTF-8/UTF-16, 8.3 names, long-name entries */
int fat_name_from_utf8(const char *s, size_t len, uint16_t *out, int *outlen);
size_t fat_name_to_utf8(const uint16_t *u, int len, char *out, size_t cap);
int fat_name_equal(const uint16_t *a, int alen, const uint16_t *b, int blen);
int fat_short_to_name(const uint8_t *de, uint16_t *out);
#define BASIS_LOSSY 1           /* fat_short_basis: the 8.3 name lost something: it needs a ~N tail */
#define BASIS_EXACT 2           /* fat_short_basis: the name is its own 8.3 name: no long name */
int fat_short_basis(const uint16_t *name, int len, uint8_t basis[11]);
void fat_short_with_tail(const uint8_t basis[11], uint32_t n, uint8_t out[11]);
uint8_t fat_lfn_checksum(const uint8_t name[11]);
void fat_lfn_pack(uint8_t *e, int ord, int last, uint8_t csum, const uint16_t *name, int len);
int fat_lfn_unpack(const uint8_t *e, uint16_t *name);

/* fat_dir.c: directory entries */
struct fat_found {
    uint32_t first_slot, slot; /* the first long-name entry (or the short one) and the short one */
    uint64_t addr;             /* disk byte address of the short entry */
    uint8_t de[DIR_ENTRY_SIZE];
    uint16_t name[LFN_MAX_ENTRIES * LFN_CHARS];
    int len;
};
int fat_dir_next(struct fat_fs *fs, struct fat_node *dir, uint32_t *pos, struct fat_found *f);
int fat_dir_find(struct fat_fs *fs, struct fat_node *dir, const uint16_t *name, int len,
             struct fat_found *f);
int fat_dir_add(struct fat_fs *fs, struct fat_node *dir, const uint16_t *name, int len,
            uint8_t *de, uint64_t *addr);
int fat_dir_erase(struct fat_fs *fs, struct fat_node *dir, const struct fat_found *f);
int fat_dir_is_empty(struct fat_fs *fs, struct fat_node *dir);
int fat_dir_is_dot(const uint8_t *de);

/* fat_file.c: file contents */
long fat_file_read(struct fat_fs *fs, struct fat_node *n, uint8_t *buf, uint32_t len, uint32_t off);
long fat_file_write(struct fat_fs *fs, struct fat_node *n, const uint8_t *buf, uint32_t len, uint32_t off);
int fat_file_shrink(struct fat_fs *fs, struct fat_node *n, uint32_t size);
int fat_node_store(struct fat_fs *fs, struct fat_node *n);
void fat_node_touch(struct fat_fs *fs, struct fat_node *n);

/* fat_time.c: DOS dates (fatgen103 "Date and Time Formats") */
void fat_dos_time_now(struct fat_fs *fs, uint16_t *date, uint16_t *time, uint8_t *tenth);
time_t fat_dos_to_unix(uint16_t date, uint16_t time);

#endif
