#include "img_scale.h"
#include <stdlib.h>

/* Lengths are measured in units where a source pixel is dw wide and an output pixel sw wide
 * (both then span sw * dw across the row), so every overlap is a whole number: exact weights
 * with integer arithmetic. The same holds down the columns with sh and dh. */

/* Add row `row` of src, horizontally scaled to dw pixels and weighted by wv, into acc (dw *
 * channels sums). Each output pixel's horizontal weights add up to sw. */
static void add_row(const struct img *src, unsigned row, unsigned dw, uint64_t wv, uint64_t *acc)
{
    unsigned sw = src->w, c = src->channels;
    const uint8_t *in = src->px + (size_t)row * sw * c;
    for (unsigned j = 0; j < dw; j++) {
        uint64_t start = (uint64_t)j * sw, end = start + sw;
        for (uint64_t i = start / dw; i * dw < end; i++) {
            uint64_t lo = i * dw > start ? i * dw : start;
            uint64_t hi = (i + 1) * dw < end ? (i + 1) * dw : end;
            uint64_t wt = (hi - lo) * wv;
            for (unsigned k = 0; k < c; k++)
                acc[(size_t)j * c + k] += wt * in[i * c + k];
        }
    }
}

int img_scale(const struct img *src, struct img *dst)
{
    unsigned sh = src->h, dw = dst->w, dh = dst->h, c = src->channels;
    size_t n = (size_t)dw * c;
    uint64_t *acc = malloc(n * sizeof *acc);
    if (!acc)
        return -1;
    dst->channels = c;
    uint64_t total = (uint64_t)src->w * sh;             /* the weight of each output pixel */
    for (unsigned y = 0; y < dh; y++) {
        for (size_t k = 0; k < n; k++)
            acc[k] = 0;
        uint64_t start = (uint64_t)y * sh, end = start + sh;
        for (uint64_t i = start / dh; i * dh < end; i++) {
            uint64_t lo = i * dh > start ? i * dh : start;
            uint64_t hi = (i + 1) * dh < end ? (i + 1) * dh : end;
            add_row(src, (unsigned)i, dw, hi - lo, acc);
        }
        uint8_t *out = dst->px + (size_t)y * n;
        for (size_t k = 0; k < n; k++)
            out[k] = (uint8_t)((acc[k] + total / 2) / total);
    }
    free(acc);
    return 0;
}
