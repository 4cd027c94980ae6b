#include "img_codec.h"
#include <string.h>

enum img_type img_sniff(const uint8_t *b, size_t n)
{
    static const uint8_t png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };     /* PNG spec §5.2 */
    if (n >= sizeof png && !memcmp(b, png, sizeof png))
        return IMG_TYPE_PNG;
    if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)                     /* SOI, then a marker */
        return IMG_TYPE_JPEG;
    return IMG_TYPE_UNKNOWN;
}
