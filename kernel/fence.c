/* Why mfence alone is not enough under TCG: QEMU before 8.1 translates a guest's mfence to
 * nothing when its translated code runs without CF_PARALLEL (one vCPU, or the single-threaded
 * round robin), reasoning that no other vCPU can look. But its virtio devices run in another host
 * thread and read guest memory directly, so the host CPU may still hold our avail->idx store in its
 * store buffer while our next load reads the device's avail_event: both sides then miss the
 * other's update, the device never hears of the buffer and the queue stalls (QEMU commit
 * "tcg: Do not elide memory barriers for !CF_PARALLEL in system mode" fixed it in 8.1; Debian 12
 * ships 7.2). Locked instructions do not help: they too are translated without host atomics.
 *
 * What does: an instruction QEMU runs through a helper that takes a lock with a host atomic, a
 * full fence on an x86 host. invlpg flushes one page from QEMU's soft TLB under the TLB's spin lock;
 * page 0 is never mapped, so nothing useful is flushed. An I/O port write (under QEMU's big lock)
 * works too but cost httpd 44% of its requests per second at 64 connections, invlpg 13%, and
 * nothing measurable at 8. Under KVM, or on hardware, mfence is the whole story. */
#include "fence.h"
#include "x86.h"
#include <string.h>

#define CPUID_HYPERVISOR_BIT (1u << 31)   /* leaf 1, ecx */
#define CPUID_HYPERVISOR_LEAF 0x40000000

static int tcg = -1;                      /* unknown until the first fence */

static int running_under_tcg(void)
{
    uint32_t r[4];
    cpuid(1, 0, r);
    if (!(r[2] & CPUID_HYPERVISOR_BIT))
        return 0;
    cpuid(CPUID_HYPERVISOR_LEAF, 0, r);   /* signature in ebx, ecx, edx */
    char sig[12];
    memcpy(sig, &r[1], 4);
    memcpy(sig + 4, &r[2], 4);
    memcpy(sig + 8, &r[3], 4);
    return memcmp(sig, "TCGTCGTCGTCG", 12) == 0;
}

void device_fence(void)
{
    if (tcg < 0)
        tcg = running_under_tcg();
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (tcg)
        invlpg(0);
}
