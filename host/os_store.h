/* The OS store: the shared OS files (build/mayfly-os.elf, os/abi.h) that app modules (.app) run
 * on, kept in STATE/os/ under names that cannot collide (mayfly-os-ABI-HASH.elf: its ABI string
 * and a hash of its contents; a file of other contents under a taken name gets a suffix), with
 * two of them named: the current one, that new module instances start on, and the previous
 * one, for `mayfly os rollback`. STATE/os/current and STATE/os/previous each hold a path.
 * A stored file is never rewritten: instances name the one they were started on (spec.os). */
#ifndef MAYFLY_OS_STORE_H
#define MAYFLY_OS_STORE_H
#include "spec.h"
#include <stddef.h>

/* Checks FILE (an ELF64 with the Mayfly ABI note) and stores it; its stored path into out, its
 * ABI into abi (ELFNOTE_ABI_MAX bytes). Returns 1 when it was stored now, 0 when it already was,
 * -1 with the reason printed (prefixed by cmd). */
int os_store_add(const char *cmd, const char *file, char *out, size_t len, char *abi);
/* "current" or "previous": the path, "" when there is none. Returns 0, or -1 when the state
 * directory cannot be found. */
int os_store_get(const char *which, char *out, size_t len);
/* path becomes current and the current one previous (nothing changes when it already is
 * current). Returns 0, or -1 with the reason printed. */
int os_store_make_current(const char *cmd, const char *path);
/* The OS installed beside the manager (build/mayfly-os.elf in a source tree, PREFIX/lib/mayfly/
 * mayfly-os.elf after make install) into out; -1 when there is none. */
int os_store_bundled(char *out, size_t len);
/* The current OS, or when there is none the bundled one, stored and made current (saying so on
 * stderr). Returns 0, or -1 with the reason printed. */
int os_store_current(const char *cmd, char *out, size_t len);

/* For `mayfly run`, `up`, `update`: a module's spec gets the current OS (s->os), after checking
 * that the module's ABI is the OS's; any other image gets none. Returns 0, or an exit status
 * (EXIT_USAGE) with the reason printed naming both ABIs. */
int os_bind(const char *cmd, struct spec *s);
#endif
