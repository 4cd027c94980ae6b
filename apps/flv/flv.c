#include "flv.h"
#include <string.h>

#define FLV_VERSION 1
#define PARAM "start"

/* A big-endian UI32, as every FLV number is. */
static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

int flv_start_param(const char *q, size_t len, uint64_t *start, const char **reason)
{
    const char *e = q ? q + len : q, *v = NULL, *ve = NULL;
    /* parameters are name=value, separated by '&'; others are none of ours */
    for (const char *p = q; p && p < e;) {
        const char *amp = memchr(p, '&', (size_t)(e - p)), *pe = amp ? amp : e;
        size_t n = (size_t)(pe - p);
        int valued = n >= sizeof PARAM && !memcmp(p, PARAM "=", sizeof PARAM);
        if (valued || (n == sizeof PARAM - 1 && !memcmp(p, PARAM, n))) {   /* bare "start": empty */
            if (v) {
                *reason = "start is given twice";
                return -1;
            }
            v = valued ? p + sizeof PARAM : pe, ve = pe;
        }
        p = pe + 1;
    }
    if (!v)
        return 0;
    uint64_t n = 0;
    const char *p = v;
    for (; p < ve && *p >= '0' && *p <= '9'; p++) {
        unsigned d = (unsigned)(*p - '0');
        n = n > (UINT64_MAX - d) / 10 ? UINT64_MAX : n * 10 + d;
    }
    if (p == v || p != ve) {
        *reason = "start is not a byte offset (digits only)";
        return -1;
    }
    *start = n;
    return 1;
}

int flv_parse_header(const unsigned char *b, size_t n, uint8_t *flags, uint64_t *body)
{
    if (n < FLV_HEADER_LEN || memcmp(b, "FLV", 3) || b[3] != FLV_VERSION)
        return -1;
    uint32_t offset = be32(b + 5);
    if (offset < FLV_HEADER_LEN)
        return -1;                      /* DataOffset is the header's own length: 9 at least */
    *flags = b[4];
    *body = (uint64_t)offset + FLV_TAG_SIZE_LEN;
    return 0;
}

const char *flv_check_start(uint64_t start, uint64_t body, uint64_t size)
{
    if (start >= size)
        return "start is at or past the end of the file";
    if (start < body)
        return "start is inside the FLV header";
    return NULL;
}

void flv_seek_prefix(uint8_t flags, unsigned char out[FLV_SEEK_PREFIX_LEN])
{
    memcpy(out, "FLV", 3);
    out[3] = FLV_VERSION;
    out[4] = flags;
    put_be32(out + 5, FLV_HEADER_LEN);
    put_be32(out + FLV_HEADER_LEN, 0);  /* PreviousTagSize0: no tag before the first */
}
