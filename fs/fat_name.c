/* fs/fat_name.c: names. UTF-8 (the API) to and from UTF-16 (VFAT long names on disk), FAT's
 * case-insensitive comparison, 8.3 short names and their numeric tails (fatgen103 "Name
 * Matching In Short File Names", "The Basis-Name Generation Algorithm", "The Numeric-Tail
 * Generation Algorithm"), and the long-name entry's layout and checksum. */
#include <errno.h>
#include <string.h>
#include "fat_impl.h"

#define REPLACEMENT 0xfffd
#define LFN_PAD 0xffff          /* unused characters after the terminating 0x0000 */

/* where the 13 UTF-16 units of a long-name entry sit (LDIR_Name1, LDIR_Name2, LDIR_Name3) */
static const uint8_t lfn_offsets[LFN_CHARS] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };

static int forbidden(uint32_t cp)
{
    return cp < 0x20 || (cp < 0x80 && strchr("\"*/:<>?\\|", (int)cp));
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static int utf8_next(const uint8_t *s, size_t len, size_t *i, uint32_t *cp)
{
    uint8_t b = s[*i];
    int more = b < 0x80 ? 0 : (b & 0xe0) == 0xc0 ? 1 : (b & 0xf0) == 0xe0 ? 2 : (b & 0xf8) == 0xf0 ? 3 : -1;
    static const uint32_t min[4] = { 0, 0x80, 0x800, 0x10000 };
    if (more < 0 || *i + (size_t)more >= len)
        return -EINVAL;
    uint32_t v = more ? b & (0x3f >> more) : b;
    for (int k = 1; k <= more; k++) {
        if ((s[*i + k] & 0xc0) != 0x80)
            return -EINVAL;
        v = v << 6 | (s[*i + k] & 0x3f);
    }
    if (v < min[more] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return -EINVAL;
    *i += (size_t)more + 1;
    *cp = v;
    return 0;
}

int fat_name_from_utf8(const char *s, size_t len, uint16_t *out, int *outlen)
{
    const uint8_t *u = (const uint8_t *)s;
    int n = 0;
    if (len == 0 || (len == 1 && s[0] == '.') || (len == 2 && s[0] == '.' && s[1] == '.'))
        return -EINVAL;
    if (len > FAT_NAME_MAX * 4)
        return -ENAMETOOLONG;
    if (s[len - 1] == ' ' || s[len - 1] == '.')
        return -EINVAL;         /* Windows would silently drop them: refuse instead */
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        if (utf8_next(u, len, &i, &cp) < 0 || forbidden(cp))
            return -EINVAL;
        if (n + (cp >= 0x10000 ? 2 : 1) > FAT_NAME_MAX)
            return -ENAMETOOLONG;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out[n++] = (uint16_t)(0xd800 | cp >> 10);
            out[n++] = (uint16_t)(0xdc00 | (cp & 0x3ff));
        } else {
            out[n++] = (uint16_t)cp;
        }
    }
    *outlen = n;
    return 0;
}

/* Unpaired surrogates (possible on disk) become U+FFFD. cap must be at least len * 3 + 1. */
size_t fat_name_to_utf8(const uint16_t *u, int len, char *out, size_t cap)
{
    size_t at = 0;
    for (int i = 0; i < len && at + 4 < cap; i++) {
        uint32_t cp = u[i];
        if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < len && u[i + 1] >= 0xdc00 && u[i + 1] <= 0xdfff)
            cp = 0x10000 + ((cp - 0xd800) << 10) + (u[++i] - 0xdc00);
        else if (cp >= 0xd800 && cp <= 0xdfff)
            cp = REPLACEMENT;
        if (cp < 0x80) {
            out[at++] = (char)cp;
        } else if (cp < 0x800) {
            out[at++] = (char)(0xc0 | cp >> 6);
            out[at++] = (char)(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out[at++] = (char)(0xe0 | cp >> 12);
            out[at++] = (char)(0x80 | (cp >> 6 & 0x3f));
            out[at++] = (char)(0x80 | (cp & 0x3f));
        } else {
            out[at++] = (char)(0xf0 | cp >> 18);
            out[at++] = (char)(0x80 | (cp >> 12 & 0x3f));
            out[at++] = (char)(0x80 | (cp >> 6 & 0x3f));
            out[at++] = (char)(0x80 | (cp & 0x3f));
        }
    }
    out[at] = 0;
    return at;
}

/* FAT matches names without regard to case; this folds ASCII and Latin-1 letters. */
static uint16_t fold(uint16_t c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 0xe0 && c <= 0xfe && c != 0xf7))
        return (uint16_t)(c - 0x20);
    return c;
}

int fat_name_equal(const uint16_t *a, int alen, const uint16_t *b, int blen)
{
    if (alen != blen)
        return 0;
    for (int i = 0; i < alen; i++)
        if (fold(a[i]) != fold(b[i]))
            return 0;
    return 1;
}

/* The 8.3 name as shown: "NAME.EXT", lower-cased per the NT case bits (DIR_NTRes), which is how
 * Windows and mtools store names like "readme.txt" without a long name. Bytes above 0x7F are in an
 * unknown OEM code page and are shown as Latin-1, which at least stays valid UTF-8. */
int fat_short_to_name(const uint8_t *de, uint16_t *out)
{
    int n = 0, base = SHORT_BASE, ext = SHORT_EXT;
    while (base > 0 && de[base - 1] == ' ') base--;
    while (ext > 0 && de[SHORT_BASE + ext - 1] == ' ') ext--;
    for (int i = 0; i < base; i++) {
        uint8_t c = i == 0 && de[0] == ENTRY_KANJI_E5 ? ENTRY_FREE : de[i];
        out[n++] = (de[DIR_NTRES] & NTRES_LOWER_BASE) && c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
    if (ext)
        out[n++] = '.';
    for (int i = 0; i < ext; i++) {
        uint8_t c = de[SHORT_BASE + i];
        out[n++] = (de[DIR_NTRES] & NTRES_LOWER_EXT) && c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
    return n;
}

static int short_char_ok(uint16_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c < 0x80 && strchr("$%'-_@~`!(){}^#&", c));
}

/* Builds the basis name (fatgen103 "The Basis-Name Generation Algorithm"): upper case, characters
 * a short name cannot hold become '_', spaces and leading periods go, base and extension are cut
 * at 8 and 3 around the last period. Returns BASIS_LOSSY and/or BASIS_EXACT. */
int fat_short_basis(const uint16_t *name, int len, uint8_t basis[11])
{
    int altered = 0, upper = 1, start = 0, dot = -1, nb = 0, ne = 0;
    memset(basis, ' ', 11);
    while (start < len && (name[start] == '.' || name[start] == ' '))
        start++, altered = 1;
    for (int i = start; i < len; i++)
        if (name[i] == '.')
            dot = i;
    for (int i = start; i < len; i++) {
        uint16_t c = name[i];
        if (c == ' ' || (c == '.' && i != dot)) {
            altered = 1;
            continue;
        }
        if (i == dot)
            continue;
        if (fold(c) != c)
            upper = 0;
        c = fold(c);
        if (!short_char_ok(c))
            c = '_', altered = 1;
        if (dot < 0 || i < dot) {
            if (nb < SHORT_BASE) basis[nb++] = (uint8_t)c; else altered = 1;
        } else {
            if (ne < SHORT_EXT) basis[SHORT_BASE + ne++] = (uint8_t)c; else altered = 1;
        }
    }
    if (nb == 0)
        basis[0] = '_', altered = 1;
    return (altered ? BASIS_LOSSY : 0) | (!altered && upper ? BASIS_EXACT : 0);
}

/* basis with "~n" over the end of its base (fatgen103 "The Numeric-Tail Generation Algorithm") */
void fat_short_with_tail(const uint8_t basis[11], uint32_t n, uint8_t out[11])
{
    char tail[12];
    int t = 0, base = SHORT_BASE;
    do tail[t++] = (char)('0' + n % 10); while ((n /= 10) && t < 7);
    tail[t++] = '~';
    memcpy(out, basis, 11);
    while (base > 0 && basis[base - 1] == ' ') base--;
    if (base > SHORT_BASE - t)
        base = SHORT_BASE - t;
    while (t > 0)
        out[base++] = (uint8_t)tail[--t];
    while (base < SHORT_BASE)
        out[base++] = ' ';
}

/* VFAT: each long entry carries this sum of its short name, so a long name orphaned by a
 * non-VFAT system is recognised as stale (an 8-bit rotate-right-and-add over the 11 bytes). */
uint8_t fat_lfn_checksum(const uint8_t name[11])
{
    uint8_t sum = 0;
    for (int i = 0; i < 11; i++)
        sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name[i]);
    return sum;
}

/* Fills long-name entry `ord` (1-based) with its 13 units of name: after the name one 0x0000,
 * then 0xFFFF padding. */
void fat_lfn_pack(uint8_t *e, int ord, int last, uint8_t csum, const uint16_t *name, int len)
{
    memset(e, 0, DIR_ENTRY_SIZE);
    e[LDIR_ORD] = (uint8_t)(ord | (last ? LDIR_LAST : 0));
    e[DIR_ATTR] = ATTR_LONG_NAME;
    e[LDIR_CHKSUM] = csum;
    for (int k = 0; k < LFN_CHARS; k++) {
        int i = (ord - 1) * LFN_CHARS + k;
        fat_put16(e + lfn_offsets[k], i < len ? name[i] : i == len ? 0 : LFN_PAD);
    }
}

/* The units of one long-name entry up to its terminator: how many (0-13). */
int fat_lfn_unpack(const uint8_t *e, uint16_t *name)
{
    for (int k = 0; k < LFN_CHARS; k++) {
        name[k] = fat_get16(e + lfn_offsets[k]);
        if (name[k] == 0)
            return k;
    }
    return LFN_CHARS;
}
