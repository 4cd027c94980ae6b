/* Results of transformations kept in memory, least recently used first out, within a byte
 * budget. An entry being sent is held (img_cache_get/put take a hold, img_cache_release drops
 * it): an entry pushed out while held leaves the cache at once but is freed only when its last
 * holder lets go, so a connection never sends freed memory. The module owns its entries. */
#ifndef IMG_CACHE_H
#define IMG_CACHE_H
#include <stddef.h>
#include <stdint.h>

struct img_entry {
    const uint8_t *data;
    size_t len;
    const char *type;                   /* Content-Type: a string constant */
};

/* The budget for the bytes of all entries (0: keep nothing). */
void img_cache_init(size_t budget);

/* The entry for key, held, made most recently used; NULL when there is none. */
const struct img_entry *img_cache_get(const char *key);

/* A new entry for key with data[0..len) (the cache takes data, which must be malloc'd), held.
 * Older entries go until the rest fits the budget; one larger than the budget is not kept, but
 * still returned (freed at its release). NULL when memory for it is short (data is freed). */
const struct img_entry *img_cache_put(const char *key, uint8_t *data, size_t len, const char *type);

/* Drop a hold that get or put gave (e is a const struct img_entry *, as the server's release
 * callback passes it back). */
void img_cache_release(void *e);

/* Bytes of the entries in the cache now (held ones that were pushed out not counted). */
size_t img_cache_bytes(void);
#endif
