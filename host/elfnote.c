/* Reading the Mayfly ABI note and the OS's release name from an ELF64 file (elfnote.h). The
 * offsets are the ELF64 specification's (the System V gABI): the file header, the program
 * headers (56 bytes each: type at 0, offset at 8, file size at 32; their notes are read by the
 * OS's own os/abi_note.c), the section headers (64 bytes:
 * type at 4, address at 16, offset at 24, size at 32, link at 40, entry size at 56) and the
 * symbols (24 bytes: name at 0, section index at 6, value at 8, size at 16). All of it is read
 * byte by byte, little-endian, so no unaligned access and no struct layout is assumed. */
#include "elfnote.h"
#include "../os/abi_note.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define SHDR_SIZE 64
#define SYM_SIZE 24
#define PT_NOTE 4
#define SHT_SYMTAB 2
#define SHT_NOBITS 8
#define SHN_UNDEF 0
#define SHN_LORESERVE 0xff00

static uint64_t get(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

/* Whether [off, off + size) lies within len bytes, without overflow. */
static int inside(uint64_t off, uint64_t size, size_t len)
{
    return off <= len && size <= len - off;
}

static int check_header(const unsigned char *d, size_t len)
{
    /* magic, ELFCLASS64, ELFDATA2LSB */
    if (len < EHDR_SIZE || memcmp(d, "\177ELF", 4) != 0 || d[4] != 2 || d[5] != 1)
        return ELFNOTE_NOT_ELF;
    return ELFNOTE_OK;
}

/* One PT_NOTE segment's notes (os/abi_note.c reads them, as the OS's module loader does): 0 with
 * the ABI, or ELFNOTE_NO_NOTE / ELFNOTE_BAD. */
static int scan_notes(const unsigned char *d, size_t len, uint64_t off, uint64_t size, char *abi, size_t abilen)
{
    if (!inside(off, size, len))
        return ELFNOTE_BAD;
    int rc = abi_note_find(d + off, size, abi, abilen < ELFNOTE_ABI_MAX ? abilen : ELFNOTE_ABI_MAX);
    if (rc == ABI_NOTE_NONE)
        return ELFNOTE_NO_NOTE;
    if (rc != ABI_NOTE_FOUND)
        return ELFNOTE_BAD;
    for (const char *c = abi; *c; c++)
        if (*c < 0x21 || *c > 0x7e)     /* it names files and is printed: no spaces */
            return ELFNOTE_BAD;
    return ELFNOTE_OK;
}

int elfnote_abi(const unsigned char *d, size_t len, char *abi, size_t abilen)
{
    int rc = check_header(d, len);
    if (rc < 0)
        return rc;
    uint64_t phoff = get(d + 32, 8), phentsize = get(d + 54, 2), phnum = get(d + 56, 2);
    if (phnum && (phentsize < PHDR_SIZE || !inside(phoff, phentsize * phnum, len)))
        return ELFNOTE_BAD;
    int bad = 0;
    for (uint64_t i = 0; i < phnum; i++) {
        const unsigned char *ph = d + phoff + i * phentsize;
        if (get(ph, 4) != PT_NOTE)
            continue;
        rc = scan_notes(d, len, get(ph + 8, 8), get(ph + 32, 8), abi, abilen);
        if (rc == ELFNOTE_OK)
            return rc;
        bad |= rc == ELFNOTE_BAD;
    }
    return bad ? ELFNOTE_BAD : ELFNOTE_NO_NOTE;
}

/* Section i's header, or NULL when it is not in the file. */
static const unsigned char *section(const unsigned char *d, size_t len, uint64_t i)
{
    uint64_t shoff = get(d + 40, 8), shentsize = get(d + 58, 2), shnum = get(d + 60, 2);
    if (i >= shnum || shentsize < SHDR_SIZE || !inside(shoff, shentsize * shnum, len))
        return NULL;
    return d + shoff + i * shentsize;
}

int elfnote_symbol_string(const unsigned char *d, size_t len, const char *name, char *out, size_t outlen)
{
    int rc = check_header(d, len);
    if (rc < 0)
        return rc;
    uint64_t shnum = get(d + 60, 2), want = strlen(name);
    for (uint64_t i = 0; i < shnum; i++) {
        const unsigned char *sh = section(d, len, i);
        if (!sh)
            return ELFNOTE_BAD;
        if (get(sh + 4, 4) != SHT_SYMTAB)
            continue;
        const unsigned char *strsh = section(d, len, get(sh + 40, 4));
        uint64_t off = get(sh + 24, 8), size = get(sh + 32, 8);
        if (!strsh || !inside(off, size, len))
            return ELFNOTE_BAD;
        uint64_t stroff = get(strsh + 24, 8), strsize = get(strsh + 32, 8);
        if (!inside(stroff, strsize, len))
            return ELFNOTE_BAD;
        for (uint64_t s = 0; s + SYM_SIZE <= size; s += SYM_SIZE) {
            const unsigned char *sym = d + off + s;
            uint64_t n = get(sym, 4), shndx = get(sym + 6, 2), value = get(sym + 8, 8);
            /* its name and a NUL within the string table */
            if (n >= strsize || strsize - n <= want || memcmp(d + stroff + n, name, want + 1) != 0)
                continue;
            if (shndx == SHN_UNDEF || shndx >= SHN_LORESERVE)
                return ELFNOTE_NO_NOTE;
            const unsigned char *home = section(d, len, shndx);
            if (!home || get(home + 4, 4) == SHT_NOBITS)
                return ELFNOTE_NO_NOTE;
            uint64_t addr = get(home + 16, 8), hoff = get(home + 24, 8), hsize = get(home + 32, 8);
            if (!inside(hoff, hsize, len) || value < addr || value - addr >= hsize)
                return ELFNOTE_NO_NOTE;
            const unsigned char *str = d + hoff + (value - addr);
            size_t room = (size_t)(hsize - (value - addr));
            const unsigned char *nul = memchr(str, '\0', room);
            if (!nul || !outlen)
                return ELFNOTE_NO_NOTE;
            size_t k = (size_t)(nul - str) < outlen - 1 ? (size_t)(nul - str) : outlen - 1;
            memcpy(out, str, k);
            out[k] = '\0';
            return ELFNOTE_OK;
        }
    }
    return ELFNOTE_NO_NOTE;
}

int elfnote_read_file(const char *path, unsigned char **data, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    *data = NULL;
    if (fd < 0)
        return ELFNOTE_UNREADABLE;
    int failed = fstat(fd, &st) < 0;
    if (failed || !S_ISREG(st.st_mode) || st.st_size > ELFNOTE_FILE_MAX) {
        int e = failed ? errno : !S_ISREG(st.st_mode) ? EINVAL : EFBIG;
        close(fd);
        errno = e;
        return ELFNOTE_UNREADABLE;
    }
    unsigned char *buf = malloc(st.st_size ? (size_t)st.st_size : 1);
    size_t done = 0;
    while (buf && done < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    close(fd);
    if (!buf || done < (size_t)st.st_size) {
        free(buf);
        errno = buf ? EIO : ENOMEM;
        return ELFNOTE_UNREADABLE;
    }
    *data = buf;
    *len = done;
    return ELFNOTE_OK;
}

int elfnote_abi_of(const char *path, char *abi, size_t abilen)
{
    unsigned char *d;
    size_t len;
    int rc = elfnote_read_file(path, &d, &len);
    if (rc < 0)
        return rc;
    rc = elfnote_abi(d, len, abi, abilen);
    free(d);
    return rc;
}

const char *elfnote_strerror(int result)
{
    switch (result) {
    case ELFNOTE_OK: return "carries a Mayfly ABI note";
    case ELFNOTE_NOT_ELF: return "is not an ELF64 file";
    case ELFNOTE_NO_NOTE: return "is an ELF64 file without a Mayfly ABI note (not built by make os or MODULE=1)";
    case ELFNOTE_BAD: return "is a damaged ELF64 file (its headers point outside it, or its ABI note is malformed)";
    default: return "cannot be read";
    }
}
