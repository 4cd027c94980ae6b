/* Devices in AML, found without an interpreter: a Device's scope is bounded by its PkgLength,
 * and inside it Name(_HID, String) and Name(_CRS, Buffer) are fixed byte patterns (ACPI 6.4
 * §20.2.5.1 DefName, §20.2.5.2 DefDevice, §20.2.5.4 DefBuffer, §20.2.4 PkgLength). That is how
 * QEMU's -M microvm describes its virtio-mmio devices. */
#include "acpi_aml.h"
#include <errno.h>
#include <string.h>

#define AML_EXT_OP_PREFIX 0x5B
#define AML_DEVICE_OP 0x82             /* after the ExtOpPrefix */
#define AML_OP_REGION_OP 0x80          /* after the ExtOpPrefix: DefOpRegion (§20.2.5.2) */
#define AML_ROOT_PREFIX 0x5C           /* '\\' */
#define AML_PARENT_PREFIX 0x5E         /* '^' */
#define REGION_SYSTEM_MEMORY 0x00
#define AML_NAME_OP 0x08
#define AML_BUFFER_OP 0x11
#define AML_STRING_PREFIX 0x0D
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_BYTE_PREFIX 0x0A
#define AML_WORD_PREFIX 0x0B
#define AML_DWORD_PREFIX 0x0C
#define AML_QWORD_PREFIX 0x0E
#define NAME_SEG 4                     /* "_HID", "_CRS" */
#define PKG_LENGTH_MAX_EXTRA 3         /* bits 7-6 of the lead byte count the bytes after it */

/* resource descriptors (ACPI 6.4 §6.4.2, §6.4.3) */
#define RES_LARGE (1u << 7)
#define RES_SMALL_NAME(tag) (((tag) >> 3) & 0xF)
#define RES_SMALL_LEN(tag) ((tag) & 0x7)
#define RES_SMALL_END 0xF              /* End Tag (§6.4.2.9), byte 0x79 */
#define RES_LARGE_HEADER 3             /* tag, 16-bit length */
#define RES_MEMORY32_FIXED 0x86        /* §6.4.3.4: info, base, length */
#define MEM32_FIXED_LEN 9
#define MEM32_FIXED_BASE 1
#define MEM32_FIXED_SIZE 5
#define RES_EXTENDED_IRQ 0x89          /* §6.4.3.6: flags, count, count 32-bit interrupts */
#define EXT_IRQ_MIN_LEN 6
#define EXT_IRQ_FLAGS 0
#define EXT_IRQ_COUNT 1
#define EXT_IRQ_FIRST 2
#define EXT_IRQ_EDGE (1u << 1)         /* _HE: edge-triggered, else level */
#define EXT_IRQ_ACTIVE_LOW (1u << 2)   /* _LL */

static uint32_t le32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static void large_descriptor(uint8_t tag, const uint8_t *body, size_t len, struct acpi_resources *out)
{
    if (tag == RES_MEMORY32_FIXED && len >= MEM32_FIXED_LEN && !out->has_memory) {
        out->base = le32(body + MEM32_FIXED_BASE);
        out->size = le32(body + MEM32_FIXED_SIZE);
        out->has_memory = 1;
    } else if (tag == RES_EXTENDED_IRQ && len >= EXT_IRQ_MIN_LEN && !out->has_irq && body[EXT_IRQ_COUNT] >= 1) {
        out->irq = le32(body + EXT_IRQ_FIRST);
        out->irq_level = !(body[EXT_IRQ_FLAGS] & EXT_IRQ_EDGE);
        out->irq_active_low = (body[EXT_IRQ_FLAGS] & EXT_IRQ_ACTIVE_LOW) != 0;
        out->has_irq = 1;
    }
}

int acpi_parse_resources(const uint8_t *buf, size_t len, struct acpi_resources *out)
{
    memset(out, 0, sizeof *out);
    size_t at = 0;
    while (at < len) {
        uint8_t tag = buf[at];
        if (!(tag & RES_LARGE)) {
            size_t body = RES_SMALL_LEN(tag);
            if (body > len - at - 1)
                return -EINVAL;
            if (RES_SMALL_NAME(tag) == RES_SMALL_END)
                return 0;
            at += 1 + body;
            continue;
        }
        if (len - at < RES_LARGE_HEADER)
            return -EINVAL;
        size_t body = (size_t)buf[at + 1] | (size_t)buf[at + 2] << 8;
        if (body > len - at - RES_LARGE_HEADER)
            return -EINVAL;
        large_descriptor(tag, buf + at + RES_LARGE_HEADER, body, out);
        at += RES_LARGE_HEADER + body;
    }
    return -EINVAL;                    /* no end tag */
}

/* PkgLength at p (§20.2.4): the length it encodes (which counts its own bytes) and how many
 * bytes it took. -EINVAL when it does not fit in avail. */
static int pkg_length(const uint8_t *p, size_t avail, size_t *value, size_t *bytes)
{
    if (avail == 0)
        return -EINVAL;
    size_t extra = p[0] >> 6;
    if (extra > PKG_LENGTH_MAX_EXTRA || extra + 1 > avail)
        return -EINVAL;
    size_t v = extra ? p[0] & 0x0F : p[0] & 0x3F;
    for (size_t k = 1; k <= extra; k++)
        v |= (size_t)p[k] << (4 + 8 * (k - 1));
    *value = v;
    *bytes = extra + 1;
    return 0;
}

/* A constant integer (BufferSize), §20.2.3: -EINVAL if not one of the simple encodings. */
static int integer(const uint8_t *p, size_t avail, size_t *value, size_t *bytes)
{
    if (avail == 0)
        return -EINVAL;
    size_t width = p[0] == AML_BYTE_PREFIX ? 1 : p[0] == AML_WORD_PREFIX ? 2 : p[0] == AML_DWORD_PREFIX ? 4
                 : p[0] == AML_QWORD_PREFIX ? 8 : 0;
    if (width == 0) {
        if (p[0] != AML_ZERO_OP && p[0] != AML_ONE_OP)
            return -EINVAL;
        *value = p[0];
        *bytes = 1;
        return 0;
    }
    if (width + 1 > avail)
        return -EINVAL;
    size_t v = 0;
    for (size_t k = 0; k < width; k++)
        v |= (size_t)p[1 + k] << (8 * k);
    *value = v;
    *bytes = width + 1;
    return 0;
}

/* The offset in [from, end) where Name(seg, ...) starts its value, or 0 if none. */
static size_t find_name(const uint8_t *aml, size_t from, size_t end, const char *seg)
{
    for (size_t i = from; i + 1 + NAME_SEG < end; i++)
        if (aml[i] == AML_NAME_OP && memcmp(aml + i + 1, seg, NAME_SEG) == 0)
            return i + 1 + NAME_SEG;
    return 0;
}

/* Whether Name(_HID, String) in [from, end) is hid. */
static int hid_matches(const uint8_t *aml, size_t from, size_t end, const char *hid)
{
    size_t at = find_name(aml, from, end, "_HID");
    size_t n = strlen(hid);
    return at && aml[at] == AML_STRING_PREFIX && n + 2 <= end - at && memcmp(aml + at + 1, hid, n) == 0 &&
           aml[at + 1 + n] == 0;
}

/* Name(_CRS, Buffer(size){bytes}) in [from, end), parsed into *out. 0 or -EINVAL. */
static int crs(const uint8_t *aml, size_t from, size_t end, struct acpi_resources *out)
{
    size_t at = find_name(aml, from, end, "_CRS"), plen, pbytes, size, sbytes;
    if (!at || aml[at] != AML_BUFFER_OP)
        return -EINVAL;
    at++;
    if (pkg_length(aml + at, end - at, &plen, &pbytes) < 0 || plen < pbytes || plen > end - at)
        return -EINVAL;
    size_t buf_end = at + plen;
    at += pbytes;
    if (integer(aml + at, buf_end - at, &size, &sbytes) < 0)
        return -EINVAL;
    at += sbytes;
    size_t bytes = buf_end - at < size ? buf_end - at : size;   /* a longer BufferSize pads with zeros */
    return acpi_parse_resources(aml + at, bytes, out);
}

/* The first OperationRegion(Name, SystemMemory, offset, length) in [from, end) with constant
 * offset and length (§20.2.5.2: ExtOpPrefix OpRegionOp NameString RegionSpace RegionOffset
 * RegionLen), stored in out. Names with a path are skipped: a device's own regions are single
 * NameSegs, optionally after root or parent prefixes. */
static void op_region(const uint8_t *aml, size_t from, size_t end, struct acpi_resources *out)
{
    for (size_t i = from; i + 2 < end; i++) {
        if (aml[i] != AML_EXT_OP_PREFIX || aml[i + 1] != AML_OP_REGION_OP)
            continue;
        size_t at = i + 2, base, size, n;
        while (at < end && (aml[at] == AML_ROOT_PREFIX || aml[at] == AML_PARENT_PREFIX))
            at++;
        if (end - at < NAME_SEG + 1)
            return;
        at += NAME_SEG;
        if (aml[at++] != REGION_SYSTEM_MEMORY)
            continue;
        if (integer(aml + at, end - at, &base, &n) < 0)
            continue;
        at += n;
        if (integer(aml + at, end - at, &size, &n) < 0)
            continue;
        out->region_base = base;
        out->region_size = size;
        out->has_region = 1;
        return;
    }
}

int acpi_aml_find_devices(const uint8_t *aml, size_t len, const char *hid, struct acpi_resources *out, int max)
{
    int found = 0;
    for (size_t i = 0; i + 2 < len && found < max; i++) {
        if (aml[i] != AML_EXT_OP_PREFIX || aml[i + 1] != AML_DEVICE_OP)
            continue;
        size_t plen, pbytes, body = i + 2;
        if (pkg_length(aml + body, len - body, &plen, &pbytes) < 0 || plen < pbytes || plen > len - body)
            continue;                  /* not a Device after all, or one that overruns the table */
        size_t end = body + plen;
        body += pbytes;
        /* the device's own names come before its first child Device (names never hold 0x5B) */
        for (size_t j = body; j + 1 < end; j++)
            if (aml[j] == AML_EXT_OP_PREFIX && aml[j + 1] == AML_DEVICE_OP) {
                end = j;
                break;
            }
        if (hid_matches(aml, body, end, hid) && crs(aml, body, end, &out[found]) == 0) {
            op_region(aml, body, end, &out[found]);
            found++;
        }
    }
    return found;
}
