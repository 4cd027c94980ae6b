/* The stack canary's value (see stack_protector.c). */
#ifndef KERNEL_STACK_PROTECTOR_H
#define KERNEL_STACK_PROTECTOR_H
#include <stdint.h>

extern uintptr_t __stack_chk_guard;
__attribute__((noreturn)) void __stack_chk_fail(void);

/* Give the canary its boot's random value. Call first thing in kernel_main, which must itself
 * be built without a canary: a protected frame that is live across the change would fail its
 * check on return (kernel_main never returns; nothing else is on the stack yet). */
void stack_guard_init(void);
#endif
