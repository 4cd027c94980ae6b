#include "boot.h"
#include "fatfs.h"
#include "initrd.h"
#include "options.h"
#include "vfs.h"
#include "../drivers/blkdev.h"
#include "../kernel/memory.h"
#include "../kernel/format.h"
#include "../kernel/printk.h"
#include <errno.h>
#include <string.h>

/* The initrd is the first module that is not an ELF file: an ELF one is an app module, which
 * the shared OS links (os/loader.c). */
static int initrd_module(const struct mem_range *m, int n)
{
    for (int i = 0; i < n; i++)
        if (m[i].len && !(m[i].len >= 4 && memcmp((const void *)(uintptr_t)m[i].base, "\177ELF", 4) == 0))
            return i;
    return -1;
}

static void unpack_initrd(void)
{
    int n;
    const struct mem_range *m = mem_modules(&n);
    int i = initrd_module(m, n);
    if (i < 0)
        return;
    char why[160];
    int made = initrd_unpack((const unsigned char *)(uintptr_t)m[i].base, m[i].len, why, sizeof why);
    if (made < 0)
        kprintf("mayfly: initrd (%lu bytes) refused: %s\n", (unsigned long)m[i].len, why);
    else
        kdebug("mayfly: initrd: %d files and directories unpacked into / (%lu KiB)\n", made,
               (unsigned long)(m[i].len / 1024));
    mem_module_release(i);               /* its bytes are copied: the pages go back to the pool */
}

/* Each mount= option: a FAT disk on a block device, or a message saying why not; the program
 * runs either way. */
static void mount_disks(void)
{
    char *value;
    for (int pos = 0; (value = option_next("mount", &pos));) {
        struct mount_option m;
        char why[160];
        if (mount_option_parse(value, &m) < 0)
            continue;                    /* the kernel refused it at boot already */
        struct blkdev *dev = blk_find(m.device);
        struct vfs_node *root;
        int rc;
        if (!dev)
            kprintf("mayfly: mount %s on %s: no such disk\n", m.device, m.path);
        else if (!(root = fatfs_open(dev, m.read_only, why, sizeof why)))
            kprintf("mayfly: mount %s on %s refused: %s\n", m.device, m.path, why);
        else if ((rc = vfs_mkdir_p(m.path, 0755)) < 0 ||   /* under directories no one made */
                 (rc = vfs_mount(m.path, root, m.read_only || dev->read_only)) < 0) {
            kprintf("mayfly: mount %s on %s: the mount point cannot be made (error %d)\n", m.device, m.path, -rc);
            vfs_node_put(root);
        }
        else
            kdebug("mayfly: %s mounted on %s%s\n", m.device, m.path, m.read_only || dev->read_only ? " (read-only)" : "");
    }
}

void fs_boot(void)
{
    unpack_initrd();
    mount_disks();
}
