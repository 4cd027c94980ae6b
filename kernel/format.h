/* The kernel's own small formatter: no libc, no allocation, usable in a panic. */
#ifndef KERNEL_FORMAT_H
#define KERNEL_FORMAT_H
#include <stdarg.h>
#include <stddef.h>

/* Format like vsnprintf for the subset %[-0][width][l|ll|z](d|i|u|x|X|p|s|c|%).
 * Writes at most size bytes including the NUL; returns the length the whole output needs. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#endif
