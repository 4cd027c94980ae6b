/* fs/fat_bpb.c: the boot sector's BIOS Parameter Block and the FAT32 FSInfo sector
 * (fatgen103 "Boot Sector and BPB", "FAT Type Determination", "FAT32 FSInfo Sector Structure").
 * Every field that later code relies on is checked here, so the rest may trust fs's geometry. */
#include <errno.h>
#include <string.h>
#include "fat_impl.h"

#define BS_JMP 0
#define BPB_BYTS_PER_SEC 11
#define BPB_SEC_PER_CLUS 13
#define BPB_RSVD_SEC_CNT 14
#define BPB_NUM_FATS 16
#define BPB_ROOT_ENT_CNT 17
#define BPB_TOT_SEC16 19
#define BPB_FAT_SZ16 22
#define BPB_TOT_SEC32 32
#define BPB_FAT_SZ32 36
#define BPB_EXT_FLAGS 40
#define BPB_FS_VER 42
#define BPB_ROOT_CLUS 44
#define BPB_FS_INFO 48
#define BS_SIGNATURE 510
#define BOOT_SIG0 0x55
#define BOOT_SIG1 0xaa
#define MIN_SECTOR 512
#define MAX_SECTOR 4096
#define MAX_SEC_PER_CLUS 128
#define MAX_CLUSTER_SIZE 65536
#define EXT_FLAGS_NO_MIRROR 0x80
#define EXT_FLAGS_ACTIVE 0x0f
#define FAT12_MAX_CLUSTERS 4085  /* fewer clusters than this: FAT12 */
#define FAT16_MAX_CLUSTERS 65525 /* fewer than this: FAT16; else FAT32 */
#define FAT32_MAX_CLUSTERS 0x0ffffff5u /* so that every number stays below the BAD mark 0x0FFFFFF7 */

#define FSI_LEAD_SIG 0
#define FSI_STRUC_SIG 484
#define FSI_FREE_COUNT 488
#define FSI_NXT_FREE 492
#define FSI_TRAIL_SIG 508
#define FSI_LEAD 0x41615252u
#define FSI_STRUC 0x61417272u
#define FSI_TRAIL 0xaa550000u
#define FSI_UNKNOWN 0xffffffffu

#define NO_NUM UINT64_MAX

/* why = a + num + b, truncated to whylen; no stdio in fs/. */
static int refuse(char *why, size_t whylen, const char *a, uint64_t num, const char *b)
{
    char digits[24];
    size_t nd = 0, at = 0;
    if (num != NO_NUM)
        do digits[nd++] = (char)('0' + num % 10); while ((num /= 10) && nd < sizeof digits);
    if (!why || whylen == 0)
        return -EINVAL;
    for (; *a && at + 1 < whylen; a++) why[at++] = *a;
    while (nd > 0 && at + 1 < whylen) why[at++] = digits[--nd];
    for (; b && *b && at + 1 < whylen; b++) why[at++] = *b;
    why[at] = 0;
    return -EINVAL;
}

static int pow2(uint32_t v) { return v && !(v & (v - 1)); }

static uint64_t fat_bytes_needed(int type, uint64_t entries)
{
    return type == 12 ? (entries * 3 + 1) / 2 : entries * (uint64_t)(type / 8);
}

int fat_bpb_parse(struct fat_fs *fs, const uint8_t *bs, char *why, size_t whylen)
{
    if (bs[BS_SIGNATURE] != BOOT_SIG0 || bs[BS_SIGNATURE + 1] != BOOT_SIG1)
        return refuse(why, whylen, "not a FAT boot sector (no 0x55AA signature)", NO_NUM, NULL);
    if (!(bs[BS_JMP] == 0xeb && bs[BS_JMP + 2] == 0x90) && bs[BS_JMP] != 0xe9)
        return refuse(why, whylen, "not a FAT boot sector (no x86 jump at its start)", NO_NUM, NULL);
    uint32_t bps = fat_get16(bs + BPB_BYTS_PER_SEC), spc = bs[BPB_SEC_PER_CLUS];
    uint32_t rsvd = fat_get16(bs + BPB_RSVD_SEC_CNT), nfats = bs[BPB_NUM_FATS];
    uint32_t root_ents = fat_get16(bs + BPB_ROOT_ENT_CNT);
    uint64_t fatsz = fat_get16(bs + BPB_FAT_SZ16) ? fat_get16(bs + BPB_FAT_SZ16) : fat_get32(bs + BPB_FAT_SZ32);
    uint64_t totsec = fat_get16(bs + BPB_TOT_SEC16) ? fat_get16(bs + BPB_TOT_SEC16) : fat_get32(bs + BPB_TOT_SEC32);
    if (bps < MIN_SECTOR || bps > MAX_SECTOR || !pow2(bps))
        return refuse(why, whylen, "bytes per sector ", bps, " is not 512-4096");
    if (!pow2(spc) || spc > MAX_SEC_PER_CLUS)
        return refuse(why, whylen, "sectors per cluster ", spc, " is not a power of two up to 128");
    if (bps * spc > MAX_CLUSTER_SIZE)
        return refuse(why, whylen, "cluster size ", bps * spc, " is over 64 KiB");
    if (rsvd == 0)
        return refuse(why, whylen, "no reserved sectors", NO_NUM, NULL);
    if (nfats == 0)
        return refuse(why, whylen, "no FAT (number of FATs is 0)", NO_NUM, NULL);
    if (fatsz == 0 || totsec == 0)
        return refuse(why, whylen, "FAT size or total sectors is 0", NO_NUM, NULL);
    if (totsec * bps > fs->disk->sectors * fs->disk->sector_size)
        return refuse(why, whylen, "filesystem of ", totsec, " sectors is larger than the disk");
    uint64_t root_secs = ((uint64_t)root_ents * DIR_ENTRY_SIZE + bps - 1) / bps;
    uint64_t data_sec = rsvd + nfats * fatsz + root_secs;
    if (data_sec >= totsec)
        return refuse(why, whylen, "no room for data after ", data_sec, " sectors of metadata");
    uint64_t clusters = (totsec - data_sec) / spc;
    int type = clusters < FAT12_MAX_CLUSTERS ? 12 : clusters < FAT16_MAX_CLUSTERS ? 16 : 32;
    if (clusters == 0)
        return refuse(why, whylen, "no data clusters", NO_NUM, NULL);
    if (type == 32 && clusters > FAT32_MAX_CLUSTERS)
        return refuse(why, whylen, "too many clusters: ", clusters, NULL);
    if (type == 32 && (root_ents != 0 || fat_get16(bs + BPB_FAT_SZ16) != 0))
        return refuse(why, whylen, "FAT32 by cluster count but with a FAT12/16 root directory", NO_NUM, NULL);
    if (type != 32 && root_ents == 0)
        return refuse(why, whylen, "FAT12/16 by cluster count but the root directory has 0 entries", NO_NUM, NULL);
    if (fat_bytes_needed(type, clusters + CLUSTER_FIRST) > fatsz * bps)
        return refuse(why, whylen, "FAT too small for ", clusters, " clusters");

    fs->type = type;
    fs->bytes_per_sector = bps;
    fs->cluster_size = bps * spc;
    fs->clusters = (uint32_t)clusters;
    fs->fat_bytes = (uint32_t)(fatsz * bps);
    fs->fats = nfats;
    fs->mirror = 1;
    fs->active_fat = 0;
    fs->fat_start = (uint64_t)rsvd * bps;
    fs->root_start = (rsvd + nfats * fatsz) * bps;
    fs->root_entries = root_ents;
    fs->data_start = data_sec * bps;
    if (type != 32)
        return 0;
    uint32_t flags = fat_get16(bs + BPB_EXT_FLAGS), ver = fat_get16(bs + BPB_FS_VER);
    fs->root_cluster = fat_get32(bs + BPB_ROOT_CLUS);
    if (ver != 0)
        return refuse(why, whylen, "FAT32 version ", ver, " is not 0.0");
    if (fs->root_cluster < CLUSTER_FIRST || fs->root_cluster > fs->clusters + 1)
        return refuse(why, whylen, "root directory cluster ", fs->root_cluster, " is out of range");
    if (flags & EXT_FLAGS_NO_MIRROR) {
        /* only the active copy is in use (fatgen103 BPB_ExtFlags) */
        fs->mirror = 0;
        fs->active_fat = flags & EXT_FLAGS_ACTIVE;
        if (fs->active_fat >= nfats)
            return refuse(why, whylen, "active FAT ", fs->active_fat, " does not exist");
    }
    uint32_t fsinfo = fat_get16(bs + BPB_FS_INFO);
    fs->fsinfo_sector = fsinfo >= 1 && fsinfo < rsvd ? fsinfo : 0;
    return 0;
}

/* Only the next-free hint is taken, and only if in range: the free count may be stale or wrong
 * (fatgen103 says so), so it is counted from the FAT before anything relies on it. */
void fat_fsinfo_load(struct fat_fs *fs)
{
    uint8_t fsi[512];
    if (!fs->fsinfo_sector)
        return;
    uint64_t addr = (uint64_t)fs->fsinfo_sector * fs->bytes_per_sector;
    if (fat_io_read(fs, addr, fsi, sizeof fsi) < 0 || fat_get32(fsi + FSI_LEAD_SIG) != FSI_LEAD ||
        fat_get32(fsi + FSI_STRUC_SIG) != FSI_STRUC || fat_get32(fsi + FSI_TRAIL_SIG) != FSI_TRAIL) {
        fs->fsinfo_sector = 0;
        return;
    }
    uint32_t next = fat_get32(fsi + FSI_NXT_FREE);
    if (next >= CLUSTER_FIRST && next <= fs->clusters + 1)
        fs->next_free = next;
}

int fat_fsinfo_store(struct fat_fs *fs)
{
    uint8_t v[8];
    if (!fs->fsinfo_dirty || !fs->fsinfo_sector || !fs->free_known)
        return 0;
    fat_put32(v, fs->free_count);
    fat_put32(v + 4, fs->next_free ? fs->next_free : FSI_UNKNOWN);
    int r = fat_io_write(fs, (uint64_t)fs->fsinfo_sector * fs->bytes_per_sector + FSI_FREE_COUNT, v, sizeof v);
    if (r == 0)
        fs->fsinfo_dirty = 0;
    return r;
}
