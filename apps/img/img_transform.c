#include "img_transform.h"
#include "img_codec.h"
#include "img_geom.h"
#include "img_scale.h"
#include <stdlib.h>

#define SHORT "memory is short"

static int decode(const uint8_t *file, size_t len, uint64_t max_pixels, struct img *im, enum img_type *kind,
                  const char **why)
{
    *kind = img_sniff(file, len);
    if (*kind == IMG_TYPE_JPEG)
        return img_decode_jpeg(file, len, max_pixels, im, why);
    if (*kind == IMG_TYPE_PNG)
        return img_decode_png(file, len, max_pixels, im, why);
    *why = "not a JPEG or PNG file";
    return 415;
}

/* Replace *im with a fresh w x h buffer of its channels for a step to fill from the old one:
 * returns the old pixels (the caller frees them after the step), or NULL when memory is short. */
static uint8_t *swap_buffer(struct img *im, unsigned w, unsigned h)
{
    size_t bytes = img_bytes(w, h, im->channels);
    uint8_t *px = bytes ? malloc(bytes) : NULL;
    if (!px)
        return NULL;
    uint8_t *old = im->px;
    im->px = px;
    return old;
}

/* The plan's steps on im, in order. 0, or -1 when memory is short (im still holds a buffer). */
static int apply(struct img *im, const struct img_plan *plan)
{
    img_crop(im, plan->crop_x, plan->crop_y, plan->crop_w, plan->crop_h);
    if (plan->rotate) {
        struct img src = *im;
        uint8_t *old = swap_buffer(im, im->w, im->h);
        if (!old)
            return -1;
        img_rotate(&src, plan->rotate, im);
        free(old);
    }
    img_crop(im, plan->cut_x, plan->cut_y, plan->cut_w, plan->cut_h);
    if (plan->out_w != im->w || plan->out_h != im->h) {
        struct img src = *im;
        uint8_t *old = swap_buffer(im, plan->out_w, plan->out_h);
        if (!old)
            return -1;
        im->w = plan->out_w, im->h = plan->out_h;
        int ok = img_scale(&src, im);
        free(old);
        return ok;
    }
    return 0;
}

int img_transform(const uint8_t *file, size_t len, const struct img_params *p, uint64_t max_pixels,
                  uint8_t **out, size_t *out_len, const char **type, const char **why)
{
    struct img im = { 0 };
    struct img_plan plan;
    enum img_type kind;
    int status = decode(file, len, max_pixels, &im, &kind, why);
    if (status != 200)
        return status;
    if (img_plan(p, im.w, im.h, &plan, why) < 0)
        status = 400;
    else if (apply(&im, &plan) < 0)
        status = 503, *why = SHORT;
    else {
        int png = p->format == IMG_PNG || (p->format == IMG_SAME && kind == IMG_TYPE_PNG);
        unsigned q = p->q ? p->q : IMG_DEFAULT_QUALITY;
        *type = png ? "image/png" : "image/jpeg";
        if ((png ? img_encode_png(&im, out, out_len) : img_encode_jpeg(&im, q, out, out_len)) < 0)
            status = 503, *why = SHORT;
    }
    free(im.px);
    return status;
}
