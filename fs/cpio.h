/* cpio archives in the "newc" format (and its "crc" twin), as `cpio -H newc` writes them and
 * Linux reads an initramfs: a 110-byte header of ASCII hex fields, the name, the data, each
 * padded to 4 bytes, ending with the entry "TRAILER!!!". Pure parsing over a byte buffer. */
#ifndef FS_CPIO_H
#define FS_CPIO_H
#include <stddef.h>
#include <stdint.h>

struct cpio_entry {
    const char *name;                    /* NUL-terminated, inside the archive */
    uint32_t mode;                       /* type and permission bits, as st_mode */
    uint32_t mtime;
    const unsigned char *data;
    size_t size;
};

/* The entry at *pos, moving *pos past it: 1, or 0 at the trailer. A malformed archive gives
 * -EINVAL and a reason in why (with the byte offset). */
int cpio_next(const unsigned char *buf, size_t len, size_t *pos, struct cpio_entry *e, char *why, size_t why_len);
#endif
