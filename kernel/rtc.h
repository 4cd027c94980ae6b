/* The CMOS real-time clock (MC146818), read once at boot for the wall time. */
#ifndef KERNEL_RTC_H
#define KERNEL_RTC_H
#include <stdint.h>

/* Seconds since 1970-01-01 UTC as the RTC tells them (QEMU keeps it in UTC by default). */
uint64_t rtc_read_epoch_seconds(void);

/* Days from 1970-01-01 to the given civil date (pure; unit tested). */
int64_t rtc_days_from_civil(int64_t year, unsigned month, unsigned day);
#endif
