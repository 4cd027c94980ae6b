#include "rtc.h"
#include "x86.h"

#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71
#define CMOS_NMI_OFF 0x80
#define REG_SECONDS 0x00
#define REG_MINUTES 0x02
#define REG_HOURS 0x04
#define REG_DAY 0x07
#define REG_MONTH 0x08
#define REG_YEAR 0x09
#define REG_STATUS_A 0x0A
#define REG_STATUS_B 0x0B
#define REG_CENTURY 0x32
#define STATUS_A_UPDATING 0x80
#define STATUS_B_BINARY 0x04
#define STATUS_B_24H 0x02
#define HOUR_PM 0x80

static uint8_t cmos(uint8_t reg)
{
    outb(CMOS_INDEX, CMOS_NMI_OFF | reg);
    return inb(CMOS_DATA);
}

/* Howard Hinnant's days_from_civil algorithm (a published derivation, proleptic Gregorian). */
int64_t rtc_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static unsigned from_bcd(uint8_t v, int binary) { return binary ? v : (v >> 4) * 10 + (v & 0xF); }

uint64_t rtc_read_epoch_seconds(void)
{
    uint8_t r[6], again[6];
    static const uint8_t regs[6] = { REG_SECONDS, REG_MINUTES, REG_HOURS, REG_DAY, REG_MONTH, REG_YEAR };
    /* Read until two reads agree outside an update cycle: the registers change under us. */
    for (int tries = 0; tries < 1000; tries++) {
        while (cmos(REG_STATUS_A) & STATUS_A_UPDATING)
            cpu_pause();
        for (int i = 0; i < 6; i++)
            r[i] = cmos(regs[i]);
        for (int i = 0; i < 6; i++)
            again[i] = cmos(regs[i]);
        int same = 1;
        for (int i = 0; i < 6; i++)
            same &= r[i] == again[i];
        if (same)
            break;
    }
    uint8_t b = cmos(REG_STATUS_B);
    int binary = b & STATUS_B_BINARY;
    unsigned hour = from_bcd(r[2] & ~HOUR_PM, binary);
    if (!(b & STATUS_B_24H) && (r[2] & HOUR_PM))
        hour = (hour % 12) + 12;
    else if (!(b & STATUS_B_24H) && hour == 12)
        hour = 0;
    unsigned century = from_bcd(cmos(REG_CENTURY), binary);
    if (century < 19 || century > 99)
        century = 20;
    int64_t year = century * 100 + from_bcd(r[5], binary);
    int64_t days = rtc_days_from_civil(year, from_bcd(r[4], binary), from_bcd(r[3], binary));
    if (days < 0)
        return 0;
    return (uint64_t)days * 86400 + hour * 3600 + from_bcd(r[1], binary) * 60 + from_bcd(r[0], binary);
}
