#include "http_root.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FS_PATH_MAX (PATH_MAX + HTTP_PATH_MAX + sizeof "index.html")

static char root[PATH_MAX];

int http_root_set(const char *app, const char *dir)
{
    struct stat st;
    errno = 0;
    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "%s: --root %s: %s\n", app, dir, errno ? strerror(errno) : "not a directory");
        return -1;
    }
    size_t n = strlen(dir);
    if (n >= sizeof root) {
        fprintf(stderr, "%s: --root %s: %s\n", app, dir, strerror(ENAMETOOLONG));
        return -1;
    }
    memcpy(root, dir, n + 1);
    while (n > 0 && root[n - 1] == '/')
        root[--n] = 0;
    return 0;
}

const char *http_root(void)
{
    return root;
}

int http_root_find(const char *path, struct http_target *t)
{
    static char full[FS_PATH_MAX];
    struct stat st;
    int dir = path[strlen(path) - 1] == '/';
    if ((size_t)snprintf(full, sizeof full, "%s%s%s", root, path, dir ? "index.html" : "") >= sizeof full)
        return 414;
    if (stat(full, &st) < 0)
        return errno == ENAMETOOLONG ? 414 : 404;
    if (S_ISDIR(st.st_mode))
        return dir ? 404 : 301;
    if (!S_ISREG(st.st_mode))
        return 404;
    int fd = open(full, O_RDONLY);
    if (fd < 0)
        return errno == EMFILE || errno == ENFILE || errno == ENOMEM ? 503 : 404;
    *t = (struct http_target){ .fd = fd, .size = (uint64_t)st.st_size, .mtime = st.st_mtime,
                               .type = http_content_type(full) };
    return 200;
}
