/* flv: video files from a directory (--root DIR), with what players need to seek in them:
 * single byte ranges for every file (MP4 and WebM players seek this way), and FLV
 * pseudo-streaming, as nginx's flv module does it: `GET /clip.flv?start=BYTE` answers 200 with an
 * FLV header of its own and the file from BYTE, which a Flash-era player asks for when the user
 * seeks (it knows the byte of each keyframe from the file's metadata). No start, or start=0, is
 * the whole file. A start that is no number, falls inside the header or at or past the end, or a
 * start on a file that is not FLV, is 400 with the reason in the body.
 * The HTTP itself is apps/lib/http_server.c, shared with httpd; files go out in chunks from the
 * disk, never whole in memory.
 * usage: flv --root DIR [--port N] [--max-connections N] [--grace SECONDS] */
#include "flv.h"
#include "http_root.h"
#include "http_server.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define USAGE "usage: flv --root DIR [--port N] [--max-connections N] [--grace SECONDS]\n"
#define FLV_TYPE "video/x-flv"

/* Turn t (an open file, whole) into the answer to ?start=start: the seek prefix, then the file
 * from start. 200, or 400 with t->reason. */
static int seek_target(struct http_target *t, uint64_t start)
{
    unsigned char head[FLV_HEADER_LEN];
    uint8_t flags;
    uint64_t body;
    ssize_t got = pread(t->fd, head, sizeof head, 0);
    if (got < 0 || flv_parse_header(head, (size_t)got, &flags, &body) < 0) {
        t->reason = "start is for FLV files, and this is not one";
        return 400;
    }
    if (start == 0)
        return 200;                     /* the file as it is: nothing to cut */
    if ((t->reason = flv_check_start(start, body, t->size)))
        return 400;
    flv_seek_prefix(flags, t->prefix);
    t->prefix_len = FLV_SEEK_PREFIX_LEN;
    t->start = start;
    t->size -= start;
    t->type = FLV_TYPE;                 /* whatever its name: what is sent is FLV */
    return 200;
}

static int answer(const struct http_request *r, struct http_target *t)
{
    uint64_t start = 0;
    const char *why;
    int param = flv_start_param(r->query, r->query_len, &start, &why);
    int status = http_root_find(r->path, t);
    if (status != 200)
        return status;                  /* 404 before 400: the file's absence is the first news */
    if (param < 0) {
        t->reason = why;
        return 400;
    }
    return param ? seek_target(t, start) : 200;
}

int main(int argc, char **argv)
{
    struct http_server s;
    const char *root = NULL;
    http_server_init(&s, "flv", answer);
    for (int i = 1; i < argc; i++) {
        if (http_server_option(&s, argc, argv, &i))
            continue;
        if (!strcmp(argv[i], "--root") && i + 1 < argc && (root = argv[++i])[0])
            continue;
        fprintf(stderr, "flv: bad argument '%s'\n" USAGE, argv[i]);
        return 2;
    }
    if (!root) {
        fprintf(stderr, "flv: --root DIR is needed: the directory of the videos\n" USAGE);
        return 2;
    }
    if (http_server_listen(&s) < 0)
        return 1;
    if (http_root_set("flv", root) < 0)
        return 2;
    printf("flv: serving %s on port %d\n", http_root()[0] ? http_root() : "/", s.port);
    fflush(stdout);
    return http_server_run(&s);
}
