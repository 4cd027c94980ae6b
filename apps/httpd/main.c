/* httpd: an HTTP/1.1 server for the files compiled into the image (apps/httpd/www/), or for a
 * directory of the filesystem (--root DIR: an initrd, a disk).
 * The HTTP itself (connections, timeouts, ranges, validators, the graceful stop on SIGTERM) is
 * apps/lib/http_server.c, which flv shares; this file says which bytes a path names.
 * Compiled-in files have no Last-Modified: the image carries no date for them, so they are
 * never 304.
 * usage: httpd [--port N] [--max-connections N] [--root DIR] [--grace SECONDS] */
#include "http_root.h"
#include "http_server.h"
#include <mayfly/embedded.h>
#include <stdio.h>
#include <string.h>

#define USAGE "usage: httpd [--port N] [--max-connections N] [--root DIR] [--grace SECONDS]\n"

static const char *root;                /* --root: NULL serves the compiled-in files */

static const struct embedded_file *find_file(const char *path)
{
    size_t lo = 0, hi = embedded_file_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(path, embedded_files[mid].path);
        if (c == 0)
            return &embedded_files[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* "/" and other directories mean their index.html. */
static const struct embedded_file *lookup(const char *path)
{
    char full[HTTP_PATH_MAX + sizeof "index.html"];
    size_t n = strlen(path);
    if (path[n - 1] != '/')
        return find_file(path);
    snprintf(full, sizeof full, "%sindex.html", path);
    return find_file(full);
}

/* Whether some compiled-in file lies under directory `path` (no trailing slash). */
static int embedded_dir(const char *path)
{
    size_t n = strlen(path), lo = 0, hi = embedded_file_count;
    while (lo < hi) {                   /* the first name >= path + "/" */
        size_t mid = (lo + hi) / 2;
        int c = strncmp(embedded_files[mid].path, path, n);
        if (c < 0 || (c == 0 && (unsigned char)embedded_files[mid].path[n] < '/'))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < embedded_file_count && !strncmp(embedded_files[lo].path, path, n) && embedded_files[lo].path[n] == '/';
}

/* A compiled-in file: 200, 301 (a directory without its slash) or 404. */
static int find_embedded(const char *path, struct http_target *t)
{
    const struct embedded_file *f = lookup(path);
    if (!f)
        return path[strlen(path) - 1] != '/' && embedded_dir(path) ? 301 : 404;
    *t = (struct http_target){ .data = f->data, .fd = -1, .size = f->size, .mtime = -1, .type = http_content_type(f->path) };
    return 200;
}

static int answer(const struct http_request *r, struct http_target *t)
{
    return root ? http_root_find(r->path, t) : find_embedded(r->path, t);
}

int main(int argc, char **argv)
{
    struct http_server s;
    http_server_init(&s, "httpd", answer);
    for (int i = 1; i < argc; i++) {
        if (http_server_option(&s, argc, argv, &i))
            continue;
        if (!strcmp(argv[i], "--root") && i + 1 < argc && (root = argv[++i])[0])
            continue;
        fprintf(stderr, "httpd: bad argument '%s'\n" USAGE, argv[i]);
        return 2;
    }
    if (http_server_listen(&s) < 0)
        return 1;
    if (root && http_root_set("httpd", root) < 0)
        return 2;
    if (root)
        printf("httpd: serving %s on port %d\n", http_root()[0] ? http_root() : "/", s.port);
    else
        printf("httpd: serving %zu files on port %d\n", embedded_file_count, s.port);
    fflush(stdout);
    return http_server_run(&s);
}
