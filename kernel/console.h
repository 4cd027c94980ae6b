/* The console: COM1, 115200 8N1. Output only, polled, safe from any context (a panic too). */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H
#include <stddef.h>

void console_init(void);
/* Write len bytes; '\n' goes out as "\r\n" as a terminal expects. */
void console_write(const char *buf, size_t len);
#endif
