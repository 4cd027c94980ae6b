#include "boot.h"
#include "initrd.h"
#include "../kernel/memory.h"
#include "../kernel/printk.h"

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

void fs_boot(void) { unpack_initrd(); }
