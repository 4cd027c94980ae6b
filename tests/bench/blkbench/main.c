/* virtio-blk figures for make bench, on vda: sequential read and write (1 MiB requests, 8 in
 * flight), and 4 KiB random reads with 1 and 32 requests in flight. Prints one line each. */
#include "../../../drivers/blkdev.h"
#include "../../../kernel/clock.h"
#include <stdio.h>
#include <stdlib.h>

#define SEQ_REQ_SECTORS 2048           /* 1 MiB */
#define SEQ_DEPTH 8
#define RAND_SECTORS 8                 /* 4 KiB */
#define RAND_SECONDS 2

static uint64_t now(void) { return clock_monotonic_ns(); }
static uint32_t rng = 2463534242u;
static uint32_t next(void) { rng ^= rng << 13; rng ^= rng >> 17; rng ^= rng << 5; return rng; }

/* Keep `depth` requests in flight over the run; returns requests completed. */
static uint64_t run(struct blkdev *d, enum blk_op op, uint32_t sectors, int depth, int sequential,
                    uint64_t limit_ns, uint64_t total_sectors, char *bufs)
{
    struct blk_request *r = calloc((size_t)depth, sizeof *r);
    uint64_t done = 0, issued_sectors = 0, start = now();
    uint64_t span = d->sectors / sectors;
    for (int i = 0; i < depth; i++) {
        uint64_t s = sequential ? issued_sectors : (next() % span) * sectors;
        issued_sectors += sectors;
        r[i] = (struct blk_request){ .op = op, .sector = s, .buf = bufs + (size_t)i * sectors * BLK_SECTOR, .count = sectors };
        blk_submit(d, &r[i]);
    }
    for (int i = 0;; i = (i + 1) % depth) {
        if (blk_wait(&r[i]) < 0) {
            printf("blkbench: I/O error\n");
            exit(1);
        }
        done++;
        int more = sequential ? issued_sectors + sectors <= total_sectors : now() - start < limit_ns;
        if (!more) {
            for (int j = 0; j < depth; j++)
                if (j != i && !r[j].completed)
                    blk_wait(&r[j]), done++;
            break;
        }
        r[i].sector = sequential ? issued_sectors : (next() % span) * sectors;
        issued_sectors += sectors;
        blk_submit(d, &r[i]);
    }
    free(r);
    return done;
}

int main(void)
{
    struct blkdev *d = blk_find("vda");
    if (!d) {
        printf("blkbench: no disk vda\n");
        return 1;
    }
    char *bufs = aligned_alloc(4096, (size_t)SEQ_DEPTH * SEQ_REQ_SECTORS * BLK_SECTOR);
    uint64_t bytes = d->sectors * BLK_SECTOR;
    uint64_t t = now();
    run(d, BLK_WRITE, SEQ_REQ_SECTORS, SEQ_DEPTH, 1, 0, d->sectors, bufs);
    blk_flush(d);
    double write_s = (now() - t) / 1e9;
    t = now();
    run(d, BLK_READ, SEQ_REQ_SECTORS, SEQ_DEPTH, 1, 0, d->sectors, bufs);
    double read_s = (now() - t) / 1e9;
    printf("blk sequential read  %.1f MB/s\n", bytes / read_s / 1e6);
    printf("blk sequential write %.1f MB/s\n", bytes / write_s / 1e6);
    for (int depth = 1; depth <= 32; depth *= 32) {
        t = now();
        uint64_t n = run(d, BLK_READ, RAND_SECTORS, depth, 0, RAND_SECONDS * NSEC_PER_SEC, 0, bufs);
        printf("blk 4k random read qd%-2d %.0f IOPS\n", depth, n / ((now() - t) / 1e9));
    }
    return 0;
}
