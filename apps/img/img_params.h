/* What a request's query asks of an image (?w=&h=&fit=&rotate=&crop=&format=&q=), and the plan
 * that follows from it for an image of a given size: which rectangle to cut, how to turn it, the
 * size to scale it to. Pure functions of their arguments, so tests/unit/test_img.c runs them on
 * the host. */
#ifndef IMG_PARAMS_H
#define IMG_PARAMS_H
#include <stddef.h>

#define IMG_MAX_SIDE 4096               /* the largest w or h a request may ask for */
#define IMG_KEY_MAX 96                  /* the normalized parameters, as img_params_key writes them */

enum img_fit { IMG_FIT_CONTAIN, IMG_FIT_COVER };
enum img_format { IMG_SAME, IMG_JPEG, IMG_PNG };

struct img_params {
    unsigned w, h;                      /* 0: not asked */
    enum img_fit fit;
    unsigned rotate;                    /* 0, 90, 180 or 270, clockwise */
    int crop;                           /* whether crop_* hold a rectangle */
    unsigned crop_x, crop_y, crop_w, crop_h;
    enum img_format format;
    unsigned q;                         /* JPEG quality 1..100; 0: not asked */
};

/* Parse the raw query [q, q+len) (q may be NULL). 0 with *p filled in (nothing asked when the
 * query is empty), or -1 with *why: an unknown name, a repeated one, a value that is no plain
 * decimal number or no known word, a zero size, w or h above IMG_MAX_SIDE, q outside 1..100, a
 * rotation other than 90, 180, 270 (or 0). */
int img_parse_params(const char *q, size_t len, struct img_params *p, const char **why);

/* Whether p asks for any change at all (if not, the file goes out as it is). */
int img_params_any(const struct img_params *p);

/* p written in one canonical form (same request, same string, whatever the order and spelling
 * of the query), for cache keys and entity tags. Returns its length. */
size_t img_params_key(const struct img_params *p, char out[IMG_KEY_MAX]);

/* The steps for an image of w x h, in order: cut the crop rectangle (the whole image when none),
 * rotate, cut the centre rectangle that `cover` keeps (cut_*, in the rotated image; all of it
 * otherwise), scale to out_w x out_h. */
struct img_plan {
    unsigned crop_x, crop_y, crop_w, crop_h;
    unsigned rotate;
    unsigned cut_x, cut_y, cut_w, cut_h;
    unsigned out_w, out_h;
};

/* 0 with *plan, or -1 with *why when the crop rectangle does not lie inside the image. Only w:
 * h follows the aspect ratio (and the other way round); both with contain: the largest size of
 * the same aspect inside w x h; with cover: exactly w x h, from the largest centred rectangle of
 * that aspect. Sizes never round to 0. */
int img_plan(const struct img_params *p, unsigned w, unsigned h, struct img_plan *plan, const char **why);
#endif
