/* The CPU's entropy sources (entropy.h). What each gives is folded into a throw-away ChaCha20
 * generator, and the caller gets that generator's output: raw RDRAND words or jitter samples are
 * never handed out as they are. */
#include "entropy.h"
#include "csprng.h"
#include "format.h"
#include "x86.h"
#include <stdint.h>
#include <string.h>

#define CPUID_1_ECX_RDRAND (1u << 30)
#define CPUID_7_EBX_RDSEED (1u << 18)
/* Intel's guide (§5.2.1): RDRAND failing 10 times in a row means a broken DRNG; RDSEED fails
 * more often by design (§5.3.1) and is retried with a pause between tries. */
#define RDRAND_RETRIES 10
#define RDSEED_RETRIES 100
#define SEED_WORDS 8                    /* 512 bits of hardware output per request */
#define JITTER_SAMPLES 512              /* TSC deltas per request when the CPU has no DRNG */
#define JITTER_POOL_WORDS 1024          /* the memory the jitter loop walks (8 KiB) */
#define JITTER_STEPS 16                 /* memory accesses timed by one delta */
#define JITTER_BATCH 32                 /* deltas folded into the generator at a time */
#define LCG_MULTIPLIER 6364136223846793005ull   /* Knuth's MMIX: spreads the walk over the pool */

static int has_rdrand, has_rdseed, probed;

static void probe(void)
{
    uint32_t r[4];
    cpuid(0, 0, r);
    uint32_t max_leaf = r[0];
    cpuid(1, 0, r);
    has_rdrand = (r[2] & CPUID_1_ECX_RDRAND) != 0;
    if (max_leaf >= 7) {
        cpuid(7, 0, r);
        has_rdseed = (r[1] & CPUID_7_EBX_RDSEED) != 0;
    }
    probed = 1;
}

/* One 64-bit word from RDSEED or RDRAND; the carry flag says whether it is valid. */
static int rdseed64(uint64_t *v)
{
    for (int i = 0; i < RDSEED_RETRIES; i++) {
        unsigned char ok;
        __asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
        if (ok)
            return 1;
        cpu_pause();
    }
    return 0;
}

static int rdrand64(uint64_t *v)
{
    for (int i = 0; i < RDRAND_RETRIES; i++) {
        unsigned char ok;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
        if (ok)
            return 1;
    }
    return 0;
}

/* TSC deltas around a data-dependent walk of memory: cache and TLB state, interrupts and (under
 * a hypervisor) the host's scheduling make the low bits of each delta unpredictable. Each delta
 * is kept whole; the ChaCha20 mixing that follows condenses them. */
static void jitter(struct csprng *g)
{
    static volatile uint64_t pool[JITTER_POOL_WORDS];
    uint64_t deltas[JITTER_BATCH];
    uint64_t index = rdtsc();
    for (int s = 0; s < JITTER_SAMPLES; s++) {
        uint64_t t0 = rdtsc();
        for (int i = 0; i < JITTER_STEPS; i++) {
            index = (index * LCG_MULTIPLIER + pool[index % JITTER_POOL_WORDS]) ^ t0;
            pool[index % JITTER_POOL_WORDS] += index;
        }
        deltas[s % JITTER_BATCH] = rdtsc() - t0;
        if (s % JITTER_BATCH == JITTER_BATCH - 1)
            csprng_mix(g, deltas, sizeof deltas);
    }
}

unsigned entropy_gather(void *out, size_t len)
{
    if (!probed)
        probe();
    struct csprng g = { 0 };
    uint64_t words[SEED_WORDS + 1], v;
    unsigned used = 0;
    words[SEED_WORDS] = rdtsc();
    for (int i = 0; i < SEED_WORDS; i++) {
        words[i] = 0;
        if (has_rdseed && rdseed64(&v)) {
            words[i] = v;
            used |= ENTROPY_RDSEED;
        } else if (has_rdrand && rdrand64(&v)) {
            words[i] = v;
            used |= ENTROPY_RDRAND;
        }
    }
    csprng_mix(&g, words, sizeof words);
    if (!(used & (ENTROPY_RDSEED | ENTROPY_RDRAND))) {
        jitter(&g);
        used |= ENTROPY_JITTER;
    }
    csprng_fill(&g, out, len);
    csprng_wipe(&g, sizeof g);
    csprng_wipe(words, sizeof words);
    return used;
}

void entropy_describe(unsigned mask, char *buf, size_t size)
{
    static const char *const names[] = { "rdseed", "rdrand", "jitter", "virtio-rng" };
    size_t at = 0;
    buf[0] = 0;
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
        if (mask & (1u << i))
            at += ksnprintf(buf + at, size - at, "%s%s", at ? ", " : "", names[i]);
}
