/* img: images from a directory (--root DIR), as they are or transformed on request:
 *   ?w=320&h=240[&fit=contain|cover]  scale (w or h alone keeps the aspect ratio; contain fits
 *                                     inside w x h, cover fills it and crops the centre)
 *   ?rotate=90|180|270  ?crop=X,Y,W,H  ?format=jpeg|png  ?q=1..100 (JPEG quality)
 * combined in the order crop, rotate, scale, encode. No query: the file as it is, with ranges.
 * A bad parameter is 400, an image whose header claims more than --max-pixels is 413 before any
 * pixel is decoded (decompression bombs), a file that is no image or a damaged one 415 or 422,
 * each with the reason in the body. Results are kept in memory (--cache-bytes, least recently
 * used out), named by the path, the parameters in canonical form and the file's mtime and size;
 * that name's hash is the ETag, so a client's If-None-Match gets 304 without any work.
 * The HTTP itself is apps/lib/http_server.c, shared with httpd and flv.
 * usage: img --root DIR [--max-pixels N] [--cache-bytes N] [--port N] [--max-connections N]
 *            [--grace SECONDS] */
#include "http_root.h"
#include "http_server.h"
#include "img_cache.h"
#include "img_etag.h"
#include "img_params.h"
#include "img_transform.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define USAGE "usage: img --root DIR [--max-pixels N] [--cache-bytes N] [--port N] [--max-connections N] " \
              "[--grace SECONDS]\n"
#define DEFAULT_MAX_PIXELS (16u * 1000 * 1000)
#define DEFAULT_CACHE_BYTES (8u << 20)
#define FILE_MAX (16u << 20)            /* a larger file is not read into memory to transform */

static uint64_t max_pixels = DEFAULT_MAX_PIXELS;

/* The file t names (open, whole) read into memory; NULL with *status and t->reason when not. */
static uint8_t *read_whole(struct http_target *t, int *status)
{
    uint8_t *buf = NULL;
    if (t->size > FILE_MAX) {
        t->reason = "the file is too large to transform (16 MiB at most)";
        *status = 413;
    } else if (!(buf = malloc(t->size ? t->size : 1))) {
        t->reason = "memory is short";
        *status = 503;
    } else if (pread(t->fd, buf, t->size, 0) != (ssize_t)t->size) {
        free(buf), buf = NULL;
        t->reason = "the file could not be read";
        *status = 500;
    }
    close(t->fd);
    t->fd = -1;
    return buf;
}

/* Point t at a cache entry, which the server releases once sent. */
static int serve_entry(struct http_target *t, const struct img_entry *e)
{
    t->data = e->data, t->start = 0, t->size = e->len, t->type = e->type;
    t->release = img_cache_release, t->owner = (void *)e;
    return 200;
}

static int answer(const struct http_request *r, struct http_target *t)
{
    static char key[IMG_CACHE_KEY_MAX];
    static char etag[IMG_ETAG_LEN];
    struct img_params p;
    const char *why;
    int param = img_parse_params(r->query, r->query_len, &p, &why);
    int status = http_root_find(r->path, t);
    if (status != 200)
        return status;                  /* 404 before 400: the file's absence is the first news */
    if (param < 0) {
        t->reason = why;
        return 400;
    }
    if (img_cache_key(r->path, &p, t->mtime, t->size, key, sizeof key) < 0)
        return 414;
    img_etag(key, etag);
    t->etag = etag;
    if (!img_params_any(&p))
        return 200;                     /* the file as it is */
    if (r->if_none_match.count == 1 && http_etag_matches(r->if_none_match.value, r->if_none_match.len, etag)) {
        close(t->fd);                   /* the server answers 304: nothing to make or send */
        t->fd = -1, t->size = 0;
        return 200;
    }
    const struct img_entry *e = img_cache_get(key);
    if (e) {
        close(t->fd);
        t->fd = -1;
        return serve_entry(t, e);
    }
    uint8_t *file = read_whole(t, &status), *out;
    size_t len;
    const char *type;
    if (!file)
        return status;
    status = img_transform(file, t->size, &p, max_pixels, &out, &len, &type, &t->reason);
    free(file);
    if (status != 200)
        return status;
    if (!(e = img_cache_put(key, out, len, type))) {
        t->reason = "memory is short";
        return 503;
    }
    return serve_entry(t, e);
}

/* A whole decimal number from 1 up for a flag: 0, or -1. */
static int count_flag(const char *v, uint64_t *out)
{
    char *end;
    unsigned long long x = strtoull(v, &end, 10);
    if (v[0] < '0' || v[0] > '9' || *end || x == 0)
        return -1;
    *out = x;
    return 0;
}

int main(int argc, char **argv)
{
    struct http_server s;
    const char *root = NULL;
    uint64_t cache_bytes = DEFAULT_CACHE_BYTES;
    http_server_init(&s, "img", answer);
    for (int i = 1; i < argc; i++) {
        if (http_server_option(&s, argc, argv, &i))
            continue;
        if (!strcmp(argv[i], "--root") && i + 1 < argc && (root = argv[++i])[0])
            continue;
        if (!strcmp(argv[i], "--max-pixels") && i + 1 < argc && !count_flag(argv[++i], &max_pixels))
            continue;
        if (!strcmp(argv[i], "--cache-bytes") && i + 1 < argc && !count_flag(argv[++i], &cache_bytes))
            continue;
        fprintf(stderr, "img: bad argument '%s'\n" USAGE, argv[i]);
        return 2;
    }
    if (!root) {
        fprintf(stderr, "img: --root DIR is needed: the directory of the images\n" USAGE);
        return 2;
    }
    img_cache_init((size_t)cache_bytes);
    if (http_server_listen(&s) < 0)
        return 1;
    if (http_root_set("img", root) < 0)
        return 2;
    printf("img: serving %s on port %d (at most %llu pixels an image, %llu bytes of cache)\n",
           http_root()[0] ? http_root() : "/", s.port, (unsigned long long)max_pixels,
           (unsigned long long)cache_bytes);
    fflush(stdout);
    return http_server_run(&s);
}
