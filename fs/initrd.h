/* The initrd: a cpio archive (newc) the loader put in memory, unpacked into the in-memory root
 * at boot as Linux unpacks an initramfs. */
#ifndef FS_INITRD_H
#define FS_INITRD_H
#include <stddef.h>

/* Check the whole archive, then unpack it under "/": directories and regular files with their
 * modes (other kinds are skipped and counted). A malformed archive unpacks nothing: -EINVAL,
 * with the reason in why. Returns the number of entries made. */
int initrd_unpack(const unsigned char *buf, size_t len, char *why, size_t why_len);
#endif
