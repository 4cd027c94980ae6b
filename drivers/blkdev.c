/* The block interface: the registry of devices (a leaf) and the life of a request. */
#include "blkdev.h"
#include "../kernel/x86.h"
#include <errno.h>

#define MAX_BLKDEVS 16

static struct blkdev *devs[MAX_BLKDEVS];
static int ndevs;

int blk_register(struct blkdev *d)
{
    if (ndevs == MAX_BLKDEVS)
        return -ENOSPC;
    devs[ndevs++] = d;
    return 0;
}

struct blkdev *blk_registered(int i)
{
    return i >= 0 && i < ndevs ? devs[i] : NULL;
}

int blk_submit(struct blkdev *d, struct blk_request *r)
{
    r->completed = 0;
    r->status = 0;
    if (r->op == BLK_WRITE && d->read_only)
        return -EROFS;
    if (r->op != BLK_FLUSH && (r->count == 0 || r->sector >= d->sectors || r->count > d->sectors - r->sector))
        return -EINVAL;
    return d->submit(d, r);
}

void blk_complete(struct blk_request *r, int status)
{
    r->status = status;
    r->completed = 1;
    waitq_wake_all(&r->waiters);
    if (r->done)
        r->done(r);
}

int blk_wait(struct blk_request *r)
{
    int s = irq_save();
    while (!r->completed)
        waitq_wait(&r->waiters, 0);
    irq_restore(s);
    return r->status;
}

static int blocking(struct blkdev *d, enum blk_op op, uint64_t sector, void *buf, uint32_t count)
{
    struct blk_request r = { .op = op, .sector = sector, .buf = buf, .count = count };
    int rc = blk_submit(d, &r);
    return rc < 0 ? rc : blk_wait(&r);
}

int blk_read(struct blkdev *d, uint64_t sector, void *buf, uint32_t count) { return blocking(d, BLK_READ, sector, buf, count); }
int blk_write(struct blkdev *d, uint64_t sector, const void *buf, uint32_t count) { return blocking(d, BLK_WRITE, sector, (void *)buf, count); }
int blk_flush(struct blkdev *d) { return blocking(d, BLK_FLUSH, 0, NULL, 0); }
