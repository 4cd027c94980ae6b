/* Descriptors 0-2: the serial console. Output goes to COM1; input is not wired up (it needs
 * the serial receive interrupt), so reads see end of file. */
#include "fd.h"
#include "../kernel/console.h"

static ssize_t con_read(int handle, void *buf, size_t len)
{
    (void)handle, (void)buf, (void)len;
    return 0;
}

static ssize_t con_write(int handle, const void *buf, size_t len)
{
    (void)handle;
    console_write(buf, len);
    return (ssize_t)len;
}

static int con_close(int handle)
{
    (void)handle;
    return 0;
}

static int con_set_nonblocking(int handle, int on)
{
    (void)handle, (void)on;
    return 0;                           /* it never blocks */
}

const struct file_ops console_ops = {
    .read = con_read, .write = con_write, .close = con_close, .set_nonblocking = con_set_nonblocking,
};
