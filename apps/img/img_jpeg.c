/* JPEG through libjpeg-turbo's API (libjpeg.txt: "Decompression details", "Compression
 * details", "Error handling"). */
#include "img_codec.h"
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>              /* ERREXIT1 and the message codes, for our destination */

static char message[JMSG_LENGTH_MAX];   /* why the last decode failed */

/* The library's default error_exit calls exit(): jump back to the caller instead (libjpeg.txt,
 * "Error handling"; a longjmp works on a cooperative thread's stack, tests/guest/images). */
struct jpeg_fail {
    struct jpeg_error_mgr mgr;
    jmp_buf back;
};

static void fail_exit(j_common_ptr cinfo)
{
    (*cinfo->err->format_message)(cinfo, message);
    longjmp(((struct jpeg_fail *)cinfo->err)->back, 1);
}

/* Warnings (level -1) are where libjpeg notes corrupt or missing data and goes on, filling the
 * rest with grey: a damaged file is refused instead of served half grey and cached. Trace
 * messages (level >= 0) are ignored. */
static void fail_warning(j_common_ptr cinfo, int level)
{
    if (level < 0)
        fail_exit(cinfo);
}

static void fail_init(struct jpeg_fail *fail, struct jpeg_error_mgr **err)
{
    *err = jpeg_std_error(&fail->mgr);
    fail->mgr.error_exit = fail_exit;
    fail->mgr.emit_message = fail_warning;
    message[0] = 0;
}

int img_decode_jpeg(const uint8_t *data, size_t len, uint64_t max_pixels, struct img *im, const char **why)
{
    struct jpeg_decompress_struct cinfo;
    struct jpeg_fail fail;
    /* volatile: changed between setjmp and a longjmp, and read after it (C11 7.13.2.1) */
    uint8_t *volatile px = NULL;
    int volatile status = 422;
    fail_init(&fail, &cinfo.err);
    *why = message;
    if (setjmp(fail.back)) {
        jpeg_destroy_decompress(&cinfo);
        free(px);
        return status;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, len);
    jpeg_read_header(&cinfo, TRUE);
    if ((uint64_t)cinfo.image_width * cinfo.image_height > max_pixels) {
        snprintf(message, sizeof message, "%ux%u is above the budget of %llu pixels", cinfo.image_width,
                 cinfo.image_height, (unsigned long long)max_pixels);
        jpeg_destroy_decompress(&cinfo);
        return 413;
    }
    if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK) {
        snprintf(message, sizeof message, "CMYK JPEG is not decoded here");
        jpeg_destroy_decompress(&cinfo);
        return 415;
    }
    cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&cinfo);
    im->w = cinfo.output_width, im->h = cinfo.output_height, im->channels = cinfo.output_components;
    size_t bytes = img_bytes(im->w, im->h, im->channels), stride = (size_t)im->w * im->channels;
    if (!bytes || !(px = malloc(bytes))) {
        snprintf(message, sizeof message, "memory is short for %ux%u pixels", im->w, im->h);
        status = 503;
        longjmp(fail.back, 1);          /* the same way out as the library's errors */
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = px + stride * cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    im->px = px;
    return 200;
}

/* A destination that grows a buffer of our own (libjpeg.txt, "Compressed data handling"):
 * jpeg_mem_dest's buffer cannot be freed safely after an error in the middle of growing it. */
#define DEST_FIRST 16384

struct grow_dest {
    struct jpeg_destination_mgr pub;
    uint8_t *buf;
    size_t cap;
};

static void dest_init(j_compress_ptr cinfo)
{
    struct grow_dest *d = (struct grow_dest *)cinfo->dest;
    if (!(d->buf = malloc(DEST_FIRST)))
        ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 0);
    d->cap = DEST_FIRST;
    d->pub.next_output_byte = d->buf, d->pub.free_in_buffer = d->cap;
}

/* Called when the buffer is full (all of it written): double it. */
static boolean dest_grow(j_compress_ptr cinfo)
{
    struct grow_dest *d = (struct grow_dest *)cinfo->dest;
    uint8_t *bigger = d->cap <= SIZE_MAX / 2 ? realloc(d->buf, d->cap * 2) : NULL;
    if (!bigger)
        ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 0);
    d->buf = bigger;
    d->pub.next_output_byte = d->buf + d->cap, d->pub.free_in_buffer = d->cap;
    d->cap *= 2;
    return TRUE;
}

static void dest_term(j_compress_ptr cinfo)
{
    (void)cinfo;                        /* the length is read from free_in_buffer afterwards */
}

int img_encode_jpeg(const struct img *im, unsigned quality, uint8_t **out, size_t *len)
{
    struct jpeg_compress_struct cinfo;
    struct jpeg_fail fail;
    struct grow_dest dest = { .pub = { .init_destination = dest_init, .empty_output_buffer = dest_grow,
                                       .term_destination = dest_term } };
    fail_init(&fail, &cinfo.err);
    if (setjmp(fail.back)) {
        jpeg_destroy_compress(&cinfo);
        free(dest.buf);                 /* in memory, not a register: its address went to cinfo */
        return -1;
    }
    jpeg_create_compress(&cinfo);
    cinfo.dest = &dest.pub;
    cinfo.image_width = im->w, cinfo.image_height = im->h;
    cinfo.input_components = (int)im->channels;
    cinfo.in_color_space = im->channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, (int)quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    size_t stride = (size_t)im->w * im->channels;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = im->px + stride * cinfo.next_scanline;
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = dest.buf, *len = dest.cap - dest.pub.free_in_buffer;
    return 0;
}
