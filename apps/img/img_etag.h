/* Cache keys and entity tags of the img app: what names one result. */
#ifndef IMG_ETAG_H
#define IMG_ETAG_H
#include "img_params.h"
#include <stdint.h>

#define IMG_ETAG_LEN 19                 /* '"', 16 hex digits, '"', NUL */
#define IMG_CACHE_KEY_MAX (1024 + IMG_KEY_MAX + 48)

/* The key of path's result under p, for a file of that mtime and size (a changed file is a new
 * key: its old results are never served, and leave the cache as it fills). Returns 0, or -1
 * when it does not fit cap. */
int img_cache_key(const char *path, const struct img_params *p, int64_t mtime, uint64_t size, char *out,
                  size_t cap);

/* The strong entity tag of a key (RFC 9110 §8.8.3): a 64-bit FNV-1a hash of it, quoted. */
void img_etag(const char *key, char out[IMG_ETAG_LEN]);
#endif
