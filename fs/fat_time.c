/* fs/fat_time.c: DOS dates and times (fatgen103 "Date and Time Formats"): a date is
 * years-since-1980:7 month:4 day:5, a time is hours:5 minutes:6 two-second-units:5. They are
 * local time by definition; Mayfly's clock is UTC and is stored as it is. */
#include <time.h>
#include "fat_impl.h"

#define DOS_EPOCH_YEAR 1980
#define DOS_LAST_YEAR 2107
#define SECS_PER_DAY 86400

/* days since 1970-01-01 of a proleptic Gregorian date (years counted from March, so that the
 * leap day falls at the end of a year) */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

void fat_dos_time_now(struct fat_fs *fs, uint16_t *date, uint16_t *dtime, uint8_t *tenth)
{
    int64_t t = fs->now ? (int64_t)fs->now(fs->now_ctx) : (int64_t)time(NULL);
    int64_t days = t / SECS_PER_DAY, secs = t % SECS_PER_DAY;
    if (secs < 0)
        secs += SECS_PER_DAY, days--;
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < DOS_EPOCH_YEAR)     /* the format cannot say earlier: clamp to its first second */
        y = DOS_EPOCH_YEAR, m = 1, d = 1, secs = 0;
    if (y > DOS_LAST_YEAR)
        y = DOS_LAST_YEAR, m = 12, d = 31, secs = SECS_PER_DAY - 1;
    *date = (uint16_t)((y - DOS_EPOCH_YEAR) << 9 | m << 5 | d);
    *dtime = (uint16_t)((secs / 3600) << 11 | (secs / 60 % 60) << 5 | (secs % 60) / 2);
    if (tenth)
        *tenth = (uint8_t)(secs % 2 * 100); /* DIR_CrtTimeTenth counts 10 ms units, 0-199 */
}

/* Fields out of range (a zero date, month 13) are clamped rather than trusted. */
time_t fat_dos_to_unix(uint16_t date, uint16_t dtime)
{
    unsigned m = date >> 5 & 0xf, d = date & 0x1f;
    unsigned h = dtime >> 11, min = dtime >> 5 & 0x3f, s = (dtime & 0x1f) * 2u;
    m = m < 1 ? 1 : m > 12 ? 12 : m;
    d = d < 1 ? 1 : d;
    h = h > 23 ? 23 : h, min = min > 59 ? 59 : min, s = s > 59 ? 59 : s;
    int64_t days = days_from_civil(DOS_EPOCH_YEAR + (date >> 9), m, d);
    return (time_t)(days * SECS_PER_DAY + h * 3600 + min * 60 + s);
}
