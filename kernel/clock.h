/* Time: a monotonic clock from the TSC, wall time from the RTC at boot. */
#ifndef KERNEL_CLOCK_H
#define KERNEL_CLOCK_H
#include <stdint.h>

#define NSEC_PER_SEC 1000000000ull
#define NSEC_PER_MSEC 1000000ull
#define NSEC_PER_USEC 1000ull

/* Calibration runs in the background of boot: start it as early as possible and finish it as
 * late as possible; finishing waits only if less than the calibration window has passed. */
void clock_calibration_start(void);
void clock_calibration_lapic_start(void);   /* once the local APIC is up */
void clock_calibration_finish(void);

/* Nanoseconds since the first instruction of the boot. Never goes back. */
uint64_t clock_monotonic_ns(void);
/* Nanoseconds since 1970-01-01 UTC (the RTC read at boot, advanced by the monotonic clock). */
uint64_t clock_realtime_ns(void);
void clock_set_realtime_ns(uint64_t ns);

/* Local APIC timer ticks for a duration, rounded up, and the TSC's rate (for reports). */
uint64_t clock_ns_to_lapic_ticks(uint64_t ns);
uint64_t clock_tsc_hz(void);
#endif
