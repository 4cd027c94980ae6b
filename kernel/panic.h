/* Panics: say what went wrong, where (registers, a symbolized backtrace), and stop the VM
 * with exit status EXIT_PANIC. */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H
#include <stdint.h>

#define EXIT_PANIC 127

struct trap_frame;

/* A kernel error that cannot be recovered from: print the message and a backtrace, exit 127. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* A CPU exception: explain it, dump the registers and the backtrace at the fault, exit 127. */
__attribute__((noreturn)) void panic_fault(const struct trap_frame *f);

/* Print a backtrace walking the frame-pointer chain from rbp, after the frame of ret, a return
 * address (named by the call instruction before it). */
void backtrace_print(uint64_t ret, uint64_t rbp);
#endif
