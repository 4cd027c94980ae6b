/* COM1 as the console (16550 UART registers; QEMU's -serial / -nographic side). */
#include "console.h"
#include "x86.h"

#define COM1 0x3F8
#define UART_DATA 0          /* with DLAB=1: divisor low byte */
#define UART_IER 1           /* with DLAB=1: divisor high byte */
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS 0x03
#define LSR_THR_EMPTY 0x20
#define BAUD_DIVISOR 1       /* 115200 / 115200 */

void console_init(void)
{
    outb(COM1 + UART_IER, 0);
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DATA, BAUD_DIVISOR & 0xFF);
    outb(COM1 + UART_IER, BAUD_DIVISOR >> 8);
    outb(COM1 + UART_LCR, LCR_8N1);
    outb(COM1 + UART_FCR, FCR_ENABLE_CLEAR);
    outb(COM1 + UART_MCR, MCR_DTR_RTS);
}

static void put(char c)
{
    while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY))
        cpu_pause();
    outb(COM1 + UART_DATA, (unsigned char)c);
}

void console_write(const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (buf[i] == '\n')
            put('\r');
        put(buf[i]);
    }
}
