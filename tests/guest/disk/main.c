/* virtio-blk end to end. The host made the disks with tests/lib/pattern.py:
 *   vda seed 1 and vdb seed 2, writable; vdc seed 3, read-only (readonly=on).
 * Each is read whole and checked; chosen sectors of vda and vdb get seed 101 / 102 (the host
 * checks every byte afterwards); vdc must refuse writes; bad requests must be refused. */
#include "../check.h"
#include "../../../drivers/blkdev.h"
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN 0x9E3779B97F4A7C15ull
#define CHUNK 256                      /* sectors per read while checking a whole disk */
#define INFLIGHT 32

static void pattern(uint64_t seed, uint64_t n, uint64_t *out)
{
    uint64_t x = (seed * GOLDEN) ^ (n * 0xBF58476D1CE4E5B9ull) ^ 0x94D049BB133111EBull;
    if (!x)
        x = 1;
    for (int i = 0; i < 64; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out[i] = x;
    }
}

static int sector_is(const void *buf, uint64_t seed, uint64_t n)
{
    uint64_t want[64];
    pattern(seed, n, want);
    return memcmp(buf, want, BLK_SECTOR) == 0;
}

static void check_whole(struct blkdev *d, uint64_t seed)
{
    static uint64_t buf[CHUNK * 64];
    uint64_t bad = 0, first_bad = 0;
    int rc = 0;
    for (uint64_t s = 0; s < d->sectors && rc == 0; s += CHUNK) {
        uint32_t n = d->sectors - s < CHUNK ? (uint32_t)(d->sectors - s) : CHUNK;
        rc = blk_read(d, s, buf, n);
        for (uint32_t i = 0; i < n && rc == 0; i++)
            if (!sector_is(buf + i * 64, seed, s + i) && !bad++)
                first_bad = s + i;
    }
    CHECK(rc == 0 && bad == 0, "%s: all %llu sectors read back as the host wrote them (rc %d, %llu bad from %llu)",
          d->name, (unsigned long long)d->sectors, rc, (unsigned long long)bad, (unsigned long long)first_bad);
}

static int write_range(struct blkdev *d, uint64_t first, uint32_t count, uint64_t seed)
{
    uint64_t *buf = malloc((size_t)count * BLK_SECTOR);
    for (uint32_t i = 0; i < count; i++)
        pattern(seed, first + i, buf + i * 64);
    int rc = blk_write(d, first, buf, count);
    free(buf);
    return rc;
}

static int reads_as(struct blkdev *d, uint64_t first, uint32_t count, uint64_t seed)
{
    uint64_t *buf = malloc((size_t)count * BLK_SECTOR);
    int ok = blk_read(d, first, buf, count) == 0;
    for (uint32_t i = 0; i < count && ok; i++)
        ok = sector_is(buf + i * 64, seed, first + i);
    free(buf);
    return ok;
}

int main(void)
{
    struct blkdev *vda = blk_find("vda"), *vdb = blk_find("vdb"), *vdc = blk_find("vdc");
    CHECK(vda && vdb && vdc && blk_count() == 3, "three disks found: vda, vdb, vdc (%d)", blk_count());
    if (!vda || !vdb || !vdc)
        return check_exit();
    CHECK(!vda->read_only && !vdb->read_only && vdc->read_only, "only vdc is read-only");

    check_whole(vda, 1);
    check_whole(vdb, 2);
    check_whole(vdc, 3);

    /* vda: single sectors, a 64-sector request, the last sector */
    int rc = write_range(vda, 0, 1, 101) | write_range(vda, 1, 1, 101) | write_range(vda, 7, 1, 101) |
             write_range(vda, 100, 64, 101) | write_range(vda, vda->sectors - 1, 1, 101);
    CHECK(rc == 0, "vda: chosen sectors written");
    CHECK(reads_as(vda, 100, 64, 101) && reads_as(vda, 99, 1, 1) && reads_as(vda, 164, 1, 1),
          "vda: the new sectors read back, their neighbours are untouched");

    /* vdb: INFLIGHT one-sector writes submitted before any completes */
    static struct blk_request reqs[INFLIGHT];
    static uint64_t bufs[INFLIGHT][64];
    int submitted = 0;
    for (int i = 0; i < INFLIGHT; i++) {
        pattern(102, 1000 + i, bufs[i]);
        reqs[i] = (struct blk_request){ .op = BLK_WRITE, .sector = 1000 + i, .buf = bufs[i], .count = 1 };
        submitted += blk_submit(vdb, &reqs[i]) == 0;
    }
    int completed_early = 0;
    for (int i = 0; i < INFLIGHT; i++)
        completed_early += reqs[i].completed;
    int all_ok = 1;
    for (int i = 0; i < INFLIGHT; i++)
        all_ok &= blk_wait(&reqs[i]) == 0;
    CHECK(submitted == INFLIGHT && all_ok, "vdb: %d writes in flight at once all succeeded (%d done before the first wait)",
          submitted, completed_early);
    CHECK(write_range(vdb, 5, 1, 102) == 0 && reads_as(vdb, 1000, INFLIGHT, 102), "vdb: written sectors read back");
    CHECK(blk_flush(vda) == 0 && blk_flush(vdb) == 0, "flush vda and vdb");

    /* refusals */
    static uint64_t one[64];
    CHECK(blk_write(vdc, 0, one, 1) == -EROFS, "vdc: a write to the read-only disk is EROFS");
    CHECK(blk_read(vda, vda->sectors, one, 1) == -EINVAL, "a read past the end is EINVAL");
    CHECK(blk_read(vda, vda->sectors - 1, one, 2) == -EINVAL, "a read running over the end is EINVAL");
    CHECK(blk_read(vda, UINT64_MAX, one, 1) == -EINVAL, "sector 2^64-1 is EINVAL");
    CHECK(blk_read(vda, 0, one, 0) == -EINVAL, "a read of no sectors is EINVAL");
    CHECK(blk_find("vdz") == NULL, "an unknown disk name finds nothing");
    return check_exit();
}
