/* context_switch(uint64_t *save_rsp, uint64_t load_rsp): save the callee-saved registers
 * (SysV ABI) and the SSE/x87 control words on this stack, store rsp, load the other thread's.
 * The xmm registers are caller-saved, so a switch through a call need not save them. */
        .text
        .global context_switch, thread_start
context_switch:
        push %rbp
        push %rbx
        push %r12
        push %r13
        push %r14
        push %r15
        sub $8, %rsp
        stmxcsr (%rsp)
        fnstcw 4(%rsp)
        mov %rsp, (%rdi)
        mov %rsi, %rsp
        ldmxcsr (%rsp)
        fldcw 4(%rsp)
        add $8, %rsp
        pop %r15
        pop %r14
        pop %r13
        pop %r12
        pop %rbx
        pop %rbp
        ret

/* A new thread's first switch returns here with r12 = its function, r13 = its argument. */
thread_start:
        sti
        mov %r13, %rdi
        call *%r12
        mov %rax, %rdi
        call thread_exit
