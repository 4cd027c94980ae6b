/* The Mayfly ABI note (abi.h) among the notes of one PT_NOTE segment. Pure logic on a buffer,
 * every size checked against it: the OS's module loader (module.c) reads a module's note with it,
 * and the host's manager (host/elfnote.c) an OS's or a module's without booting them. */
#ifndef OS_ABI_NOTE_H
#define OS_ABI_NOTE_H
#include <stddef.h>
#include <stdint.h>

enum abi_note_result {
    ABI_NOTE_FOUND = 1,                 /* the ABI string, NUL included, is in abi */
    ABI_NOTE_NONE = 0,                  /* no Mayfly ABI note among them */
    ABI_NOTE_MALFORMED = -1,            /* a note runs past the segment, or ours is empty, not
                                           NUL-terminated or longer than abilen */
};

/* notes: a PT_NOTE segment's size bytes (entries of a 12-byte header, the name and the
 * description, each padded to 4 bytes: System V gABI, "Note Section"). */
int abi_note_find(const unsigned char *notes, uint64_t size, char *abi, size_t abilen);
#endif
