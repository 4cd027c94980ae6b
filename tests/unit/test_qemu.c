/* host/qemu.c: QEMU's command line for run --gdb (the stub on the address given, the CPU halted at
 * reset, TCG unless ACCEL names an accelerator) and without it (no stub, the probe's accelerator). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include "../../host/qemu.h"

static struct qemu_cmd cmd;
static char err[SPEC_ERR_MAX];
static char kvm[][64] = { "-accel", "kvm", "-cpu", "host" };

/* The index of word in the command line, or -1. */
static int find(const char *word)
{
    for (int i = 0; i < cmd.argc; i++)
        if (strcmp(cmd.argv[i], word) == 0)
            return i;
    return -1;
}

/* The word after flag, which must be there. */
static const char *after(const char *flag)
{
    int i = find(flag);
    if (i < 0 || i + 1 >= cmd.argc)
        fail_msg("no '%s' in QEMU's command line", flag);
    return cmd.argv[i + 1];
}

static void build(const struct spec *s)
{
    if (qemu_build(s, kvm, 4, "/tmp/q.sock", 0, &cmd, err, sizeof err) != 0)
        fail_msg("qemu_build refused: %s", err);
    assert_null(cmd.argv[cmd.argc]);
}

static void elf_spec(struct spec *s, const char *gdb)
{
    spec_init(s);
    strcpy(s->name, "dbg");
    strcpy(s->image, "/srv/hello.elf");
    if (gdb)
        assert_int_equal(spec_parse_gdb(gdb, &s->gdb, err, sizeof err), 0);
}

static void without_gdb_no_stub_and_the_probes_accelerator(void **state)
{
    (void)state;
    static struct spec s;
    unsetenv("ACCEL");
    elf_spec(&s, NULL);
    build(&s);
    assert_int_equal(find("-gdb"), -1);
    assert_int_equal(find("-S"), -1);
    assert_string_equal(after("-accel"), "kvm");
    assert_string_equal(after("-cpu"), "host");
    assert_int_equal(qemu_gdb_tcg(&s), 0);
}

static void gdb_stub_halted_under_tcg(void **state)
{
    (void)state;
    static struct spec s;
    unsetenv("ACCEL");
    elf_spec(&s, "4321");
    build(&s);
    assert_string_equal(after("-gdb"), "tcp:127.0.0.1:4321");
    assert_true(find("-S") > 0);
    assert_string_equal(after("-accel"), "tcg");
    assert_int_equal(find("-cpu"), -1);             /* (-cpu host is KVM's) */
    assert_int_equal(find("kvm"), -1);
    assert_string_equal(after("-kernel"), "/srv/hello.elf");

    elf_spec(&s, "0.0.0.0:1234");                  /* every address, when asked */
    build(&s);
    assert_string_equal(after("-gdb"), "tcp:0.0.0.0:1234");
}

/* ACCEL=kvm (or tcg) is the user's choice, as scripts/run --gdb has it: the words given are kept. */
static void gdb_keeps_an_accelerator_asked_for(void **state)
{
    (void)state;
    static struct spec s;
    setenv("ACCEL", "kvm", 1);
    elf_spec(&s, "1234");
    build(&s);
    assert_int_equal(qemu_gdb_tcg(&s), 0);
    assert_string_equal(after("-accel"), "kvm");
    assert_string_equal(after("-gdb"), "tcp:127.0.0.1:1234");
    assert_true(find("-S") > 0);
    setenv("ACCEL", "bogus", 1);                    /* not an accelerator: TCG as without it */
    assert_int_equal(qemu_gdb_tcg(&s), 1);
    unsetenv("ACCEL");
}

/* A module under --gdb: the shared OS boots with the module as its initrd, halted the same way. */
static void gdb_with_a_module(void **state)
{
    (void)state;
    static struct spec s;
    unsetenv("ACCEL");
    elf_spec(&s, "10.0.0.1:2345");
    strcpy(s.image, "/srv/hello.app");
    strcpy(s.os, "/state/os/mayfly-os.elf");
    build(&s);
    assert_string_equal(after("-gdb"), "tcp:10.0.0.1:2345");
    assert_true(find("-S") > 0);
    assert_string_equal(after("-kernel"), "/state/os/mayfly-os.elf");
    assert_string_equal(after("-initrd"), "/srv/hello.app");
    assert_string_equal(after("-accel"), "tcg");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(without_gdb_no_stub_and_the_probes_accelerator),
        cmocka_unit_test(gdb_stub_halted_under_tcg),
        cmocka_unit_test(gdb_keeps_an_accelerator_asked_for),
        cmocka_unit_test(gdb_with_a_module),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
