/* TCP initial sequence numbers as RFC 6528 §3 gives them:
 *
 *     ISN = M + F(localip, localport, remoteip, remoteport, secretkey)
 *
 * M is a clock that ticks every 4 microseconds (RFC 793 §3.3), so a connection's numbers move
 * on as RFC 793 wants; F is a keyed pseudorandom function, so one connection's ISN tells nothing
 * of another's. F here is ChaCha20 (RFC 8439 §2.3) keyed with a 256-bit secret drawn from the
 * kernel's generator at the first connection, over a nonce that is the 4-tuple itself (4 + 4 + 2 +
 * 2 bytes: exactly ChaCha20's 96-bit nonce); its first 32 bits are F. */
#include "lwip_hooks.h"
#include "../kernel/chacha20.h"
#include "../kernel/clock.h"
#include "../kernel/random.h"
#include <string.h>

#define ISN_TICK_NS 4000                 /* RFC 793 §3.3: M ticks every 4 microseconds */

static uint8_t secret[CHACHA20_KEY_BYTES];
static int have_secret;

u32_t net_tcp_isn(const ip_addr_t *local_ip, u16_t local_port, const ip_addr_t *remote_ip, u16_t remote_port)
{
    if (!have_secret) {
        random_bytes(secret, sizeof secret);
        have_secret = 1;
    }
    uint8_t nonce[CHACHA20_NONCE_BYTES], block[CHACHA20_BLOCK_BYTES];
    u32_t local = ip4_addr_get_u32(ip_2_ip4(local_ip)), remote = ip4_addr_get_u32(ip_2_ip4(remote_ip));
    memcpy(nonce, &local, 4);
    memcpy(nonce + 4, &remote, 4);
    memcpy(nonce + 8, &local_port, 2);
    memcpy(nonce + 10, &remote_port, 2);
    chacha20_block(secret, 0, nonce, block);
    u32_t f;
    memcpy(&f, block, sizeof f);
    u32_t m = (u32_t)(clock_monotonic_ns() / ISN_TICK_NS);
    return m + f;
}
