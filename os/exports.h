/* The OS's exported symbols: every global symbol of mayfly-os.elf, in a table the build embeds
 * (scripts/gen-exports, in the image's rodata after a first link has given the addresses). */
#ifndef OS_EXPORTS_H
#define OS_EXPORTS_H
#include <stdint.h>

/* The address of the OS's global symbol name: 1 with *addr set, or 0 when there is none. */
int export_lookup(const char *name, uint64_t *addr);
/* How many symbols the OS exports. */
uint32_t export_count(void);
#endif
