/* Boot: the three headers a loader looks for, the 32-bit entry points, and the switch to
 * 64-bit long mode (Intel SDM vol. 3 §9.8.5). Everything after this is C, in kernel_main().
 *
 * Loaders and how they enter:
 *   multiboot1 (qemu -kernel)  EAX = 0x2BADB002, EBX = multiboot_info   (multiboot 0.6.96 §3.2)
 *   multiboot2 (GRUB)          EAX = 0x36D76289, EBX = boot information (multiboot2 §3.3)
 *   PVH (microvm, qboot, ...)  EBX = hvm_start_info; EAX is not reliable (qboot leaves the
 *                              multiboot1 value there), so the PVH entry records its own mark.
 * All three: 32-bit protected mode, flat segments, paging off, interrupts off.
 */
#include "boot.h"

#define MB1_MAGIC        0x1BADB002
#define MB1_MEMINFO      (1 << 1)
#define MB1_ADDRESSES    (1 << 16)        /* load from the address fields, not the ELF headers */
#define MB1_FLAGS        (MB1_MEMINFO | MB1_ADDRESSES)
#define MB2_MAGIC        0xE85250D6
#define MB2_ARCH_I386    0
#define XEN_ELFNOTE_PHYS32_ENTRY 18

#define CR0_PE  (1 << 0)
#define CR0_MP  (1 << 1)
#define CR0_NE  (1 << 5)
#define CR0_WP  (1 << 16)
#define CR0_PG  (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR     (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define MSR_EFER 0xC0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define CPUID_EXT_LM (1 << 29)
#define CPUID_EXT_NX (1 << 20)
#define PTE_PRESENT_RW 0x3
#define PTE_LARGE      0x80
#define COM1 0x3F8

        .section .boot.headers, "a"
        .align 4
mb1_header:
        .long MB1_MAGIC
        .long MB1_FLAGS
        .long -(MB1_MAGIC + MB1_FLAGS)
        .long mb1_header                   /* header_addr   */
        .long _image_start                 /* load_addr     */
        .long _edata                       /* load_end_addr */
        .long _image_end                   /* bss_end_addr  */
        .long _start_multiboot             /* entry_addr    */

        .align 8
mb2_header:
        .long MB2_MAGIC
        .long MB2_ARCH_I386
        .long mb2_header_end - mb2_header
        .long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
        .short 0, 0                        /* end tag */
        .long 8
mb2_header_end:

        .section .note.Xen, "a"
        .align 4
        .long 4                            /* name size: "Xen\0" */
        .long 8                            /* descriptor size */
        .long XEN_ELFNOTE_PHYS32_ENTRY
        .asciz "Xen"
        .align 4
        .quad _start_pvh

        .section .boot.text, "ax"
        .code32
        .global _start_multiboot
_start_multiboot:
        cli
        mov %eax, boot_magic
        mov %ebx, boot_info_addr
        jmp 1f

        .global _start_pvh
_start_pvh:
        cli
        movl $BOOT_MAGIC_PVH, boot_magic
        mov %ebx, boot_info_addr

1:      rdtsc                              /* the first instant Mayfly measures boot from */
        mov %eax, boot_tsc
        mov %edx, boot_tsc + 4
        cld
        mov $_bss_start, %edi              /* loaders zero bss; do not rely on it */
        mov $_bss_end, %ecx
        sub %edi, %ecx
        shr $2, %ecx
        xor %eax, %eax
        rep stosl
        mov $boot_stack_top, %esp

        mov $0x80000000, %eax
        cpuid
        cmp $0x80000001, %eax
        jb no_long_mode
        mov $0x80000001, %eax
        cpuid
        test $CPUID_EXT_LM, %edx
        jz no_long_mode
        test $CPUID_EXT_NX, %edx
        jz no_long_mode

        /* Early page tables: identity map the first 4 GiB with 2 MiB pages. kernel_main
         * replaces them with the real ones (W^X, page 0 unmapped) before anything else runs. */
        mov $boot_pdpt + PTE_PRESENT_RW, %eax
        mov %eax, boot_pml4
        mov $boot_pd + PTE_PRESENT_RW, %eax
        xor %ecx, %ecx
2:      mov %eax, boot_pdpt(, %ecx, 8)
        add $4096, %eax
        inc %ecx
        cmp $BOOT_MAP_PDS, %ecx
        jb 2b
        xor %ecx, %ecx
3:      mov %ecx, %eax
        shl $21, %eax
        or $(PTE_PRESENT_RW | PTE_LARGE), %eax
        mov %eax, boot_pd(, %ecx, 8)
        inc %ecx
        cmp $(BOOT_MAP_PDS * 512), %ecx
        jb 3b

        mov %cr4, %eax
        or $CR4_PAE, %eax
        mov %eax, %cr4
        mov $boot_pml4, %eax
        mov %eax, %cr3
        mov $MSR_EFER, %ecx
        rdmsr
        or $(EFER_LME | EFER_NXE), %eax
        wrmsr
        mov %cr0, %eax
        or $(CR0_PG | CR0_WP | CR0_NE | CR0_MP | CR0_PE), %eax
        and $~(1 << 2), %eax               /* CR0.EM off: SSE instructions must not trap */
        mov %eax, %cr0
        lgdt gdt_pointer
        ljmp $GDT_KERNEL_CODE, $long_mode

no_long_mode:                              /* say why on COM1, then stop */
        mov $no_long_mode_msg, %esi
        mov $COM1, %dx
4:      lodsb
        test %al, %al
        jz 5f
        out %al, %dx
        jmp 4b
5:      hlt
        jmp 5b

        .code64
long_mode:
        mov $GDT_KERNEL_DATA, %ax
        mov %ax, %ds
        mov %ax, %es
        mov %ax, %ss
        xor %eax, %eax
        mov %ax, %fs
        mov %ax, %gs
        mov $boot_stack_top, %rsp
        mov %cr4, %rax
        or $(CR4_OSFXSR | CR4_OSXMMEXCPT), %rax   /* newlib is vectorised: SSE on first */
        mov %rax, %cr4
        fninit
        ldmxcsr mxcsr_default
        xor %ebp, %ebp                     /* ends the frame-pointer chain for backtraces */
        call kernel_main
6:      cli
        hlt
        jmp 6b

        .section .rodata
no_long_mode_msg:
        .asciz "mayfly: this CPU has no 64-bit long mode or no NX bit; cannot boot\r\n"
mxcsr_default:
        .long MXCSR_DEFAULT

        .data
        .global boot_magic, boot_info_addr, boot_tsc
        .align 8
boot_tsc:       .quad 0                    /* in .data, not .bss: written before bss is cleared */
boot_magic:     .long 0
boot_info_addr: .long 0

        .global gdt, gdt_pointer
        .align 16
gdt:    .quad 0
        .quad 0x00AF9A000000FFFF           /* GDT_KERNEL_CODE: 64-bit, ring 0, execute/read */
        .quad 0x00CF92000000FFFF           /* GDT_KERNEL_DATA: ring 0, read/write */
        .quad 0, 0                         /* GDT_TSS: 16-byte system descriptor, set by kernel/trap.c */
gdt_end:
gdt_pointer:
        .short gdt_end - gdt - 1
        .quad gdt

        /* The boot page tables lie right below the boot stack on purpose: once paging_init has
         * switched to the final tables they are dead, and it unmaps them, so they become the
         * boot stack's guard (24 KiB) at no cost in memory. */
        .bss
        .align 4096
        .global boot_stack_guard, boot_stack_guard_end, boot_stack_top
boot_stack_guard:
boot_pml4:  .skip 4096
boot_pdpt:  .skip 4096
boot_pd:    .skip 4096 * BOOT_MAP_PDS
boot_stack_guard_end:
boot_stack: .skip BOOT_STACK_SIZE
boot_stack_top:
