/* Page tables: one identity-mapped address space (4-level paging, Intel SDM vol. 3 §4.5). */
#ifndef KERNEL_PAGING_H
#define KERNEL_PAGING_H
#include <stddef.h>
#include <stdint.h>

#define VM_READ     0
#define VM_WRITE    (1 << 0)
#define VM_EXEC     (1 << 1)
#define VM_UNCACHED (1 << 2)    /* device registers */

/* Build the final tables (page 0 unmapped, text RX, rodata R, data/bss/RAM RW+NX, memory below
 * 1 MiB read-only for ACPI tables) and switch to them. After memory_init. */
void paging_init(void);

/* Identity-map [addr, addr+len) with the given VM_* flags, replacing what was there.
 * Returns 0 or -ENOMEM when no page is left for a table. */
int vm_map(uintptr_t addr, size_t len, int flags);
/* Unmap [addr, addr+len). Returns 0, or -ENOMEM when no page is left to split a large page. */
int vm_unmap(uintptr_t addr, size_t len);

/* Whether addr is mapped; if so and flags is not NULL, its VM_* flags. */
int vm_is_mapped(uintptr_t addr, int *flags);
#endif
