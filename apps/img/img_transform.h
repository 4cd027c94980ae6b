/* One request's work on one image file: decode, then crop, rotate, scale as img_plan says, and
 * encode. Memory is one decoded buffer at a time plus the next step's: each step frees what it
 * came from. */
#ifndef IMG_TRANSFORM_H
#define IMG_TRANSFORM_H
#include "img_params.h"
#include <stddef.h>
#include <stdint.h>

#define IMG_DEFAULT_QUALITY 85

/* The file file[0..len) transformed as p asks. 200 with *out (malloc'd), *out_len and *type
 * (Content-Type); otherwise the status and *why: 400 (a crop outside the image), 413 (above
 * max_pixels, told by the header alone), 415 (not JPEG or PNG, or a kind not decoded), 422
 * (malformed), 503 (memory short). */
int img_transform(const uint8_t *file, size_t len, const struct img_params *p, uint64_t max_pixels,
                  uint8_t **out, size_t *out_len, const char **type, const char **why);
#endif
