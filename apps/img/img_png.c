/* PNG through libpng's simplified API (png.h, "SIMPLIFIED API"; libpng-manual.txt section V):
 * memory in and out, and errors come back as a return value with image.message, libpng's own
 * setjmp catching them inside. png_image_begin_read_from_memory reads only up to the image data
 * (png_read_info), so the size is known before any pixel is decoded. */
#include "img_codec.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>

#define BACKGROUND 0xff                 /* what transparent pixels turn into: white */

static char message[sizeof ((png_image *)0)->message + 64];

int img_decode_png(const uint8_t *data, size_t len, uint64_t max_pixels, struct img *im, const char **why)
{
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    *why = message;
    if (!png_image_begin_read_from_memory(&pi, data, len)) {
        snprintf(message, sizeof message, "%s", pi.message);
        png_image_free(&pi);
        return 422;
    }
    if ((uint64_t)pi.width * pi.height > max_pixels) {
        snprintf(message, sizeof message, "%ux%u is above the budget of %llu pixels", (unsigned)pi.width,
                 (unsigned)pi.height, (unsigned long long)max_pixels);
        png_image_free(&pi);
        return 413;
    }
    pi.format = pi.format & PNG_FORMAT_FLAG_COLOR ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
    im->w = pi.width, im->h = pi.height, im->channels = PNG_IMAGE_PIXEL_CHANNELS(pi.format);
    size_t bytes = img_bytes(im->w, im->h, im->channels);
    if (!bytes || !(im->px = malloc(bytes))) {
        snprintf(message, sizeof message, "memory is short for %ux%u pixels", im->w, im->h);
        png_image_free(&pi);
        return 503;
    }
    /* with no background colour given, alpha is removed by compositing onto the buffer as it is */
    memset(im->px, BACKGROUND, bytes);
    if (!png_image_finish_read(&pi, NULL, im->px, 0, NULL)) {
        snprintf(message, sizeof message, "%s", pi.message);
        png_image_free(&pi);
        free(im->px);
        im->px = NULL;
        return 422;
    }
    return 200;
}

int img_encode_png(const struct img *im, uint8_t **out, size_t *len)
{
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    pi.width = im->w, pi.height = im->h;
    pi.format = im->channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
    /* the first call, with no buffer, says how much room the second needs (png.h) */
    if (!png_image_write_to_memory(&pi, NULL, len, 0, im->px, 0, NULL) || !(*out = malloc(*len)))
        return -1;
    if (!png_image_write_to_memory(&pi, *out, len, 0, im->px, 0, NULL)) {
        free(*out);
        return -1;
    }
    return 0;
}
