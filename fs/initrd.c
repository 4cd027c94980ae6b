#include "initrd.h"
#include "cpio.h"
#include "vfs.h"
#include "../kernel/format.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

/* "./a/b", "/a/b" and "a/b" all name /a/b; "." and "" name the root itself (NULL). */
static const char *archive_path(const char *name, char *out, size_t size)
{
    while (name[0] == '.' && name[1] == '/')
        name += 2;
    while (*name == '/')
        name++;
    if (!*name || strcmp(name, ".") == 0)
        return NULL;
    ksnprintf(out, size, "/%s", name);
    return out;
}

static int make_file(const char *path, const struct cpio_entry *e)
{
    struct vfs_file *f;
    int rc = vfs_open(path, O_WRONLY | O_CREAT | O_TRUNC, e->mode & 07777, &f);
    if (rc == -ENOENT) {
        vfs_mkdir_parents(path);   /* an archive may list a file before its directory */
        rc = vfs_open(path, O_WRONLY | O_CREAT | O_TRUNC, e->mode & 07777, &f);
    }
    if (rc < 0)
        return rc;
    ssize_t n = e->size ? vfs_write(f, e->data, e->size) : 0;
    vfs_close(f);
    return n < 0 ? (int)n : (size_t)n == e->size ? 0 : -ENOSPC;
}

/* An archive may list a directory after what it holds, or before its own parent. */
static int make_dir(const char *path, const struct cpio_entry *e) { return vfs_mkdir_p(path, e->mode & 07777); }

int initrd_unpack(const unsigned char *buf, size_t len, char *why, size_t why_len)
{
    size_t pos = 0;
    struct cpio_entry e;
    int rc;
    while ((rc = cpio_next(buf, len, &pos, &e, why, why_len)) == 1)
        ;
    if (rc < 0)
        return rc;
    int made = 0;
    char path[VFS_PATH_MAX];
    for (pos = 0; cpio_next(buf, len, &pos, &e, why, why_len) == 1;) {
        const char *p = archive_path(e.name, path, sizeof path);
        if (!p)
            continue;
        if (S_ISDIR(e.mode))
            rc = make_dir(p, &e);
        else if (S_ISREG(e.mode))
            rc = make_file(p, &e);
        else
            continue;                    /* links and devices: nothing here could use them */
        if (rc == 0)
            vfs_set_mtime(p, (time_t)e.mtime);     /* as the archive has it: Last-Modified, make */
        if (rc < 0) {
            ksnprintf(why, why_len, "%s: %s (error %d)", p, rc == -ENOSPC ? "no memory left for it" : "cannot be made there", -rc);
            return rc;
        }
        made++;
    }
    return made;
}
