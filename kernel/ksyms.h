/* The kernel's symbol table, embedded in the image by a second link (scripts/gen-ksyms),
 * so that backtraces name functions without any file beside the image. */
#ifndef KERNEL_KSYMS_H
#define KERNEL_KSYMS_H
#include <stdint.h>

struct ksym {
    uint32_t addr;      /* the image is linked below 4 GiB */
    uint32_t name;      /* offset into ksyms_names */
};

/* The name of the function containing addr and addr's offset into it; NULL if none.
 * Looks in the image's own table, and in the region's of ksym_add_region. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);

/* Code loaded after boot (an app module the shared OS linked) names its own functions: lookup
 * answers for addresses in [lo, hi). One region; a second call replaces the first. */
typedef const char *(*ksym_lookup_fn)(uint64_t addr, uint64_t *offset);
void ksym_add_region(uint64_t lo, uint64_t hi, ksym_lookup_fn lookup);
#endif
