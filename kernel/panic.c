/* Panic reports. Everything here must work with the rest of the kernel in any state: it uses
 * only the console, the formatter and the page tables (to walk the stack without faulting). */
#include "panic.h"
#include "format.h"
#include "ksyms.h"
#include "page_alloc.h"
#include "paging.h"
#include "printk.h"
#include "shutdown.h"
#include "thread.h"
#include "trap.h"
#include "x86.h"

#define BACKTRACE_MAX 32            /* lines printed */
#define BACKTRACE_WALK_MAX 100000    /* frames followed */
#define PF_PRESENT (1 << 0)
#define PF_WRITE (1 << 1)
#define PF_FETCH (1 << 4)
#define VECTOR_PAGE_FAULT 14

static const char *const exception_names[TRAP_EXCEPTIONS] = {
    "divide error (division by zero)", "debug exception", "non-maskable interrupt", "breakpoint",
    "overflow", "bound range exceeded", "invalid opcode", "device not available (FPU/SSE off)",
    "double fault", "coprocessor segment overrun", "invalid TSS", "segment not present",
    "stack-segment fault", "general protection fault", "page fault", "reserved (15)",
    "x87 floating-point error", "alignment check", "machine check", "SIMD floating-point exception",
    "virtualization exception", "control protection exception",
};

static int panicking;

static void print_symbol(uint64_t addr)
{
    uint64_t off;
    const char *name = ksym_lookup(addr, &off);
    if (name)
        kprintf(" <%s+0x%lx>", name, off);
}

static int stack_word_readable(uint64_t addr)
{
    return addr % 8 == 0 && addr >= PAGE_SIZE && vm_is_mapped(addr, 0) && vm_is_mapped(addr + 15, 0);
}

static void print_frame(int depth, uint64_t addr, uint64_t symbol_addr)
{
    kprintf("  #%-2d 0x%016lx", depth, addr);
    print_symbol(symbol_addr);
    kprintf("\n");
}

/* Frames from the frame-pointer chain; caller_at_rsp (if not 0) is the stack slot holding the
 * return address of a function that faulted before making its frame (a jump to bad code).
 * pc_is_return: pc is a return address (panic's caller), to be named by the call before it: a
 * call to a noreturn function is the last instruction of its function, and what follows it is
 * the next function (a stack smash named the function linked after __stack_chk_fail). */
static void backtrace_from(uint64_t pc, uint64_t rbp, uint64_t caller_at_rsp, int pc_is_return)
{
    kprintf("backtrace:\n");
    print_frame(0, pc, pc_is_return ? pc - 1 : pc);
    int depth = 1;
    if (caller_at_rsp && stack_word_readable(caller_at_rsp)) {
        uint64_t ret = *(uint64_t *)caller_at_rsp;
        print_frame(depth++, ret, ret - 1);
    }
    /* Runs of one frame (recursion) are folded into one line, so that a stack overflow still
     * shows where the recursion began. */
    uint64_t last = 0, repeats = 0;
    for (int walked = 0; walked < BACKTRACE_WALK_MAX && rbp; walked++) {
        if (!stack_word_readable(rbp)) {
            kprintf("  (frame pointer 0x%lx is not on a mapped stack: stopping)\n", rbp);
            break;
        }
        uint64_t next = ((uint64_t *)rbp)[0], ret = ((uint64_t *)rbp)[1];
        if (ret == 0)
            break;
        if (ret == last) {
            repeats++;
        } else {
            if (repeats)
                kprintf("  ... the frame above %lu more times\n", repeats);
            repeats = 0;
            if (depth == BACKTRACE_MAX) {
                kprintf("  ... (more frames)\n");
                return;
            }
            print_frame(depth++, ret, ret - 1);   /* the call, not what follows it (noreturn calls end functions) */
            last = ret;
        }
        if (next <= rbp)                /* callers' frames lie above: anything else is garbage */
            break;
        rbp = next;
    }
    if (repeats)
        kprintf("  ... the frame above %lu more times\n", repeats);
}

void backtrace_print(uint64_t ret, uint64_t rbp) { backtrace_from(ret, rbp, 0, 1); }

/* Only one report: a fault while reporting stops at once. */
static void enter_panic(void)
{
    irq_disable();
    if (panicking) {
        kprintf("\nmayfly: fault while reporting a panic; stopping\n");
        machine_exit(EXIT_PANIC);
    }
    panicking = 1;
}

void panic(const char *fmt, ...)
{
    enter_panic();
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct thread *t = thread_self();
    kprintf("\nmayfly: panic in thread '%s': %s\n", t ? thread_name(t) : "boot", msg);
    /* start at panic's caller: its return address, then its caller's saved frame pointer */
    backtrace_print((uint64_t)__builtin_return_address(0), *(uint64_t *)__builtin_frame_address(0));
    machine_exit(EXIT_PANIC);
}

/* Say in words what a page fault was. */
static void explain_page_fault(const struct trap_frame *f, uint64_t addr)
{
    const char *access = (f->error & PF_FETCH) ? "execute" : (f->error & PF_WRITE) ? "write" : "read";
    struct thread *owner = thread_guard_owner(addr);
    if (owner)
        kprintf("stack overflow in thread '%s': %s at 0x%lx hit the guard region below its stack\n",
                thread_name(owner), access, addr);
    else if (addr < PAGE_SIZE)
        kprintf("NULL pointer dereference: %s at address 0x%lx\n", access, addr);
    else if (!(f->error & PF_PRESENT))
        kprintf("%s of unmapped memory at 0x%lx\n", access, addr);
    else if (f->error & PF_WRITE)
        kprintf("write to read-only memory at 0x%lx%s\n", addr,
                ksym_lookup(addr, &(uint64_t){ 0 }) ? " (program text)" : "");
    else if (f->error & PF_FETCH)
        kprintf("execute of non-executable memory at 0x%lx\n", addr);
    else
        kprintf("protection violation (%s) at 0x%lx\n", access, addr);
}

void panic_fault(const struct trap_frame *f)
{
    enter_panic();
    uint64_t cr2 = read_cr2();
    struct thread *t = thread_self();
    const char *name = f->vector < TRAP_EXCEPTIONS && exception_names[f->vector]
                           ? exception_names[f->vector] : "reserved exception";
    kprintf("\nmayfly: panic in thread '%s': CPU exception %lu, %s\n", t ? thread_name(t) : "boot",
            f->vector, name);
    if (f->vector == VECTOR_PAGE_FAULT)
        explain_page_fault(f, cr2);
    kprintf("  rip 0x%016lx", f->rip);
    print_symbol(f->rip);
    kprintf("\n  rsp 0x%016lx  rbp 0x%016lx  rflags 0x%08lx  error 0x%lx\n", f->rsp, f->rbp,
            f->rflags, f->error);
    kprintf("  rax 0x%016lx  rbx 0x%016lx  rcx 0x%016lx\n", f->rax, f->rbx, f->rcx);
    kprintf("  rdx 0x%016lx  rsi 0x%016lx  rdi 0x%016lx\n", f->rdx, f->rsi, f->rdi);
    kprintf("  r8  0x%016lx  r9  0x%016lx  r10 0x%016lx\n", f->r8, f->r9, f->r10);
    kprintf("  r11 0x%016lx  r12 0x%016lx  r13 0x%016lx\n", f->r11, f->r12, f->r13);
    kprintf("  r14 0x%016lx  r15 0x%016lx\n", f->r14, f->r15);
    kprintf("  cr0 0x%016lx  cr2 0x%016lx  cr3 0x%016lx  cr4 0x%lx\n", read_cr0(), cr2,
            read_cr3(), read_cr4());
    /* rip outside the code: it came by a call to a bad address, with the caller's return
     * address on top of the stack and no frame of its own */
    uint64_t unused;
    int in_code = ksym_lookup(f->rip, &unused) != 0;
    backtrace_from(f->rip, f->rbp, in_code ? 0 : f->rsp, 0);
    machine_exit(EXIT_PANIC);
}
