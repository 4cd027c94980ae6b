/* JPEG (libjpeg-turbo, img_jpeg.c) and PNG (libpng, img_png.c) in and out of memory. Decoding
 * reads the header first and refuses an image above the pixel budget before any pixel is
 * decoded (decompression bombs); a malformed file is an error status with the library's own
 * words, never a crash: both libraries report errors by longjmp, which ends here. */
#ifndef IMG_CODEC_H
#define IMG_CODEC_H
#include "img_pixels.h"

enum img_type { IMG_TYPE_UNKNOWN, IMG_TYPE_JPEG, IMG_TYPE_PNG };

/* Which format the file's first n bytes announce (its signature, not its name). */
enum img_type img_sniff(const uint8_t *b, size_t n);

/* Decode data[0..len) into *im (im->px malloc'd; gray stays gray, everything else becomes RGB).
 * 200; 413 when the header says more than max_pixels; 415 when it is a kind we do not decode
 * (CMYK); 422 when it is malformed or truncated; 503 when memory is short. *why says which, in
 * words that stay valid until the next call. */
int img_decode_jpeg(const uint8_t *data, size_t len, uint64_t max_pixels, struct img *im, const char **why);
int img_decode_png(const uint8_t *data, size_t len, uint64_t max_pixels, struct img *im, const char **why);

/* Encode im; *out is malloc'd (free() it), *len its size. 0, or -1 (memory short). quality:
 * JPEG's 1..100. */
int img_encode_jpeg(const struct img *im, unsigned quality, uint8_t **out, size_t *len);
int img_encode_png(const struct img *im, uint8_t **out, size_t *len);
#endif
