/* kernel/acpi_aml.c: resource templates and devices by _HID in AML, as QEMU's -M microvm writes
 * them, then truncated and garbage input. Inputs are copied into buffers of their exact size so
 * that AddressSanitizer catches any read past the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../kernel/acpi_aml.h"

/* Memory32Fixed(ReadWrite, 0xFEB00000, 0x200); Interrupt(Consumer, Level, ActiveHigh) {16}; end */
static const uint8_t crs_good[] = {
    0x86, 0x09, 0x00, 0x01, 0x00, 0x00, 0xB0, 0xFE, 0x00, 0x02, 0x00, 0x00,
    0x89, 0x06, 0x00, 0x01, 0x01, 0x10, 0x00, 0x00, 0x00,
    0x79, 0x00,
};

static int parse_exact(const uint8_t *bytes, size_t len, struct acpi_resources *out)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, bytes, len);
    int rc = acpi_parse_resources(copy, len, out);
    free(copy);
    return rc;
}

static int find_exact(const uint8_t *aml, size_t len, const char *hid, struct acpi_resources *out, int max)
{
    uint8_t *copy = malloc(len ? len : 1);
    memcpy(copy, aml, len);
    int n = acpi_aml_find_devices(copy, len, hid, out, max);
    free(copy);
    return n;
}

static size_t put(uint8_t *at, const void *bytes, size_t n)
{
    memcpy(at, bytes, n);
    return n;
}

/* Device(name) { Name(_HID, hid); Name(_UID, Zero); Name(_CRS, Buffer(){crs}) }, with
 * one-byte PkgLengths (the whole device stays under 64 bytes). Returns its length. */
static size_t device(uint8_t *out, const char *name, const char *hid, const uint8_t *crs, size_t crs_len)
{
    uint8_t body[128];
    size_t n = 0;
    n += put(body + n, name, 4);
    n += put(body + n, "\x08_HID\x0D", 6);
    n += put(body + n, hid, strlen(hid) + 1);
    n += put(body + n, "\x08_UID\x00", 6);
    n += put(body + n, "\x08_CRS\x11", 6);
    body[n++] = (uint8_t)(1 + 2 + crs_len);   /* PkgLength: itself, BytePrefix size, the bytes */
    body[n++] = 0x0A;
    body[n++] = (uint8_t)crs_len;
    n += put(body + n, crs, crs_len);
    assert_true(n + 1 < 64);
    out[0] = 0x5B, out[1] = 0x82, out[2] = (uint8_t)(n + 1);
    memcpy(out + 3, body, n);
    return n + 3;
}

/* Two LNRO0005 devices around a device of another kind. */
static size_t table(uint8_t *aml)
{
    uint8_t crs2[sizeof crs_good];
    memcpy(crs2, crs_good, sizeof crs2);
    crs2[6] = 0xB1, crs2[17] = 0x11;                   /* base 0xFEB10000, interrupt 17 */
    size_t n = 0;
    n += device(aml + n, "VR00", "LNRO0005", crs_good, sizeof crs_good);
    n += device(aml + n, "COM1", "PNP0501", crs_good, sizeof crs_good);
    n += device(aml + n, "VR01", "LNRO0005", crs2, sizeof crs2);
    return n;
}

static void parses_memory_and_interrupt(void **state)
{
    (void)state;
    struct acpi_resources r;
    assert_int_equal(parse_exact(crs_good, sizeof crs_good, &r), 0);
    assert_true(r.has_memory && r.has_irq);
    assert_int_equal(r.base, 0xFEB00000);
    assert_int_equal(r.size, 0x200);
    assert_int_equal(r.irq, 16);
    assert_true(r.irq_level);
    assert_false(r.irq_active_low);
}

static void reads_edge_and_active_low(void **state)
{
    (void)state;
    uint8_t crs[sizeof crs_good];
    memcpy(crs, crs_good, sizeof crs);
    crs[15] = 0x01 | 0x02 | 0x04;                      /* consumer, edge, active-low */
    struct acpi_resources r;
    assert_int_equal(parse_exact(crs, sizeof crs, &r), 0);
    assert_false(r.irq_level);
    assert_true(r.irq_active_low);
}

static void skips_unknown_descriptors_by_length(void **state)
{
    (void)state;
    uint8_t crs[128];
    size_t n = 0;
    n += put(crs + n, "\x22\x10\x00", 3);               /* small IRQ descriptor, 2 bytes */
    crs[n++] = 0x8A, crs[n++] = 43, crs[n++] = 0;       /* QWord address space, 43 bytes */
    memset(crs + n, 0x86, 43);                         /* whose body looks like descriptors */
    n += 43;
    n += put(crs + n, crs_good, sizeof crs_good);
    struct acpi_resources r;
    assert_int_equal(parse_exact(crs, n, &r), 0);
    assert_int_equal(r.base, 0xFEB00000);
    assert_int_equal(r.irq, 16);
}

static void keeps_the_first_of_each(void **state)
{
    (void)state;
    uint8_t crs[64];
    size_t n = put(crs, crs_good, sizeof crs_good - 2);
    n += put(crs + n, crs_good, sizeof crs_good);       /* a second range and interrupt */
    crs[n - 23 + 6] = 0xC0, crs[n - 23 + 17] = 0x20;
    struct acpi_resources r;
    assert_int_equal(parse_exact(crs, n, &r), 0);
    assert_int_equal(r.base, 0xFEB00000);
    assert_int_equal(r.irq, 16);
}

static void refuses_truncated_resources(void **state)
{
    (void)state;
    struct acpi_resources r;
    for (size_t len = 0; len < sizeof crs_good; len++)
        assert_int_equal(parse_exact(crs_good, len, &r), -EINVAL);
}

static void ignores_short_or_empty_descriptors(void **state)
{
    (void)state;
    /* a Memory32Fixed of 5 bytes and an Extended Interrupt listing none: neither counts */
    static const uint8_t crs[] = { 0x86, 0x05, 0x00, 1, 2, 3, 4, 5, 0x89, 0x06, 0x00, 0x01, 0x00, 9, 9, 9, 9, 0x79, 0x00 };
    struct acpi_resources r;
    assert_int_equal(parse_exact(crs, sizeof crs, &r), 0);
    assert_false(r.has_memory);
    assert_false(r.has_irq);
    /* a large descriptor claiming more bytes than there are */
    static const uint8_t over[] = { 0x86, 0xFF, 0xFF, 0x01, 0x79, 0x00 };
    assert_int_equal(parse_exact(over, sizeof over, &r), -EINVAL);
}

static void finds_devices_by_hid(void **state)
{
    (void)state;
    uint8_t aml[256];
    size_t len = table(aml);
    struct acpi_resources r[4];
    assert_int_equal(find_exact(aml, len, "LNRO0005", r, 4), 2);
    assert_int_equal(r[0].base, 0xFEB00000);
    assert_int_equal(r[0].irq, 16);
    assert_int_equal(r[1].base, 0xFEB10000);
    assert_int_equal(r[1].irq, 17);
    assert_int_equal(find_exact(aml, len, "LNRO0005", r, 1), 1);
    assert_int_equal(find_exact(aml, len, "PNP0501", r, 4), 1);
    assert_int_equal(find_exact(aml, len, "LNRO000", r, 4), 0);   /* a prefix is not the name */
    assert_int_equal(find_exact(aml, len, "QEMU0002", r, 4), 0);
}

/* QEMU's microvm GED: an edge interrupt in _CRS and its event register as an OperationRegion
 * after the names: OperationRegion(EREG, SystemMemory, 0xFEA00000, 4) */
static size_t ged(uint8_t *aml, const uint8_t *region, size_t region_len)
{
    static const uint8_t crs[] = { 0x89, 0x06, 0x00, 0x03, 0x01, 0x09, 0x00, 0x00, 0x00, 0x79, 0x00 };
    size_t n = device(aml, "GED_", "ACPI0013", crs, sizeof crs);
    memcpy(aml + n, region, region_len);                /* inside the device: grow its PkgLength */
    aml[2] = (uint8_t)(aml[2] + region_len);
    return n + region_len;
}

static void finds_a_devices_memory_region(void **state)
{
    (void)state;
    static const uint8_t region[] = { 0x5B, 0x80, 'E', 'R', 'E', 'G', 0x00, 0x0C, 0x00, 0x00, 0xA0, 0xFE, 0x0A, 0x04 };
    uint8_t aml[128];
    size_t len = ged(aml, region, sizeof region);
    struct acpi_resources r;
    assert_int_equal(find_exact(aml, len, "ACPI0013", &r, 1), 1);
    assert_true(r.has_irq && !r.irq_level && r.irq == 9);
    assert_true(r.has_region);
    assert_int_equal(r.region_base, 0xFEA00000);
    assert_int_equal(r.region_size, 4);
    /* a region in I/O space, or with a computed offset, is not reported */
    uint8_t io[sizeof region];
    memcpy(io, region, sizeof io);
    io[6] = 0x01;
    len = ged(aml, io, sizeof io);
    assert_int_equal(find_exact(aml, len, "ACPI0013", &r, 1), 1);
    assert_false(r.has_region);
    memcpy(io, region, sizeof io);
    io[7] = 0x72;                                      /* AddOp: not a constant */
    len = ged(aml, io, sizeof io);
    assert_int_equal(find_exact(aml, len, "ACPI0013", &r, 1), 1);
    assert_false(r.has_region);
    /* cut anywhere inside the region: never read past it, never a wrong region */
    for (size_t cut = 1; cut < sizeof region; cut++) {
        len = ged(aml, region, cut);
        if (find_exact(aml, len, "ACPI0013", &r, 1) == 1 && r.has_region)
            assert_int_equal(r.region_base, 0xFEA00000);
    }
}

static void survives_truncated_tables(void **state)
{
    (void)state;
    uint8_t aml[256];
    size_t len = table(aml);
    struct acpi_resources r[4];
    for (size_t cut = 0; cut < len; cut++) {
        int n = find_exact(aml, cut, "LNRO0005", r, 4);
        assert_true(n >= 0 && n <= 2);
        if (cut < len / 3)
            assert_int_equal(n, 0);                    /* the first device is not whole */
    }
}

static void survives_garbage(void **state)
{
    (void)state;
    uint32_t seed = 12345;
    uint8_t aml[256], buf[512];
    size_t len = table(aml);
    struct acpi_resources r[4];
    for (int round = 0; round < 20000; round++) {
        /* a good table with a few bytes changed (lengths among them), then pure noise */
        memcpy(buf, aml, len);
        for (int k = 0; k < 1 + round % 4; k++) {
            seed = seed * 1103515245 + 12345;
            buf[(seed >> 8) % len] = (uint8_t)(seed >> 20);
        }
        int n = find_exact(buf, len, "LNRO0005", r, 4);
        assert_true(n >= 0 && n <= 4);
        size_t noise = (seed >> 4) % sizeof buf;
        for (size_t i = 0; i < noise; i++) {
            seed = seed * 1103515245 + 12345;
            buf[i] = (uint8_t)(seed >> 16);
            if (i % 7 == 0)
                buf[i] = 0x5B, buf[i + 1 < noise ? ++i : i] = 0x82;   /* many would-be Devices */
        }
        n = find_exact(buf, noise, "LNRO0005", r, 4);
        assert_true(n >= 0 && n <= 4);
        parse_exact(buf, noise, r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_memory_and_interrupt),
        cmocka_unit_test(reads_edge_and_active_low),
        cmocka_unit_test(skips_unknown_descriptors_by_length),
        cmocka_unit_test(keeps_the_first_of_each),
        cmocka_unit_test(refuses_truncated_resources),
        cmocka_unit_test(ignores_short_or_empty_descriptors),
        cmocka_unit_test(finds_devices_by_hid),
        cmocka_unit_test(finds_a_devices_memory_region),
        cmocka_unit_test(survives_truncated_tables),
        cmocka_unit_test(survives_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
