/* drivers/checksum.c: completing the partial checksums a virtio-net device may hand over. The
 * reference is computed independently, byte by byte over the pseudo-header and the segment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "../../drivers/checksum.h"

#define ETH_LEN 14
#define IP_LEN 20
#define L4_AT (ETH_LEN + IP_LEN)
#define TCP_CSUM_OFFSET 16
#define UDP_CSUM_OFFSET 6

/* the ones' complement sum of bytes taken as big-endian 16-bit words, folded */
static uint16_t ref_sum(const uint8_t *p, size_t n, uint32_t sum)
{
    for (size_t i = 0; i < n; i++)
        sum += (i % 2 == 0) ? (uint32_t)p[i] << 8 : p[i];
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/* An IPv4 frame carrying protocol proto with a payload of n bytes; returns its length. */
static size_t make_frame(uint8_t *f, uint8_t proto, size_t l4_len)
{
    memset(f, 0, L4_AT + l4_len);
    f[12] = 0x08;                                        /* EtherType IPv4 */
    uint8_t *ip = f + ETH_LEN;
    ip[0] = 0x45, ip[9] = proto;
    ip[2] = (uint8_t)((IP_LEN + l4_len) >> 8), ip[3] = (uint8_t)(IP_LEN + l4_len);
    memcpy(ip + 12, (uint8_t[]){ 10, 0, 2, 2, 10, 0, 2, 15 }, 8);
    for (size_t i = 0; i < l4_len; i++)
        f[L4_AT + i] = (uint8_t)(i * 7 + 3);
    return L4_AT + l4_len;
}

/* The pseudo-header's sum (RFC 793 §3.1, RFC 768): addresses, protocol, length. */
static uint16_t pseudo_sum(const uint8_t *f, size_t l4_len)
{
    uint8_t ph[12];
    memcpy(ph, f + ETH_LEN + 12, 8);
    ph[8] = 0, ph[9] = f[ETH_LEN + 9];
    ph[10] = (uint8_t)(l4_len >> 8), ph[11] = (uint8_t)l4_len;
    return ref_sum(ph, sizeof ph, 0);
}

/* What a device leaves with NEEDS_CSUM: the pseudo-header's sum in the checksum field. */
static void make_partial(uint8_t *f, size_t l4_len, unsigned csum_offset)
{
    uint16_t p = pseudo_sum(f, l4_len);
    f[L4_AT + csum_offset] = (uint8_t)(p >> 8), f[L4_AT + csum_offset + 1] = (uint8_t)p;
}

static int checksum_verifies(const uint8_t *f, size_t l4_len)
{
    return ref_sum(f + L4_AT, l4_len, pseudo_sum(f, l4_len)) == 0xffff;
}

static void completes_tcp_of_odd_length(void **state)
{
    (void)state;
    uint8_t f[256];
    size_t l4 = 20 + 13, len = make_frame(f, 6, l4);
    make_partial(f, l4, TCP_CSUM_OFFSET);
    assert_false(checksum_verifies(f, l4));
    assert_int_equal(checksum_complete(f, len, L4_AT, TCP_CSUM_OFFSET), 0);
    assert_true(checksum_verifies(f, l4));
}

static void completes_udp_of_even_length(void **state)
{
    (void)state;
    uint8_t f[1600];
    size_t l4 = 8 + 1464, len = make_frame(f, 17, l4);
    make_partial(f, l4, UDP_CSUM_OFFSET);
    assert_int_equal(checksum_complete(f, len, L4_AT, UDP_CSUM_OFFSET), 0);
    assert_true(checksum_verifies(f, l4));
}

static void a_zero_result_is_stored_as_ffff(void **state)
{
    (void)state;
    uint8_t f[4] = { 0x00, 0x00, 0xff, 0xff };          /* sums to 0xffff: its complement is 0 */
    assert_int_equal(checksum_complete(f, sizeof f, 0, 0), 0);
    assert_int_equal(f[0], 0xff);
    assert_int_equal(f[1], 0xff);
}

static void a_field_outside_the_frame_is_refused(void **state)
{
    (void)state;
    uint8_t f[64], copy[64];
    memset(f, 0x5a, sizeof f);
    memcpy(copy, f, sizeof f);
    assert_int_equal(checksum_complete(f, sizeof f, 60, 3), -EINVAL);   /* 63 + 2 > 64 */
    assert_int_equal(checksum_complete(f, sizeof f, 65535, 65535), -EINVAL);
    assert_memory_equal(f, copy, sizeof f);
    assert_int_equal(checksum_complete(f, sizeof f, 60, 2), 0);         /* the last two bytes */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(completes_tcp_of_odd_length),
        cmocka_unit_test(completes_udp_of_even_length),
        cmocka_unit_test(a_zero_result_is_stored_as_ffff),
        cmocka_unit_test(a_field_outside_the_frame_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
