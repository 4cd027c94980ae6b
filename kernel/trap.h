/* Interrupts and exceptions: the IDT, handler registration, and the frame a trap leaves. */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H
#include <stdint.h>

/* What trap_entry.S pushes, lowest address first. */
struct trap_frame {
    uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss;      /* pushed by the CPU */
};

#define TRAP_EXCEPTIONS 32
#define VECTOR_PIC_BASE 0x20        /* where the (masked) 8259s' spurious IRQs land */
#define VECTOR_TIMER 0xF0
#define VECTOR_SPURIOUS 0xFF

/* Load the GDT with its TSS (IST stacks for faults that must work on a broken stack) and the IDT. */
void trap_init(void);

/* Run handler(arg) for the vector, in interrupt context with interrupts off: do the least
 * possible (acknowledge, record, wake a thread). The local APIC is acknowledged afterwards. */
void trap_set_handler(unsigned vector, void (*handler)(void *arg), void *arg);
#endif
