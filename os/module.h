/* Loading an app module (an ELF-64 shared object built by `make MODULE=1`) into memory, and
 * linking it against the OS's exported symbols. Pure logic, no hardware: the caller gives the
 * memory and the symbol lookup, so the host unit tests drive it directly.
 *
 * Supported: ET_DYN for x86-64, PT_LOAD segments, DT_RELA and DT_JMPREL relocations of the
 * types a PIC shared object holds (RELATIVE, 64, GLOB_DAT, JUMP_SLOT), all bound at load,
 * DT_HASH for the symbol count, DT_INIT/DT_INIT_ARRAY/DT_FINI_ARRAY. Refused, with a reason:
 * another machine or type, an interpreter, DT_NEEDED (there are no other libraries), TLS,
 * REL relocations, any other relocation type, an undefined symbol the OS does not export, a
 * missing or different ABI note, and anything that points outside the file or the image. */
#ifndef OS_MODULE_H
#define OS_MODULE_H
#include <stddef.h>
#include <stdint.h>

#define MODULE_SPAN_MAX (1ul << 30)     /* no app needs more; keeps every sum far from overflow */
#define MODULE_PAGE 4096ul

struct module_layout {
    uint64_t lowest;                    /* the lowest PT_LOAD address, page-rounded down */
    size_t span;                        /* bytes from lowest to the end of the highest segment, page-rounded */
    char abi[64];                       /* the module's ABI note ("" when it has none) */
};

struct module {
    unsigned char *base;                /* where lowest was put: a symbol's address is base + value - lowest */
    uint64_t lowest;
    size_t span;
    const struct elf64_sym *syms;       /* the dynamic symbol table, in loaded memory */
    const char *strs;
    size_t nsyms, strsz;
    void (*init)(void);
    void (**init_array)(void);
    void (**fini_array)(void);
    size_t ninit, nfini;
    uint64_t relro_start, relro_end;    /* addresses to make read-only once linked, 0 0 for none */
};

/* The OS's symbol by name: sets *addr and returns 1, or returns 0 when it has none. */
typedef int (*module_resolve_fn)(const char *name, uint64_t *addr, void *ctx);

/* Check image (len bytes) is a module for this machine and read its layout and ABI note.
 * Returns 0, or -1 with the reason in why. */
int module_inspect(const void *image, size_t len, struct module_layout *out, char *why, size_t whylen);

/* Copy the module's segments to mem (layout->span bytes, page-aligned, any content), zero the
 * rest, and link it: every relocation applied, every undefined symbol resolved by resolve
 * (weak ones may stay 0). Nothing of the module has run. Returns 0, or -1 with the reason in why
 * (naming the unresolved symbols, at most a few). */
int module_link(const void *image, size_t len, const struct module_layout *layout, void *mem,
                module_resolve_fn resolve, void *ctx, struct module *out, char *why, size_t whylen);

/* A symbol the module defines (its dynamic table), as an address; 0 when it has none. */
void *module_symbol(const struct module *m, const char *name);

/* For each PT_LOAD of image: its address in memory and its flags (PF_R/W/X), to protect it. */
typedef void (*module_segment_fn)(uintptr_t start, size_t len, uint32_t flags, void *ctx);
void module_segments(const void *image, const struct module *m, module_segment_fn fn, void *ctx);
#endif
