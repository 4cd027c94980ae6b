/* Block devices for the layers above: named (vda, vdb, ...), addressed in 512-byte sectors,
 * with blocking calls for threads and asynchronous submission for many requests in flight.
 * Requests speak blocks (an operation, a sector, a count, a buffer, a completion); each driver
 * keeps whatever its device wants on the wire. This file's registry is a leaf: discovery
 * registers the devices drivers bring up, and nothing here calls discovery or a driver except
 * through the submit pointer the driver gave. */
#ifndef DRIVERS_BLKDEV_H
#define DRIVERS_BLKDEV_H
#include "../kernel/thread.h"
#include <stdint.h>

#define BLK_SECTOR 512

enum blk_op { BLK_READ, BLK_WRITE, BLK_FLUSH };

struct blkdev;

struct blk_request {
    enum blk_op op;
    uint64_t sector;
    void *buf;                                  /* count sectors */
    uint32_t count;
    void (*done)(struct blk_request *);         /* if set: called in thread context when finished */
    void *arg;                                  /* the caller's */
    /* set by the block layer */
    int status;                                 /* 0, or -EIO, -ENOTSUP, ... once completed */
    int completed;
    struct waitq waiters;
};

struct blkdev {
    char name[8];
    uint64_t sectors;                           /* capacity in 512-byte sectors */
    uint32_t block_size;                        /* the device's preferred unit, bytes */
    int read_only, can_flush;
    int (*submit)(struct blkdev *, struct blk_request *);   /* the driver's: queue it */
    void *driver;
};

/* Finding devices. These are discovery's (drivers/discovery.c): the first call finds every
 * device (devices_init), so that a program that uses none pays nothing at boot. */
/* The device called name, or NULL. */
struct blkdev *blk_find(const char *name);
/* How many there are; the i-th (0 ... count - 1), or NULL. */
int blk_count(void);
struct blkdev *blk_get(int i);

/* Queue r on d. Returns 0 (r completes later: r->done runs, blk_wait returns), or at once
 * -EINVAL (no sectors, or past the end of the device), -EROFS (a write to a read-only device),
 * -EIO (the device is broken). */
int blk_submit(struct blkdev *d, struct blk_request *r);
/* Wait for a submitted request; returns its status. */
int blk_wait(struct blk_request *r);

/* Blocking: 0 or a negative errno as above. */
int blk_read(struct blkdev *d, uint64_t sector, void *buf, uint32_t count);
int blk_write(struct blkdev *d, uint64_t sector, const void *buf, uint32_t count);
int blk_flush(struct blkdev *d);

/* For discovery: add a device a driver brought up (0, or -ENOSPC when the table is full); the
 * i-th added so far, or NULL. Neither finds devices. */
int blk_register(struct blkdev *d);
struct blkdev *blk_registered(int i);

/* For drivers: finish a request (thread context). */
void blk_complete(struct blk_request *r, int status);
#endif
