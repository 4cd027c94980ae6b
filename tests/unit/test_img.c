/* apps/img: the query's parameters and their canonical form, the plan for an image's size,
 * crop and rotation, area-averaging scaling, the result cache's budget and holds, entity tags. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "../../apps/img/img_cache.h"
#include "../../apps/img/img_etag.h"
#include "../../apps/img/img_geom.h"
#include "../../apps/img/img_params.h"
#include "../../apps/img/img_scale.h"

static int parse(const char *q, struct img_params *p, const char **why)
{
    return img_parse_params(q, q ? strlen(q) : 0, p, why);
}

static void reads_parameters(void **state)
{
    (void)state;
    struct img_params p;
    const char *why = NULL;
    assert_int_equal(parse(NULL, &p, &why), 0);
    assert_false(img_params_any(&p));
    assert_int_equal(parse("w=320&h=240&fit=cover&rotate=270&crop=1,2,30,40&format=png&q=77", &p, &why), 0);
    assert_int_equal(p.w, 320);
    assert_int_equal(p.h, 240);
    assert_int_equal(p.fit, IMG_FIT_COVER);
    assert_int_equal(p.rotate, 270);
    assert_true(p.crop && p.crop_x == 1 && p.crop_y == 2 && p.crop_w == 30 && p.crop_h == 40);
    assert_int_equal(p.format, IMG_PNG);
    assert_int_equal(p.q, 77);
    assert_true(img_params_any(&p));
    assert_int_equal(parse("w=4096&&", &p, &why), 0);
    assert_int_equal(p.w, 4096);
}

static void refuses_bad_parameters(void **state)
{
    (void)state;
    const char *bad[] = { "zoom=2", "w=abc", "w=0", "w=-5", "w=+5", "w=", "w", "w=4097", "h=99999999999999",
                          "rotate=45", "rotate=360", "crop=1,2,3", "crop=1,2,3,4,5", "crop=0,0,0,4",
                          "crop=a,b,c,d", "format=gif", "q=0", "q=101", "fit=fill", "w=1&w=2", "W=10" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct img_params p;
        const char *why = NULL;
        assert_int_equal(parse(bad[i], &p, &why), -1);
        assert_non_null(why);
    }
}

static void key_is_canonical(void **state)
{
    (void)state;
    struct img_params a, b;
    const char *why;
    char ka[IMG_KEY_MAX], kb[IMG_KEY_MAX];
    assert_int_equal(parse("w=10&h=20", &a, &why), 0);
    assert_int_equal(parse("h=20&fit=contain&w=10", &b, &why), 0);
    img_params_key(&a, ka), img_params_key(&b, kb);
    assert_string_equal(ka, kb);
    assert_int_equal(parse("w=10&h=20&fit=cover", &b, &why), 0);
    img_params_key(&b, kb);
    assert_string_not_equal(ka, kb);
    assert_int_equal(parse("w=10&fit=cover", &a, &why), 0);   /* cover means nothing with one side */
    assert_int_equal(parse("w=10", &b, &why), 0);
    img_params_key(&a, ka), img_params_key(&b, kb);
    assert_string_equal(ka, kb);
}

static struct img_plan plan_for(const char *q, unsigned w, unsigned h)
{
    struct img_params p;
    struct img_plan plan;
    const char *why;
    assert_int_equal(parse(q, &p, &why), 0);
    assert_int_equal(img_plan(&p, w, h, &plan, &why), 0);
    return plan;
}

static void plans_sizes(void **state)
{
    (void)state;
    struct img_plan pl = plan_for("w=320", 640, 480);
    assert_true(pl.out_w == 320 && pl.out_h == 240);
    pl = plan_for("h=100", 640, 480);
    assert_true(pl.out_w == 133 && pl.out_h == 100);
    pl = plan_for("w=100&h=100", 640, 480);                     /* contain */
    assert_true(pl.out_w == 100 && pl.out_h == 75);
    pl = plan_for("w=100&h=100&fit=cover", 640, 480);           /* the centre 480x480 */
    assert_true(pl.out_w == 100 && pl.out_h == 100 && pl.cut_w == 480 && pl.cut_h == 480 && pl.cut_x == 80 &&
                pl.cut_y == 0);
    pl = plan_for("rotate=90&w=48", 640, 480);                  /* turned first: 480x640 */
    assert_true(pl.out_w == 48 && pl.out_h == 64);
    pl = plan_for("crop=10,20,300,100&rotate=270", 640, 480);
    assert_true(pl.crop_x == 10 && pl.crop_y == 20 && pl.out_w == 100 && pl.out_h == 300);
    pl = plan_for("w=1", 4000, 2);                              /* never rounds to nothing */
    assert_true(pl.out_w == 1 && pl.out_h == 1);
}

static void refuses_plans(void **state)
{
    (void)state;
    struct img_params p;
    struct img_plan plan;
    const char *why = NULL;
    assert_int_equal(parse("crop=600,400,100,100", &p, &why), 0);
    assert_int_equal(img_plan(&p, 640, 480, &plan, &why), -1);
    assert_non_null(why);
    assert_int_equal(parse("crop=0,0,640,480", &p, &why), 0);
    assert_int_equal(img_plan(&p, 640, 480, &plan, &why), 0);
    assert_int_equal(parse("crop=1000000000,0,1000000000,1", &p, &why), 0);   /* no wrap */
    assert_int_equal(img_plan(&p, 640, 480, &plan, &why), -1);
    assert_int_equal(parse("w=4096", &p, &why), 0);                            /* h would be 8192 */
    assert_int_equal(img_plan(&p, 100, 200, &plan, &why), -1);
}

/* A 3x2 gray image: 1 2 3 / 4 5 6 */
static void crops_and_rotates(void **state)
{
    (void)state;
    uint8_t px[6] = { 1, 2, 3, 4, 5, 6 }, out[6];
    struct img im = { 3, 2, 1, px }, dst = { 0, 0, 0, out };
    img_rotate(&im, 90, &dst);                                  /* 4 1 / 5 2 / 6 3 */
    assert_true(dst.w == 2 && dst.h == 3);
    assert_memory_equal(out, ((uint8_t[]){ 4, 1, 5, 2, 6, 3 }), 6);
    img_rotate(&im, 270, &dst);                                 /* 3 6 / 2 5 / 1 4 */
    assert_memory_equal(out, ((uint8_t[]){ 3, 6, 2, 5, 1, 4 }), 6);
    img_rotate(&im, 180, &dst);
    assert_true(dst.w == 3 && dst.h == 2);
    assert_memory_equal(out, ((uint8_t[]){ 6, 5, 4, 3, 2, 1 }), 6);
    img_crop(&im, 1, 0, 2, 2);                                  /* 2 3 / 5 6 */
    assert_true(im.w == 2 && im.h == 2);
    assert_memory_equal(px, ((uint8_t[]){ 2, 3, 5, 6 }), 4);
    uint8_t rgb[12] = { 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4 };   /* 2x2 RGB */
    struct img c = { 2, 2, 3, rgb };
    img_crop(&c, 1, 1, 1, 1);
    assert_memory_equal(rgb, ((uint8_t[]){ 4, 4, 4 }), 3);
}

static void scales_by_area(void **state)
{
    (void)state;
    uint8_t px[8] = { 0, 100, 200, 40, 10, 20, 30, 50 };       /* 4x2 gray */
    struct img src = { 4, 2, 1, px };
    uint8_t out[16];
    struct img dst = { 2, 1, 0, out };
    assert_int_equal(img_scale(&src, &dst), 0);                 /* means of 2x2 blocks */
    assert_int_equal(dst.channels, 1);
    assert_int_equal(out[0], 33);                               /* (0+100+10+20)/4 = 32.5 */
    assert_int_equal(out[1], 80);                               /* (200+40+30+50)/4 */
    dst = (struct img){ 3, 1, 0, out };                         /* thirds: partial pixels weighted */
    assert_int_equal(img_scale(&src, &dst), 0);
    /* a source pixel is 3 units wide, an output pixel 4: out[0] is all of pixel 0 and a third
     * of pixel 1, out[1] two thirds of pixels 1 and 2 each, over both rows */
    assert_int_equal(out[0], 19);                               /* (3*0 + 100 + 3*10 + 20)/8 = 18.75 */
    assert_int_equal(out[1], 88);                               /* (2*100 + 2*200 + 2*20 + 2*30)/8 = 87.5 */
    assert_int_equal(out[2], 63);                               /* (200 + 3*40 + 30 + 3*50)/8 = 62.5 */
}

static void scale_keeps_a_flat_colour(void **state)
{
    (void)state;
    enum { SW = 37, SH = 23, C = 3 };
    uint8_t *px = malloc(SW * SH * C), *out = malloc(101 * 59 * C);
    memset(px, 200, SW * SH * C);
    struct img src = { SW, SH, C, px };
    unsigned sizes[][2] = { { 5, 3 }, { 101, 59 }, { 1, 1 }, { 37, 1 } };
    for (size_t s = 0; s < 4; s++) {
        struct img dst = { sizes[s][0], sizes[s][1], 0, out };
        assert_int_equal(img_scale(&src, &dst), 0);
        for (size_t i = 0; i < (size_t)dst.w * dst.h * C; i++)
            assert_int_equal(out[i], 200);
    }
    free(px);
    free(out);
}

static void caches_within_the_budget(void **state)
{
    (void)state;
    img_cache_init(100);
    const struct img_entry *a = img_cache_put("a", malloc(40), 40, "image/png");
    const struct img_entry *b = img_cache_put("b", malloc(40), 40, "image/png");
    assert_non_null(a);
    img_cache_release((void *)a);
    img_cache_release((void *)b);
    assert_int_equal(img_cache_bytes(), 80);
    const struct img_entry *got = img_cache_get("a");           /* a is now the most recent */
    assert_ptr_equal(got, a);
    img_cache_release((void *)got);
    const struct img_entry *c = img_cache_put("c", malloc(40), 40, "image/jpeg");   /* b goes */
    img_cache_release((void *)c);
    assert_null(img_cache_get("b"));
    assert_int_equal(img_cache_bytes(), 80);
    const struct img_entry *held = img_cache_get("a");          /* held while "sent" */
    const struct img_entry *d = img_cache_put("d", malloc(90), 90, "image/jpeg");   /* a and c go */
    assert_null(img_cache_get("a"));
    assert_int_equal(held->len, 40);                            /* still there: ASan would tell */
    img_cache_release((void *)held);
    img_cache_release((void *)d);
    const struct img_entry *big = img_cache_put("big", malloc(500), 500, "image/png");
    assert_non_null(big);                                       /* served, not kept */
    img_cache_release((void *)big);
    assert_null(img_cache_get("big"));
    assert_int_equal(img_cache_bytes(), 90);
    img_cache_init(50);                                         /* a smaller budget: d goes */
    const struct img_entry *e = img_cache_put("e", malloc(10), 10, "image/png");
    img_cache_release((void *)e);
    assert_int_equal(img_cache_bytes(), 10);
}

static void keys_and_tags(void **state)
{
    (void)state;
    struct img_params p;
    const char *why;
    char k1[IMG_CACHE_KEY_MAX], k2[IMG_CACHE_KEY_MAX], t1[IMG_ETAG_LEN], t2[IMG_ETAG_LEN];
    assert_int_equal(parse("w=10", &p, &why), 0);
    assert_int_equal(img_cache_key("/a.jpg", &p, 1000, 5000, k1, sizeof k1), 0);
    assert_int_equal(img_cache_key("/a.jpg", &p, 1001, 5000, k2, sizeof k2), 0);   /* the file changed */
    img_etag(k1, t1), img_etag(k2, t2);
    assert_int_equal(strlen(t1), IMG_ETAG_LEN - 1);
    assert_true(t1[0] == '"' && t1[IMG_ETAG_LEN - 2] == '"');
    assert_string_not_equal(t1, t2);
    assert_int_equal(img_cache_key("/a.jpg", &p, 1000, 5000, k2, 8), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_parameters),     cmocka_unit_test(refuses_bad_parameters),
        cmocka_unit_test(key_is_canonical),     cmocka_unit_test(plans_sizes),
        cmocka_unit_test(refuses_plans),        cmocka_unit_test(crops_and_rotates),
        cmocka_unit_test(scales_by_area),       cmocka_unit_test(scale_keeps_a_flat_colour),
        cmocka_unit_test(caches_within_the_budget), cmocka_unit_test(keys_and_tags),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
