/* KVM's paravirtual clock, used only for what it says of the TSC's rate: under KVM the boot
 * then needs no calibration window (Linux Documentation/virt/kvm/x86/msr.rst). */
#ifndef KERNEL_KVMCLOCK_H
#define KERNEL_KVMCLOCK_H
#include <stdint.h>

/* The TSC's rate in Hz as KVM states it; 0 when not running under KVM with kvmclock. */
uint64_t kvmclock_tsc_hz(void);
#endif
