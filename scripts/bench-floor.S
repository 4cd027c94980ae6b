/* The benchmark's floor: a multiboot1 image (loaded the way Mayfly is) whose first instruction
 * exits QEMU through isa-debug-exit. What QEMU costs before any guest code runs. */
        .section .text
        .code32
        .align 4
header:
        .long 0x1BADB002, 0x00010002, -(0x1BADB002 + 0x00010002)
        .long header, header, end, end, entry      /* header, load, load end, bss end, entry */
        .global entry
entry:
        xor %eax, %eax
        mov $0xf4, %dx
        out %eax, %dx
1:      hlt
        jmp 1b
end:
