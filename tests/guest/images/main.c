/* The image libraries in the guest (libs/: zlib, libpng, libjpeg-turbo built against newlib):
 * decodes each file named on the command line (JPEG or PNG, told by its signature; the host made
 * them with ImageMagick and put them in the initrd) and prints "NAME: WxH", which the harness
 * compares with what `identify` said. Then a round trip made in the guest alone: an image
 * encoded as JPEG and as PNG (zlib's deflate) in memory, and decoded back to the same size.
 * A file that does not decode is a failed check, not a crash: both libraries report errors
 * through longjmp, which must work on a cooperative thread's stack. */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

#include "../check.h"

#define MAX_FILE (4 << 20)
#define ROUND_W 97 /* odd sizes: rows that are not a multiple of an MCU or of 8 bytes */
#define ROUND_H 61

struct image {
    unsigned width, height, channels;
    unsigned char *pixels; /* width * height * channels bytes, rows top to bottom */
};

static unsigned char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = malloc(MAX_FILE);
    *len = buf ? fread(buf, 1, MAX_FILE, f) : 0;
    fclose(f);
    return buf;
}

/* libjpeg's default error handler calls exit(): jump back instead (example.txt, "setjmp"). */
struct jpeg_fail {
    struct jpeg_error_mgr mgr;
    jmp_buf back;
};

static void jpeg_fail_exit(j_common_ptr cinfo)
{
    struct jpeg_fail *fail = (struct jpeg_fail *)cinfo->err;
    (*cinfo->err->output_message)(cinfo);
    longjmp(fail->back, 1);
}

static int jpeg_decode(const unsigned char *data, size_t len, struct image *img)
{
    struct jpeg_decompress_struct cinfo;
    struct jpeg_fail fail;
    cinfo.err = jpeg_std_error(&fail.mgr);
    fail.mgr.error_exit = jpeg_fail_exit;
    img->pixels = NULL;
    if (setjmp(fail.back)) {
        jpeg_destroy_decompress(&cinfo);
        free(img->pixels);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, len);
    jpeg_read_header(&cinfo, TRUE);
    jpeg_start_decompress(&cinfo);
    img->width = cinfo.output_width;
    img->height = cinfo.output_height;
    img->channels = cinfo.output_components;
    size_t stride = (size_t)img->width * img->channels;
    img->pixels = malloc(stride * img->height);
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = img->pixels + stride * cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

static int jpeg_encode(const struct image *img, unsigned char **out, unsigned long *len)
{
    struct jpeg_compress_struct cinfo;
    struct jpeg_fail fail;
    cinfo.err = jpeg_std_error(&fail.mgr);
    fail.mgr.error_exit = jpeg_fail_exit;
    *out = NULL;
    *len = 0;
    if (setjmp(fail.back)) {
        jpeg_destroy_compress(&cinfo);
        return -1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, out, len);
    cinfo.image_width = img->width;
    cinfo.image_height = img->height;
    cinfo.input_components = img->channels;
    cinfo.in_color_space = JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, 85, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)img->width * img->channels;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = img->pixels + stride * cinfo.next_scanline;
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    return 0;
}

/* libpng's simplified API (png.h, "SIMPLIFIED API"): memory in, memory out, errors returned. */
static int png_decode(const unsigned char *data, size_t len, struct image *img)
{
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    img->pixels = NULL;
    if (!png_image_begin_read_from_memory(&pi, data, len))
        goto fail;
    pi.format = PNG_FORMAT_RGB;
    img->width = pi.width;
    img->height = pi.height;
    img->channels = 3;
    img->pixels = malloc(PNG_IMAGE_SIZE(pi));
    if (!img->pixels || !png_image_finish_read(&pi, NULL, img->pixels, 0, NULL))
        goto fail;
    return 0;
fail:
    printf("png: %s\n", pi.message);
    png_image_free(&pi);
    free(img->pixels);
    return -1;
}

static int png_encode(const struct image *img, unsigned char **out, size_t *len)
{
    png_image pi;
    memset(&pi, 0, sizeof pi);
    pi.version = PNG_IMAGE_VERSION;
    pi.width = img->width;
    pi.height = img->height;
    pi.format = PNG_FORMAT_RGB;
    *len = 0;
    /* The first call with no buffer tells the size (png.h, png_image_write_to_memory). */
    if (!png_image_write_to_memory(&pi, NULL, len, 0, img->pixels, 0, NULL))
        return -1;
    *out = malloc(*len);
    if (!*out || !png_image_write_to_memory(&pi, *out, len, 0, img->pixels, 0, NULL))
        return -1;
    return 0;
}

static int decode(const unsigned char *data, size_t len, struct image *img)
{
    static const unsigned char png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (len >= 8 && memcmp(data, png_sig, 8) == 0)
        return png_decode(data, len, img);
    if (len >= 3 && data[0] == 0xff && data[1] == 0xd8 && data[2] == 0xff)
        return jpeg_decode(data, len, img);
    return -1;
}

static void decode_file(const char *path)
{
    size_t len;
    unsigned char *data = read_file(path, &len);
    CHECK(data && len > 0, "%s: read (%zu bytes)", path, data ? len : 0);
    if (!data)
        return;
    struct image img;
    int ok = decode(data, len, &img) == 0;
    CHECK(ok, "%s: decodes", path);
    if (ok) {
        printf("%s: %ux%u\n", path, img.width, img.height);
        free(img.pixels);
    }
    free(data);
}

/* A gradient, so both encoders have something to compress. */
static void round_trip(void)
{
    struct image img = {ROUND_W, ROUND_H, 3, malloc(ROUND_W * ROUND_H * 3)};
    for (unsigned y = 0; y < ROUND_H; y++)
        for (unsigned x = 0; x < ROUND_W; x++) {
            unsigned char *p = img.pixels + (y * ROUND_W + x) * 3;
            p[0] = x * 255 / ROUND_W, p[1] = y * 255 / ROUND_H, p[2] = 128;
        }
    struct image back;
    unsigned char *jpeg;
    unsigned long jpeg_len;
    CHECK(jpeg_encode(&img, &jpeg, &jpeg_len) == 0 && jpeg_len > 0, "JPEG encodes (%lu bytes)", jpeg_len);
    int ok = jpeg && decode(jpeg, jpeg_len, &back) == 0;
    CHECK(ok && back.width == ROUND_W && back.height == ROUND_H, "JPEG decodes back to %ux%u", ROUND_W, ROUND_H);
    if (ok)
        free(back.pixels);
    free(jpeg);

    unsigned char *png = NULL;
    size_t png_len;
    CHECK(png_encode(&img, &png, &png_len) == 0, "PNG encodes (%zu bytes)", png_len);
    ok = png && decode(png, png_len, &back) == 0;
    CHECK(ok && back.width == ROUND_W && back.height == ROUND_H &&
              memcmp(back.pixels, img.pixels, sizeof(unsigned char) * ROUND_W * ROUND_H * 3) == 0,
          "PNG decodes back to the same %ux%u pixels", ROUND_W, ROUND_H);
    if (ok)
        free(back.pixels);
    free(png);
    free(img.pixels);
}

/* Bytes that are neither format, and a JPEG cut short: errors, not a crash. */
static void malformed(void)
{
    static const unsigned char junk[] = "\xff\xd8\xff\xe0 this is no JPEG";
    static const unsigned char bad_png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff\xff";
    struct image img;
    CHECK(decode(junk, sizeof junk, &img) != 0, "a malformed JPEG is an error");
    CHECK(decode(bad_png, sizeof bad_png, &img) != 0, "a malformed PNG is an error");
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        decode_file(argv[i]);
    round_trip();
    malformed();
    return check_exit();
}
