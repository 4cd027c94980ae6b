/* The ACPI power button as SIGTERM: QEMU's system_powerdown, virsh shutdown and clouds press it
 * to ask a VM to stop. */
#ifndef KERNEL_POWER_BUTTON_H
#define KERNEL_POWER_BUTTON_H

/* Whether power_button_init armed a button. */
int power_button_armed(void);
/* Arm the button when the machine has one that needs no AML (the fixed-hardware button of
 * -M pc's PIIX4 and q35's ICH9, or -M microvm's Generic Event Device). Each press posts SIGTERM
 * (kernel/signal.h). Returns 0, or -ENODEV when there is no such button. */
int power_button_init(void);
#endif
