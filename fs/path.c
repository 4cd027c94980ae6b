#include "path.h"
#include <errno.h>
#include <string.h>

/* Append one name to out (length *len), or drop the last name for "..". */
static int push(char *out, size_t *len, size_t size, const char *name, size_t n)
{
    if (n == 1 && name[0] == '.')
        return 0;
    if (n == 2 && name[0] == '.' && name[1] == '.') {
        while (*len > 0 && out[*len - 1] != '/')
            (*len)--;
        if (*len > 0)
            (*len)--;                    /* the slash before the dropped name */
        return 0;
    }
    if (*len + 1 + n + 1 > size)
        return -ENAMETOOLONG;
    out[(*len)++] = '/';
    memcpy(out + *len, name, n);
    *len += n;
    return 0;
}

static int fold_into(const char *p, char *out, size_t *len, size_t size, size_t max_name, int *dir_only)
{
    while (*p) {
        while (*p == '/')
            p++;
        if (!*p) {
            *dir_only = 1;               /* a trailing slash */
            break;
        }
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n > max_name)
            return -ENAMETOOLONG;
        int rc = push(out, len, size, p, n);
        if (rc < 0)
            return rc;
        *dir_only = (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.');
        p += n;
    }
    return 0;
}

int path_fold(const char *cwd, const char *path, char *out, size_t size, size_t max_name, int *dir_only)
{
    *dir_only = 0;
    if (!path || !*path)
        return -ENOENT;
    if (size < 2)
        return -ENAMETOOLONG;
    size_t len = 0;
    int rc = 0, ignored = 0;
    if (path[0] != '/')
        rc = fold_into(cwd, out, &len, size, max_name, &ignored);
    if (rc == 0)
        rc = fold_into(path, out, &len, size, max_name, dir_only);
    if (rc < 0)
        return rc;
    if (len == 0)
        out[len++] = '/';
    out[len] = '\0';
    return 0;
}

int path_under(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    if (n == 1)                          /* "/" is above everything */
        return 1;
    return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}
