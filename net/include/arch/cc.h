/* lwIP's compiler and platform definitions for Mayfly (newlib, gcc, x86_64). */
#ifndef MAYFLY_ARCH_CC_H
#define MAYFLY_ARCH_CC_H
#include <limits.h>
#include <stdint.h>
#include <sys/time.h>

/* newlib's errno values and struct timeval (lwIP would otherwise define its own) */
#define LWIP_ERRNO_STDINCLUDE 1
#define LWIP_TIMEVAL_PRIVATE 0
/* lwIP typedefs ssize_t as int unless SSIZE_MAX says the C library has it */
#ifndef SSIZE_MAX
#define SSIZE_MAX LONG_MAX
#endif

#define LWIP_RAND() ((u32_t)net_random())
uint32_t net_random(void);

/* An assertion in the stack is a bug: stop with a backtrace (kernel/panic.h). */
#define LWIP_PLATFORM_ASSERT(x) net_assert_failed(x, __FILE__, __LINE__)
#define LWIP_PLATFORM_DIAG(x) do { net_diag x; } while (0)
__attribute__((noreturn)) void net_assert_failed(const char *what, const char *file, int line);
void net_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
