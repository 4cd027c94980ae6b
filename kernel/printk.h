/* Kernel messages on the console. */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

/* Print to the console; lines longer than 512 bytes are cut. Safe from interrupt context. */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print only when the kernel option `debug` was given. */
void kdebug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int kernel_debug;
#endif
