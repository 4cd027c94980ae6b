/* host/elfnote.c: the ABI note and the release name the manager reads from an OS file or a module.
 * Against the build's own files (build/mayfly-os.elf and build/httpd.app, whose ABI the build wrote
 * to build/abi.txt and whose release to build/os/release.c: read here independently of the
 * reader), against small ELF files made here (one refusal each), and against every truncation of
 * a small one and of the OS's headers and 20,000 random mutations of both, which may be refused
 * but must never be read past (this runs under ASan and UBSan: each input sits in a buffer of its
 * exact size). Fixtures come from the repository root, after `make all modules`. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sanitizer/asan_interface.h>
#include "../../host/elfnote.h"

#define FUZZ_ROUNDS 20000
#define FUZZ_SEED 0x656c666e6f7465ull

static void put(unsigned char *p, uint64_t v, int n)
{
    for (int i = 0; i < n; i++, v >>= 8)
        p[i] = (unsigned char)v;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    unsigned char *d;
    if (elfnote_read_file(path, &d, len) != ELFNOTE_OK)
        fail_msg("cannot read %s (run make all modules first)", path);
    return d;
}

/* The first line of a text file the build wrote, or inside quotes of it. */
static void text_of(const char *path, char *out, size_t len, int quoted)
{
    FILE *f = fopen(path, "r");
    char line[512] = "";
    if (!f || !fgets(line, sizeof line, f))
        fail_msg("cannot read %s", path);
    fclose(f);
    char *s = line, *e;
    if (quoted) {
        s = strchr(line, '"');
        assert_non_null(s);
        s++;
        e = strchr(s, '"');
    } else {
        e = s + strcspn(s, "\n");
    }
    assert_non_null(e);
    *e = '\0';
    snprintf(out, len, "%s", s);
}

static void the_build_files(void **state)
{
    (void)state;
    char want[128], release[128], abi[ELFNOTE_ABI_MAX], got[128];
    text_of("build/abi.txt", want, sizeof want, 0);
    text_of("build/os/release.c", release, sizeof release, 1);
    assert_int_equal(elfnote_abi_of("build/mayfly-os.elf", abi, sizeof abi), ELFNOTE_OK);
    assert_string_equal(abi, want);
    assert_int_equal(elfnote_abi_of("build/httpd.app", abi, sizeof abi), ELFNOTE_OK);
    assert_string_equal(abi, want);
    size_t len;
    unsigned char *d = slurp("build/mayfly-os.elf", &len);
    assert_int_equal(elfnote_symbol_string(d, len, "mayfly_os_release", got, sizeof got), ELFNOTE_OK);
    assert_string_equal(got, release);
    assert_int_equal(elfnote_symbol_string(d, len, "mayfly_os_releas", got, sizeof got), ELFNOTE_NO_NOTE);
    /* cut to the room given */
    assert_int_equal(elfnote_symbol_string(d, len, "mayfly_os_release", got, 3), ELFNOTE_OK);
    assert_int_equal(strlen(got), 2);
    free(d);
    /* a single-ELF app has no note; a text file is no ELF; a missing file cannot be read */
    assert_int_equal(elfnote_abi_of("build/hello.elf", abi, sizeof abi), ELFNOTE_NO_NOTE);
    assert_int_equal(elfnote_abi_of("README.md", abi, sizeof abi), ELFNOTE_NOT_ELF);
    assert_int_equal(elfnote_abi_of("build/no-such-file", abi, sizeof abi), ELFNOTE_UNREADABLE);
    assert_int_equal(elfnote_abi_of("build", abi, sizeof abi), ELFNOTE_UNREADABLE);
}

/* A small ELF64: the header, two program headers (a PT_LOAD, then a PT_NOTE) and the notes: first
 * another owner's, then OWNER/TYPE/DESC. Returns its length. */
static size_t make_elf(unsigned char *b, const char *owner, uint32_t type, const char *desc, size_t desclen)
{
    memset(b, 0, 512);
    memcpy(b, "\177ELF", 4);
    b[4] = 2, b[5] = 1, b[6] = 1;
    put(b + 16, 2, 2);                  /* ET_EXEC */
    put(b + 18, 62, 2);                 /* x86-64 */
    put(b + 32, 64, 8);                 /* phoff */
    put(b + 52, 64, 2);
    put(b + 54, 56, 2);
    put(b + 56, 2, 2);
    put(b + 64, 1, 4);                  /* PT_LOAD, nothing in it */
    unsigned char *ph = b + 64 + 56, *n = b + 176;
    size_t pos = 0;
    /* GNU's build id first: a note to skip */
    put(n, 4, 4), put(n + 4, 4, 4), put(n + 8, 3, 4), memcpy(n + 12, "GNU", 4), memcpy(n + 16, "\1\2\3\4", 4);
    pos = 20;
    size_t olen = strlen(owner) + 1;
    put(n + pos, olen, 4), put(n + pos + 4, desclen, 4), put(n + pos + 8, type, 4);
    memcpy(n + pos + 12, owner, olen);
    pos += 12 + ((olen + 3) & ~3u);
    memcpy(n + pos, desc, desclen);
    pos += (desclen + 3) & ~3u;
    put(ph, 4, 4);                      /* PT_NOTE */
    put(ph + 8, 176, 8);
    put(ph + 32, pos, 8);
    return 176 + pos;
}

static void small_files(void **state)
{
    (void)state;
    unsigned char b[512];
    char abi[ELFNOTE_ABI_MAX];
    size_t len = make_elf(b, "Mayfly", 1, "1+abcdef", 9);
    assert_int_equal(elfnote_abi(b, len, abi, sizeof abi), ELFNOTE_OK);
    assert_string_equal(abi, "1+abcdef");
    /* too little room for it */
    assert_int_equal(elfnote_abi(b, len, abi, 8), ELFNOTE_BAD);
    /* another owner, another type: no note */
    len = make_elf(b, "Mayfl", 1, "1+abcdef", 9);
    assert_int_equal(elfnote_abi(b, len, abi, sizeof abi), ELFNOTE_NO_NOTE);
    len = make_elf(b, "Mayfly", 2, "1+abcdef", 9);
    assert_int_equal(elfnote_abi(b, len, abi, sizeof abi), ELFNOTE_NO_NOTE);
    /* not NUL-terminated, empty, a space, a control character, longer than the ABI's maximum */
    len = make_elf(b, "Mayfly", 1, "1+abcdef", 8);
    assert_int_equal(elfnote_abi(b, len, abi, sizeof abi), ELFNOTE_BAD);
    len = make_elf(b, "Mayfly", 1, "", 0);
    assert_int_equal(elfnote_abi(b, len, abi, sizeof abi), ELFNOTE_BAD);
    len = make_elf(b, "Mayfly", 1, "1 abc", 6);
    assert_int_equal(elfnote_abi(b, len, abi, sizeof abi), ELFNOTE_BAD);
    len = make_elf(b, "Mayfly", 1, "1\nabc", 6);
    assert_int_equal(elfnote_abi(b, len, abi, sizeof abi), ELFNOTE_BAD);
    char longer[ELFNOTE_ABI_MAX + 1];
    memset(longer, 'a', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    len = make_elf(b, "Mayfly", 1, longer, sizeof longer);
    assert_int_equal(elfnote_abi(b, len, abi, sizeof abi), ELFNOTE_BAD);
    /* ELF32, big-endian, a bad magic */
    len = make_elf(b, "Mayfly", 1, "1+abcdef", 9);
    b[4] = 1;
    assert_int_equal(elfnote_abi(b, len, abi, sizeof abi), ELFNOTE_NOT_ELF);
    b[4] = 2, b[5] = 2;
    assert_int_equal(elfnote_abi(b, len, abi, sizeof abi), ELFNOTE_NOT_ELF);
    b[5] = 1, b[1] = 'e';
    assert_int_equal(elfnote_abi(b, len, abi, sizeof abi), ELFNOTE_NOT_ELF);
    /* program headers past the end, a note segment past the end, a note size past its segment */
    len = make_elf(b, "Mayfly", 1, "1+abcdef", 9);
    put(b + 32, 1u << 30, 8);
    assert_int_equal(elfnote_abi(b, len, abi, sizeof abi), ELFNOTE_BAD);
    len = make_elf(b, "Mayfly", 1, "1+abcdef", 9);
    put(b + 120 + 8, ~0ull - 4, 8);
    assert_int_equal(elfnote_abi(b, len, abi, sizeof abi), ELFNOTE_BAD);
    len = make_elf(b, "Mayfly", 1, "1+abcdef", 9);
    put(b + 176 + 20 + 4, 0xfffffff0u, 4);
    assert_int_equal(elfnote_abi(b, len, abi, sizeof abi), ELFNOTE_BAD);
    /* no section headers: no symbol */
    char out[16];
    len = make_elf(b, "Mayfly", 1, "1+abcdef", 9);
    assert_int_equal(elfnote_symbol_string(b, len, "mayfly_os_release", out, sizeof out), ELFNOTE_NO_NOTE);
}

/* Both readers on the first len bytes of src (of size size): the rest is poisoned meanwhile, so
 * whatever they answer, ASan sees any byte read past len. */
static void read_all(unsigned char *src, size_t len, size_t size)
{
    char abi[ELFNOTE_ABI_MAX], out[64];
    ASAN_POISON_MEMORY_REGION(src + len, size - len);
    int rc = elfnote_abi(src, len, abi, sizeof abi);
    assert_true(rc == ELFNOTE_OK || rc == ELFNOTE_NOT_ELF || rc == ELFNOTE_NO_NOTE || rc == ELFNOTE_BAD);
    if (rc == ELFNOTE_OK)
        assert_true(strlen(abi) < sizeof abi);
    rc = elfnote_symbol_string(src, len, "mayfly_os_release", out, sizeof out);
    if (rc == ELFNOTE_OK)
        assert_true(strlen(out) < sizeof out);
    ASAN_UNPOISON_MEMORY_REGION(src + len, size - len);
}

static void truncations(void **state)
{
    (void)state;
    unsigned char b[512];
    size_t len = make_elf(b, "Mayfly", 1, "1+abcdef", 9);
    for (size_t n = 0; n <= len; n++)
        read_all(b, n, sizeof b);
    char abi[ELFNOTE_ABI_MAX];
    /* cut anywhere before the note's last byte: refused */
    for (size_t n = 0; n < len - 3; n++)
        assert_int_not_equal(elfnote_abi(b, n, abi, sizeof abi), ELFNOTE_OK);
    /* the OS: its headers, and cuts spread over the rest (the symbol table is at its end) */
    size_t oslen;
    unsigned char *os = slurp("build/mayfly-os.elf", &oslen);
    for (size_t n = 0; n < 4096 && n <= oslen; n++)
        read_all(os, n, oslen);
    for (size_t n = 4096; n < oslen; n += oslen / 512 + 1)
        read_all(os, n, oslen);
    for (size_t n = oslen > 8192 ? oslen - 8192 : 0; n <= oslen; n += 7)
        read_all(os, n, oslen);
    free(os);
}

static uint64_t rng = FUZZ_SEED;
static uint64_t next_random(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

/* Byte mutations where the readers look: the headers, the note, the section headers, the symbols. */
static void mutations(void **state)
{
    (void)state;
    unsigned char small[512];
    size_t slen = make_elf(small, "Mayfly", 1, "1+abcdef", 9), oslen;
    unsigned char *os = slurp("build/mayfly-os.elf", &oslen);
    unsigned char *m = malloc(oslen), *sm = malloc(slen), at_was[4];
    size_t where[4];
    assert_non_null(m);
    assert_non_null(sm);
    memcpy(m, os, oslen);
    memcpy(sm, small, slen);
    uint64_t shoff = 0;
    for (int i = 0; i < 8; i++)
        shoff |= (uint64_t)os[40 + i] << (8 * i);
    assert_true(shoff < oslen);
    for (int round = 0; round < FUZZ_ROUNDS; round++) {
        int use_os = round & 1;
        unsigned char *buf = use_os ? m : sm;
        size_t len = use_os ? oslen : slen;
        int edits = 1 + (int)(next_random() % 4);
        for (int e = 0; e < edits; e++) {
            uint64_t r = next_random();
            size_t at;
            if (!use_os || r % 3 == 0)
                at = (size_t)(r >> 8) % (len < 512 ? len : 512);
            else if (r % 3 == 1)
                at = (size_t)(shoff + (r >> 8) % (oslen - shoff));
            else
                at = (size_t)((r >> 8) % len);
            where[e] = at;
            at_was[e] = use_os ? os[at] : small[at];
            buf[at] = (unsigned char)(r >> 40);
        }
        read_all(buf, len, len);        /* each buffer is malloc'd at its exact size */
        for (int e = edits; e-- > 0;)
            buf[where[e]] = at_was[e];
    }
    free(sm);
    free(m);
    free(os);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_build_files),
        cmocka_unit_test(small_files),
        cmocka_unit_test(truncations),
        cmocka_unit_test(mutations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
