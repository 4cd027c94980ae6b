#include "module_syms.h"
#include "elf64.h"
#include "../kernel/ksyms.h"
#include <stdlib.h>
#include <string.h>

struct func {
    uint64_t addr;
    const char *name;
};

static struct func *funcs;
static size_t nfuncs;

static int by_addr(const void *a, const void *b)
{
    uint64_t x = ((const struct func *)a)->addr, y = ((const struct func *)b)->addr;
    return x < y ? -1 : x > y;
}

static const char *lookup(uint64_t addr, uint64_t *offset)
{
    size_t lo = 0, hi = nfuncs;             /* the last function at or below addr */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (funcs[mid].addr <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (!nfuncs || funcs[lo].addr > addr)
        return 0;
    *offset = addr - funcs[lo].addr;
    return funcs[lo].name;
}

static int in_file(uint64_t off, uint64_t size, size_t len) { return off <= len && size <= len - off; }

/* The full symbol table and its strings from the section headers, if the file has them. */
static const struct elf64_sym *symtab(const unsigned char *file, size_t len, size_t *n, const char **strs,
                                      size_t *strsz)
{
    const struct elf64_ehdr *eh = (const void *)file;
    if (eh->shentsize != sizeof(struct elf64_shdr) || eh->shoff % 8 ||
        !in_file(eh->shoff, (uint64_t)eh->shnum * sizeof(struct elf64_shdr), len))
        return 0;
    const struct elf64_shdr *sh = (const void *)(file + eh->shoff);
    for (int i = 0; i < eh->shnum; i++) {
        if (sh[i].type != SHT_SYMTAB || sh[i].link >= eh->shnum || sh[i].offset % 8 ||
            !in_file(sh[i].offset, sh[i].size, len) || !in_file(sh[sh[i].link].offset, sh[sh[i].link].size, len) ||
            sh[sh[i].link].size == 0 || file[sh[sh[i].link].offset + sh[sh[i].link].size - 1] != 0)
            continue;
        *n = sh[i].size / sizeof(struct elf64_sym);
        *strs = (const char *)file + sh[sh[i].link].offset;
        *strsz = sh[sh[i].link].size;
        return (const void *)(file + sh[i].offset);
    }
    return 0;
}

void module_syms_register(const void *image, size_t len, const struct module *m)
{
    size_t n = m->nsyms, strsz = m->strsz;
    const char *strs = m->strs;
    const struct elf64_sym *syms = symtab(image, len, &n, &strs, &strsz);
    if (!syms) {
        syms = m->syms;
        n = m->nsyms;
        strs = m->strs;
        strsz = m->strsz;
    }
    if (!strsz || strs[strsz - 1] != 0)     /* a relocation may have written over the end (a bad module) */
        return;
    funcs = malloc((n ? n : 1) * sizeof *funcs);
    if (!funcs)
        return;                             /* backtraces show addresses only */
    nfuncs = 0;
    for (size_t i = 0; i < n; i++) {
        const struct elf64_sym *s = &syms[i];
        if ((s->info & 0xf) != STT_FUNC || s->shndx == SHN_UNDEF || s->name >= strsz ||
            s->value < m->lowest || s->value - m->lowest >= m->span)
            continue;
        funcs[nfuncs++] = (struct func){ (uint64_t)(uintptr_t)m->base + s->value - m->lowest, strs + s->name };
    }
    qsort(funcs, nfuncs, sizeof *funcs, by_addr);
    ksym_add_region((uintptr_t)m->base, (uintptr_t)m->base + m->span, lookup);
}
