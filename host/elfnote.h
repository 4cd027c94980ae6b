/* What the manager reads of a shared OS or an app module (os/abi.h) without booting it: the ABI
 * string of the ELF note owner "Mayfly" type 1 in a PT_NOTE segment (the note scripts/abi-of
 * prints), and the release name the OS's build stamped into it (mayfly_os_release, os/build.mk).
 * Every read is checked against the buffer's length: a truncated or corrupt file is refused, never
 * read past (tests/unit/test_elfnote.c fuzzes it under the sanitizers). */
#ifndef MAYFLY_ELFNOTE_H
#define MAYFLY_ELFNOTE_H
#include "../os/abi.h"
#include <stddef.h>

#define ELFNOTE_ABI_MAX MAYFLY_ABI_STRING_MAX
#define ELFNOTE_FILE_MAX (256u << 20)   /* larger files are refused unread */

enum elfnote_result {
    ELFNOTE_OK = 0,
    ELFNOTE_NOT_ELF = -1,               /* not an ELF64 little-endian file */
    ELFNOTE_NO_NOTE = -2,               /* an ELF64, but no Mayfly ABI note */
    ELFNOTE_BAD = -3,                   /* headers that point outside the file, an ABI string too long */
    ELFNOTE_UNREADABLE = -4,            /* the file could not be read (errno says why) or is too large */
};

/* The ABI string (NUL-terminated, at most ELFNOTE_ABI_MAX - 1 bytes, printable) into abi. */
int elfnote_abi(const unsigned char *data, size_t len, char *abi, size_t abilen);
/* The NUL-terminated string a defined symbol of .symtab points at, into out (cut to outlen).
 * ELFNOTE_NO_NOTE when there is no such symbol or its bytes are not in the file. */
int elfnote_symbol_string(const unsigned char *data, size_t len, const char *name, char *out, size_t outlen);

/* A whole file read into memory (malloc'd, *len its size): for the two above. */
int elfnote_read_file(const char *path, unsigned char **data, size_t *len);
/* elfnote_read_file and elfnote_abi together. */
int elfnote_abi_of(const char *path, char *abi, size_t abilen);
/* A sentence for a result, about the file called what ("an OS file", ...). */
const char *elfnote_strerror(int result);
#endif
