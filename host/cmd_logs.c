/* mayfly logs [-f] [--tail N] NAME: the console, oldest rotated file first; -f follows it (across
 * rotations) until the instance's monitor is gone. */
#include "commands.h"
#include "console_log.h"
#include "instance.h"
#include "paths.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FOLLOW_POLL_MS 100

static const char logs_usage[] = "usage: mayfly logs [-f] [--tail N] NAME\n";

/* Appends a file's bytes to a growing buffer (the whole history, to take the tail from). */
static void slurp(const char *path, char **buf, size_t *len)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        char *grown = realloc(*buf, *len + n);
        if (!grown)
            break;
        *buf = grown;
        memcpy(*buf + *len, chunk, n);
        *len += n;
    }
    fclose(f);
}

/* The start of the last `lines` lines of buf (all of it when lines < 0). */
static size_t tail_start(const char *buf, size_t len, long lines)
{
    if (lines < 0)
        return 0;
    if (lines == 0)
        return len;
    size_t i = len;
    if (i && buf[i - 1] == '\n')
        i--;                            /* the last line's own end */
    for (; i > 0; i--)
        if (buf[i - 1] == '\n' && --lines == 0)
            return i;
    return 0;
}

/* Copies path from offset to its end; returns the new offset. */
static off_t copy_from(FILE *f, off_t offset)
{
    char buf[65536];
    size_t n;
    if (fseeko(f, offset, SEEK_SET) != 0)
        return offset;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        fwrite(buf, 1, n, stdout);
        offset += (off_t)n;
    }
    fflush(stdout);
    return offset;
}

static void follow(const char *name, const char *path, off_t offset, ino_t inode)
{
    for (;;) {
        struct stat st;
        FILE *f = fopen(path, "r");
        if (f && fstat(fileno(f), &st) == 0) {
            if (st.st_ino != inode) {
                /* rotated: the rest of the old file (now .1), then the new one from its start */
                char old[PATH_MAX + 8];
                struct stat ost;
                snprintf(old, sizeof old, "%s.1", path);
                FILE *o = fopen(old, "r");
                if (o && fstat(fileno(o), &ost) == 0 && ost.st_ino == inode)
                    copy_from(o, offset);
                if (o)
                    fclose(o);
                inode = st.st_ino;
                offset = 0;
            }
            if (st.st_size > offset)
                offset = copy_from(f, offset);
        }
        if (f)
            fclose(f);
        struct status s;
        if (!instance_active(instance_state(name, &s)) || strcmp(s.state, "lost") == 0) {
            if (!f || st.st_size <= offset)
                return;
            continue;
        }
        struct timespec t = { 0, FOLLOW_POLL_MS * 1000000L };
        nanosleep(&t, NULL);
    }
}

int cmd_logs(int argc, char **argv)
{
    int follow_it = 0;
    long tail = -1;
    const char *name = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "--follow") == 0)
            follow_it = 1;
        else if (strcmp(argv[i], "--tail") == 0 || strcmp(argv[i], "-n") == 0) {
            char *end;
            if (i + 1 == argc || (tail = strtol(argv[i + 1], &end, 10), *end || tail < 0 || !*argv[i + 1])) {
                fprintf(stderr, "mayfly logs: --tail wants a number of lines, not '%s'\n%s", i + 1 < argc ? argv[i + 1] : "",
                        logs_usage);
                return EXIT_USAGE;
            }
            i++;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "mayfly logs: unknown flag '%s'\n%s", argv[i], logs_usage);
            return EXIT_USAGE;
        } else if (name) {
            fprintf(stderr, "mayfly logs: one NAME only ('%s' and '%s')\n%s", name, argv[i], logs_usage);
            return EXIT_USAGE;
        } else
            name = argv[i];
    }
    if (!name) {
        fputs(logs_usage, stderr);
        return EXIT_USAGE;
    }
    if (!instance_exists(name)) {
        fprintf(stderr, "mayfly logs: no instance '%s'\n", name);
        return EXIT_FAILED;
    }
    char path[PATH_MAX], old[PATH_MAX + 8];
    instance_path(path, sizeof path, name, "console.log");
    char *buf = NULL;
    size_t len = 0;
    for (int i = CONSOLE_LOG_KEEP; i >= 1; i--) {
        snprintf(old, sizeof old, "%s.%d", path, i);
        slurp(old, &buf, &len);
    }
    struct stat st = { 0 };
    stat(path, &st);
    size_t before = len;
    slurp(path, &buf, &len);
    size_t from = tail_start(buf, len, tail);
    fwrite(buf + from, 1, len - from, stdout);
    fflush(stdout);
    free(buf);
    if (follow_it)
        follow(name, path, (off_t)(len - before), st.st_ino);
    return 0;
}
