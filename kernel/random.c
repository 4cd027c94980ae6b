/* The generator's state and its seeding policy (random.h). */
#include "random.h"
#include "clock.h"
#include "csprng.h"
#include "entropy.h"
#include "printk.h"
#include <string.h>

#define SEED_BYTES 32                    /* from each source, per seeding */
#define FILL_MAX (64u * 1024)            /* per csprng_fill: the block counter never wraps */

static struct csprng gen;
static int seeded;
static unsigned cpu_sources;             /* what the first seeding gathered, for the report */
static uint64_t seeded_at_ns;
static int (*device_source)(void *buf, size_t len);
static int device_pending;               /* registered, not yet asked */

void random_set_device_source(int (*read)(void *buf, size_t len))
{
    device_source = read;
    device_pending = 1;
}

/* Fold SEED_BYTES of the device's into the key; returns ENTROPY_DEVICE if it gave any. */
static unsigned mix_device(void)
{
    uint8_t buf[SEED_BYTES];
    int got = device_source(buf, sizeof buf);
    if (got > 0)
        csprng_mix(&gen, buf, (size_t)got);
    csprng_wipe(buf, sizeof buf);
    return got > 0 ? ENTROPY_DEVICE : 0;
}

static void report(unsigned used)
{
    char names[64];
    entropy_describe(used, names, sizeof names);
    kdebug("mayfly: random generator seeded from %s\n", names);
}

/* The CPU's sources, and the device's if one is registered. */
static void seed(void)
{
    uint8_t buf[SEED_BYTES];
    cpu_sources = entropy_gather(buf, SEED_BYTES);
    csprng_mix(&gen, buf, SEED_BYTES);
    csprng_wipe(buf, sizeof buf);
    unsigned used = cpu_sources | (device_source ? mix_device() : 0);
    if (device_pending)
        report(used);
    device_pending = 0;
    seeded = 1;
    seeded_at_ns = clock_monotonic_ns();
}

/* The first seeding comes first thing in the boot (for the stack canary), before a device can
 * be registered. Gathering the CPU's sources again once one is would cost the boot a second
 * round of jitter sampling (half a millisecond under TCG) and add nothing, so the device's bytes
 * are folded into the key already seeded, at the first request after it was registered. The
 * report names both, as one seeding: until then nothing but the canary was drawn. */
static void add_device(void)
{
    report(cpu_sources | mix_device());
    device_pending = 0;
}

void random_bytes(void *buf, size_t len)
{
    if (!seeded || gen.since_seed >= RANDOM_RESEED_BYTES || clock_monotonic_ns() - seeded_at_ns >= RANDOM_RESEED_NS)
        seed();
    else if (device_pending)
        add_device();
    for (size_t done = 0; done < len;) {
        size_t n = len - done < FILL_MAX ? len - done : FILL_MAX;
        csprng_fill(&gen, (uint8_t *)buf + done, n);
        done += n;
    }
}

uint32_t random_u32(void)
{
    uint32_t v;
    random_bytes(&v, sizeof v);
    return v;
}
