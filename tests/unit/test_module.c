/* os/module.c against the modules the build makes (build/httpd.app, build/hello.app), which this
 * file reads itself, byte by byte, to know what the loader must do: the layout, the ABI note (as
 * scripts/abi-of prints it), and for every relocation the value its slot must hold. Then small
 * modules written here, one refusal each, and every truncation and 20,000 byte mutations of
 * httpd.app, which may be refused but must never read or write outside what they were given (this
 * runs under ASan and UBSan; the few mutants spanning over 64 MiB are inspected, not linked).
 * The fixtures are read from the repository root, where tests/run runs this after
 * `make all modules`; a missing one fails the test that needs it, naming it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <sanitizer/common_interface_defs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "../../os/elf64.h"
#include "../../os/module.h"

#define FAKE_ADDR(i) (0x00fa4e0000000000ull + 0x10ull * (uint64_t)(i))   /* the OS's i-th symbol */
#define FUZZ_ROUNDS 20000
#define FUZZ_SEED 0x6d6f64756c65ull
#define FUZZ_LINK_SPAN_MAX (64ul << 20) /* mutants spanning more (1 in 1000) are inspected, not linked:
                                         * up to 1 GiB each to zero, they would take the run's time */

/* ---- little-endian fields, read and written without any struct of the loader's ---------------- */

static uint64_t get(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

static void put(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        p[i] = (unsigned char)(v >> 8 * i);
}

#define assert_why(why, text)                                                                     \
    do {                                                                                          \
        if (!strstr((why), (text)))                                                               \
            fail_msg("the reason \"%s\" does not say \"%s\"", (why), (text));                   \
    } while (0)

/* ---- a stand-in for the OS's export table: every name asked is recorded, and gets an address of
 * its own, unless the OS "lacks" it ---------------------------------------------------------------- */

struct os {
    const char *lacks[10];              /* names it does not have */
    int lacks_all;
    char asked[128][48];                /* every name asked for, once each, in order */
    int nasked;
};

static int os_index(const struct os *os, const char *name)
{
    for (int i = 0; i < os->nasked; i++)
        if (strcmp(os->asked[i], name) == 0)
            return i;
    return -1;
}

static int os_lacks(const struct os *os, const char *name)
{
    for (int j = 0; j < 10 && os->lacks[j]; j++)
        if (strcmp(os->lacks[j], name) == 0)
            return 1;
    return os->lacks_all;
}

static int os_resolve(const char *name, uint64_t *addr, void *ctx)
{
    struct os *os = ctx;
    int i = os_index(os, name);
    if (i < 0) {
        assert_true(os->nasked < 128 && strlen(name) < sizeof os->asked[0]);
        strcpy(os->asked[os->nasked], name);
        i = os->nasked++;
    }
    if (os_lacks(os, name))
        return 0;
    *addr = FAKE_ADDR(i + 1);
    return 1;
}

static uint64_t os_addr(const struct os *os, const char *name)
{
    int i = os_index(os, name);
    if (i < 0)
        fail_msg("the loader never asked the OS for '%s'", name);
    return FAKE_ADDR(i + 1);
}

/* ---- a module file, read here without os/module.c: its program headers, dynamic section,
 * symbols and relocations, with the file offset of each table -------------------------------------- */

struct rel {
    uint64_t offset;
    uint32_t type, sym;
    int64_t addend;
};

struct elf {
    unsigned char *data;
    size_t len;
    uint64_t phoff, phnum, lowest, span, relro_start, relro_end;
    uint64_t dyn_off, dyn_size, hash_off, sym_off, nsyms, str_off, strsz;
    uint64_t rela_off, relasz, jmprel_off, pltrelsz;
    struct rel *rels;                   /* .rela.dyn's then .rela.plt's, the order the loader applies them */
    size_t nrels;
};

static void read_fixture(const char *path, unsigned char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("fixture %s: %s (tests/run makes it: make all modules)", path, strerror(errno));
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    assert_true(n > 0);
    *data = malloc((size_t)n);      /* exactly its size: a read past the end is ASan's to see */
    assert_non_null(*data);
    *len = fread(*data, 1, (size_t)n, f);
    fclose(f);
    assert_int_equal(*len, (size_t)n);
}

static uint64_t ph_field(const struct elf *e, uint64_t i, int at, int n)
{
    return get(e->data + e->phoff + i * 56 + at, n);
}

/* The file offset of [vaddr, vaddr + size), which a PT_LOAD's file part must hold. */
static uint64_t file_off(const struct elf *e, uint64_t vaddr, uint64_t size)
{
    for (uint64_t i = 0; i < e->phnum; i++) {
        uint64_t v = ph_field(e, i, 16, 8), filesz = ph_field(e, i, 32, 8);
        if (ph_field(e, i, 0, 4) == PT_LOAD && vaddr >= v && vaddr + size <= v + filesz)
            return ph_field(e, i, 8, 8) + (vaddr - v);
    }
    fail_msg("address %#lx (+%lu) is in no segment of the file", (unsigned long)vaddr, (unsigned long)size);
    return 0;
}

/* Symbol i of the dynamic table: its fields (System V ABI, "Symbol Table") */
static const unsigned char *elf_sym(const struct elf *e, uint32_t i) { return e->data + e->sym_off + i * 24; }
static unsigned elf_sym_shndx(const struct elf *e, uint32_t i) { return (unsigned)get(elf_sym(e, i) + 6, 2); }
static unsigned elf_sym_bind(const struct elf *e, uint32_t i) { return elf_sym(e, i)[4] >> 4; }
static uint64_t elf_sym_value(const struct elf *e, uint32_t i) { return get(elf_sym(e, i) + 8, 8); }

static const char *elf_sym_name(const struct elf *e, uint32_t i)
{
    uint64_t name = get(elf_sym(e, i), 4);
    assert_true(name < e->strsz);
    return (const char *)e->data + e->str_off + name;
}

static void read_rels(struct elf *e, uint64_t off, uint64_t size)
{
    for (uint64_t at = off; at + 24 <= off + size; at += 24) {
        uint64_t info = get(e->data + at + 8, 8);
        e->rels[e->nrels++] = (struct rel){ get(e->data + at, 8), (uint32_t)info, (uint32_t)(info >> 32),
                                            (int64_t)get(e->data + at + 16, 8) };
    }
}

static void elf_read(struct elf *e, const char *path)
{
    memset(e, 0, sizeof *e);
    read_fixture(path, &e->data, &e->len);
    assert_true(e->len > 64 && memcmp(e->data, "\177ELF\2\1", 6) == 0 && get(e->data + 16, 2) == ELF_TYPE_DYN);
    e->phoff = get(e->data + 32, 8);
    e->phnum = get(e->data + 56, 2);
    assert_int_equal(get(e->data + 54, 2), 56);
    uint64_t lo = UINT64_MAX, hi = 0, dyn_vaddr = 0;
    for (uint64_t i = 0; i < e->phnum; i++) {
        uint64_t type = ph_field(e, i, 0, 4), vaddr = ph_field(e, i, 16, 8), memsz = ph_field(e, i, 40, 8);
        if (type == PT_LOAD) {
            lo = vaddr < lo ? vaddr : lo;
            hi = vaddr + memsz > hi ? vaddr + memsz : hi;
        } else if (type == PT_DYNAMIC) {
            e->dyn_off = ph_field(e, i, 8, 8);
            e->dyn_size = ph_field(e, i, 32, 8);
            dyn_vaddr = vaddr;
        } else if (type == PT_GNU_RELRO) {
            e->relro_start = vaddr;
            e->relro_end = vaddr + memsz;
        }
    }
    assert_true(hi > 0 && dyn_vaddr != 0);
    e->lowest = lo & ~4095ull;
    e->span = ((hi + 4095) & ~4095ull) - e->lowest;
    uint64_t hash = 0, symtab = 0, strtab = 0, rela = 0, jmprel = 0;
    for (uint64_t at = e->dyn_off; at + 16 <= e->dyn_off + e->dyn_size; at += 16) {
        uint64_t tag = get(e->data + at, 8), val = get(e->data + at + 8, 8);
        if (tag == DT_NULL)
            break;
        switch (tag) {
        case DT_HASH: hash = val; break;
        case DT_SYMTAB: symtab = val; break;
        case DT_STRTAB: strtab = val; break;
        case DT_STRSZ: e->strsz = val; break;
        case DT_RELA: rela = val; break;
        case DT_RELASZ: e->relasz = val; break;
        case DT_JMPREL: jmprel = val; break;
        case DT_PLTRELSZ: e->pltrelsz = val; break;
        }
    }
    assert_true(hash && symtab && strtab && e->strsz);
    e->hash_off = file_off(e, hash, 8);
    e->nsyms = get(e->data + e->hash_off + 4, 4);            /* nchain */
    e->sym_off = file_off(e, symtab, e->nsyms * 24);
    e->str_off = file_off(e, strtab, e->strsz);
    e->rels = calloc(e->relasz / 24 + e->pltrelsz / 24 + 1, sizeof *e->rels);
    assert_non_null(e->rels);
    if (rela)
        read_rels(e, e->rela_off = file_off(e, rela, e->relasz), e->relasz);
    if (jmprel)
        read_rels(e, e->jmprel_off = file_off(e, jmprel, e->pltrelsz), e->pltrelsz);
}

static void elf_free(struct elf *e)
{
    free(e->rels);
    free(e->data);
}

/* The value a relocation's slot must hold once linked at base; the OS's names from os. */
static uint64_t expected_slot(const struct elf *e, const struct rel *r, const unsigned char *base, const struct os *os)
{
    uint64_t s = 0, b = (uint64_t)(uintptr_t)base - e->lowest;
    if (r->type == R_X86_64_RELATIVE)
        return b + (uint64_t)r->addend;
    if (r->sym) {
        unsigned shndx = elf_sym_shndx(e, r->sym);
        const char *name = elf_sym_name(e, r->sym);
        if (shndx == SHN_ABS)
            s = elf_sym_value(e, r->sym);
        else if (shndx != SHN_UNDEF)
            s = b + elf_sym_value(e, r->sym);
        else if (elf_sym_bind(e, r->sym) != STB_WEAK || !os_lacks(os, name))
            s = os_addr(os, name);
    }
    switch (r->type) {
    case R_X86_64_64: return s + (uint64_t)r->addend;
    case R_X86_64_GLOB_DAT:
    case R_X86_64_JUMP_SLOT: return s;
    }
    fail_msg("relocation type %u in the fixture: this test does not know it", r->type);
    return 0;
}

/* ---- one module through inspect and link, in buffers of exactly its sizes ------------------------ */

struct linked {
    unsigned char *image;               /* a copy, exactly len bytes */
    size_t len;
    struct module_layout layout;
    unsigned char *mem;                 /* layout.span bytes, page-aligned; 0 when inspect refused */
    struct module m;
    char why[256];
    int inspected, rc;                  /* module_inspect's result, and the last call's */
};

static void link_image(struct linked *l, const void *image, size_t len, struct os *os, unsigned char fill)
{
    memset(l, 0, sizeof *l);
    l->len = len;
    l->image = malloc(len ? len : 1);
    assert_non_null(l->image);
    memcpy(l->image, image, len);
    memset(l->why, 'x', sizeof l->why);
    l->rc = l->inspected = module_inspect(l->image, len, &l->layout, l->why, sizeof l->why);
    assert_true(l->rc == 0 || l->rc == -1);
    if (l->rc == 0) {
        assert_true(l->layout.span > 0 && l->layout.span % MODULE_PAGE == 0 && l->layout.span <= MODULE_SPAN_MAX);
        l->mem = aligned_alloc(MODULE_PAGE, l->layout.span);
        assert_non_null(l->mem);
        memset(l->mem, fill, l->layout.span);
        l->rc = module_link(l->image, len, &l->layout, l->mem, os_resolve, os, &l->m, l->why, sizeof l->why);
        assert_true(l->rc == 0 || l->rc == -1);
    }
    if (l->rc < 0)
        assert_true(memchr(l->why, 0, sizeof l->why) && l->why[0] != 0);   /* a reason, terminated */
}

static void unlink_image(struct linked *l)
{
    free(l->mem);
    free(l->image);
}

static int in_module(const struct linked *l, const void *p, size_t size)
{
    return p && (const unsigned char *)p >= l->mem && (const unsigned char *)p + size <= l->mem + l->layout.span;
}

/* ---- the modules the build makes ---------------------------------------------------------------- */

static void abi_of(const char *path, char *abi, size_t len)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "scripts/abi-of %s", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    if (!fgets(abi, (int)len, p))
        abi[0] = 0;
    int status = pclose(p);
    if (status != 0 || !abi[0])
        fail_msg("%s printed nothing (status %d)", cmd, status);
    abi[strcspn(abi, "\n")] = 0;
}

static void inspect_reads_layout_and_abi_note(void **state)
{
    (void)state;
    const char *paths[] = { "build/httpd.app", "build/hello.app" };
    for (int i = 0; i < 2; i++) {
        struct elf e;
        elf_read(&e, paths[i]);
        struct module_layout layout;
        char why[256] = "", abi[128];
        assert_int_equal(module_inspect(e.data, e.len, &layout, why, sizeof why), 0);
        assert_true(layout.span > 0 && layout.span % 4096 == 0);
        assert_int_equal(layout.lowest, e.lowest);
        assert_int_equal(layout.span, e.span);
        abi_of(paths[i], abi, sizeof abi);
        assert_string_equal(layout.abi, abi);
        assert_true(abi[0] == '1' && abi[1] == '+');                    /* MAJOR+DIGEST, os/abi.h */
        elf_free(&e);
    }
}

struct segment_seen {
    uintptr_t start[16];
    size_t len[16];
    uint32_t flags[16];
    int n;
};

static void record_segment(uintptr_t start, size_t len, uint32_t flags, void *ctx)
{
    struct segment_seen *s = ctx;
    assert_true(s->n < 16);
    s->start[s->n] = start;
    s->len[s->n] = len;
    s->flags[s->n++] = flags;
}

/* The whole image, byte for byte: the segments' file bytes, zeros elsewhere, and each
 * relocation's slot what expected_slot says. */
static void check_linked(const struct elf *e, const struct linked *l, const struct os *os, int counts[16])
{
    unsigned char *want = calloc(1, e->span);
    assert_non_null(want);
    for (uint64_t i = 0; i < e->phnum; i++)
        if (ph_field(e, i, 0, 4) == PT_LOAD)
            memcpy(want + ph_field(e, i, 16, 8) - e->lowest, e->data + ph_field(e, i, 8, 8), ph_field(e, i, 32, 8));
    for (size_t i = 0; i < e->nrels; i++) {
        uint64_t v = expected_slot(e, &e->rels[i], l->mem, os);
        put(want + e->rels[i].offset - e->lowest, v, 8);
        counts[e->rels[i].type & 15]++;
    }
    for (size_t i = 0; i < e->span; i++)
        if (l->mem[i] != want[i]) {
            for (size_t j = 0; j < e->nrels; j++)
                if (e->rels[j].offset - e->lowest <= i && i < e->rels[j].offset - e->lowest + 8)
                    fail_msg("relocation %zu (type %u, symbol %u) at %#lx: %#lx, not %#lx", j, e->rels[j].type,
                             e->rels[j].sym, (unsigned long)e->rels[j].offset,
                             (unsigned long)get(l->mem + e->rels[j].offset - e->lowest, 8),
                             (unsigned long)get(want + e->rels[j].offset - e->lowest, 8));
            fail_msg("byte %#zx of the image is %#x, not %#x", i, l->mem[i], want[i]);
        }
    free(want);
}

static void links_httpd_and_binds_every_slot(void **state)
{
    (void)state;
    struct elf e;
    elf_read(&e, "build/httpd.app");
    struct os *os = calloc(1, sizeof *os);
    struct linked l;
    link_image(&l, e.data, e.len, os, 0xa5);
    if (l.rc)
        fail_msg("httpd.app refused: %s", l.why);
    int counts[16] = { 0 };
    check_linked(&e, &l, os, counts);
    assert_true(counts[R_X86_64_RELATIVE] > 0 && counts[R_X86_64_GLOB_DAT] > 0 && counts[R_X86_64_JUMP_SLOT] > 0);
    /* the OS was asked for the module's undefined symbols that relocations name, and no other */
    int undefined = 0;
    for (uint32_t i = 1; i < e.nsyms; i++) {
        int named = 0;
        for (size_t j = 0; j < e.nrels; j++)
            named |= e.rels[j].sym == i && e.rels[j].type != R_X86_64_RELATIVE;
        if (elf_sym_shndx(&e, i) == SHN_UNDEF && named) {
            undefined++;
            assert_true(os_index(os, elf_sym_name(&e, i)) >= 0);
        }
    }
    assert_int_equal(os->nasked, undefined);
    assert_true(undefined > 10);

    /* its own symbols, in the image where it put them */
    unsigned char *main_fn = module_symbol(&l.m, "main"), *name = module_symbol(&l.m, "app_name");
    assert_true(in_module(&l, main_fn, 1) && in_module(&l, name, 6));
    assert_memory_equal(name, "httpd", 6);
    int found = 0;
    for (uint32_t i = 1; i < e.nsyms; i++)
        if (strcmp(elf_sym_name(&e, i), "main") == 0 && ++found)
            assert_ptr_equal(main_fn, l.mem + elf_sym_value(&e, i) - e.lowest);
    assert_int_equal(found, 1);
    assert_null(module_symbol(&l.m, "printf"));          /* the OS's, not the module's */
    assert_null(module_symbol(&l.m, "no_such_symbol"));
    assert_null(module_symbol(&l.m, ""));

    /* what the loader protects and runs */
    assert_int_equal(l.m.relro_start, e.relro_start);
    assert_int_equal(l.m.relro_end, e.relro_end);
    assert_true(e.relro_end > e.relro_start);
    assert_null(l.m.init);
    assert_int_equal(l.m.ninit, 0);
    struct segment_seen seen = { .n = 0 };
    module_segments(l.image, &l.m, record_segment, &seen);
    int k = 0;
    for (uint64_t i = 0; i < e.phnum; i++) {
        if (ph_field(&e, i, 0, 4) != PT_LOAD)
            continue;
        assert_true(k < seen.n);
        assert_int_equal(seen.start[k], (uintptr_t)l.mem + ph_field(&e, i, 16, 8) - e.lowest);
        assert_int_equal(seen.len[k], ph_field(&e, i, 40, 8));
        assert_int_equal(seen.flags[k], ph_field(&e, i, 4, 4));
        k++;
    }
    assert_int_equal(seen.n, k);
    unlink_image(&l);
    free(os);
    elf_free(&e);
}

static void links_hello(void **state)
{
    (void)state;
    struct elf e;
    elf_read(&e, "build/hello.app");
    struct os os = { .nasked = 0 };
    struct linked l;
    link_image(&l, e.data, e.len, &os, 0x5a);
    if (l.rc)
        fail_msg("hello.app refused: %s", l.why);
    int counts[16] = { 0 };
    check_linked(&e, &l, &os, counts);
    assert_true(counts[R_X86_64_JUMP_SLOT] > 0);
    assert_true(in_module(&l, module_symbol(&l.m, "main"), 1));
    const char *name = module_symbol(&l.m, "app_name");
    assert_true(in_module(&l, name, 6));
    assert_string_equal(name, "hello");
    unlink_image(&l);
    elf_free(&e);
}

/* Every relocation's slot still holds the file's bytes: nothing was applied. */
static void assert_untouched(const struct elf *e, const struct linked *l)
{
    for (size_t i = 0; i < e->nrels; i++) {
        uint64_t off = file_off(e, e->rels[i].offset, 8);
        assert_memory_equal(l->mem + e->rels[i].offset - e->lowest, e->data + off, 8);
    }
}

static void refuses_unresolved_symbols_by_name(void **state)
{
    (void)state;
    struct elf e;
    elf_read(&e, "build/httpd.app");
    struct linked l;
    /* one the module really imports: httpd calls printf */
    struct os *os = calloc(1, sizeof *os);
    os->lacks[0] = "printf";
    link_image(&l, e.data, e.len, os, 0);
    assert_int_equal(l.inspected, 0);
    assert_int_equal(l.rc, -1);
    assert_string_equal(l.why, "unresolved symbol 'printf': this OS does not have it");
    assert_untouched(&e, &l);
    unlink_image(&l);

    /* two */
    memset(os, 0, sizeof *os);
    os->lacks[0] = "recv";
    os->lacks[1] = "_impure_ptr";
    link_image(&l, e.data, e.len, os, 0);
    assert_int_equal(l.rc, -1);
    assert_string_equal(l.why, "unresolved symbols '_impure_ptr', 'recv': this OS does not have them");
    unlink_image(&l);

    /* all of them: three named in the order the relocations are, the rest counted */
    memset(os, 0, sizeof *os);
    os->lacks_all = 1;
    link_image(&l, e.data, e.len, os, 0);
    assert_int_equal(l.rc, -1);
    const char *first[3] = { 0 };
    int distinct = 0;
    for (size_t i = 0; i < e.nrels; i++) {
        const struct rel *r = &e.rels[i];
        if (r->type == R_X86_64_RELATIVE || !r->sym || elf_sym_shndx(&e, r->sym) != SHN_UNDEF ||
            elf_sym_bind(&e, r->sym) == STB_WEAK)
            continue;
        int again = 0;
        for (size_t j = 0; j < i; j++)
            again |= e.rels[j].sym == r->sym && e.rels[j].type != R_X86_64_RELATIVE;
        if (!again && distinct < 3)
            first[distinct] = elf_sym_name(&e, r->sym);
        distinct += !again;
    }
    assert_true(distinct > 3);
    char want[256];
    snprintf(want, sizeof want, "unresolved symbols '%s', '%s', '%s' and %d more: this OS does not have them",
             first[0], first[1], first[2], distinct - 3);
    assert_string_equal(l.why, want);
    assert_untouched(&e, &l);
    unlink_image(&l);
    free(os);
    elf_free(&e);
}

static void refuses_what_is_not_a_module(void **state)
{
    (void)state;
    struct module_layout layout;
    char why[256];
    unsigned char *exe;
    size_t len;
    read_fixture("build/hello.elf", &exe, &len);
    assert_int_equal(get(exe + 16, 2), 2);                              /* ET_EXEC: a static image */
    assert_int_equal(module_inspect(exe, len, &layout, why, sizeof why), -1);
    assert_why(why, "not a shared object");
    assert_why(why, "make MODULE=1");

    unsigned char *app;
    read_fixture("build/hello.app", &app, &len);
    unsigned char *copy = malloc(len);
    memcpy(copy, app, len);
    const char text[] = "#!/bin/sh\necho this is not an ELF file at all, though it is long enough to be\n";
    assert_int_equal(module_inspect(text, sizeof text, &layout, why, sizeof why), -1);
    assert_string_equal(why, "not an ELF file");
    copy[4] = 1;                                                         /* ELFCLASS32 */
    assert_int_equal(module_inspect(copy, len, &layout, why, sizeof why), -1);
    assert_string_equal(why, "not a 64-bit x86 ELF file");
    copy[4] = 2;
    copy[5] = 2;                                                         /* big-endian */
    assert_int_equal(module_inspect(copy, len, &layout, why, sizeof why), -1);
    assert_string_equal(why, "not a 64-bit x86 ELF file");
    copy[5] = 1;
    put(copy + 18, 183, 2);                                              /* EM_AARCH64 */
    assert_int_equal(module_inspect(copy, len, &layout, why, sizeof why), -1);
    assert_string_equal(why, "not a 64-bit x86 ELF file");
    put(copy + 18, ELF_MACHINE_X86_64, 2);
    put(copy + 16, 1, 2);                                                /* ET_REL: an object file */
    assert_int_equal(module_inspect(copy, len, &layout, why, sizeof why), -1);
    assert_why(why, "an ELF of type 1, not a shared object");
    put(copy + 16, ELF_TYPE_DYN, 2);
    assert_int_equal(module_inspect(copy, len, &layout, why, sizeof why), 0);
    for (size_t n = 0; n < 64; n++) {                                    /* a truncated header */
        unsigned char *head = malloc(n ? n : 1);
        memcpy(head, app, n);
        memset(why, 0, sizeof why);
        assert_int_equal(module_inspect(head, n, &layout, why, sizeof why), -1);
        assert_string_equal(why, "not an ELF file");
        free(head);
    }
    /* a reason that does not fit is cut, terminated */
    copy[4] = 1;
    memset(why, 'x', sizeof why);
    assert_int_equal(module_inspect(copy, len, &layout, why, 8), -1);
    assert_string_equal(why, "not a 6");
    free(copy);
    free(app);
    free(exe);
}

/* A layout read from another file does not let link write past the memory it was given. */
static void refuses_a_layout_of_another_file(void **state)
{
    (void)state;
    struct elf httpd, hello;
    elf_read(&httpd, "build/httpd.app");
    elf_read(&hello, "build/hello.app");
    struct module_layout small;
    char why[256];
    assert_int_equal(module_inspect(hello.data, hello.len, &small, why, sizeof why), 0);
    assert_true(small.span < httpd.span);
    unsigned char *mem = aligned_alloc(MODULE_PAGE, small.span);
    struct os os = { .nasked = 0 };
    struct module m;
    assert_int_equal(module_link(httpd.data, httpd.len, &small, mem, os_resolve, &os, &m, why, sizeof why), -1);
    assert_why(why, "does not fit the layout");
    free(mem);
    elf_free(&httpd);
    elf_free(&hello);
}

/* ---- modules written here: one page of file, one of bss, loaded at SYN_VBASE (so lowest is not 0),
 * every table at a fixed place; each refusal case changes one thing ------------------------------- */

#define SYN_VBASE 0x200000ull
#define SYN_FILE 4096
#define SYN_PH 0x40                     /* up to 4 program headers */
#define SYN_DYN 0x140                   /* up to 16 entries */
#define SYN_HASH 0x240
#define SYN_SYMS 0x280                  /* up to 8 symbols */
#define SYN_STRS 0x340                  /* up to 256 bytes */
#define SYN_RELA 0x440                  /* up to 16 relocations */
#define SYN_DATA 0x800                  /* what relocations write */

struct syn {
    unsigned char f[SYN_FILE];
    unsigned phnum, nsyms, strsz, nrela, nextra;
    int64_t extra_tag[8];
    uint64_t extra_val[8];
    int64_t omit;                       /* a dynamic tag syn_done leaves out */
};

static void syn_phdr(struct syn *s, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr, uint64_t filesz,
                     uint64_t memsz)
{
    assert_true(s->phnum < 4);
    unsigned char *p = s->f + SYN_PH + 56 * s->phnum++;
    put(p, type, 4);
    put(p + 4, flags, 4);
    put(p + 8, off, 8);
    put(p + 16, vaddr, 8);
    put(p + 24, vaddr, 8);
    put(p + 32, filesz, 8);
    put(p + 40, memsz, 8);
    put(p + 48, 8, 8);
    put(s->f + 56, s->phnum, 2);
}

static unsigned syn_str(struct syn *s, const char *str)
{
    unsigned at = s->strsz, n = (unsigned)strlen(str) + 1;
    assert_true(at + n <= 256);
    memcpy(s->f + SYN_STRS + at, str, n);
    s->strsz += n;
    return at;
}

static uint32_t syn_sym(struct syn *s, const char *name, unsigned bind, unsigned type, unsigned shndx, uint64_t value)
{
    assert_true(s->nsyms < 8);
    unsigned char *p = s->f + SYN_SYMS + 24 * s->nsyms;
    put(p, syn_str(s, name), 4);
    p[4] = (unsigned char)(bind << 4 | type);
    put(p + 6, shndx, 2);
    put(p + 8, value, 8);
    return s->nsyms++;
}

static void syn_rela(struct syn *s, uint64_t offset, uint32_t type, uint32_t sym, int64_t addend)
{
    assert_true(s->nrela < 16);
    unsigned char *p = s->f + SYN_RELA + 24 * s->nrela++;
    put(p, offset, 8);
    put(p + 8, (uint64_t)sym << 32 | type, 8);
    put(p + 16, (uint64_t)addend, 8);
}

static void syn_dyn(struct syn *s, int64_t tag, uint64_t val)
{
    assert_true(s->nextra < 7);
    s->extra_tag[s->nextra] = tag;
    s->extra_val[s->nextra++] = val;
}

/* The ELF header, a PT_LOAD of the file's page and a page of bss, the PT_DYNAMIC, symbol 0. */
static void syn_new(struct syn *s)
{
    memset(s, 0, sizeof *s);
    memcpy(s->f, "\177ELF\2\1\1", 7);
    put(s->f + 16, ELF_TYPE_DYN, 2);
    put(s->f + 18, ELF_MACHINE_X86_64, 2);
    put(s->f + 20, 1, 4);
    put(s->f + 32, SYN_PH, 8);
    put(s->f + 52, 64, 2);
    put(s->f + 54, 56, 2);
    syn_phdr(s, PT_LOAD, PF_R | PF_W, 0, SYN_VBASE, SYN_FILE, 2 * SYN_FILE);
    syn_phdr(s, PT_DYNAMIC, PF_R | PF_W, SYN_DYN, SYN_VBASE + SYN_DYN, 256, 256);
    s->nsyms = s->strsz = 1;
}

/* The dynamic section (the usual tags, then syn_dyn's, which win) and the hash table. */
static void syn_done(struct syn *s)
{
    const int64_t tags[] = { DT_HASH, DT_SYMTAB, DT_STRTAB, DT_STRSZ, DT_SYMENT, DT_RELA, DT_RELASZ, DT_RELAENT };
    const uint64_t vals[] = { SYN_VBASE + SYN_HASH, SYN_VBASE + SYN_SYMS, SYN_VBASE + SYN_STRS, s->strsz, 24,
                              SYN_VBASE + SYN_RELA, 24ull * s->nrela, 24 };
    unsigned char *d = s->f + SYN_DYN;
    for (int i = 0; i < 8; i++)
        if (tags[i] != s->omit) {
            put(d, (uint64_t)tags[i], 8);
            put(d + 8, vals[i], 8);
            d += 16;
        }
    for (unsigned i = 0; i < s->nextra; i++, d += 16) {
        put(d, (uint64_t)s->extra_tag[i], 8);
        put(d + 8, s->extra_val[i], 8);
    }
    put(d, DT_NULL, 8);
    put(s->f + SYN_HASH, 1, 4);                 /* nbucket; the chains are all 0 */
    put(s->f + SYN_HASH + 4, s->nsyms, 4);      /* nchain: the symbol count */
}

static void links_what_a_small_module_says(void **state)
{
    (void)state;
    struct syn *s = calloc(1, sizeof *s);
    syn_new(s);
    syn_phdr(s, PT_GNU_RELRO, PF_R, SYN_DATA + 0x300, SYN_VBASE + SYN_DATA + 0x300, 0x100, 0x100);
    uint32_t frob = syn_sym(s, "frob", 1, STT_FUNC, SHN_UNDEF, 0);
    uint32_t weakling = syn_sym(s, "weakling", STB_WEAK, 0, SHN_UNDEF, 0);
    uint32_t here = syn_sym(s, "here", 1, 1, 1, SYN_VBASE + 0x900);
    uint32_t abs = syn_sym(s, "absolute", 1, 0, SHN_ABS, 0x1234);
    syn_sym(s, "ctor", 1, STT_FUNC, 1, SYN_VBASE + 0xa00);
    const uint64_t d = SYN_VBASE + SYN_DATA;
    syn_rela(s, d + 0, R_X86_64_64, frob, 5);
    syn_rela(s, d + 8, R_X86_64_64, here, -8);
    syn_rela(s, d + 16, R_X86_64_GLOB_DAT, weakling, 0);
    syn_rela(s, d + 24, R_X86_64_GLOB_DAT, abs, 0);
    syn_rela(s, d + 32, R_X86_64_RELATIVE, 0, SYN_VBASE + 0x900);
    syn_rela(s, d + 57, R_X86_64_64, abs, 1);                            /* unaligned: allowed */
    syn_rela(s, 0xdeadbeef, R_X86_64_NONE, 0, 0);                        /* ignored, wherever it points */
    syn_rela(s, d + 48, R_X86_64_JUMP_SLOT, frob, 0);
    syn_rela(s, SYN_VBASE + 0xb00, R_X86_64_RELATIVE, 0, SYN_VBASE + 0xa00);
    syn_rela(s, SYN_VBASE + 0xb08, R_X86_64_RELATIVE, 0, SYN_VBASE + 0xa10);
    syn_rela(s, SYN_VBASE + 0xb10, R_X86_64_RELATIVE, 0, SYN_VBASE + 0xa20);
    syn_dyn(s, DT_INIT, SYN_VBASE + 0xa00);
    syn_dyn(s, DT_INIT_ARRAY, SYN_VBASE + 0xb00);
    syn_dyn(s, DT_INIT_ARRAYSZ, 16);
    syn_dyn(s, DT_FINI_ARRAY, SYN_VBASE + 0xb10);
    syn_dyn(s, DT_FINI_ARRAYSZ, 8);
    syn_done(s);
    memset(s->f + 0xc00, 0x77, 0x400);                                   /* file bytes to the page's end */

    struct os os = { .lacks = { "weakling" } };
    struct linked l;
    link_image(&l, s->f, SYN_FILE, &os, 0xa5);
    if (l.rc)
        fail_msg("refused: %s", l.why);
    assert_int_equal(l.layout.lowest, SYN_VBASE);
    assert_int_equal(l.layout.span, 2 * SYN_FILE);
    assert_string_equal(l.layout.abi, "");                               /* it has no note */
    uint64_t b = (uint64_t)(uintptr_t)l.mem;
    const unsigned char *slot = l.mem + SYN_DATA;
    assert_int_equal(get(slot, 8), os_addr(&os, "frob") + 5);
    assert_int_equal(get(slot + 8, 8), b + 0x900 - 8);
    assert_int_equal(get(slot + 16, 8), 0);                              /* weak, and the OS lacks it */
    assert_int_equal(get(slot + 24, 8), 0x1234);
    assert_int_equal(get(slot + 32, 8), b + 0x900);
    assert_int_equal(get(slot + 57, 8), 0x1235);
    assert_int_equal(get(slot + 48, 8), os_addr(&os, "frob"));
    assert_int_equal(os.nasked, 2);                                      /* frob and weakling, not its own */
    assert_memory_equal(l.mem + 0xc00, s->f + 0xc00, 0x400);
    for (size_t i = SYN_FILE; i < 2 * SYN_FILE; i++)
        if (l.mem[i])
            fail_msg("bss byte %#zx is %#x, not 0", i, l.mem[i]);
    assert_ptr_equal(module_symbol(&l.m, "here"), l.mem + 0x900);
    assert_ptr_equal(module_symbol(&l.m, "ctor"), l.mem + 0xa00);
    assert_null(module_symbol(&l.m, "frob"));
    assert_null(module_symbol(&l.m, "absolute"));                        /* not an address in the module */
    assert_ptr_equal(l.m.init, l.mem + 0xa00);
    assert_ptr_equal(l.m.init_array, l.mem + 0xb00);
    assert_int_equal(l.m.ninit, 2);
    assert_ptr_equal(l.m.init_array[1], l.mem + 0xa10);
    assert_ptr_equal(l.m.fini_array, l.mem + 0xb10);
    assert_int_equal(l.m.nfini, 1);
    assert_ptr_equal(l.m.fini_array[0], l.mem + 0xa20);
    assert_int_equal(l.m.relro_start, SYN_VBASE + SYN_DATA + 0x300);
    assert_int_equal(l.m.relro_end, SYN_VBASE + SYN_DATA + 0x400);
    struct segment_seen seen = { .n = 0 };
    module_segments(l.image, &l.m, record_segment, &seen);
    assert_int_equal(seen.n, 1);
    assert_int_equal(seen.start[0], b);
    assert_int_equal(seen.len[0], 2 * SYN_FILE);
    assert_int_equal(seen.flags[0], PF_R | PF_W);
    unlink_image(&l);

    /* the same with a Mayfly note: inspect reads its string; a note of another owner, or one whose
     * string is not terminated, is no note */
    struct {
        const char *owner;
        uint32_t type;
        const char desc[12];
        uint32_t descsz;
        const char *abi;
    } notes[] = {
        { "GNU", 1, "1+abc", 6, "" },
        { "Mayfly", 1, "1+abcdef", 8, "" },                              /* no NUL in its 8 bytes */
        { "Mayfly", 2, "1+abcdef", 9, "" },
        { "Mayfly", 1, "1+abcdef", 9, "1+abcdef" },
    };
    for (size_t i = 0; i < sizeof notes / sizeof notes[0]; i++) {
        unsigned char *n = s->f + 0xe00;
        memset(n, 0, 0x40);
        put(n, strlen(notes[i].owner) + 1, 4);
        put(n + 4, notes[i].descsz, 4);
        put(n + 8, notes[i].type, 4);
        memcpy(n + 12, notes[i].owner, strlen(notes[i].owner));
        memcpy(n + 12 + ((strlen(notes[i].owner) + 4) & ~3ul), notes[i].desc, notes[i].descsz);
        s->phnum = 3;
        syn_phdr(s, PT_NOTE, PF_R, 0xe00, SYN_VBASE + 0xe00, 0x40, 0x40);
        struct module_layout layout;
        char why[64];
        assert_int_equal(module_inspect(s->f, SYN_FILE, &layout, why, sizeof why), 0);
        assert_string_equal(layout.abi, notes[i].abi);
    }
    free(s);
}

/* A module that inspect passes and link refuses, or that inspect refuses: its reason. */
struct refusal {
    const char *what, *why;
    void (*make)(struct syn *s);
    int by_inspect;
};

static uint32_t syn_here(struct syn *s) { return syn_sym(s, "here", 1, 1, 1, SYN_VBASE + 0x900); }

static void make_interp(struct syn *s) { syn_phdr(s, PT_INTERP, PF_R, 0xe00, SYN_VBASE + 0xe00, 16, 16); syn_done(s); }
static void make_tls_segment(struct syn *s)
{
    syn_phdr(s, PT_TLS, PF_R, 0xe00, SYN_VBASE + 0xe00, 16, 16);
    syn_done(s);
}
static void make_no_load(struct syn *s) { put(s->f + SYN_PH, 6, 4); syn_done(s); }   /* PT_PHDR */
static void make_big_segment(struct syn *s) { put(s->f + SYN_PH + 32, SYN_FILE + 1, 8); syn_done(s); }
static void make_filesz_over_memsz(struct syn *s) { put(s->f + SYN_PH + 40, 100, 8); syn_done(s); }
static void make_huge_memsz(struct syn *s) { put(s->f + SYN_PH + 40, MODULE_SPAN_MAX + 1, 8); syn_done(s); }
static void make_far_vaddr(struct syn *s) { put(s->f + SYN_PH + 16, MODULE_SPAN_MAX + SYN_VBASE, 8); syn_done(s); }
static void make_vaddr_off_page(struct syn *s) { put(s->f + SYN_PH + 16, SYN_VBASE + 8, 8); syn_done(s); }
static void make_span_too_big(struct syn *s)
{
    syn_phdr(s, PT_LOAD, PF_R, 0, MODULE_SPAN_MAX, SYN_FILE, SYN_VBASE + SYN_FILE);
    syn_done(s);
}
static void make_bad_phentsize(struct syn *s) { put(s->f + 54, 64, 2); syn_done(s); }
static void make_phdrs_outside(struct syn *s) { put(s->f + 32, SYN_FILE - 56, 8); syn_done(s); }
static void make_phoff_huge(struct syn *s) { put(s->f + 32, UINT64_MAX - 8, 8); syn_done(s); }
static void make_phoff_odd(struct syn *s) { put(s->f + 32, SYN_PH + 4, 8); syn_done(s); }
static void make_no_dynamic(struct syn *s) { put(s->f + SYN_PH + 56, 0x6474e551, 4); syn_done(s); }
static void make_dynamic_outside(struct syn *s)
{
    put(s->f + SYN_PH + 56 + 16, SYN_VBASE + 2 * SYN_FILE - 128, 8);
    syn_done(s);
}
static void make_dynamic_odd(struct syn *s) { put(s->f + SYN_PH + 56 + 16, SYN_VBASE + SYN_DYN + 4, 8); syn_done(s); }
static void make_needed(struct syn *s) { syn_dyn(s, DT_NEEDED, syn_str(s, "libc.so.6")); syn_done(s); }
static void make_rel(struct syn *s) { syn_dyn(s, DT_REL, SYN_VBASE + SYN_RELA); syn_done(s); }
static void make_plt_rel(struct syn *s)
{
    syn_dyn(s, DT_JMPREL, SYN_VBASE + SYN_RELA);
    syn_dyn(s, DT_PLTRELSZ, 16);
    syn_dyn(s, DT_PLTREL, DT_REL);
    syn_done(s);
}
static void make_syment(struct syn *s) { syn_dyn(s, DT_SYMENT, 16); syn_done(s); }
static void make_relaent(struct syn *s) { syn_dyn(s, DT_RELAENT, 16); syn_done(s); }
static void make_no_hash(struct syn *s) { s->omit = DT_HASH; syn_done(s); }
static void make_hash_outside(struct syn *s) { syn_dyn(s, DT_HASH, SYN_VBASE + 2 * SYN_FILE - 4); syn_done(s); }
static void make_no_symtab(struct syn *s) { s->omit = DT_SYMTAB; syn_done(s); }
static void make_too_many_symbols(struct syn *s) { syn_done(s); put(s->f + SYN_HASH + 4, 1000, 4); }
static void make_symtab_odd(struct syn *s) { syn_dyn(s, DT_SYMTAB, SYN_VBASE + SYN_SYMS + 4); syn_done(s); }
static void make_strsz_huge(struct syn *s) { syn_dyn(s, DT_STRSZ, 1ull << 40); syn_done(s); }
static void make_strs_unterminated(struct syn *s)
{
    syn_str(s, "abc");
    syn_dyn(s, DT_STRSZ, s->strsz - 1);
    syn_done(s);
}
static void make_rela_outside(struct syn *s)
{
    syn_rela(s, SYN_VBASE + SYN_DATA, R_X86_64_RELATIVE, 0, 0);
    syn_dyn(s, DT_RELA, SYN_VBASE + 2 * SYN_FILE - 8);
    syn_done(s);
}
static void make_jmprel_outside(struct syn *s)
{
    syn_dyn(s, DT_JMPREL, SYN_VBASE + 2 * SYN_FILE);
    syn_dyn(s, DT_PLTRELSZ, 24);
    syn_dyn(s, DT_PLTREL, DT_RELA);
    syn_done(s);
}
/* A table at an address that is not a multiple of 8 is malformed: applying none of it, and saying
 * nothing, would run the module with its pointers unrelocated. */
static void make_rela_odd(struct syn *s)
{
    syn_rela(s, SYN_VBASE + SYN_DATA, R_X86_64_RELATIVE, 0, 0);
    syn_dyn(s, DT_RELA, SYN_VBASE + SYN_RELA + 4);
    syn_done(s);
}
static void make_jmprel_odd(struct syn *s)
{
    put(s->f + SYN_DATA + 4, SYN_VBASE + SYN_DATA + 0x100, 8);              /* one RELATIVE there */
    put(s->f + SYN_DATA + 12, R_X86_64_RELATIVE, 8);
    syn_dyn(s, DT_JMPREL, SYN_VBASE + SYN_DATA + 4);
    syn_dyn(s, DT_PLTRELSZ, 24);
    syn_dyn(s, DT_PLTREL, DT_RELA);
    syn_done(s);
}
static void make_write_outside(struct syn *s)
{
    syn_rela(s, SYN_VBASE + 2 * SYN_FILE - 7, R_X86_64_RELATIVE, 0, 0);
    syn_done(s);
}
static void make_write_below(struct syn *s) { syn_rela(s, SYN_VBASE - 8, R_X86_64_RELATIVE, 0, 0); syn_done(s); }
static void make_bad_symbol_index(struct syn *s)
{
    syn_here(s);
    syn_rela(s, SYN_VBASE + SYN_DATA, R_X86_64_64, 9, 0);
    syn_done(s);
}
static void make_pc32(struct syn *s) { syn_rela(s, SYN_VBASE + SYN_DATA, 2, syn_here(s), 0); syn_done(s); }
static void make_tls_symbol(struct syn *s)
{
    syn_rela(s, SYN_VBASE + SYN_DATA, R_X86_64_64, syn_sym(s, "tlsvar", 1, STT_TLS, 1, 16), 0);
    syn_done(s);
}
static void make_init_array_outside(struct syn *s)
{
    syn_dyn(s, DT_INIT_ARRAY, SYN_VBASE + 2 * SYN_FILE - 8);
    syn_dyn(s, DT_INIT_ARRAYSZ, 16);
    syn_done(s);
}
static void make_init_array_odd(struct syn *s)
{
    syn_dyn(s, DT_INIT_ARRAY, SYN_VBASE + SYN_DATA + 4);
    syn_dyn(s, DT_INIT_ARRAYSZ, 8);
    syn_done(s);
}
static void make_fini_array_outside(struct syn *s)
{
    syn_dyn(s, DT_FINI_ARRAY, SYN_VBASE - 4096);
    syn_dyn(s, DT_FINI_ARRAYSZ, 8);
    syn_done(s);
}
static void make_init_outside(struct syn *s) { syn_dyn(s, DT_INIT, SYN_VBASE + 2 * SYN_FILE); syn_done(s); }
/* The loader checks every relocation, then applies them: one that rewrites a later one between the
 * two passes (here relocation 1's symbol index becomes 99) must not leave a half-linked module. */
static void make_rewrites_relocation(struct syn *s)
{
    uint32_t zero = syn_sym(s, "zero", 1, 0, SHN_ABS, 0), here = syn_here(s);
    syn_rela(s, SYN_VBASE + SYN_RELA + 24 + 8, R_X86_64_64, zero, (int64_t)(99ull << 32 | R_X86_64_64));
    syn_rela(s, SYN_VBASE + SYN_DATA, R_X86_64_64, here, 0);
    syn_done(s);
}
/* ... or one that makes a symbol the module defines undefined: the OS has no "here" either. */
static void make_rewrites_symbol(struct syn *s)
{
    uint32_t zero = syn_sym(s, "zero", 1, 0, SHN_ABS, 0), here = syn_here(s);
    syn_rela(s, SYN_VBASE + SYN_SYMS + 24 * here + 6, R_X86_64_64, zero, 0);   /* its shndx, 0 */
    syn_rela(s, SYN_VBASE + SYN_DATA, R_X86_64_64, here, 0);
    syn_done(s);
}
static void make_missing_twice(struct syn *s)
{
    uint32_t gone = syn_sym(s, "gone", 1, STT_FUNC, SHN_UNDEF, 0), lost = syn_sym(s, "lost", 1, 0, SHN_UNDEF, 0);
    syn_rela(s, SYN_VBASE + SYN_DATA, R_X86_64_GLOB_DAT, gone, 0);
    syn_rela(s, SYN_VBASE + SYN_DATA + 8, R_X86_64_64, gone, 0);
    syn_rela(s, SYN_VBASE + SYN_DATA + 16, R_X86_64_GLOB_DAT, lost, 0);
    syn_rela(s, SYN_VBASE + SYN_DATA + 24, R_X86_64_JUMP_SLOT, gone, 0);
    syn_done(s);
}
static void make_missing_many_twice(struct syn *s)
{
    const char *names[] = { "m1", "m2", "m3", "m4", "m5" };
    for (int i = 0; i < 5; i++) {
        uint32_t sym = syn_sym(s, names[i], 1, STT_FUNC, SHN_UNDEF, 0);
        syn_rela(s, SYN_VBASE + SYN_DATA + 16 * i, R_X86_64_GLOB_DAT, sym, 0);
        syn_rela(s, SYN_VBASE + SYN_DATA + 16 * i + 8, R_X86_64_64, sym, 0);
    }
    syn_done(s);
}
/* 70 symbols the OS lacks (nameless: the symbol table is in the bss), more than the loader keeps. */
static void make_missing_seventy(struct syn *s)
{
    for (uint32_t i = 1; i <= 70; i++) {
        put(s->f + SYN_DATA + 24 * (i - 1), SYN_VBASE + SYN_FILE + 8 * i, 8);
        put(s->f + SYN_DATA + 24 * (i - 1) + 8, (uint64_t)i << 32 | R_X86_64_64, 8);
    }
    syn_dyn(s, DT_RELA, SYN_VBASE + SYN_DATA);
    syn_dyn(s, DT_RELASZ, 70 * 24);
    syn_dyn(s, DT_SYMTAB, SYN_VBASE + SYN_FILE);
    syn_done(s);
    put(s->f + SYN_HASH + 4, 80, 4);
}

static const struct refusal refusals[] = {
    { "an interpreter", "asks for an interpreter", make_interp, 1 },
    { "a TLS segment", "thread-local storage", make_tls_segment, 1 },
    { "no PT_LOAD", "nothing to load", make_no_load, 1 },
    { "a segment past the file", "segment 0 does not fit", make_big_segment, 1 },
    { "filesz over memsz", "segment 0 does not fit", make_filesz_over_memsz, 1 },
    { "memsz over 1 GiB", "segment 0 does not fit", make_huge_memsz, 1 },
    { "vaddr over 1 GiB", "segment 0 does not fit", make_far_vaddr, 1 },
    { "vaddr and offset apart in the page", "segment 0 does not fit", make_vaddr_off_page, 1 },
    { "a span over 1 GiB", "spans more than 1024 MiB", make_span_too_big, 1 },
    { "phentsize 64", "program headers are not in the file", make_bad_phentsize, 1 },
    { "phdrs past the end", "program headers are not in the file", make_phdrs_outside, 1 },
    { "phoff near 2^64", "program headers are not in the file", make_phoff_huge, 1 },
    { "phoff not a multiple of 8", "program headers are not in the file", make_phoff_odd, 1 },
    { "no PT_DYNAMIC", "no dynamic section", make_no_dynamic, 0 },
    { "dynamic past the image", "dynamic section is outside the image", make_dynamic_outside, 0 },
    { "dynamic misaligned", "dynamic section is outside the image", make_dynamic_odd, 0 },
    { "DT_NEEDED", "needs the library 'libc.so.6'", make_needed, 0 },
    { "DT_REL", "REL relocations", make_rel, 0 },
    { "DT_PLTREL REL", "REL relocations", make_plt_rel, 0 },
    { "DT_SYMENT 16", "symbols of 16 bytes", make_syment, 0 },
    { "DT_RELAENT 16", "relocations of 16 bytes", make_relaent, 0 },
    { "no DT_HASH", "no symbol hash table", make_no_hash, 0 },
    { "DT_HASH past the image", "no symbol hash table", make_hash_outside, 0 },
    { "no DT_SYMTAB", "no symbol hash table", make_no_symtab, 0 },
    { "nchain past the image", "symbol or string table is outside", make_too_many_symbols, 0 },
    { "DT_SYMTAB misaligned", "symbol or string table is outside", make_symtab_odd, 0 },
    { "DT_STRSZ 2^40", "symbol or string table is outside", make_strsz_huge, 0 },
    { "strings unterminated", "symbol or string table is outside", make_strs_unterminated, 0 },
    { "DT_RELA past the image", "relocations are", make_rela_outside, 0 },
    { "DT_JMPREL past the image", "relocations are", make_jmprel_outside, 0 },
    { "DT_RELA misaligned", "relocations are", make_rela_odd, 0 },
    { "DT_JMPREL misaligned", "relocations are", make_jmprel_odd, 0 },
    { "a write past the image", "relocation 0 writes outside the image", make_write_outside, 0 },
    { "a write below the image", "relocation 0 writes outside the image", make_write_below, 0 },
    { "symbol 9 of 2", "relocation 0 names symbol 9 of 2", make_bad_symbol_index, 0 },
    { "R_X86_64_PC32", "relocation type 2 is not one a module may have", make_pc32, 0 },
    { "a TLS symbol", "thread-local storage ('tlsvar')", make_tls_symbol, 0 },
    { "DT_INIT_ARRAY past the image", "constructors are outside", make_init_array_outside, 0 },
    { "DT_INIT_ARRAY misaligned", "constructors are outside", make_init_array_odd, 0 },
    { "DT_FINI_ARRAY below the image", "constructors are outside", make_fini_array_outside, 0 },
    { "DT_INIT past the image", "constructors are outside", make_init_outside, 0 },
    { "a relocation rewriting a later one", "relocation 1 names symbol 99 of 3", make_rewrites_relocation, 0 },
    { "a relocation undefining a symbol", "'here'", make_rewrites_symbol, 0 },
    { "a symbol missing twice", "unresolved symbols 'gone', 'lost': this OS does not have them", make_missing_twice,
      0 },
    { "five symbols missing twice", "unresolved symbols 'm1', 'm2', 'm3' and 2 more:", make_missing_many_twice, 0 },
    { "seventy symbols missing", "unresolved symbols '', '', '' and at least 61 more:", make_missing_seventy, 0 },
};

static void refuses_each_malformed_module(void **state)
{
    (void)state;
    struct syn *s = malloc(sizeof *s);
    int failed = 0;
    for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++) {
        const struct refusal *r = &refusals[i];
        syn_new(s);
        r->make(s);
        struct os os = { .lacks = { "gone", "lost", "here", "m1", "m2", "m3", "m4", "m5", "" }, .nasked = 0 };
        struct linked l;
        link_image(&l, s->f, SYN_FILE, &os, 0);
        if (l.rc == 0)
            print_error("%s: linked, not refused\n", r->what);
        else if (l.inspected != (r->by_inspect ? -1 : 0))
            print_error("%s: refused by %s (\"%s\"), not %s\n", r->what, l.inspected ? "inspect" : "link", l.why,
                        r->by_inspect ? "inspect" : "link");
        else if (!strstr(l.why, r->why))
            print_error("%s: the reason \"%s\" does not say \"%s\"\n", r->what, l.why, r->why);
        else
            failed--;
        failed++;
        unlink_image(&l);
    }
    free(s);
    assert_int_equal(failed, 0);
}

/* A symbol table read correctly wherever the hash table sits: at 4 bytes past a multiple of 8 (its
 * alignment) and at an odd address, which no linker writes but a file may hold. */
static void reads_the_hash_table_anywhere(void **state)
{
    (void)state;
    struct syn *s = malloc(sizeof *s);
    for (int skew = 0; skew < 8; skew++) {
        syn_new(s);
        syn_here(s);
        syn_dyn(s, DT_HASH, SYN_VBASE + SYN_DATA + skew);
        syn_done(s);
        memcpy(s->f + SYN_DATA + skew, s->f + SYN_HASH, 16);
        memset(s->f + SYN_HASH, 0xff, 16);                  /* the old place says nothing useful */
        struct os os = { .nasked = 0 };
        struct linked l;
        link_image(&l, s->f, SYN_FILE, &os, 0);
        if (l.rc)
            fail_msg("hash table at +%d: %s", skew, l.why);
        assert_int_equal(l.m.nsyms, 2);
        assert_ptr_equal(module_symbol(&l.m, "here"), l.mem + 0x900);
        unlink_image(&l);
    }
    free(s);
}

/* A relocation may overwrite the end of the string table after it was checked: a name there is no
 * longer terminated, and looking a symbol up must not read past the image for it. */
static void looks_up_names_within_the_strings(void **state)
{
    (void)state;
    struct syn *s = malloc(sizeof *s);
    syn_new(s);
    put(s->f + SYN_PH + 40, SYN_FILE, 8);                  /* no bss: the strings end the image */
    uint32_t zero = syn_sym(s, "zero", 1, 0, SHN_ABS, 0);
    syn_sym(s, "here", 1, 1, 1, SYN_VBASE + 0x900);
    const unsigned strs = SYN_FILE - 16;
    memcpy(s->f + strs, "\0here\0zero\0abcd", 16);         /* "abcd" and its NUL end the file */
    put(s->f + SYN_SYMS + 24 + 0, 6, 4);                    /* "zero" */
    put(s->f + SYN_SYMS + 48 + 0, 1, 4);                    /* "here" */
    uint32_t last = syn_sym(s, "x", 1, 1, 1, SYN_VBASE + 0x910);
    put(s->f + SYN_SYMS + 24 * last, 11, 4);                /* "abcd" */
    syn_rela(s, SYN_VBASE + SYN_FILE - 8, R_X86_64_64, zero, 0x4141414141414141);
    syn_dyn(s, DT_STRTAB, SYN_VBASE + strs);
    syn_dyn(s, DT_STRSZ, 16);
    syn_done(s);
    struct os os = { .nasked = 0 };
    struct linked l;
    link_image(&l, s->f, SYN_FILE, &os, 0);
    if (l.rc)
        fail_msg("refused: %s", l.why);
    assert_int_equal(l.layout.span, SYN_FILE);
    assert_memory_equal(l.mem + SYN_FILE - 5, "AAAAA", 5);  /* "abcd\0" is now "AAAAA", unterminated */
    assert_ptr_equal(module_symbol(&l.m, "here"), l.mem + 0x900);
    assert_null(module_symbol(&l.m, "AAAAAB"));            /* would compare past the end */
    assert_null(module_symbol(&l.m, "AAAAA"));
    unlink_image(&l);
    free(s);
}

/* ---- robustness: truncations and mutations of httpd.app ------------------------------------------ */

static int fuzz_round = -1;
static const char *fuzz_what = "";

static void say_round(void)
{
    if (fuzz_round >= 0)
        fprintf(stderr, "test_module: the sanitizer stopped %s %d (seed %#llx)\n", fuzz_what, fuzz_round,
                (unsigned long long)FUZZ_SEED);
}

static int fuzz_resolve(const char *name, uint64_t *addr, void *ctx)
{
    uint64_t h = 14695981039346656037ull;
    for (const char *p = name; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ull;
    if (ctx && h % 7 == 0)
        return 0;
    *addr = h | 1ull << 63;
    return 1;
}

enum outcome { REFUSED_BY_INSPECT, REFUSED_BY_LINK, LINKED, NOT_LINKED_TOO_BIG };

/* The memory a mutant is linked into: exactly its span (a page multiple), the end of one mapping
 * of FUZZ_LINK_SPAN_MAX whose other pages, and the page after it, fault when touched; so an access
 * past either end stops the test as ASan's redzones would. One mapping for all, the pages it had
 * kept: ASan's allocator, and faulting in fresh pages for each mutant, took seconds. */
static unsigned char *arena;
static size_t arena_span;

static unsigned char *memory_for(size_t span)
{
    const size_t whole = FUZZ_LINK_SPAN_MAX + 2 * MODULE_PAGE;
    if (!span) {
        if (arena)
            munmap(arena - MODULE_PAGE, whole);
        arena = 0;
        arena_span = 0;
        return 0;
    }
    assert_true(span <= FUZZ_LINK_SPAN_MAX && span % MODULE_PAGE == 0);
    if (!arena) {
        unsigned char *p = mmap(0, whole, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        assert_true(p != MAP_FAILED);
        arena = p + MODULE_PAGE;
    }
    unsigned char *mem = arena + FUZZ_LINK_SPAN_MAX - span;
    if (span != arena_span) {
        assert_int_equal(mprotect(arena, FUZZ_LINK_SPAN_MAX - span, PROT_NONE), 0);
        assert_int_equal(mprotect(mem, span, PROT_READ | PROT_WRITE), 0);
        arena_span = span;
    }
    return mem;
}

/* inspect, and link when it passes: 0 or -1, a reason when -1, and what a linked module points at
 * inside it. Any access outside image or the memory is the sanitizer's to stop. */
static enum outcome survive(const unsigned char *image, size_t len, void *lacking)
{
    struct module_layout layout;
    char why[96];
    memset(why, 'x', sizeof why);
    int rc = module_inspect(image, len, &layout, why, sizeof why);
    assert_true(rc == 0 || (rc == -1 && why[0] != 'x' && memchr(why, 0, sizeof why)));
    if (rc)
        return REFUSED_BY_INSPECT;
    assert_true(layout.span > 0 && layout.span % MODULE_PAGE == 0 && layout.span <= MODULE_SPAN_MAX);
    if (layout.span > FUZZ_LINK_SPAN_MAX)
        return NOT_LINKED_TOO_BIG;
    unsigned char *mem = memory_for(layout.span);
    struct module m;
    memset(why, 'x', sizeof why);
    rc = module_link(image, len, &layout, mem, fuzz_resolve, lacking, &m, why, sizeof why);
    assert_true(rc == 0 || (rc == -1 && why[0] != 'x' && memchr(why, 0, sizeof why)));
    if (rc == 0) {
        void *p = module_symbol(&m, "main");
        assert_true(!p || ((unsigned char *)p >= mem && (unsigned char *)p < mem + layout.span));
        p = module_symbol(&m, "app_name");
        assert_true(!p || ((unsigned char *)p >= mem && (unsigned char *)p < mem + layout.span));
        assert_true(m.ninit == 0 || ((unsigned char *)m.init_array >= mem &&
                                     (unsigned char *)(m.init_array + m.ninit) <= mem + layout.span));
        assert_true(m.nfini == 0 || ((unsigned char *)m.fini_array >= mem &&
                                     (unsigned char *)(m.fini_array + m.nfini) <= mem + layout.span));
    }
    return rc ? REFUSED_BY_LINK : LINKED;
}

static void survives_every_truncation(void **state)
{
    (void)state;
    struct elf e;
    elf_read(&e, "build/httpd.app");
    int outcome[4] = { 0 };
    fuzz_what = "truncation to length";
    for (size_t n = 0; n <= e.len; n += n < 512 ? 1 : 61) {
        unsigned char *cut = malloc(n ? n : 1);
        memcpy(cut, e.data, n);
        fuzz_round = (int)n;
        outcome[survive(cut, n, 0)]++;
        free(cut);
    }
    fuzz_round = -1;
    assert_int_equal(survive(e.data, e.len, 0), LINKED);
    /* short ones refused by inspect, those past the segments' file bytes link */
    assert_true(outcome[REFUSED_BY_INSPECT] > 500 && outcome[LINKED] > 100);
    assert_int_equal(outcome[REFUSED_BY_LINK] + outcome[NOT_LINKED_TOO_BIG], 0);
    memory_for(0);
    elf_free(&e);
}

static uint64_t rng_state = FUZZ_SEED;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static void survives_random_mutations(void **state)
{
    (void)state;
    struct elf e;
    elf_read(&e, "build/httpd.app");
    /* where the loader reads: header, program headers, dynamic section, hash and symbols and
     * strings, the two relocation tables; and anywhere */
    struct {
        uint64_t off, len;
        unsigned weight;
    } regions[] = {
        { 0, 64, 20 },
        { e.phoff, e.phnum * 56, 20 },
        { e.dyn_off, e.dyn_size, 20 },
        { e.hash_off, e.str_off + e.strsz - e.hash_off, 10 },
        { e.rela_off, e.relasz, 12 },
        { e.jmprel_off, e.pltrelsz, 12 },
        { 0, e.len, 6 },
    };
    unsigned total = 0;
    for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++) {
        assert_true(regions[i].len > 0 && regions[i].off + regions[i].len <= e.len);
        total += regions[i].weight;
    }
    int outcome[4] = { 0 };
    fuzz_what = "mutation round";
    for (fuzz_round = 0; fuzz_round < FUZZ_ROUNDS; fuzz_round++) {
        size_t at[8];
        unsigned char old[8];
        int n = 1 + (int)(rng() % 8);
        for (int i = 0; i < n; i++) {
            unsigned pick = (unsigned)(rng() % total);
            size_t r = 0;
            while (pick >= regions[r].weight)
                pick -= regions[r++].weight;
            at[i] = regions[r].off + rng() % regions[r].len;
            old[i] = e.data[at[i]];
            uint64_t how = rng() % 10;
            e.data[at[i]] = how < 5 ? (unsigned char)rng() : how < 7 ? 0 : how < 8 ? 0xff
                                                                     : e.data[at[i]] ^ (unsigned char)(1u << rng() % 8);
        }
        outcome[survive(e.data, e.len, fuzz_round & 1 ? &e : 0)]++;
        for (int i = n; i-- > 0;)
            e.data[at[i]] = old[i];
    }
    fuzz_round = -1;
    print_message("mutations: %d refused by inspect, %d by link, %d linked, %d spanning over %lu MiB not linked\n",
                  outcome[REFUSED_BY_INSPECT], outcome[REFUSED_BY_LINK], outcome[LINKED], outcome[NOT_LINKED_TOO_BIG],
                  FUZZ_LINK_SPAN_MAX >> 20);
    assert_true(outcome[REFUSED_BY_INSPECT] > 1000 && outcome[REFUSED_BY_LINK] > 1000 && outcome[LINKED] > 1000);
    assert_true(outcome[NOT_LINKED_TOO_BIG] < FUZZ_ROUNDS / 50);
    memory_for(0);
    elf_free(&e);
}

int main(void)
{
    __sanitizer_set_death_callback(say_round);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(inspect_reads_layout_and_abi_note),
        cmocka_unit_test(links_httpd_and_binds_every_slot),
        cmocka_unit_test(links_hello),
        cmocka_unit_test(refuses_unresolved_symbols_by_name),
        cmocka_unit_test(refuses_what_is_not_a_module),
        cmocka_unit_test(refuses_a_layout_of_another_file),
        cmocka_unit_test(links_what_a_small_module_says),
        cmocka_unit_test(refuses_each_malformed_module),
        cmocka_unit_test(reads_the_hash_table_anywhere),
        cmocka_unit_test(looks_up_names_within_the_strings),
        cmocka_unit_test(survives_every_truncation),
        cmocka_unit_test(survives_random_mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
