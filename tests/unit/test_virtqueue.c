/* drivers/virtio/virtqueue.c against a simulated device: normal requests, direct and indirect,
 * a full ring, notification suppression, and a device that breaks the rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../drivers/virtio/virtqueue.h"

#define SIZE 8

struct fixture {
    struct virtq vq;
    void *mem;
    uint16_t device_avail;            /* the simulated device's place in the avail ring */
};

static struct fixture *make(uint16_t indirect_max, int event_idx)
{
    struct fixture *f = calloc(1, sizeof *f);
    size_t n = vq_bytes(SIZE, indirect_max);
    f->mem = aligned_alloc(4096, (n + 4095) & ~4095ul);
    memset(f->mem, 0, n);
    vq_init(&f->vq, "test", 0, SIZE, f->mem, indirect_max, event_idx);
    return f;
}

static void destroy(struct fixture *f) { free(f->mem); free(f); }

/* The device takes the next available request and completes it, saying it wrote `len`. Returns
 * the descriptors it saw (1 for an indirect one). */
static int device_complete(struct fixture *f, uint32_t len)
{
    struct virtq *vq = &f->vq;
    assert_true(vq->avail->idx != f->device_avail);
    uint16_t head = vq->avail->ring[f->device_avail++ % SIZE];
    int n = 1;
    for (uint16_t d = head; vq->desc[d].flags & VRING_DESC_F_NEXT; d = vq->desc[d].next)
        n++;
    uint16_t u = vq->used->idx;
    vq->used->ring[u % SIZE] = (struct vring_used_elem){ head, len };
    vq->used->idx = (uint16_t)(u + 1);
    return n;
}

static void round_trip_direct(void **state)
{
    (void)state;
    struct fixture *f = make(0, 0);
    char hdr[16], data[512], status;
    struct vq_buf bufs[] = { { hdr, sizeof hdr, 0 }, { data, sizeof data, 1 }, { &status, 1, 1 } };
    assert_int_equal(vq_add(&f->vq, bufs, 3, (void *)0x1234), 0);
    assert_int_equal(f->vq.num_free, SIZE - 3);
    assert_true(vq_kick_needed(&f->vq));
    assert_false(vq_kick_needed(&f->vq));        /* nothing new since */
    void *cookie;
    uint32_t len;
    assert_int_equal(vq_pop(&f->vq, &cookie, &len), 0);
    assert_int_equal(device_complete(f, 513), 3);
    assert_int_equal(vq_pop(&f->vq, &cookie, &len), 1);
    assert_ptr_equal(cookie, (void *)0x1234);
    assert_int_equal(len, 513);
    assert_int_equal(f->vq.num_free, SIZE);
    assert_int_equal(vq_pop(&f->vq, &cookie, &len), 0);
    destroy(f);
}

static void indirect_uses_one_slot(void **state)
{
    (void)state;
    struct fixture *f = make(4, 0);
    char a[8], b[8], c[8];
    struct vq_buf bufs[] = { { a, 8, 0 }, { b, 8, 1 }, { c, 8, 1 } };
    for (int i = 0; i < SIZE; i++)
        assert_int_equal(vq_add(&f->vq, bufs, 3, (void *)(long)(i + 1)), 0);
    assert_int_equal(vq_add(&f->vq, bufs, 3, NULL), -ENOSPC);
    uint16_t head = f->vq.avail->ring[0];
    assert_true(f->vq.desc[head].flags & VRING_DESC_F_INDIRECT);
    assert_int_equal(f->vq.desc[head].len, 3 * sizeof(struct vring_desc));
    struct vring_desc *table = (struct vring_desc *)(uintptr_t)f->vq.desc[head].addr;
    assert_int_equal(table[1].flags, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT);
    assert_int_equal(table[2].flags, VRING_DESC_F_WRITE);
    for (int i = 0; i < SIZE; i++) {
        void *cookie;
        uint32_t len;
        device_complete(f, 16);
        assert_int_equal(vq_pop(&f->vq, &cookie, &len), 1);
        assert_int_equal((long)cookie, i + 1);
    }
    assert_int_equal(vq_add(&f->vq, bufs, 3, NULL), 0);
    destroy(f);
}

static void full_ring_then_room_again(void **state)
{
    (void)state;
    struct fixture *f = make(0, 0);
    char x[4];
    struct vq_buf two[] = { { x, 4, 0 }, { x, 4, 1 } };
    for (int i = 0; i < SIZE / 2; i++)
        assert_int_equal(vq_add(&f->vq, two, 2, NULL), 0);
    assert_int_equal(vq_add(&f->vq, two, 1, NULL), -ENOSPC);
    assert_int_equal(vq_add(&f->vq, two, 0, NULL), -EINVAL);
    void *cookie;
    uint32_t len;
    device_complete(f, 0);
    assert_int_equal(vq_pop(&f->vq, &cookie, &len), 1);
    assert_int_equal(vq_add(&f->vq, two, 2, NULL), 0);
    destroy(f);
}

static void event_idx_suppresses_kicks(void **state)
{
    (void)state;
    struct fixture *f = make(0, 1);
    char x[4];
    struct vq_buf one = { x, 4, 0 };
    uint16_t *avail_event = (uint16_t *)&f->vq.used->ring[SIZE];
    *avail_event = 0;                            /* the device wants to hear of entry 0 */
    vq_add(&f->vq, &one, 1, NULL);
    assert_true(vq_kick_needed(&f->vq));
    vq_add(&f->vq, &one, 1, NULL);               /* entry 1: the device did not ask */
    assert_false(vq_kick_needed(&f->vq));
    *avail_event = 2;
    vq_add(&f->vq, &one, 1, NULL);
    assert_true(vq_kick_needed(&f->vq));
    uint16_t *used_event = &f->vq.avail->ring[SIZE];
    device_complete(f, 0);
    void *cookie;
    uint32_t len;
    assert_int_equal(vq_pop(&f->vq, &cookie, &len), 1);
    assert_int_equal(*used_event, 1);            /* popping keeps the interrupt armed for the next */
    assert_false(vq_arm_interrupt(&f->vq));
    device_complete(f, 0);
    assert_true(vq_arm_interrupt(&f->vq));       /* one came in meanwhile: pop, do not sleep */
    destroy(f);
}

static void used_index_jump_breaks_the_queue(void **state)
{
    (void)state;
    struct fixture *f = make(0, 0);
    char x[4];
    struct vq_buf one = { x, 4, 1 };
    vq_add(&f->vq, &one, 1, NULL);
    f->vq.used->idx = 5;                         /* five done, one in flight */
    void *cookie;
    uint32_t len;
    assert_int_equal(vq_pop(&f->vq, &cookie, &len), -EIO);
    assert_non_null(strstr(f->vq.error, "jumped by 5 with only 1"));
    assert_int_equal(vq_add(&f->vq, &one, 1, NULL), -EIO);   /* broken stays broken */
    destroy(f);
}

static void unknown_id_and_long_length_are_refused(void **state)
{
    (void)state;
    struct fixture *f = make(0, 0);
    char x[4];
    struct vq_buf one = { x, 4, 1 };
    vq_add(&f->vq, &one, 1, NULL);
    f->vq.used->ring[0] = (struct vring_used_elem){ 6, 4 };   /* never given out */
    f->vq.used->idx = 1;
    void *cookie;
    uint32_t len;
    assert_int_equal(vq_pop(&f->vq, &cookie, &len), -EIO);
    assert_non_null(strstr(f->vq.error, "descriptor 6, which was not in flight"));
    assert_non_null(strstr(f->vq.error, ""));
    destroy(f);

    f = make(0, 0);
    vq_add(&f->vq, &one, 1, NULL);
    device_complete(f, 4096);                    /* wrote more than the 4-byte buffer */
    assert_int_equal(vq_pop(&f->vq, &cookie, &len), -EIO);
    assert_non_null(strstr(f->vq.error, "wrote 4096 bytes into a buffer of 4"));
    assert_int_equal(f->vq.num_free, SIZE - 1);  /* nothing given back on a bad answer */
    destroy(f);

    f = make(0, 0);
    struct vq_buf ro = { x, 4, 0 };
    vq_add(&f->vq, &ro, 1, NULL);
    device_complete(f, 1);                       /* "wrote" into a read-only buffer */
    assert_int_equal(vq_pop(&f->vq, &cookie, &len), -EIO);
    destroy(f);
}

static void same_id_twice_is_refused(void **state)
{
    (void)state;
    struct fixture *f = make(0, 0);
    char x[4];
    struct vq_buf one = { x, 4, 1 };
    vq_add(&f->vq, &one, 1, NULL);
    vq_add(&f->vq, &one, 1, NULL);
    uint16_t head = f->vq.avail->ring[0];
    f->vq.used->ring[0] = (struct vring_used_elem){ head, 0 };
    f->vq.used->ring[1] = (struct vring_used_elem){ head, 0 };
    f->vq.used->idx = 2;
    void *cookie;
    uint32_t len;
    assert_int_equal(vq_pop(&f->vq, &cookie, &len), 1);
    assert_int_equal(vq_pop(&f->vq, &cookie, &len), -EIO);
    destroy(f);
}

/* The two store-then-load handshakes (virtio 1.2 §2.7.10 for kicks, §2.7.7 for interrupts) must
 * have the fence between the store and the load. The simulated device's own update lands at the
 * fence: a driver that read before it would miss it, and the queue would stall. */
static struct fixture *fenced;
static int fences;

static void kick_fence(void)
{
    fences++;
    assert_int_equal(fenced->vq.avail->idx, 1);                /* the new entry is published */
    *(uint16_t *)&fenced->vq.used->ring[SIZE] = 0;             /* the device: "tell me of entry 0" */
}

static void interrupt_fence(void)
{
    fences++;
    assert_int_equal(fenced->vq.avail->ring[SIZE], fenced->vq.last_used);   /* used_event is set */
    fenced->vq.used->ring[0] = (struct vring_used_elem){ 0, 0 };
    fenced->vq.used->idx = 1;                                  /* the device completes the request */
}

static void handshakes_read_after_the_fence(void **state)
{
    (void)state;
    fenced = make(0, 1);
    char data[64];
    struct vq_buf buf = { data, sizeof data, 1 };
    *(uint16_t *)&fenced->vq.used->ring[SIZE] = 0x8000;        /* the device wants no kick yet */
    fenced->vq.fence = kick_fence;
    fences = 0;
    assert_int_equal(vq_add(&fenced->vq, &buf, 1, NULL), 0);
    assert_true(vq_kick_needed(&fenced->vq));                  /* it read the hint after the fence */
    assert_int_equal(fences, 1);
    assert_false(vq_kick_needed(&fenced->vq));                 /* nothing new: no fence either */
    assert_int_equal(fences, 1);

    fenced->vq.fence = interrupt_fence;
    assert_true(vq_arm_interrupt(&fenced->vq));                /* it looked again after the fence */
    assert_int_equal(fences, 2);
    destroy(fenced);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_direct),
        cmocka_unit_test(indirect_uses_one_slot),
        cmocka_unit_test(full_ring_then_room_again),
        cmocka_unit_test(event_idx_suppresses_kicks),
        cmocka_unit_test(used_index_jump_breaks_the_queue),
        cmocka_unit_test(unknown_id_and_long_length_are_refused),
        cmocka_unit_test(same_id_twice_is_refused),
        cmocka_unit_test(handshakes_read_after_the_fence),
    };
    return cmocka_run_group_tests_name("virtqueue", tests, NULL, NULL);
}
