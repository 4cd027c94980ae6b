#include "printk.h"
#include "console.h"
#include "format.h"

#define PRINTK_BUF 512

int kernel_debug;

static void vprint(const char *fmt, va_list ap)
{
    char buf[PRINTK_BUF];
    int n = kvsnprintf(buf, sizeof buf, fmt, ap);
    console_write(buf, n < (int)sizeof buf ? (size_t)n : sizeof buf - 1);
}

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprint(fmt, ap);
    va_end(ap);
}

void kdebug(const char *fmt, ...)
{
    if (!kernel_debug)
        return;
    va_list ap;
    va_start(ap, fmt);
    vprint(fmt, ap);
    va_end(ap);
}
