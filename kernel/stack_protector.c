/* Stack canaries (-fstack-protector-strong with -mstack-protector-guard=global, see the
 * Makefile): GCC's protected functions keep __stack_chk_guard below their saved registers and
 * call __stack_chk_fail when it changed before they return. */
#include "stack_protector.h"
#include "panic.h"
#include "random.h"

/* Until stack_guard_init runs, a fixed value; it is never 0 so a zeroed stack is caught too. */
uintptr_t __stack_chk_guard = 0xa5e1c0deUL;

__attribute__((noreturn)) void __stack_chk_fail(void)
{
    panic("stack smashing detected: a buffer on the stack overflowed into the function's canary");
}

/* The low byte stays 0, so that a string copy running past a buffer cannot write the canary's
 * value back and cannot print it either. */
#define GUARD_TERMINATOR_MASK (~(uintptr_t)0xff)

__attribute__((no_stack_protector)) void stack_guard_init(void)
{
    uintptr_t v;
    random_bytes(&v, sizeof v);         /* the generator's first seeding: see random.c */
    v &= GUARD_TERMINATOR_MASK;
    __stack_chk_guard = v ? v : GUARD_TERMINATOR_MASK;
}
