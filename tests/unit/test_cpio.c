/* fs/cpio.c against archives written by the host's own cpio (-H newc), and against broken ones:
 * every truncation of a good archive, a bad magic, a non-hex field, a name or data past the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "../../fs/cpio.h"

static unsigned char *archive;
static size_t archive_len;

/* A directory with a subdirectory, an empty file and a 5000-byte one, archived by cpio itself. */
static int make_archive(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_cpio.XXXXXX", cmd[512];
    if (!mkdtemp(dir))
        return -1;
    snprintf(cmd, sizeof cmd,
             "cd %s && mkdir -p sub && : > empty && head -c 5000 /dev/urandom > sub/big && chmod 640 sub/big && "
             "find . | LC_ALL=C sort | cpio --quiet -o -H newc > ../test_cpio.img && cd / && rm -rf %s", dir, dir);
    if (system(cmd) != 0)
        return -1;
    FILE *f = fopen("/tmp/test_cpio.img", "rb");
    if (!f)
        return -1;
    archive = malloc(1 << 20);
    archive_len = fread(archive, 1, 1 << 20, f);
    fclose(f);
    remove("/tmp/test_cpio.img");
    return 0;
}

static int free_archive(void **state)
{
    (void)state;
    free(archive);
    return 0;
}

static void reads_what_cpio_wrote(void **state)
{
    (void)state;
    size_t pos = 0;
    struct cpio_entry e;
    char why[96];
    const char *names[8];
    int n = 0, rc, big = -1;
    while ((rc = cpio_next(archive, archive_len, &pos, &e, why, sizeof why)) == 1 && n < 8) {
        if (strcmp(e.name, "sub/big") == 0) {
            assert_int_equal(e.size, 5000);
            assert_true(S_ISREG(e.mode));
            assert_int_equal(e.mode & 0777, 0640);
            big = n;
        }
        if (strcmp(e.name, "sub") == 0)
            assert_true(S_ISDIR(e.mode));
        names[n++] = e.name;
    }
    assert_int_equal(rc, 0);
    assert_int_equal(n, 4);                     /* ".", "empty", "sub", "sub/big": GNU cpio drops the "./" */
    assert_string_equal(names[0], ".");
    assert_true(big >= 0);
}

static int walk_all(const unsigned char *buf, size_t len, char *why)
{
    size_t pos = 0;
    struct cpio_entry e;
    int rc;
    while ((rc = cpio_next(buf, len, &pos, &e, why, 96)) == 1)
        ;
    return rc;
}

static void broken_archives_are_refused(void **state)
{
    (void)state;
    char why[96];
    for (size_t cut = 0; cut < archive_len; cut += 7)    /* cpio pads to 512: the trailer comes early */
        if (walk_all(archive, cut, why) == 0)
            assert_true(cut > 110 * 4);                  /* it needs the whole trailer header at least */
    unsigned char *copy = malloc(archive_len);
    memcpy(copy, archive, archive_len);
    copy[3] = '8';
    assert_int_equal(walk_all(copy, archive_len, why), -EINVAL);
    assert_non_null(strstr(why, "magic"));
    memcpy(copy, archive, archive_len);
    copy[6 + 8 * 6] = 'z';                               /* filesize of the first entry */
    assert_int_equal(walk_all(copy, archive_len, why), -EINVAL);
    assert_non_null(strstr(why, "hexadecimal"));
    memcpy(copy, archive, archive_len);
    memcpy(copy + 6 + 8 * 6, "7fffffff", 8);             /* data past the end */
    assert_int_equal(walk_all(copy, archive_len, why), -EINVAL);
    assert_non_null(strstr(why, "data runs past"));
    memcpy(copy, archive, archive_len);
    memcpy(copy + 6 + 8 * 11, "00000001", 8);            /* namesize 1: "." is two bytes with its NUL */
    assert_int_equal(walk_all(copy, archive_len, why), -EINVAL);
    free(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_what_cpio_wrote),
        cmocka_unit_test(broken_archives_are_refused),
    };
    return cmocka_run_group_tests(tests, make_archive, free_archive);
}
