#include "checksum.h"
#include <errno.h>

int checksum_complete(uint8_t *frame, size_t len, uint16_t start, uint16_t offset)
{
    size_t at = (size_t)start + offset;
    if (at + 2 > len)
        return -EINVAL;
    uint64_t sum = 0;                  /* 16-bit big-endian words; a frame cannot overflow it */
    size_t i = start;
    for (; i + 1 < len; i += 2)
        sum += (uint32_t)frame[i] << 8 | frame[i + 1];
    if (i < len)                       /* an odd last byte is padded with a zero */
        sum += (uint32_t)frame[i] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    uint16_t result = (uint16_t)~sum;
    if (result == 0)
        result = 0xffff;
    frame[at] = (uint8_t)(result >> 8);
    frame[at + 1] = (uint8_t)result;
    return 0;
}
