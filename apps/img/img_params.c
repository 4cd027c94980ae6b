#include "img_params.h"
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define Q_MAX 100
#define NUMBER_MAX 1000000000u          /* above any side or offset an image here may have */

/* Whether [v, v+n) is the word w exactly. */
static int is(const char *v, size_t n, const char *w)
{
    return strlen(w) == n && !memcmp(v, w, n);
}

/* A plain decimal number (digits only, at least one, at most NUMBER_MAX): 0, or -1. */
static int number(const char *v, size_t n, unsigned *out)
{
    uint64_t x = 0;
    if (n == 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return -1;
        x = x * 10 + (unsigned)(v[i] - '0');
        if (x > NUMBER_MAX)
            return -1;
    }
    *out = (unsigned)x;
    return 0;
}

/* crop=X,Y,W,H: four numbers, W and H at least 1. */
static int crop_value(const char *v, size_t n, struct img_params *p)
{
    unsigned *f[] = { &p->crop_x, &p->crop_y, &p->crop_w, &p->crop_h };
    const char *end = v + n;
    for (int i = 0; i < 4; i++) {
        const char *comma = memchr(v, ',', (size_t)(end - v));
        const char *stop = i < 3 ? comma : end;
        if (!stop || (i == 3 && comma) || number(v, (size_t)(stop - v), f[i]) < 0)
            return -1;
        v = stop + 1;
    }
    return p->crop_w && p->crop_h ? 0 : -1;
}

/* One name=value pair into p: NULL, or why it is refused. */
static const char *param(const char *name, size_t nl, const char *v, size_t n, struct img_params *p)
{
    if (is(name, nl, "w") || is(name, nl, "h")) {
        unsigned *side = name[0] == 'w' ? &p->w : &p->h;
        if (number(v, n, side) < 0 || *side == 0)
            return "w and h must be whole numbers from 1";
        return *side > IMG_MAX_SIDE ? "w or h is above the limit of 4096" : NULL;
    }
    if (is(name, nl, "fit")) {
        if (is(v, n, "contain") || is(v, n, "cover"))
            return p->fit = is(v, n, "cover") ? IMG_FIT_COVER : IMG_FIT_CONTAIN, NULL;
        return "fit must be contain or cover";
    }
    if (is(name, nl, "rotate")) {
        if (number(v, n, &p->rotate) < 0 || p->rotate % 90 || p->rotate > 270)
            return "rotate must be 90, 180 or 270";
        return NULL;
    }
    if (is(name, nl, "crop"))
        return crop_value(v, n, p) < 0 ? "crop must be X,Y,W,H in pixels, W and H from 1" : (p->crop = 1, NULL);
    if (is(name, nl, "format")) {
        if (is(v, n, "jpeg") || is(v, n, "jpg") || is(v, n, "png"))
            return p->format = is(v, n, "png") ? IMG_PNG : IMG_JPEG, NULL;
        return "format must be jpeg or png";
    }
    if (is(name, nl, "q")) {
        if (number(v, n, &p->q) < 0 || p->q < 1 || p->q > Q_MAX)
            return "q must be a number from 1 to 100";
        return NULL;
    }
    return "unknown parameter (known: w, h, fit, rotate, crop, format, q)";
}

int img_parse_params(const char *q, size_t len, struct img_params *p, const char **why)
{
    static const char names[] = "w\0h\0fit\0rotate\0crop\0format\0q\0";
    unsigned seen = 0;
    *p = (struct img_params){ 0 };
    const char *end = q ? q + len : q;
    while (q && q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *stop = amp ? amp : end;
        const char *eq = memchr(q, '=', (size_t)(stop - q));
        if (stop == q) {                /* "a&&b", a trailing '&': nothing asked */
            q = stop + 1;
            continue;
        }
        size_t nl = (size_t)((eq ? eq : stop) - q);
        if (!eq) {
            *why = "a parameter without a value";
            return -1;
        }
        if ((*why = param(q, nl, eq + 1, (size_t)(stop - eq - 1), p)))
            return -1;
        unsigned bit = 1;               /* which name it was: a repeat is refused, not guessed at */
        for (const char *n = names; *n && !is(q, nl, n); n += strlen(n) + 1)
            bit <<= 1;
        if (seen & bit) {
            *why = "a parameter given twice";
            return -1;
        }
        seen |= bit;
        q = stop + 1;
    }
    return 0;
}

int img_params_any(const struct img_params *p)
{
    return p->w || p->h || p->rotate || p->crop || p->format != IMG_SAME || p->q;
}

size_t img_params_key(const struct img_params *p, char out[IMG_KEY_MAX])
{
    static const char *const formats[] = { "same", "jpeg", "png" };
    int n = snprintf(out, IMG_KEY_MAX, "w%u,h%u,%s,r%u,c%u:%u:%u:%u,%s,q%u", p->w, p->h,
                     p->w && p->h && p->fit == IMG_FIT_COVER ? "cover" : "contain", p->rotate,
                     p->crop ? p->crop_x : 0, p->crop ? p->crop_y : 0, p->crop ? p->crop_w : 0,
                     p->crop ? p->crop_h : 0, formats[p->format], p->q);
    return n < IMG_KEY_MAX ? (size_t)n : IMG_KEY_MAX - 1;
}

/* round(a * b / c), at least 1, without overflow for sides up to NUMBER_MAX. */
static unsigned scaled(unsigned a, unsigned b, unsigned c)
{
    uint64_t x = ((uint64_t)a * b + c / 2) / c;
    return x ? (unsigned)x : 1;
}

int img_plan(const struct img_params *p, unsigned w, unsigned h, struct img_plan *plan, const char **why)
{
    *plan = (struct img_plan){ .crop_w = w, .crop_h = h, .rotate = p->rotate };
    if (p->crop) {
        if ((uint64_t)p->crop_x + p->crop_w > w || (uint64_t)p->crop_y + p->crop_h > h) {
            *why = "crop reaches outside the image";
            return -1;
        }
        plan->crop_x = p->crop_x, plan->crop_y = p->crop_y;
        plan->crop_w = p->crop_w, plan->crop_h = p->crop_h;
    }
    int turned = p->rotate == 90 || p->rotate == 270;
    unsigned rw = turned ? plan->crop_h : plan->crop_w, rh = turned ? plan->crop_w : plan->crop_h;
    plan->cut_w = rw, plan->cut_h = rh, plan->out_w = rw, plan->out_h = rh;
    if (p->w && !p->h)
        plan->out_w = p->w, plan->out_h = scaled(rh, p->w, rw);
    else if (p->h && !p->w)
        plan->out_h = p->h, plan->out_w = scaled(rw, p->h, rh);
    else if (p->w && p->fit == IMG_FIT_COVER) {
        /* the widest centred rectangle of aspect w:h: compare rw/rh with w/h crosswise */
        if ((uint64_t)rw * p->h > (uint64_t)rh * p->w)
            plan->cut_w = scaled(rh, p->w, p->h);
        else
            plan->cut_h = scaled(rw, p->h, p->w);
        plan->cut_x = (rw - plan->cut_w) / 2, plan->cut_y = (rh - plan->cut_h) / 2;
        plan->out_w = p->w, plan->out_h = p->h;
    } else if (p->w) {                  /* contain: the side that binds first sets the scale */
        if ((uint64_t)rw * p->h > (uint64_t)rh * p->w)
            plan->out_w = p->w, plan->out_h = scaled(rh, p->w, rw);
        else
            plan->out_h = p->h, plan->out_w = scaled(rw, p->h, rh);
    }
    if (plan->out_w > IMG_MAX_SIDE || plan->out_h > IMG_MAX_SIDE) {
        *why = "the result would be above the limit of 4096 pixels a side";
        return -1;
    }
    return 0;
}
