/* File figures for make bench: sequential write (then fsync) and read of one file in 1 MiB
 * calls on the FAT disk mounted at /data (vda), beside the same pattern on the raw disk vdb
 * (1 MiB requests, one at a time), so that the ratio is the file system's own cost. */
#include "../../../drivers/blkdev.h"
#include "../../../kernel/clock.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1u << 20)
#define TOTAL (128u << 20)

static double seconds_since(uint64_t t) { return (clock_monotonic_ns() - t) / 1e9; }
static double mbps(double s) { return TOTAL / s / 1e6; }

int main(void)
{
    char *buf = aligned_alloc(4096, CHUNK);
    memset(buf, 0x5a, CHUNK);
    struct blkdev *raw = blk_find("vdb");
    int fd = open("/data/bench.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (!raw || fd < 0) {
        printf("filebench: needs /data mounted from vda and a raw vdb\n");
        return 1;
    }
    uint64_t t = clock_monotonic_ns();
    for (uint32_t off = 0; off < TOTAL; off += CHUNK)
        if (blk_write(raw, off / BLK_SECTOR, buf, CHUNK / BLK_SECTOR) < 0)
            return 1;
    blk_flush(raw);
    double raw_write = seconds_since(t);
    t = clock_monotonic_ns();
    for (uint32_t off = 0; off < TOTAL; off += CHUNK)
        if (blk_read(raw, off / BLK_SECTOR, buf, CHUNK / BLK_SECTOR) < 0)
            return 1;
    double raw_read = seconds_since(t);

    t = clock_monotonic_ns();
    for (uint32_t off = 0; off < TOTAL; off += CHUNK)
        if (write(fd, buf, CHUNK) != (ssize_t)CHUNK) {
            perror("filebench: write");
            return 1;
        }
    fsync(fd);
    double file_write = seconds_since(t);
    lseek(fd, 0, SEEK_SET);
    t = clock_monotonic_ns();
    for (uint32_t off = 0; off < TOTAL; off += CHUNK)
        if (read(fd, buf, CHUNK) != (ssize_t)CHUNK) {
            perror("filebench: read");
            return 1;
        }
    double file_read = seconds_since(t);
    close(fd);
    printf("file sequential read  %.1f MB/s, raw disk %.1f MB/s: %.2f x the raw time\n", mbps(file_read), mbps(raw_read),
           file_read / raw_read);
    printf("file sequential write %.1f MB/s, raw disk %.1f MB/s: %.2f x the raw time (each with its fsync/flush)\n",
           mbps(file_write), mbps(raw_write), file_write / raw_write);
    return 0;
}
