#include "kvmclock.h"
#include "x86.h"
#include <string.h>

#define CPUID_FEATURES 1
#define CPUID_ECX_HYPERVISOR (1u << 31)
#define CPUID_HYPERVISOR_BASE 0x40000000
#define CPUID_KVM_FEATURES 0x40000001
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01
#define KVMCLOCK_ENABLE 1
#define TSC_HZ_MIN 100000000ull           /* a rate outside these is not believed */
#define TSC_HZ_MAX 20000000000ull

struct pvclock_vcpu_time_info {
    uint32_t version, pad0;
    uint64_t tsc_timestamp, system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags, pad[2];
} __attribute__((packed));

static volatile struct pvclock_vcpu_time_info time_info __attribute__((aligned(64)));

static int kvm_offers_clock(void)
{
    uint32_t r[4];
    cpuid(CPUID_FEATURES, 0, r);
    if (!(r[2] & CPUID_ECX_HYPERVISOR))
        return 0;
    cpuid(CPUID_HYPERVISOR_BASE, 0, r);
    char sig[12];
    memcpy(sig, &r[1], 4);
    memcpy(sig + 4, &r[2], 4);
    memcpy(sig + 8, &r[3], 4);
    if (memcmp(sig, "KVMKVMKVM\0\0\0", 12) != 0 || r[0] < CPUID_KVM_FEATURES)
        return 0;
    cpuid(CPUID_KVM_FEATURES, 0, r);
    return (r[0] & KVM_FEATURE_CLOCKSOURCE2) != 0;
}

uint64_t kvmclock_tsc_hz(void)
{
    if (!kvm_offers_clock())
        return 0;
    wrmsr(MSR_KVM_SYSTEM_TIME_NEW, (uintptr_t)&time_info | KVMCLOCK_ENABLE);  /* identity mapped */
    uint32_t version, mul;
    int8_t shift;
    do {        /* an odd or changing version means KVM is writing it (msr.rst) */
        version = time_info.version;
        __asm__ volatile("" ::: "memory");
        mul = time_info.tsc_to_system_mul;
        shift = time_info.tsc_shift;
        __asm__ volatile("" ::: "memory");
    } while ((version & 1) || version != time_info.version);
    wrmsr(MSR_KVM_SYSTEM_TIME_NEW, 0);     /* only the rate was wanted */
    if (!mul)
        return 0;
    /* ns = ((tsc << shift) * mul) >> 32 (a negative shift shifts right), so
     * Hz = 1e9 * 2^32 / mul / 2^shift */
    unsigned __int128 hz = ((unsigned __int128)1000000000u << 32) / mul;
    hz = shift >= 0 ? hz >> shift : hz << -shift;
    return hz >= TSC_HZ_MIN && hz <= TSC_HZ_MAX ? (uint64_t)hz : 0;
}
