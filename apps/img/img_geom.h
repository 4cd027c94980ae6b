/* Cutting and turning images (img_pixels.h): pure functions over pixel buffers, so
 * tests/unit/test_img.c runs them on the host. */
#ifndef IMG_GEOM_H
#define IMG_GEOM_H
#include "img_pixels.h"

/* Keep the rectangle x, y, w x h of im, which must lie inside it, in place: the rows move to the
 * front of im->px (no second buffer) and im->w, im->h become w, h. */
void img_crop(struct img *im, unsigned x, unsigned y, unsigned w, unsigned h);

/* src turned clockwise by deg (90, 180 or 270) into dst->px, which must hold as many bytes as
 * src; dst's w, h and channels are set (w and h swap for 90 and 270). */
void img_rotate(const struct img *src, unsigned deg, struct img *dst);
#endif
