#include "img_geom.h"
#include <string.h>

void img_crop(struct img *im, unsigned x, unsigned y, unsigned w, unsigned h)
{
    size_t c = im->channels, from = (size_t)im->w * c, to = (size_t)w * c;
    /* row r moves from (y + r) * from + x * c to r * to, never later than where it was: going
     * forward, a row is read before anything is written over it (memmove for the overlap) */
    for (unsigned r = 0; r < h; r++)
        memmove(im->px + r * to, im->px + (y + r) * from + x * c, to);
    im->w = w, im->h = h;
}

void img_rotate(const struct img *src, unsigned deg, struct img *dst)
{
    unsigned sw = src->w, sh = src->h, c = src->channels;
    int turned = deg != 180;
    dst->w = turned ? sh : sw, dst->h = turned ? sw : sh, dst->channels = c;
    for (unsigned y = 0; y < dst->h; y++)
        for (unsigned x = 0; x < dst->w; x++) {
            /* the source pixel that lands on (x, y): clockwise 90 brings the bottom-left corner
             * to the top-left, 270 the top-right, 180 the bottom-right */
            unsigned sx = deg == 90 ? y : deg == 270 ? sw - 1 - y : sw - 1 - x;
            unsigned sy = deg == 90 ? sh - 1 - x : deg == 270 ? x : sh - 1 - y;
            memcpy(dst->px + ((size_t)y * dst->w + x) * c, src->px + ((size_t)sy * sw + sx) * c, c);
        }
}
