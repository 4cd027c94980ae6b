/* A loaded module's function names for the kernel's backtraces (kernel/ksyms.h regions). */
#ifndef OS_MODULE_SYMS_H
#define OS_MODULE_SYMS_H
#include "module.h"

/* Read the functions of image's full symbol table (.symtab; the dynamic one when the file was
 * stripped) and hand the kernel a lookup for the module's memory. image must stay in memory. */
void module_syms_register(const void *image, size_t len, const struct module *m);
#endif
