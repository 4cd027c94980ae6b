#include "lapic.h"
#include "paging.h"
#include "panic.h"
#include "trap.h"
#include "x86.h"

#define MSR_APIC_BASE 0x1B
#define APIC_BASE_ENABLE (1u << 11)
#define APIC_BASE_ADDR_MASK 0xFFFFF000ull
#define APIC_MMIO_SIZE 4096
#define REG_TPR 0x080
#define REG_EOI 0x0B0
#define REG_SVR 0x0F0
#define REG_LVT_TIMER 0x320
#define REG_TIMER_INITIAL 0x380
#define REG_TIMER_CURRENT 0x390
#define REG_TIMER_DIVIDE 0x3E0
#define SVR_ENABLE (1u << 8)
#define TIMER_DIVIDE_BY_1 0xB
#define LVT_ONE_SHOT 0                 /* mode bits 17-18 = 0 */
#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1
#define PIC_ICW1_INIT_ICW4 0x11
#define PIC_ICW4_8086 0x01
#define PIC_MASK_ALL 0xFF

static volatile uint32_t *apic;

static uint32_t rd(unsigned reg) { return apic[reg / 4]; }
static void wr(unsigned reg, uint32_t v) { apic[reg / 4] = v; }

/* Move the 8259s' vectors off the CPU exceptions' (a spurious IRQ 7 would otherwise look like
 * vector 15), then mask every line: all interrupts come through the APICs. */
static void pic_disable(void)
{
    outb(PIC1_CMD, PIC_ICW1_INIT_ICW4);
    outb(PIC2_CMD, PIC_ICW1_INIT_ICW4);
    outb(PIC1_DATA, VECTOR_PIC_BASE);
    outb(PIC2_DATA, VECTOR_PIC_BASE + 8);
    outb(PIC1_DATA, 4);                /* slave on IRQ 2 */
    outb(PIC2_DATA, 2);
    outb(PIC1_DATA, PIC_ICW4_8086);
    outb(PIC2_DATA, PIC_ICW4_8086);
    outb(PIC1_DATA, PIC_MASK_ALL);
    outb(PIC2_DATA, PIC_MASK_ALL);
}

void lapic_init(void)
{
    pic_disable();
    uint64_t base = rdmsr(MSR_APIC_BASE);
    wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
    uintptr_t addr = base & APIC_BASE_ADDR_MASK;
    if (vm_map(addr, APIC_MMIO_SIZE, VM_WRITE | VM_UNCACHED) < 0)
        panic("cannot map the local APIC");
    apic = (volatile uint32_t *)addr;
    wr(REG_TPR, 0);
    wr(REG_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
    wr(REG_TIMER_DIVIDE, TIMER_DIVIDE_BY_1);
    wr(REG_LVT_TIMER, LVT_ONE_SHOT | VECTOR_TIMER);
}

void lapic_eoi(void) { wr(REG_EOI, 0); }
void lapic_timer_start(uint32_t count) { wr(REG_TIMER_INITIAL, count); }
uint32_t lapic_timer_current(void) { return rd(REG_TIMER_CURRENT); }
