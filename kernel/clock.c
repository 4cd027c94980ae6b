/* The TSC's rate: from kvmclock under KVM, else measured against the PIT (1.193182 MHz, a rate fixed by the hardware) over a
 * window that overlaps the rest of boot; the local APIC timer's, against the TSC over the later
 * part of that window. The timer's rate needs less precision: a timer interrupt that comes
 * early finds nothing due by the TSC clock and re-arms. */
#include "clock.h"
#include "../boot/boot.h"
#include "kvmclock.h"
#include "lapic.h"
#include "rtc.h"
#include "x86.h"

#define PIT_HZ 1193182ull
#define PIT_CH2_DATA 0x42
#define PIT_CMD 0x43
#define PIT_GATE_PORT 0x61
#define PIT_GATE2 0x01
#define PIT_SPEAKER 0x02
#define PIT_CMD_CH2_LOHI_MODE0 0xB0
#define PIT_CMD_LATCH_CH2 0x80
#define CALIBRATION_NS (2 * NSEC_PER_MSEC)   /* PIT reads are exact to ~1 us: ~0.1% here */
#define LAPIC_WINDOW_NS (200 * NSEC_PER_USEC)   /* at least this long for the timer's rate */

static uint64_t tsc_hz, lapic_hz;
static uint64_t ns_mult;          /* ns = ticks * ns_mult >> 32 */
static uint64_t realtime_base_ns;
static uint64_t cal_tsc, cal_pit_start, cal_lapic_tsc, rtc_tsc;

static uint16_t pit_read(void)
{
    outb(PIT_CMD, PIT_CMD_LATCH_CH2);
    uint8_t lo = inb(PIT_CH2_DATA);
    return (uint16_t)(lo | inb(PIT_CH2_DATA) << 8);
}

/* A PIT reading and the TSC at that moment. A port read takes a while (a VM exit), so the TSC
 * is read on both sides; of a few tries, the one read fastest is the most exact. */
#define PIT_SAMPLE_TRIES 5
static uint16_t pit_sample(uint64_t *tsc)
{
    uint64_t best = ~0ull;
    uint16_t value = 0;
    for (int i = 0; i < PIT_SAMPLE_TRIES; i++) {
        uint64_t before = rdtsc();
        uint16_t v = pit_read();
        uint64_t after = rdtsc();
        if (after - before < best) {
            best = after - before;
            value = v;
            *tsc = before + (after - before) / 2;
        }
    }
    return value;
}

static void pit_start(void)
{
    /* Channel 2 counts down freely from 0xFFFF (wrapping every 55 ms) with its gate open and
     * the speaker off; it raises no interrupt. */
    outb(PIT_GATE_PORT, (inb(PIT_GATE_PORT) & ~PIT_SPEAKER) | PIT_GATE2);
    outb(PIT_CMD, PIT_CMD_CH2_LOHI_MODE0);
    outb(PIT_CH2_DATA, 0xFF);
    outb(PIT_CH2_DATA, 0xFF);
    cal_pit_start = pit_sample(&cal_tsc);
}

void clock_calibration_start(void)
{
    tsc_hz = kvmclock_tsc_hz();         /* under KVM: exact, and no window to wait for */
    if (!tsc_hz)
        pit_start();
    rtc_tsc = rdtsc();                  /* inside the PIT's window: it costs the boot nothing */
    realtime_base_ns = rtc_read_epoch_seconds() * NSEC_PER_SEC;
}

void clock_calibration_lapic_start(void)
{
    lapic_timer_start(LAPIC_COUNT_MAX);
    cal_lapic_tsc = rdtsc();
}

void clock_calibration_finish(void)
{
    uint64_t tsc;
    if (!tsc_hz) {
        uint64_t want = CALIBRATION_NS * PIT_HZ / NSEC_PER_SEC;
        while ((uint16_t)(cal_pit_start - pit_read()) < want)   /* the counter counts down */
            ;
        uint64_t elapsed = (uint16_t)(cal_pit_start - pit_sample(&tsc));
        tsc_hz = (tsc - cal_tsc) * PIT_HZ / elapsed;
    }
    uint64_t lapic_window = tsc_hz * LAPIC_WINDOW_NS / NSEC_PER_SEC;
    while (rdtsc() - cal_lapic_tsc < lapic_window)
        ;
    tsc = rdtsc();
    uint32_t lapic_left = lapic_timer_current();
    lapic_timer_start(0);
    lapic_hz = (uint64_t)((unsigned __int128)(LAPIC_COUNT_MAX - lapic_left) * tsc_hz / (tsc - cal_lapic_tsc));
    ns_mult = (NSEC_PER_SEC << 32) / tsc_hz;
    /* the RTC was read at rtc_tsc: make realtime count from the boot's first instruction */
    uint64_t since_boot = (uint64_t)(((unsigned __int128)(rtc_tsc - boot_tsc) * ns_mult) >> 32);
    realtime_base_ns = realtime_base_ns > since_boot ? realtime_base_ns - since_boot : 0;
}

uint64_t clock_monotonic_ns(void)
{
    if (!ns_mult)
        return 0;
    return (uint64_t)(((unsigned __int128)(rdtsc() - boot_tsc) * ns_mult) >> 32);
}

uint64_t clock_realtime_ns(void) { return realtime_base_ns + clock_monotonic_ns(); }
void clock_set_realtime_ns(uint64_t ns) { realtime_base_ns = ns - clock_monotonic_ns(); }
uint64_t clock_tsc_hz(void) { return tsc_hz; }

uint64_t clock_ns_to_lapic_ticks(uint64_t ns)
{
    return (uint64_t)(((unsigned __int128)ns * lapic_hz + NSEC_PER_SEC - 1) / NSEC_PER_SEC);
}
