/* Scaling an image (img_pixels.h) by area averaging: each output pixel is the mean of the source
 * area it covers, partial source pixels weighted by how much of them it covers. Down, that is a
 * box filter that leaves no aliasing; up, it repeats pixels and blends only at their edges. Pure,
 * so tests/unit/test_img.c runs it on the host. */
#ifndef IMG_SCALE_H
#define IMG_SCALE_H
#include "img_pixels.h"

/* src scaled to dst->w x dst->h into dst->px (which must hold that many pixels of src's
 * channels; dst->channels is set). Sides up to IMG_MAX_SIDE out and any source within memory.
 * Returns 0, or -1 when memory for one row of sums is short. */
int img_scale(const struct img *src, struct img *dst);
#endif
