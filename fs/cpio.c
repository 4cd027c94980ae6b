#include "cpio.h"
#include "../kernel/format.h"
#include <errno.h>
#include <string.h>

#define HEADER_BYTES 110
#define FIELD_BYTES 8
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR, F_DEVMINOR,
       F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK, FIELDS };

static size_t pad4(size_t x) { return (x + 3) & ~(size_t)3; }

static int hex8(const unsigned char *p, uint32_t *out)
{
    uint32_t v = 0;
    for (int i = 0; i < FIELD_BYTES; i++) {
        int c = p[i], d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v << 4 | (uint32_t)d;
    }
    *out = v;
    return 0;
}

static int bad(char *why, size_t why_len, size_t at, const char *what)
{
    ksnprintf(why, why_len, "at byte %lu: %s", (unsigned long)at, what);
    return -EINVAL;
}

int cpio_next(const unsigned char *buf, size_t len, size_t *pos, struct cpio_entry *e, char *why, size_t why_len)
{
    size_t at = *pos;
    if (at > len || len - at < HEADER_BYTES)
        return bad(why, why_len, at, "the archive ends inside a header (no TRAILER!!! entry)");
    const unsigned char *h = buf + at;
    if (memcmp(h, "07070", 5) != 0 || (h[5] != '1' && h[5] != '2'))
        return bad(why, why_len, at, "not a newc header (magic 070701 or 070702)");
    uint32_t f[FIELDS];
    for (int i = 0; i < FIELDS; i++)
        if (hex8(h + 6 + i * FIELD_BYTES, &f[i]) < 0)
            return bad(why, why_len, at, "a header field is not hexadecimal");
    size_t name_at = at + HEADER_BYTES, namesize = f[F_NAMESIZE];
    if (namesize == 0 || namesize > len - name_at)
        return bad(why, why_len, at, "the name runs past the end");
    const char *name = (const char *)buf + name_at;
    if (name[namesize - 1] != '\0' || strlen(name) != namesize - 1)
        return bad(why, why_len, at, "the name is not one NUL-terminated string of namesize bytes");
    size_t data_at = pad4(name_at + namesize);
    if (strcmp(name, "TRAILER!!!") == 0) {
        *pos = data_at;
        return 0;
    }
    if (data_at > len || f[F_FILESIZE] > len - data_at)
        return bad(why, why_len, at, "the data runs past the end");
    *e = (struct cpio_entry){ name, f[F_MODE], f[F_MTIME], buf + data_at, f[F_FILESIZE] };
    *pos = pad4(data_at + f[F_FILESIZE]);
    return 1;
}
