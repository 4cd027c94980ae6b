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

static void unpack_initrd(void)
{
    int n;
    const struct mem_range *m = mem_modules(&n);
    if (n == 0 || m[0].len == 0)
        return;
    char why[160];
    int made = initrd_unpack((const unsigned char *)(uintptr_t)m[0].base, m[0].len, why, sizeof why);
    if (made < 0)
        kprintf("mayfly: initrd (%lu bytes) refused: %s\n", (unsigned long)m[0].len, why);
    else
        kdebug("mayfly: initrd: %d files and directories unpacked into / (%lu KiB)\n", made,
               (unsigned long)(m[0].len / 1024));
    mem_module_release(0);               /* its bytes are copied: the pages go back to the pool */
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
