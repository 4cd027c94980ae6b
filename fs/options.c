#include "options.h"
#include "../kernel/format.h"
#include <errno.h>
#include <string.h>

int mount_option_parse(const char *value, struct mount_option *out)
{
    const char *colon = strchr(value, ':');
    size_t dev_len = colon ? (size_t)(colon - value) : 0;
    if (!colon || dev_len == 0 || dev_len > FS_DEVICE_NAME_MAX || colon[1] != '/')
        return -EINVAL;
    memcpy(out->device, value, dev_len);
    out->device[dev_len] = '\0';
    const char *path = colon + 1, *mode = strchr(path, ':');
    size_t path_len = mode ? (size_t)(mode - path) : strlen(path);
    if (path_len >= sizeof out->path || path_len < 2)    /* "/" itself is the in-memory root's */
        return -EINVAL;
    memcpy(out->path, path, path_len);
    out->path[path_len] = '\0';
    out->read_only = 0;
    if (mode && strcmp(mode, ":ro") == 0)
        out->read_only = 1;
    else if (mode && strcmp(mode, ":rw") != 0)
        return -EINVAL;
    return 0;
}

static int check_mount(const char *key, const char *value, char *err, size_t errlen)
{
    struct mount_option m;
    if (mount_option_parse(value, &m) == 0)
        return 0;
    ksnprintf(err, errlen, "kernel option '%s' wants DEVICE:/PATH or DEVICE:/PATH:ro, as in mount=vda:/data (got '%s')",
              key, value);
    return -EINVAL;
}

static const struct option_key fs_keys[] = {
    { "mount", "mount=DEVICE:/PATH[:ro]", 0, FS_MOUNT_OPTIONS_MAX, check_mount },
    { NULL, NULL, 0, 0, NULL },
};

const struct option_layer fs_option_layer = { fs_keys, NULL };
