/* GDT and TSS, IDT, and trap_dispatch: exceptions become panic reports, interrupts go to
 * their registered handlers. Intel SDM vol. 3 §6.14 (64-bit IDT), §7.7 (64-bit TSS). */
#include "trap.h"
#include "../boot/boot.h"
#include "lapic.h"
#include "panic.h"
#include <stddef.h>

#define IDT_ENTRIES 256
#define GATE_INTERRUPT 0x8E          /* present, ring 0, 64-bit interrupt gate */
#define TSS_AVAILABLE 0x89           /* present, 64-bit TSS, available */
#define IST_FAULT 1                  /* TSS.IST1: a stack for faults the current stack cannot take */
#define IST_STACK_SIZE 16384
#define VECTOR_NMI 2
#define VECTOR_DOUBLE_FAULT 8
#define VECTOR_PAGE_FAULT 14
#define VECTOR_MACHINE_CHECK 18

struct idt_gate {
    uint16_t offset_low, selector;
    uint8_t ist, type;
    uint16_t offset_mid;
    uint32_t offset_high, reserved;
} __attribute__((packed));

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3, iomap_base;
} __attribute__((packed));

struct handler {
    void (*fn)(void *);
    void *arg;
};

extern const uint64_t trap_stubs[IDT_ENTRIES];
extern uint64_t gdt[];
static struct idt_gate idt[IDT_ENTRIES] __attribute__((aligned(16)));
static struct tss tss;
static uint8_t ist_stack[IST_STACK_SIZE] __attribute__((aligned(16)));
static struct handler handlers[IDT_ENTRIES];

static void set_gate(unsigned v, uint64_t addr, uint8_t ist)
{
    idt[v] = (struct idt_gate){
        .offset_low = addr & 0xFFFF,
        .selector = GDT_KERNEL_CODE,
        .ist = ist,
        .type = GATE_INTERRUPT,
        .offset_mid = (addr >> 16) & 0xFFFF,
        .offset_high = addr >> 32,
    };
}

static void load_tss(void)
{
    uint64_t base = (uintptr_t)&tss, limit = sizeof tss - 1;
    tss.ist[IST_FAULT - 1] = (uintptr_t)ist_stack + sizeof ist_stack;
    tss.iomap_base = sizeof tss;     /* no I/O permission bitmap */
    unsigned slot = GDT_TSS / 8;
    gdt[slot] = (limit & 0xFFFF) | (base & 0xFFFFFF) << 16 | (uint64_t)TSS_AVAILABLE << 40 |
                ((limit >> 16) & 0xF) << 48 | ((base >> 24) & 0xFF) << 56;
    gdt[slot + 1] = base >> 32;
    __asm__ volatile("ltr %w0" ::"r"(GDT_TSS));
}

void trap_init(void)
{
    load_tss();
    for (unsigned v = 0; v < IDT_ENTRIES; v++) {
        int on_ist = v == VECTOR_NMI || v == VECTOR_DOUBLE_FAULT || v == VECTOR_PAGE_FAULT ||
                     v == VECTOR_MACHINE_CHECK;
        set_gate(v, trap_stubs[v], on_ist ? IST_FAULT : 0);
    }
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = { sizeof idt - 1, (uintptr_t)idt };
    __asm__ volatile("lidt %0" ::"m"(idtr));
}

void trap_set_handler(unsigned vector, void (*fn)(void *), void *arg)
{
    handlers[vector] = (struct handler){ fn, arg };
}

void trap_dispatch(struct trap_frame *f)
{
    if (f->vector < TRAP_EXCEPTIONS)
        panic_fault(f);                  /* no exception is recoverable in Mayfly */
    if (f->vector == VECTOR_SPURIOUS)
        return;                          /* spurious: no EOI (Intel SDM vol. 3 §10.9) */
    struct handler *h = &handlers[f->vector];
    if (h->fn)
        h->fn(h->arg);
    if (f->vector >= VECTOR_PIC_BASE + 16)   /* the masked 8259s' strays are not the APIC's */
        lapic_eoi();
}
