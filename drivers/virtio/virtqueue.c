#include "virtqueue.h"
#include <errno.h>
#include "../../kernel/format.h"
#include <string.h>

static void cpu_fence(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

static size_t align_up(size_t x, size_t a) { return (x + a - 1) & ~(a - 1); }
static size_t desc_bytes(uint16_t size) { return 16u * size; }
static size_t avail_bytes(uint16_t size) { return 6u + 2u * size; }
static size_t used_bytes(uint16_t size) { return 6u + 8u * size; }
static size_t ring_bytes(uint16_t size) { return align_up(align_up(desc_bytes(size) + avail_bytes(size), VQ_ALIGN) + used_bytes(size), VQ_ALIGN); }

size_t vq_bytes(uint16_t size, uint16_t indirect_max)
{
    return ring_bytes(size) + (size_t)size * indirect_max * sizeof(struct vring_desc) +
           (size_t)size * (sizeof(uint16_t) + sizeof(struct vq_slot));
}

void vq_init(struct virtq *vq, const char *name, uint16_t index, uint16_t size, void *mem,
             uint16_t indirect_max, int event_idx)
{
    char *p = mem;
    memset(vq, 0, sizeof *vq);
    ksnprintf(vq->name, sizeof vq->name, "%s queue %u", name, index);
    vq->size = size;
    vq->index = index;
    vq->desc = (struct vring_desc *)p;
    vq->avail = (struct vring_avail *)(p + desc_bytes(size));
    vq->used = (struct vring_used *)(p + align_up(desc_bytes(size) + avail_bytes(size), VQ_ALIGN));
    p += ring_bytes(size);
    vq->indirect = indirect_max ? (struct vring_desc *)p : NULL;
    vq->indirect_max = indirect_max;
    p += (size_t)size * indirect_max * sizeof(struct vring_desc);
    vq->next = (uint16_t *)p;
    vq->slots = (struct vq_slot *)(p + (size_t)size * sizeof(uint16_t));
    vq->event_idx = event_idx;
    vq->fence = cpu_fence;
    for (uint16_t i = 0; i < size; i++)
        vq->next[i] = (uint16_t)(i + 1);
    vq->free_head = 0;
    vq->num_free = size;
}

static void *used_event(struct virtq *vq) { return &vq->avail->ring[vq->size]; }
static void *avail_event(struct virtq *vq) { return &vq->used->ring[vq->size]; }

static int fail(struct virtq *vq, const char *what, unsigned a, unsigned b)
{
    if (!vq->broken)
        ksnprintf(vq->error, sizeof vq->error, what, a, b);
    vq->broken = 1;
    return -EIO;
}

static void fill(struct vring_desc *d, const struct vq_buf *b)
{
    d->addr = (uintptr_t)b->addr;         /* identity mapped: the address is the physical one */
    d->len = b->len;
    d->flags = b->device_writes ? VRING_DESC_F_WRITE : 0;
}

int vq_add(struct virtq *vq, const struct vq_buf *bufs, int n, void *cookie)
{
    if (vq->broken)
        return -EIO;
    if (n <= 0)
        return -EINVAL;
    int indirect = n > 1 && n <= vq->indirect_max;
    int need = indirect ? 1 : n;
    if (vq->num_free < need)
        return -ENOSPC;

    uint16_t head = vq->free_head, last = head;
    uint32_t writable = 0;
    for (int i = 0; i < n; i++)
        writable += bufs[i].device_writes ? bufs[i].len : 0;
    if (indirect) {
        struct vring_desc *table = vq->indirect + (size_t)head * vq->indirect_max;
        for (int i = 0; i < n; i++) {
            fill(&table[i], &bufs[i]);
            if (i + 1 < n) {
                table[i].flags |= VRING_DESC_F_NEXT;
                table[i].next = (uint16_t)(i + 1);
            }
        }
        vq->desc[head] = (struct vring_desc){ (uintptr_t)table, (uint32_t)(n * sizeof *table), VRING_DESC_F_INDIRECT, 0 };
    } else {
        uint16_t d = head;
        for (int i = 0; i < n; i++) {
            fill(&vq->desc[d], &bufs[i]);
            last = d;
            d = vq->next[d];
            if (i + 1 < n) {
                vq->desc[last].flags |= VRING_DESC_F_NEXT;
                vq->desc[last].next = d;
            }
        }
    }
    vq->free_head = vq->next[last];
    vq->num_free -= need;
    vq->slots[head] = (struct vq_slot){ cookie, writable, (uint16_t)need, 1 };
    vq->in_flight++;

    uint16_t idx = vq->avail->idx;
    vq->avail->ring[idx & (vq->size - 1)] = head;
    __atomic_store_n(&vq->avail->idx, (uint16_t)(idx + 1), __ATOMIC_RELEASE);  /* ring entry first */
    return 0;
}

int vq_kick_needed(struct virtq *vq)
{
    uint16_t new_idx = vq->avail->idx, old = vq->kicked_avail;
    if (new_idx == old)
        return 0;
    vq->kicked_avail = new_idx;
    vq->fence();                                /* our avail->idx store before reading the device's hints */
    if (vq->event_idx) {                        /* §2.7.10: notify if avail_event lies in (old, new] */
        uint16_t event = __atomic_load_n((uint16_t *)avail_event(vq), __ATOMIC_ACQUIRE);
        return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
    }
    return !(__atomic_load_n(&vq->used->flags, __ATOMIC_ACQUIRE) & VRING_USED_F_NO_NOTIFY);
}

int vq_pop(struct virtq *vq, void **cookie, uint32_t *len)
{
    if (vq->broken)
        return -EIO;
    uint16_t used_idx = __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE);
    if (used_idx == vq->last_used)
        return 0;
    if ((uint16_t)(used_idx - vq->last_used) > vq->in_flight)
        return fail(vq, "used index jumped by %u with only %u requests in flight",
                    (uint16_t)(used_idx - vq->last_used), vq->in_flight);
    struct vring_used_elem e = vq->used->ring[vq->last_used & (vq->size - 1)];
    if (e.id >= vq->size || !vq->slots[e.id].in_flight)
        return fail(vq, "returned descriptor %u, which was not in flight (ring of %u)", e.id, vq->size);
    struct vq_slot *s = &vq->slots[e.id];
    if (e.len > s->writable)
        return fail(vq, "claims it wrote %u bytes into a buffer of %u", e.len, s->writable);

    /* give the chain back, following our own copy of it, never what the device may have changed */
    uint16_t last = (uint16_t)e.id;
    for (int i = 1; i < s->ndesc; i++)
        last = vq->next[last];
    vq->next[last] = vq->free_head;
    vq->free_head = (uint16_t)e.id;
    vq->num_free += s->ndesc;
    vq->in_flight--;
    *cookie = s->cookie;
    *len = e.len;
    s->in_flight = 0;
    vq->last_used++;
    /* Keep asking for an interrupt at the next entry. Whoever pops (a service thread, or a
     * sender taking finished buffers off a full ring) moves this along; a stale used_event
     * would silence the device until its index wrapped around. */
    if (vq->event_idx)
        __atomic_store_n((uint16_t *)used_event(vq), vq->last_used, __ATOMIC_RELEASE);
    return 1;
}

int vq_arm_interrupt(struct virtq *vq)
{
    if (vq->event_idx)
        __atomic_store_n((uint16_t *)used_event(vq), vq->last_used, __ATOMIC_RELEASE);
    else
        vq->avail->flags = 0;
    vq->fence();                                /* the request above before looking again */
    return __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE) != vq->last_used;
}
