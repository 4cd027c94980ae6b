/* An app module into memory and linked against the OS (module.h). Every offset, size and address
 * read from the file is checked before it is used: a module is input, and a bad one gets a
 * reason, never a fault. */
#include "module.h"
#include "abi_note.h"
#include "elf64.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define UNRESOLVED_NAMED 3              /* symbols named in the refusal; the rest are counted */
#define UNRESOLVED_KEPT 64              /* counted exactly up to this many, "at least" beyond */

static int refuse(char *why, size_t whylen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
    return -1;
}

/* [off, off + size) inside [0, len), without overflow */
static int inside(uint64_t off, uint64_t size, uint64_t len)
{
    return off <= len && size <= len - off;
}

static const struct elf64_phdr *phdrs(const void *image)
{
    const struct elf64_ehdr *eh = image;
    return (const struct elf64_phdr *)((const unsigned char *)image + eh->phoff);
}

int module_inspect(const void *image, size_t len, struct module_layout *out, char *why, size_t whylen)
{
    const unsigned char *file = image;
    const struct elf64_ehdr *eh = image;
    memset(out, 0, sizeof *out);
    if (len < sizeof *eh || memcmp(file, ELF_MAGIC, 4) != 0)
        return refuse(why, whylen, "not an ELF file");
    if (eh->ident[4] != ELF_CLASS64 || eh->ident[5] != ELF_DATA_LSB || eh->machine != ELF_MACHINE_X86_64)
        return refuse(why, whylen, "not a 64-bit x86 ELF file");
    if (eh->type != ELF_TYPE_DYN)
        return refuse(why, whylen, "an ELF of type %u, not a shared object (build it with make MODULE=1)", eh->type);
    if (eh->phentsize != sizeof(struct elf64_phdr) || eh->phnum == 0 ||
        !inside(eh->phoff, (uint64_t)eh->phnum * sizeof(struct elf64_phdr), len) || eh->phoff % 8)
        return refuse(why, whylen, "its program headers are not in the file");
    uint64_t lo = UINT64_MAX, hi = 0;
    const struct elf64_phdr *ph = phdrs(image);
    for (int i = 0; i < eh->phnum; i++) {
        const struct elf64_phdr *p = &ph[i];
        if (p->type == PT_INTERP)
            return refuse(why, whylen, "it asks for an interpreter (a program, not a module)");
        if (p->type == PT_TLS)
            return refuse(why, whylen, "it uses thread-local storage, which Mayfly does not have");
        if (p->type == PT_NOTE && inside(p->offset, p->filesz, len))
            abi_note_find(file + p->offset, p->filesz, out->abi, sizeof out->abi);   /* "" unless found */
        if (p->type != PT_LOAD)
            continue;
        if (!inside(p->offset, p->filesz, len) || p->filesz > p->memsz || p->memsz > MODULE_SPAN_MAX ||
            p->vaddr > MODULE_SPAN_MAX || p->vaddr % MODULE_PAGE != p->offset % MODULE_PAGE)
            return refuse(why, whylen, "segment %d does not fit the file or the address space", i);
        if (p->vaddr < lo)
            lo = p->vaddr;
        if (p->vaddr + p->memsz > hi)
            hi = p->vaddr + p->memsz;
    }
    if (hi == 0)
        return refuse(why, whylen, "it has nothing to load");
    out->lowest = lo & ~(MODULE_PAGE - 1);
    out->span = (size_t)(((hi + MODULE_PAGE - 1) & ~(MODULE_PAGE - 1)) - out->lowest);
    if (out->span > MODULE_SPAN_MAX)
        return refuse(why, whylen, "it spans more than %lu MiB", MODULE_SPAN_MAX >> 20);
    return 0;
}

/* What the dynamic section says, every range checked against the loaded image. */
struct dynamic {
    uint64_t symtab, strtab, strsz, hash, rela, relasz, jmprel, pltrelsz, pltrel;
    uint64_t init, init_array, init_arraysz, fini_array, fini_arraysz;
    uint64_t needed;                    /* the first DT_NEEDED's name offset, +1; 0 for none */
    int has_rel;
};

/* An address of the module (as linked) to memory, if [addr, addr + size) is inside the image. */
static void *at(const struct module *m, uint64_t addr, uint64_t size)
{
    if (addr < m->lowest || !inside(addr - m->lowest, size, m->span))
        return 0;
    return m->base + (addr - m->lowest);
}

static int read_dynamic(const struct module *m, const struct elf64_phdr *dyn, struct dynamic *d, char *why,
                        size_t whylen)
{
    memset(d, 0, sizeof *d);
    const struct elf64_dyn *e = at(m, dyn->vaddr, dyn->memsz);
    if (!e || dyn->vaddr % 8)
        return refuse(why, whylen, "its dynamic section is outside the image");
    size_t n = dyn->memsz / sizeof *e;
    for (size_t i = 0; i < n && e[i].tag != DT_NULL; i++) {
        uint64_t v = e[i].val;
        switch (e[i].tag) {
        case DT_NEEDED: if (!d->needed) d->needed = v + 1; break;
        case DT_HASH: d->hash = v; break;
        case DT_STRTAB: d->strtab = v; break;
        case DT_SYMTAB: d->symtab = v; break;
        case DT_STRSZ: d->strsz = v; break;
        case DT_SYMENT: if (v != sizeof(struct elf64_sym)) return refuse(why, whylen, "symbols of %lu bytes", (unsigned long)v); break;
        case DT_RELA: d->rela = v; break;
        case DT_RELASZ: d->relasz = v; break;
        case DT_RELAENT: if (v != sizeof(struct elf64_rela)) return refuse(why, whylen, "relocations of %lu bytes", (unsigned long)v); break;
        case DT_JMPREL: d->jmprel = v; break;
        case DT_PLTRELSZ: d->pltrelsz = v; break;
        case DT_PLTREL: d->pltrel = v; break;
        case DT_REL: d->has_rel = 1; break;
        case DT_INIT: d->init = v; break;
        case DT_INIT_ARRAY: d->init_array = v; break;
        case DT_INIT_ARRAYSZ: d->init_arraysz = v; break;
        case DT_FINI_ARRAY: d->fini_array = v; break;
        case DT_FINI_ARRAYSZ: d->fini_arraysz = v; break;
        }
    }
    if (d->has_rel || (d->jmprel && d->pltrel != DT_RELA))
        return refuse(why, whylen, "it has REL relocations (x86-64 modules use RELA)");
    return 0;
}

/* The symbol table, its size from DT_HASH's chain count (System V ABI, "Hash Table"). */
static int find_symbols(struct module *m, const struct dynamic *d, char *why, size_t whylen)
{
    const unsigned char *hash = at(m, d->hash, 8);
    if (!d->symtab || !d->strtab || !hash)
        return refuse(why, whylen, "it has no symbol hash table (link it with --hash-style=sysv, as make MODULE=1 does)");
    uint32_t nchain;                    /* the file says where: not necessarily 4-aligned */
    memcpy(&nchain, hash + 4, sizeof nchain);
    m->nsyms = nchain;
    m->syms = at(m, d->symtab, (uint64_t)m->nsyms * sizeof(struct elf64_sym));
    m->strs = at(m, d->strtab, d->strsz);
    m->strsz = d->strsz;
    if (!m->syms || !m->strs || d->strsz == 0 || m->strs[d->strsz - 1] != 0 || d->symtab % 8)
        return refuse(why, whylen, "its symbol or string table is outside the image");
    return 0;
}

/* Its name, terminated inside the string table: checked at link, but a relocation may write there. */
static const char *sym_name(const struct module *m, const struct elf64_sym *s)
{
    return s->name < m->strsz && memchr(m->strs + s->name, 0, m->strsz - s->name) ? m->strs + s->name : "?";
}

/* The relocations of one table; NULL with *n 0 when there is none, or none aligned inside the image. */
static const struct elf64_rela *rela_table(const struct module *m, uint64_t addr, uint64_t size, size_t *n)
{
    *n = 0;
    if (!addr || !size)
        return 0;
    const struct elf64_rela *r = addr % 8 ? 0 : at(m, addr, size);
    if (r)
        *n = size / sizeof *r;
    return r;
}

/* Where a symbol the relocation names is: the module's own, or the OS's. Returns 0, or -1 for a
 * symbol neither has (a weak one is 0 and no error). */
static int symbol_value(const struct module *m, uint32_t index, module_resolve_fn resolve, void *ctx,
                        uint64_t *value)
{
    const struct elf64_sym *s = &m->syms[index];
    if (s->shndx == SHN_ABS) {
        *value = s->value;
        return 0;
    }
    if (s->shndx != SHN_UNDEF) {
        *value = (uint64_t)(uintptr_t)m->base + s->value - m->lowest;
        return 0;
    }
    if (resolve(sym_name(m, s), value, ctx))
        return 0;
    *value = 0;
    return (s->info >> 4) == STB_WEAK ? 0 : -1;
}

struct missing {
    char text[160];
    uint32_t seen[UNRESOLVED_KEPT];     /* the distinct symbols, in the order met */
    int count;
};

/* A symbol the OS lacks, once however many relocations name it. */
static void note_missing(struct missing *miss, uint32_t index, const char *name)
{
    for (int i = 0; i < miss->count; i++)
        if (miss->seen[i] == index)
            return;
    if (miss->count == UNRESOLVED_KEPT)
        return;
    miss->seen[miss->count++] = index;
    if (miss->count > UNRESOLVED_NAMED)
        return;
    size_t len = strlen(miss->text);
    snprintf(miss->text + len, sizeof miss->text - len, "%s'%s'", len ? ", " : "", name);
}

/* Check every relocation of a table and, when apply is set, do it. */
static int relocate(struct module *m, const struct elf64_rela *r, size_t n, int apply, module_resolve_fn resolve,
                    void *ctx, struct missing *miss, char *why, size_t whylen)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t type = (uint32_t)r[i].info, index = (uint32_t)(r[i].info >> 32);
        if (type == R_X86_64_NONE)
            continue;
        uint64_t *where = at(m, r[i].offset, 8);
        if (!where)
            return refuse(why, whylen, "relocation %lu writes outside the image", (unsigned long)i);
        if (index >= m->nsyms)
            return refuse(why, whylen, "relocation %lu names symbol %u of %lu", (unsigned long)i, index,
                          (unsigned long)m->nsyms);
        uint64_t s = 0;
        if (type != R_X86_64_RELATIVE && index && symbol_value(m, index, resolve, ctx, &s) < 0) {
            if (apply)                  /* it resolved when checked: a relocation before it rewrote the tables */
                return refuse(why, whylen, "relocation %lu's symbol '%s' was changed by another relocation",
                              (unsigned long)i, sym_name(m, &m->syms[index]));
            note_missing(miss, index, sym_name(m, &m->syms[index]));
            continue;
        }
        if (index && (m->syms[index].info & 0xf) == STT_TLS)
            return refuse(why, whylen, "it uses thread-local storage ('%s'), which Mayfly does not have",
                          sym_name(m, &m->syms[index]));
        uint64_t value;
        switch (type) {
        case R_X86_64_RELATIVE: value = (uint64_t)(uintptr_t)m->base - m->lowest + (uint64_t)r[i].addend; break;
        case R_X86_64_64: value = s + (uint64_t)r[i].addend; break;
        case R_X86_64_GLOB_DAT:
        case R_X86_64_JUMP_SLOT: value = s; break;
        default:
            return refuse(why, whylen, "relocation type %u is not one a module may have (build it with -fPIC)", type);
        }
        if (apply)
            memcpy(where, &value, sizeof value);   /* relocations need not be aligned */
    }
    return 0;
}

static int function_table(const struct module *m, uint64_t addr, uint64_t size, void (***table)(void), size_t *n)
{
    *table = 0;
    *n = 0;
    if (!addr || !size)
        return 0;
    *table = at(m, addr, size);
    if (!*table || addr % 8)
        return -1;
    *n = size / sizeof(void (*)(void));
    return 0;
}

int module_link(const void *image, size_t len, const struct module_layout *layout, void *mem,
                module_resolve_fn resolve, void *ctx, struct module *m, char *why, size_t whylen)
{
    const unsigned char *file = image;
    const struct elf64_ehdr *eh = image;
    memset(m, 0, sizeof *m);
    m->base = mem;
    m->lowest = layout->lowest;
    m->span = layout->span;
    memset(mem, 0, layout->span);
    const struct elf64_phdr *ph = phdrs(image), *dyn = 0;
    for (int i = 0; i < eh->phnum; i++) {
        if (ph[i].type == PT_LOAD) {
            void *to = at(m, ph[i].vaddr, ph[i].memsz);   /* inspect checked it: a layout of another file fails here */
            if (!to || !inside(ph[i].offset, ph[i].filesz, len) || ph[i].filesz > ph[i].memsz)
                return refuse(why, whylen, "segment %d does not fit the layout", i);
            memcpy(to, file + ph[i].offset, ph[i].filesz);
        } else if (ph[i].type == PT_DYNAMIC)
            dyn = &ph[i];
        else if (ph[i].type == PT_GNU_RELRO && at(m, ph[i].vaddr, ph[i].memsz)) {
            m->relro_start = ph[i].vaddr;
            m->relro_end = ph[i].vaddr + ph[i].memsz;
        }
    }
    if (!dyn)
        return refuse(why, whylen, "it has no dynamic section (build it with make MODULE=1)");
    struct dynamic d;
    if (read_dynamic(m, dyn, &d, why, whylen) < 0 || find_symbols(m, &d, why, whylen) < 0)
        return -1;
    if (d.needed)
        return refuse(why, whylen, "it needs the library '%s'; a module links everything but the OS into itself",
                      d.needed - 1 < m->strsz ? m->strs + d.needed - 1 : "?");
    size_t nrela, njmp;
    const struct elf64_rela *rela = rela_table(m, d.rela, d.relasz, &nrela);
    const struct elf64_rela *jmp = rela_table(m, d.jmprel, d.pltrelsz, &njmp);
    if ((d.rela && d.relasz && !rela) || (d.jmprel && d.pltrelsz && !jmp))
        return refuse(why, whylen, "its relocations are misaligned or outside the image");
    /* every symbol first: a module that cannot be linked whole is not touched at all (unless its
     * relocations rewrite its own tables, which the second pass checks again) */
    struct missing miss = { .text = "", .count = 0 };
    if (relocate(m, rela, nrela, 0, resolve, ctx, &miss, why, whylen) < 0 ||
        relocate(m, jmp, njmp, 0, resolve, ctx, &miss, why, whylen) < 0)
        return -1;
    if (miss.count > UNRESOLVED_NAMED)
        return refuse(why, whylen, "unresolved symbols %s and %s%d more: this OS does not have them", miss.text,
                      miss.count == UNRESOLVED_KEPT ? "at least " : "", miss.count - UNRESOLVED_NAMED);
    if (miss.count)
        return refuse(why, whylen, "unresolved symbol%s %s: this OS does not have %s", miss.count > 1 ? "s" : "",
                      miss.text, miss.count > 1 ? "them" : "it");
    if (relocate(m, rela, nrela, 1, resolve, ctx, &miss, why, whylen) < 0 ||
        relocate(m, jmp, njmp, 1, resolve, ctx, &miss, why, whylen) < 0)
        return -1;
    if (function_table(m, d.init_array, d.init_arraysz, &m->init_array, &m->ninit) < 0 ||
        function_table(m, d.fini_array, d.fini_arraysz, &m->fini_array, &m->nfini) < 0 ||
        (d.init && !at(m, d.init, 1)))
        return refuse(why, whylen, "its constructors are outside the image");
    if (d.init)
        m->init = (void (*)(void))at(m, d.init, 1);
    return 0;
}

void *module_symbol(const struct module *m, const char *name)
{
    for (size_t i = 1; i < m->nsyms; i++) {
        const struct elf64_sym *s = &m->syms[i];
        if (s->shndx != SHN_UNDEF && s->shndx != SHN_ABS && strcmp(sym_name(m, s), name) == 0)
            return at(m, s->value, 1);
    }
    return 0;
}

void module_segments(const void *image, const struct module *m, module_segment_fn fn, void *ctx)
{
    const struct elf64_ehdr *eh = image;
    const struct elf64_phdr *ph = phdrs(image);
    for (int i = 0; i < eh->phnum; i++)
        if (ph[i].type == PT_LOAD && ph[i].memsz)
            fn((uintptr_t)at(m, ph[i].vaddr, ph[i].memsz), ph[i].memsz, ph[i].flags, ctx);
}
