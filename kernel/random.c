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
static uint64_t seeded_at_ns;
static int (*device_source)(void *buf, size_t len);

void random_set_device_source(int (*read)(void *buf, size_t len))
{
    device_source = read;
}

static void seed(void)
{
    uint8_t buf[2 * SEED_BYTES];
    unsigned used = entropy_gather(buf, SEED_BYTES);
    size_t n = SEED_BYTES;
    if (device_source) {
        int got = device_source(buf + SEED_BYTES, SEED_BYTES);
        if (got > 0) {
            n += (size_t)got;
            used |= ENTROPY_DEVICE;
        }
    }
    csprng_mix(&gen, buf, n);
    memset(buf, 0, sizeof buf);
    __asm__ volatile("" : : "r"(buf) : "memory");
    if (!seeded) {
        char names[64];
        entropy_describe(used, names, sizeof names);
        kdebug("mayfly: random generator seeded from %s\n", names);
    }
    seeded = 1;
    seeded_at_ns = clock_monotonic_ns();
}

void random_bytes(void *buf, size_t len)
{
    if (!seeded || gen.since_seed >= RANDOM_RESEED_BYTES || clock_monotonic_ns() - seeded_at_ns >= RANDOM_RESEED_NS)
        seed();
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
