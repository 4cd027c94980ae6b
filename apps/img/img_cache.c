#include "img_cache.h"
#include <stdlib.h>
#include <string.h>

/* A doubly linked list, most recently used at the head. A lookup walks it: the budget keeps it
 * to a few hundred entries at most, and each result cost far more to make than a walk. */
struct node {
    struct img_entry e;                 /* first: a pointer to it is a pointer to the node */
    struct node *prev, *next;
    int holds;
    int cached;                         /* in the list (else it waits for its last release) */
    char key[];
};

static struct node *head, *tail;
static size_t budget, bytes;

void img_cache_init(size_t b)
{
    budget = b;
}

size_t img_cache_bytes(void)
{
    return bytes;
}

static void unlink_node(struct node *n)
{
    *(n->prev ? &n->prev->next : &head) = n->next;
    *(n->next ? &n->next->prev : &tail) = n->prev;
    n->prev = n->next = NULL;
}

static void push_front(struct node *n)
{
    n->prev = NULL, n->next = head;
    *(head ? &head->prev : &tail) = n;
    head = n;
}

static void destroy(struct node *n)
{
    free((void *)n->e.data);
    free(n);
}

/* Take n out of the cache; it is freed now, or at its last release. */
static void evict(struct node *n)
{
    unlink_node(n);
    n->cached = 0;
    bytes -= n->e.len;
    if (!n->holds)
        destroy(n);
}

const struct img_entry *img_cache_get(const char *key)
{
    for (struct node *n = head; n; n = n->next)
        if (!strcmp(n->key, key)) {
            unlink_node(n);
            push_front(n);
            n->holds++;
            return &n->e;
        }
    return NULL;
}

const struct img_entry *img_cache_put(const char *key, uint8_t *data, size_t len, const char *type)
{
    size_t kl = strlen(key) + 1;
    struct node *n = malloc(sizeof *n + kl);
    if (!n) {
        free(data);
        return NULL;
    }
    *n = (struct node){ .e = { .data = data, .len = len, .type = type }, .holds = 1 };
    memcpy(n->key, key, kl);
    for (struct node *old = head; old; old = old->next)
        if (!strcmp(old->key, key)) {   /* made again meanwhile (the file changed size back) */
            evict(old);
            break;
        }
    if (len > budget)
        return &n->e;                   /* served once, never kept */
    while (tail && bytes + len > budget)
        evict(tail);
    push_front(n);
    n->cached = 1;
    bytes += len;
    return &n->e;
}

void img_cache_release(void *e)
{
    struct node *n = e;
    if (--n->holds == 0 && !n->cached)
        destroy(n);
}
