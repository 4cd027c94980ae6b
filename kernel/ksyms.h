/* The kernel's symbol table, embedded in the image by a second link (scripts/gen-ksyms),
 * so that backtraces name functions without any file beside the image. */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H
#include <stdint.h>

struct ksym {
    uint32_t addr;      /* the image is linked below 4 GiB */
    uint32_t name;      /* offset into ksyms_names */
};

/* The name of the function containing addr and addr's offset into it; NULL if none. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);
#endif
