/* The shared OS's program (build/mayfly-os.elf): where a single image's app would have its main,
 * this one links the app module the boot loader brought (-initrd NAME.app, GRUB's module2)
 * against the OS's exported symbols and runs the module's main in its place.
 *
 * A module that cannot run here (another ABI, a symbol the OS lacks, a malformed file) is refused
 * before any of its code runs: one line naming why, and the status EXIT_MODULE_REFUSED. */
#include "abi.h"
#include "elf64.h"
#include "exports.h"
#include "module.h"
#include "module_syms.h"
#include "../kernel/clock.h"
#include "../kernel/memory.h"
#include "../kernel/paging.h"
#include "../kernel/printk.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MAYFLY_ABI_STRING
#error "the build gives the ABI string (scripts/abi-version)"
#endif
/* the build's name for this OS (make os OS_RELEASE=...; os/build.mk) */
extern const char mayfly_os_release[];

/* argv[0] until the module's own name replaces it (kernel/app.h) */
const char app_name[] = "mayfly-os";

static struct module app;

static __attribute__((noreturn, format(printf, 1, 2))) void refuse(const char *fmt, ...)
{
    char why[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    kprintf("mayfly: module refused: %s\n", why);
    exit(EXIT_MODULE_REFUSED);
}

static int resolve(const char *name, uint64_t *addr, void *ctx)
{
    (void)ctx;
    return export_lookup(name, addr);
}

/* The first of the loader's modules that is an ELF file is the app (a cpio one is the initrd). */
static const struct mem_range *app_module(void)
{
    int n;
    const struct mem_range *m = mem_modules(&n);
    for (int i = 0; i < n; i++)
        if (m[i].len >= 4 && memcmp((const void *)(uintptr_t)m[i].base, "\177ELF", 4) == 0)
            return &m[i];
    return 0;
}

/* Page protections: each page gets the flags of the segments on it (text RX, rodata R, data RW),
 * and the part that the linker marked read-only after relocation (RELRO: the GOT) loses W. */
struct protection {
    const struct module *m;
    unsigned char *page_flags;          /* PF_* per page of the module, 0 for none */
};

static void mark_segment(uintptr_t start, size_t len, uint32_t flags, void *ctx)
{
    struct protection *p = ctx;
    uintptr_t base = (uintptr_t)p->m->base;
    for (uintptr_t a = PAGE_ROUND_DOWN(start); a < start + len; a += PAGE_SIZE)
        p->page_flags[(a - base) / PAGE_SIZE] |= (unsigned char)flags;
}

static int vm_flags(unsigned pf) { return (pf & PF_W ? VM_WRITE : 0) | (pf & PF_X ? VM_EXEC : 0); }

static void protect(const struct module *m, const void *image)
{
    size_t npages = m->span / PAGE_SIZE;
    struct protection p = { m, calloc(npages, 1) };
    if (!p.page_flags)
        refuse("no memory to protect its %lu pages", (unsigned long)npages);
    module_segments(image, m, mark_segment, &p);
    /* as ld.so does: the linker ends RELRO on a page boundary and puts nothing writable before
     * it on its first page, so that page and those up to the end's are made read-only */
    for (uint64_t a = PAGE_ROUND_DOWN(m->relro_start); m->relro_end && a < PAGE_ROUND_DOWN(m->relro_end); a += PAGE_SIZE)
        p.page_flags[(a - m->lowest) / PAGE_SIZE] &= (unsigned char)~PF_W;
    for (size_t i = 0, j; i < npages; i = j) {
        for (j = i + 1; j < npages && p.page_flags[j] == p.page_flags[i];)
            j++;
        if (vm_map((uintptr_t)m->base + i * PAGE_SIZE, (j - i) * PAGE_SIZE, vm_flags(p.page_flags[i])) < 0)
            refuse("no memory for its page tables");
    }
    free(p.page_flags);
}

static void run_finalizers(void)
{
    for (size_t i = app.nfini; i-- > 0;)
        if (app.fini_array[i] && app.fini_array[i] != (void (*)(void))-1)
            app.fini_array[i]();
}

int main(int argc, char **argv, char **envp)
{
    kdebug("mayfly: mayfly-os %s, ABI %s, %u symbols exported\n", mayfly_os_release, MAYFLY_ABI_STRING,
           export_count());
    uint64_t start_ns = clock_monotonic_ns();
    const struct mem_range *file = app_module();
    if (!file)
        refuse("none given: boot the shared OS with -initrd NAME.app (make APP=dir MODULE=1 builds one)");
    const void *image = (const void *)(uintptr_t)file->base;
    struct module_layout layout;
    char why[256];
    if (module_inspect(image, file->len, &layout, why, sizeof why) < 0)
        refuse("%s", why);
    if (!layout.abi[0])
        refuse("it carries no Mayfly ABI note (build it with make MODULE=1)");
    if (strcmp(layout.abi, MAYFLY_ABI_STRING) != 0)
        refuse("built for ABI %s, this OS has ABI %s", layout.abi, MAYFLY_ABI_STRING);
    void *mem = page_alloc(layout.span / PAGE_SIZE);
    if (!mem)
        refuse("no memory for its %lu KiB", (unsigned long)(layout.span / 1024));
    if (module_link(image, file->len, &layout, mem, resolve, 0, &app, why, sizeof why) < 0)
        refuse("%s", why);
    protect(&app, image);
    module_syms_register(image, file->len, &app);   /* the file stays: backtraces read its names */
    int (*app_main)(int, char **, char **) = (int (*)(int, char **, char **))module_symbol(&app, "main");
    if (!app_main)
        refuse("it has no main");
    const char *name = module_symbol(&app, "app_name");
    if (name)
        argv[0] = (char *)name;
    kdebug("mayfly: module %s linked at %p, %lu KiB, in %lu us\n", argv[0], (void *)app.base,
           (unsigned long)(app.span / 1024), (unsigned long)((clock_monotonic_ns() - start_ns) / 1000));
    if (app.init)
        app.init();
    for (size_t i = 0; i < app.ninit; i++)
        if (app.init_array[i] && app.init_array[i] != (void (*)(void))-1)
            app.init_array[i]();
    atexit(run_finalizers);
    return app_main(argc, argv, envp);
}
