/* The filesystem's part of the boot: the initrd unpacked into "/" (and, later, disks mounted). */
#ifndef FS_BOOT_H
#define FS_BOOT_H

/* Called by the C runtime's start before main, in programs that use files; problems are
 * reported on the console and the program runs anyway. */
void fs_boot(void);
#endif
