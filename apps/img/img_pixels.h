/* An image in memory as every part of the img app passes it: 8-bit samples, 1 (gray) or 3 (RGB)
 * channels interleaved, rows top to bottom with no padding. */
#ifndef IMG_PIXELS_H
#define IMG_PIXELS_H
#include <stddef.h>
#include <stdint.h>

struct img {
    unsigned w, h, channels;
    uint8_t *px;                        /* w * h * channels bytes, malloc'd by whoever made it */
};

/* The bytes of a w x h image of `channels`, or 0 when that does not fit in a size_t (then no
 * buffer can hold it: the caller refuses the image). */
static inline size_t img_bytes(unsigned w, unsigned h, unsigned channels)
{
    size_t row = (size_t)w * channels;
    if (h && row > SIZE_MAX / h)
        return 0;
    return row * h;
}
#endif
