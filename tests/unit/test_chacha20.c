/* kernel/chacha20.c against RFC 8439's own vectors (§2.3.2 block function, §2.4.2 encryption),
 * and kernel/csprng.c's promises: its output depends on its seed, every request replaces the key,
 * and a request writes exactly its own bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <string.h>
#include "../../kernel/chacha20.h"
#include "../../kernel/csprng.h"

/* §2.3.2 and §2.4.2: the key is the bytes 00, 01, ..., 1f */
static void rfc_key(uint8_t key[32])
{
    for (int i = 0; i < 32; i++)
        key[i] = (uint8_t)i;
}

static void block_function_rfc8439_2_3_2(void **state)
{
    (void)state;
    uint8_t key[32], out[64];
    const uint8_t nonce[12] = { 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x4a, 0x00, 0x00, 0x00, 0x00 };
    const uint8_t want[64] = {
        0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4,
        0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e,
        0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2,
        0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e,
    };
    rfc_key(key);
    chacha20_block(key, 1, nonce, out);
    assert_memory_equal(out, want, sizeof want);
}

static const char sunscreen[] = "Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
                                "for the future, sunscreen would be it.";
static const uint8_t sunscreen_cipher[114] = {
    0x6e, 0x2e, 0x35, 0x9a, 0x25, 0x68, 0xf9, 0x80, 0x41, 0xba, 0x07, 0x28, 0xdd, 0x0d, 0x69, 0x81,
    0xe9, 0x7e, 0x7a, 0xec, 0x1d, 0x43, 0x60, 0xc2, 0x0a, 0x27, 0xaf, 0xcc, 0xfd, 0x9f, 0xae, 0x0b,
    0xf9, 0x1b, 0x65, 0xc5, 0x52, 0x47, 0x33, 0xab, 0x8f, 0x59, 0x3d, 0xab, 0xcd, 0x62, 0xb3, 0x57,
    0x16, 0x39, 0xd6, 0x24, 0xe6, 0x51, 0x52, 0xab, 0x8f, 0x53, 0x0c, 0x35, 0x9f, 0x08, 0x61, 0xd8,
    0x07, 0xca, 0x0d, 0xbf, 0x50, 0x0d, 0x6a, 0x61, 0x56, 0xa3, 0x8e, 0x08, 0x8a, 0x22, 0xb6, 0x5e,
    0x52, 0xbc, 0x51, 0x4d, 0x16, 0xcc, 0xf8, 0x06, 0x81, 0x8c, 0xe9, 0x1a, 0xb7, 0x79, 0x37, 0x36,
    0x5a, 0xf9, 0x0b, 0xbf, 0x74, 0xa3, 0x5b, 0xe6, 0xb4, 0x0b, 0x8e, 0xed, 0xf2, 0x78, 0x5e, 0x42,
    0x87, 0x4d,
};

static void encryption_rfc8439_2_4_2(void **state)
{
    (void)state;
    uint8_t key[32], out[114];
    const uint8_t nonce[12] = { 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4a, 0x00, 0x00, 0x00, 0x00 };
    assert_int_equal(strlen(sunscreen), sizeof out);
    rfc_key(key);
    chacha20_xor(key, 1, nonce, (const uint8_t *)sunscreen, out, sizeof out);
    assert_memory_equal(out, sunscreen_cipher, sizeof out);
    chacha20_xor(key, 1, nonce, out, out, sizeof out);      /* in place, and back */
    assert_memory_equal(out, sunscreen, sizeof out);
}

static void generator_depends_on_its_seed(void **state)
{
    (void)state;
    struct csprng a = { 0 }, b = { 0 };
    uint8_t x[100], y[100];
    csprng_mix(&a, "seed one", 8);
    csprng_mix(&b, "seed two", 8);
    csprng_fill(&a, x, sizeof x);
    csprng_fill(&b, y, sizeof y);
    assert_memory_not_equal(x, y, sizeof x);
    /* the same seed gives the same stream (it is deterministic between reseeds) */
    struct csprng c = { 0 };
    csprng_mix(&c, "seed one", 8);
    csprng_fill(&c, y, sizeof y);
    assert_memory_equal(x, y, sizeof x);
    assert_int_equal(c.since_seed, sizeof y);
}

static void generator_replaces_its_key_every_request(void **state)
{
    (void)state;
    struct csprng g = { 0 };
    csprng_mix(&g, "k", 1);
    uint8_t before[32], first[32], second[32];
    memcpy(before, g.key, 32);
    csprng_fill(&g, first, sizeof first);
    assert_memory_not_equal(before, g.key, 32);
    assert_memory_not_equal(first, g.key, 32);    /* the new key is never part of the output */
    csprng_fill(&g, second, sizeof second);
    assert_memory_not_equal(first, second, sizeof first);
}

static void generator_fills_odd_lengths(void **state)
{
    (void)state;
    for (size_t len = 0; len < 300; len += 37) {
        struct csprng g = { 0 };
        uint8_t buf[302];
        memset(buf, 0xAA, sizeof buf);
        csprng_mix(&g, "len", 3);
        csprng_fill(&g, buf + 1, len);
        assert_int_equal(buf[0], 0xAA);           /* nothing written outside the request */
        assert_int_equal(buf[len + 1], 0xAA);
    }
}

static void mixing_uses_every_byte_of_a_long_seed(void **state)
{
    (void)state;
    uint8_t s1[100] = { 0 }, s2[100] = { 0 };
    s2[99] = 1;
    struct csprng a = { 0 }, b = { 0 };
    csprng_mix(&a, s1, sizeof s1);
    csprng_mix(&b, s2, sizeof s2);
    assert_memory_not_equal(a.key, b.key, 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(block_function_rfc8439_2_3_2),
        cmocka_unit_test(encryption_rfc8439_2_4_2),
        cmocka_unit_test(generator_depends_on_its_seed),
        cmocka_unit_test(generator_replaces_its_key_every_request),
        cmocka_unit_test(generator_fills_odd_lengths),
        cmocka_unit_test(mixing_uses_every_byte_of_a_long_seed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
