/* Constants shared by the boot assembly and the C that reads what it leaves behind. */
#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H

#define GDT_KERNEL_CODE 0x08
#define GDT_KERNEL_DATA 0x10
#define GDT_TSS         0x18
#define BOOT_STACK_SIZE 16384
/* The boot page map (boot/entry.S): 4 page directories of 2 MiB pages, the first 4 GiB. Until
 * paging_init loads the real tables, nothing above BOOT_MAP_END may be touched. */
#define BOOT_MAP_PDS    4
#define BOOT_MAP_END    (BOOT_MAP_PDS * 0x40000000ull)

/* SSE control at reset: every exception masked, round to nearest (Intel SDM vol. 1 §10.2.3).
 * The boot code loads it; each new thread starts with it. */
#define MXCSR_DEFAULT 0x1F80

/* boot_magic after the PVH entry: the hvm_start_info magic itself (Xen's arch-x86/hvm/start_info.h). */
#define BOOT_MAGIC_PVH  0x336EC578
#define BOOT_MAGIC_MB1  0x2BADB002
#define BOOT_MAGIC_MB2  0x36D76289

#ifndef __ASSEMBLER__
#include <stdint.h>
extern uint64_t boot_tsc;          /* TSC at the first instruction */
extern uint32_t boot_magic;        /* which loader entered, one of BOOT_MAGIC_* */
extern uint32_t boot_info_addr;    /* that loader's information structure */
extern char _image_start[], _text_start[], _text_end[], _rodata_start[], _rodata_end[];
extern char _data_start[], _edata[], _bss_start[], _bss_end[], _image_end[];
extern char boot_stack_top[];
extern char boot_stack_guard[], boot_stack_guard_end[];   /* unmapped below the boot stack */
#endif
#endif
