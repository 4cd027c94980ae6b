/* The filesystem's kernel options: mount=DEVICE:/PATH[:ro|:rw], repeatable (ARCHITECTURE.md).
 * Declared to the kernel, which checks them at boot; read back when the filesystem starts. */
#ifndef FS_OPTIONS_H
#define FS_OPTIONS_H
#include "../kernel/options.h"
#include "vfs.h"

#define FS_MOUNT_OPTIONS_MAX (VFS_MOUNTS_MAX - 1)   /* "/" takes one place */
#define FS_DEVICE_NAME_MAX 7

struct mount_option {
    char device[FS_DEVICE_NAME_MAX + 1];
    char path[VFS_PATH_MAX];
    int read_only;
};

/* mount=, for the kernel to check every word against (libc/options.c lists it). */
extern const struct option_layer fs_option_layer;

/* Parse one value: 0, or -EINVAL. */
int mount_option_parse(const char *value, struct mount_option *out);
#endif
