/* The ABI note among a segment's notes (abi_note.h). */
#include "abi_note.h"
#include "abi.h"
#include "elf64.h"
#include <string.h>

int abi_note_find(const unsigned char *notes, uint64_t size, char *abi, size_t abilen)
{
    uint64_t pos = 0;
    while (size - pos >= sizeof(struct elf64_nhdr)) {
        struct elf64_nhdr nh;
        memcpy(&nh, notes + pos, sizeof nh);   /* no alignment assumed */
        uint64_t name_at = pos + sizeof nh, desc_at = name_at + (((uint64_t)nh.namesz + 3) & ~3ull);
        if (desc_at > size || nh.descsz > size - desc_at)   /* no overflow: each size is below 2^32 */
            return ABI_NOTE_MALFORMED;
        if (nh.type == MAYFLY_NOTE_ABI && nh.namesz == sizeof MAYFLY_NOTE_OWNER &&
            memcmp(notes + name_at, MAYFLY_NOTE_OWNER, sizeof MAYFLY_NOTE_OWNER) == 0) {
            const unsigned char *desc = notes + desc_at;
            if (nh.descsz == 0 || nh.descsz > abilen || desc[nh.descsz - 1] != '\0')
                return ABI_NOTE_MALFORMED;
            memcpy(abi, desc, nh.descsz);
            return ABI_NOTE_FOUND;
        }
        uint64_t next = desc_at + (((uint64_t)nh.descsz + 3) & ~3ull);
        if (next > size)                /* the last note's padding may be cut */
            break;
        pos = next;
    }
    return ABI_NOTE_NONE;
}
