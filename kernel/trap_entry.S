/* Interrupt and exception entry: one stub per vector pushes an error code where the CPU
 * pushes none (Intel SDM vol. 3 §6.13), then the vector, and joins trap_common, which saves
 * the general registers and the SSE state (newlib's string functions use xmm registers and
 * may run in a handler) and calls trap_dispatch(struct trap_frame *). */
        .altmacro
        .macro trap_stub n
trap_stub_\n:
        .if (\n == 8) || ((\n >= 10) && (\n <= 14)) || (\n == 17) || (\n == 21) || (\n == 29) || (\n == 30)
        .else
        pushq $0
        .endif
        pushq $\n
        jmp trap_common
        .endm

        .macro trap_stub_address n
        .quad trap_stub_\n
        .endm

        .text
        .set vector, 0
        .rept 256
        trap_stub %vector
        .set vector, vector + 1
        .endr

trap_common:
        push %r15
        push %r14
        push %r13
        push %r12
        push %r11
        push %r10
        push %r9
        push %r8
        push %rbp
        push %rdi
        push %rsi
        push %rdx
        push %rcx
        push %rbx
        push %rax
        cld
        mov %rsp, %rdi
        mov %rsp, %rbx
        and $-16, %rsp
        sub $512, %rsp
        fxsave (%rsp)
        call trap_dispatch
        fxrstor (%rsp)
        mov %rbx, %rsp
        pop %rax
        pop %rbx
        pop %rcx
        pop %rdx
        pop %rsi
        pop %rdi
        pop %rbp
        pop %r8
        pop %r9
        pop %r10
        pop %r11
        pop %r12
        pop %r13
        pop %r14
        pop %r15
        add $16, %rsp                      /* vector and error code */
        iretq

        .section .rodata
        .global trap_stubs
        .align 8
trap_stubs:
        .set vector, 0
        .rept 256
        trap_stub_address %vector
        .set vector, vector + 1
        .endr
