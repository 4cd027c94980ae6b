/* Stopping the VM with an exit status (ARCHITECTURE.md, exit contract). */
#ifndef KERNEL_SHUTDOWN_H
#define KERNEL_SHUTDOWN_H

#define EXIT_BAD_COMMAND_LINE 2

/* Stop the VM. With QEMU's isa-debug-exit device at port 0xf4, QEMU exits with
 * (status << 1) | 1; otherwise ACPI S5 power-off (QEMU exits 0). Only the low 7 bits of
 * status survive isa-debug-exit's encoding in an 8-bit process status. */
__attribute__((noreturn)) void machine_exit(int status);
#endif
