/* The checks of drivers/virtio/virtio_check.c and kernel/pci_check.c on a simulated device: the
 * capability list and BARs QEMU's virtio-blk-pci presents, then one lie at a time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "../../drivers/virtio/virtio_check.h"

#define BAR_SIZE 0x4000

struct sim {
    struct pci_bar bars[PCI_BARS];
    struct virtio_pci_cap caps[8];
    int ncaps;
};

/* As QEMU lays it out: BAR 1 MSI-X, BAR 4 the virtio structures, 0x1000 apart. */
static struct sim good(void)
{
    struct sim s = { 0 };
    s.bars[1] = (struct pci_bar){ 0xfebd1000, 0x1000, 0 };
    s.bars[4] = (struct pci_bar){ 0xfe000000, BAR_SIZE, 0 };
    s.caps[s.ncaps++] = (struct virtio_pci_cap){ VIRTIO_PCI_CAP_COMMON, 4, 16, 0x0000, 0x1000, 0 };
    s.caps[s.ncaps++] = (struct virtio_pci_cap){ VIRTIO_PCI_CAP_ISR, 4, 16, 0x1000, 0x1000, 0 };
    s.caps[s.ncaps++] = (struct virtio_pci_cap){ VIRTIO_PCI_CAP_DEVICE, 4, 16, 0x2000, 0x1000, 0 };
    s.caps[s.ncaps++] = (struct virtio_pci_cap){ VIRTIO_PCI_CAP_NOTIFY, 4, 20, 0x3000, 0x1000, 4 };
    s.caps[s.ncaps++] = (struct virtio_pci_cap){ 5, 0, 20, 0, 0, 0 };      /* PCI cfg access: unused */
    return s;
}

static int check(struct sim *s, struct virtio_pci_layout *l, char *why)
{
    return virtio_pci_layout_check(s->caps, s->ncaps, s->bars, l, why, 128);
}

static void good_device_accepted(void **state)
{
    (void)state;
    struct sim s = good();
    struct virtio_pci_layout l;
    char why[128];
    assert_int_equal(check(&s, &l, why), 0);
    assert_true(l.has_common && l.has_notify && l.has_isr && l.has_device);
    assert_int_equal(l.notify.offset, 0x3000);
    assert_int_equal(l.notify.notify_mult, 4);
}

static void offset_outside_bar_refused(void **state)
{
    (void)state;
    struct sim s = good();
    s.caps[3].offset = 0x5000;
    s.caps[3].length = 4;
    struct virtio_pci_layout l;
    char why[128];
    assert_int_equal(check(&s, &l, why), -EINVAL);
    assert_string_equal(why, "virtio capability 'notify' lies outside BAR 4 (offset 0x5000 + 4 > 0x4000)");
    assert_true(l.has_common);                   /* FAILED can still be written */
}

static void length_past_end_refused(void **state)
{
    (void)state;
    struct sim s = good();
    s.caps[2].offset = 0x3800;                   /* device config runs one byte past the BAR */
    s.caps[2].length = 0x801;
    struct virtio_pci_layout l;
    char why[128];
    assert_int_equal(check(&s, &l, why), -EINVAL);
    assert_non_null(strstr(why, "'device' lies outside BAR 4"));
}

static void wrapping_range_refused(void **state)
{
    (void)state;
    struct sim s = good();
    s.caps[1].offset = 0xFFFFFFF0;               /* offset + length wraps 32 bits to a small number */
    s.caps[1].length = 0x20;
    struct virtio_pci_layout l;
    char why[128];
    assert_int_equal(check(&s, &l, why), -EINVAL);
    assert_non_null(strstr(why, "'isr' lies outside"));
}

static void lying_common_cannot_be_written(void **state)
{
    (void)state;
    struct sim s = good();
    s.caps[0].offset = BAR_SIZE;
    struct virtio_pci_layout l;
    char why[128];
    assert_int_equal(check(&s, &l, why), -EINVAL);
    assert_false(l.has_common);
}

static void short_structures_refused(void **state)
{
    (void)state;
    struct virtio_pci_layout l;
    char why[128];
    struct sim s = good();
    s.caps[0].length = VIRTIO_PCI_COMMON_LEN - 1;
    assert_int_equal(check(&s, &l, why), -EINVAL);
    s = good();
    s.caps[3].cap_len = 16;                      /* a notify capability without its multiplier */
    assert_int_equal(check(&s, &l, why), -EINVAL);
    s = good();
    s.caps[1].length = 0;
    assert_int_equal(check(&s, &l, why), -EINVAL);
}

static void missing_bar_refused(void **state)
{
    (void)state;
    struct sim s = good();
    s.caps[2].bar = 2;                           /* BAR 2 is not implemented */
    struct virtio_pci_layout l;
    char why[128];
    assert_int_equal(check(&s, &l, why), -EINVAL);
    assert_non_null(strstr(why, "BAR 2, which does not exist"));
}

static void reserved_bar_and_io_bar_ignored(void **state)
{
    (void)state;
    struct sim s = good();
    /* a first notify in a reserved BAR and one in an I/O BAR: the usable one after them is used */
    s.bars[0] = (struct pci_bar){ 0xc000, 0x40, 1 };
    struct virtio_pci_cap first[] = { { VIRTIO_PCI_CAP_NOTIFY, 7, 20, 0, 2, 0 }, { VIRTIO_PCI_CAP_NOTIFY, 0, 20, 0, 2, 0 } };
    memmove(&s.caps[2], &s.caps[0], s.ncaps * sizeof s.caps[0]);
    s.caps[0] = first[0];
    s.caps[1] = first[1];
    s.ncaps += 2;
    struct virtio_pci_layout l;
    char why[128];
    assert_int_equal(check(&s, &l, why), 0);
    assert_int_equal(l.notify.bar, 4);
}

static void missing_device_config_is_no_error(void **state)
{
    (void)state;
    struct sim s = good();
    memmove(&s.caps[2], &s.caps[3], (s.ncaps - 3) * sizeof s.caps[0]);
    s.ncaps--;
    struct virtio_pci_layout l;
    char why[128];
    assert_int_equal(check(&s, &l, why), 0);
    assert_false(l.has_device);
    /* config reads then fail, and the drivers refuse the device */
    assert_false(virtio_config_within(0, 0, 8));
}

static void missing_common_is_not_modern(void **state)
{
    (void)state;
    struct sim s = good();
    s.caps[0].type = 9;
    struct virtio_pci_layout l;
    char why[128];
    assert_int_equal(check(&s, &l, why), -ENODEV);
}

static void notify_multiplier(void **state)
{
    (void)state;
    struct virtio_pci_layout l;
    char why[128];
    uint32_t bad[] = { 1, 3, 6, 0x80000001 }, ok[] = { 0, 2, 4, 0x1000 };
    for (unsigned i = 0; i < 4; i++) {
        struct sim s = good();
        s.caps[3].notify_mult = bad[i];
        assert_int_equal(check(&s, &l, why), -EINVAL);
        s.caps[3].notify_mult = ok[i];
        assert_int_equal(check(&s, &l, why), 0);
    }
}

static void notify_offset_within_capability(void **state)
{
    (void)state;
    struct virtio_pci_cap n = { VIRTIO_PCI_CAP_NOTIFY, 4, 20, 0x3000, 0x1000, 4 };
    uint64_t off;
    char why[128];
    assert_int_equal(virtio_pci_notify_offset(&n, 1, 1, &off, why, sizeof why), 0);
    assert_int_equal(off, 4);
    assert_int_equal(virtio_pci_notify_offset(&n, 1, 0x3FF, &off, why, sizeof why), 0);   /* last 2 bytes */
    assert_int_equal(virtio_pci_notify_offset(&n, 1, 0x400, &off, why, sizeof why), -EINVAL);
    assert_string_equal(why, "queue 1's notify address lies outside the notify capability (1024 * 4 + 2 > 4096)");
    n.notify_mult = 0x1000;                      /* a huge product must not wrap to look small */
    assert_int_equal(virtio_pci_notify_offset(&n, 0, 0xFFFF, &off, why, sizeof why), -EINVAL);
    n.notify_mult = 0;                           /* every queue at the same address */
    assert_int_equal(virtio_pci_notify_offset(&n, 0, 0xFFFF, &off, why, sizeof why), 0);
    assert_int_equal(off, 0);
}

static void queue_sizes(void **state)
{
    (void)state;
    char why[96];
    assert_int_equal(virtio_queue_size_check(0, 256, why, sizeof why), 0);
    assert_int_equal(virtio_queue_size_check(0, 1, why, sizeof why), 0);
    assert_int_equal(virtio_queue_size_check(0, 32768, why, sizeof why), 0);
    assert_int_equal(virtio_queue_size_check(0, 0, why, sizeof why), -EINVAL);
    assert_string_equal(why, "queue 0 does not exist (size 0)");
    assert_int_equal(virtio_queue_size_check(1, 384, why, sizeof why), -EINVAL);
    assert_string_equal(why, "queue 1's size 384 is not a power of 2 up to 32768");
    assert_int_equal(virtio_queue_size_check(0, 0xFFFF, why, sizeof why), -EINVAL);
}

static void config_ranges(void **state)
{
    (void)state;
    assert_true(virtio_config_within(0x1000, 0, 8));
    assert_true(virtio_config_within(8, 0, 8));
    assert_false(virtio_config_within(8, 4, 8));
    assert_false(virtio_config_within(8, 0xFFFFFFFF, 2));
}

static void blk_limits(void **state)
{
    (void)state;
    char why[96];
    struct virtio_blk_limits l = { .capacity = 2048, .blk_size = 512, .size_max = 0, .seg_max = 126 };
    assert_int_equal(virtio_blk_limits_check(&l, why, sizeof why), 0);
    l.blk_size = 4096;
    assert_int_equal(virtio_blk_limits_check(&l, why, sizeof why), 0);
    l.blk_size = 3000;
    assert_int_equal(virtio_blk_limits_check(&l, why, sizeof why), -EINVAL);
    l.blk_size = 256;
    assert_int_equal(virtio_blk_limits_check(&l, why, sizeof why), -EINVAL);
    l.blk_size = 1u << 20;
    assert_int_equal(virtio_blk_limits_check(&l, why, sizeof why), -EINVAL);
    l.blk_size = 512;
    l.capacity = UINT64_MAX;                     /* bytes would wrap 64 bits */
    assert_int_equal(virtio_blk_limits_check(&l, why, sizeof why), -EINVAL);
    l.capacity = 2048;
    l.size_max = 1;
    assert_int_equal(virtio_blk_limits_check(&l, why, sizeof why), -EINVAL);
    assert_string_equal(why, "size_max 1 is smaller than a sector");
}

static void blk_segments_in_64_bits(void **state)
{
    (void)state;
    uint32_t seg;
    assert_int_equal(virtio_blk_segments(8, 0, 0, 64, &seg), 1);
    assert_int_equal(seg, VIRTIO_BLK_SEG_BYTES);
    assert_int_equal(virtio_blk_segments(8, 1024, 0, 64, &seg), 4);
    assert_int_equal(seg, 1024);
    /* 4 GiB: count * 512 is 0 in 32 bits; in 64 it takes 4 segments of 1 GiB */
    assert_int_equal(virtio_blk_segments(8u << 20, 0, 0, 64, &seg), 4);
    /* the largest count: 2 TiB, more segments than any device takes */
    assert_int_equal(virtio_blk_segments(UINT32_MAX, 0, 0, 64, &seg), -EINVAL);
    assert_int_equal(virtio_blk_segments(UINT32_MAX, 4096, 0, 64, &seg), -EINVAL);
    /* the device's seg_max binds too */
    assert_int_equal(virtio_blk_segments(64, 4096, 4, 64, &seg), -EINVAL);
    assert_int_equal(virtio_blk_segments(64, 4096, 8, 64, &seg), 8);
}

static void msix_table(void **state)
{
    (void)state;
    struct sim s = good();
    char why[96];
    assert_int_equal(pci_msix_table_check(s.bars, 0x0 | 1, 2, why, sizeof why), 0);
    assert_int_equal(pci_msix_table_check(s.bars, 0xFE0 | 1, 2, why, sizeof why), 0);   /* last two entries */
    assert_int_equal(pci_msix_table_check(s.bars, 0xFF0 | 1, 2, why, sizeof why), -EINVAL);
    assert_string_equal(why, "MSI-X table lies outside BAR 1 (offset 0xff0 + 0x20 > 0x1000)");
    assert_int_equal(pci_msix_table_check(s.bars, 0x0 | 1, 2048, why, sizeof why), -EINVAL);
    assert_int_equal(pci_msix_table_check(s.bars, 0x0 | 2, 1, why, sizeof why), -EINVAL);   /* no BAR 2 */
    assert_int_equal(pci_msix_table_check(s.bars, 0x0 | 6, 1, why, sizeof why), -EINVAL);   /* reserved */
    s.bars[0] = (struct pci_bar){ 0xc000, 0x40, 1 };
    assert_int_equal(pci_msix_table_check(s.bars, 0x0 | 0, 1, why, sizeof why), -EINVAL);   /* I/O BAR */
    assert_int_equal(pci_msix_table_check(s.bars, 0xFFFFFFF8 | 1, 1, why, sizeof why), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_device_accepted),
        cmocka_unit_test(offset_outside_bar_refused),
        cmocka_unit_test(length_past_end_refused),
        cmocka_unit_test(wrapping_range_refused),
        cmocka_unit_test(lying_common_cannot_be_written),
        cmocka_unit_test(short_structures_refused),
        cmocka_unit_test(missing_bar_refused),
        cmocka_unit_test(reserved_bar_and_io_bar_ignored),
        cmocka_unit_test(missing_device_config_is_no_error),
        cmocka_unit_test(missing_common_is_not_modern),
        cmocka_unit_test(notify_multiplier),
        cmocka_unit_test(notify_offset_within_capability),
        cmocka_unit_test(queue_sizes),
        cmocka_unit_test(config_ranges),
        cmocka_unit_test(blk_limits),
        cmocka_unit_test(blk_segments_in_64_bits),
        cmocka_unit_test(msix_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
