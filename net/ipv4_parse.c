#include "ipv4_parse.h"
#include <errno.h>
#include <string.h>

#define QUAD_PARTS 4
#define PART_DIGITS_MAX 3
#define PART_MAX 255

int ipv4_parse(const char *s, const char *end, uint8_t out[4])
{
    if (!end)
        end = s + strlen(s);
    for (int part = 0; part < QUAD_PARTS; part++) {
        unsigned v = 0;
        int digits = 0;
        while (s < end && *s >= '0' && *s <= '9' && digits < PART_DIGITS_MAX)
            v = v * 10 + (unsigned)(*s++ - '0'), digits++;
        if (!digits || v > PART_MAX)
            return -EINVAL;
        out[part] = (uint8_t)v;
        if (part < QUAD_PARTS - 1 && (s == end || *s++ != '.'))
            return -EINVAL;
    }
    return s == end ? 0 : -EINVAL;
}
