#include "img_etag.h"
#include <stdio.h>

#define FNV_OFFSET 0xcbf29ce484222325ull    /* FNV-1a, 64 bits (draft-eastlake-fnv) */
#define FNV_PRIME 0x100000001b3ull

int img_cache_key(const char *path, const struct img_params *p, int64_t mtime, uint64_t size, char *out,
                  size_t cap)
{
    char params[IMG_KEY_MAX];
    img_params_key(p, params);
    int n = snprintf(out, cap, "%s?%s@%lld:%llu", path, params, (long long)mtime, (unsigned long long)size);
    return n >= 0 && (size_t)n < cap ? 0 : -1;
}

void img_etag(const char *key, char out[IMG_ETAG_LEN])
{
    uint64_t h = FNV_OFFSET;
    for (const unsigned char *k = (const unsigned char *)key; *k; k++)
        h = (h ^ *k) * FNV_PRIME;
    snprintf(out, IMG_ETAG_LEN, "\"%016llx\"", (unsigned long long)h);
}
