/* kernel/cmdline.c and kernel/options.c: splitting, quoting, "--", option errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include "../../kernel/cmdline.h"
#include "../../kernel/options.h"

static char storage[8192];

static void splits_kernel_options_and_app_args(void **state)
{
    (void)state;
    struct cmdline cl;
    assert_int_equal(cmdline_parse("  debug env=A=1 -- one  two ", storage, &cl), 0);
    assert_int_equal(cl.nkernel_opts, 2);
    assert_string_equal(cl.kernel_opts[0], "debug");
    assert_string_equal(cl.kernel_opts[1], "env=A=1");
    assert_int_equal(cl.napp_args, 2);
    assert_string_equal(cl.app_args[0], "one");
    assert_string_equal(cl.app_args[1], "two");
}

static void empty_line_has_no_words(void **state)
{
    (void)state;
    struct cmdline cl;
    assert_int_equal(cmdline_parse("", storage, &cl), 0);
    assert_int_equal(cl.nkernel_opts + cl.napp_args, 0);
    assert_int_equal(cmdline_parse(" \t ", storage, &cl), 0);
    assert_int_equal(cl.nkernel_opts + cl.napp_args, 0);
}

static void quotes_and_backslashes(void **state)
{
    (void)state;
    struct cmdline cl;
    assert_int_equal(cmdline_parse("-- \"two words\" a\\ b \"say \\\"hi\\\"\" \"\" x\"y\"z", storage, &cl), 0);
    assert_int_equal(cl.napp_args, 5);
    assert_string_equal(cl.app_args[0], "two words");
    assert_string_equal(cl.app_args[1], "a b");
    assert_string_equal(cl.app_args[2], "say \"hi\"");
    assert_string_equal(cl.app_args[3], "");
    assert_string_equal(cl.app_args[4], "xyz");
}

static void second_separator_is_an_app_argument(void **state)
{
    (void)state;
    struct cmdline cl;
    assert_int_equal(cmdline_parse("-- a -- b \"--\"", storage, &cl), 0);
    assert_int_equal(cl.nkernel_opts, 0);
    assert_int_equal(cl.napp_args, 4);
    assert_string_equal(cl.app_args[1], "--");
}

static void malformed_lines_are_refused(void **state)
{
    (void)state;
    struct cmdline cl;
    assert_int_equal(cmdline_parse("-- \"unterminated", storage, &cl), -EINVAL);
    assert_int_equal(cmdline_parse("trailing\\", storage, &cl), -EINVAL);
    char many[4096] = "--";
    for (int i = 0; i < CMDLINE_MAX_WORDS + 1; i++)
        strcat(many, " w");
    assert_int_equal(cmdline_parse(many, storage, &cl), -E2BIG);
}

static int apply(const char *line, struct kernel_options *o, char *err)
{
    struct cmdline cl;
    assert_int_equal(cmdline_parse(line, storage, &cl), 0);
    return options_apply(&cl, o, err, 160);
}

static void known_options_apply(void **state)
{
    (void)state;
    struct kernel_options o;
    char err[160];
    assert_int_equal(apply("debug env=GREETING=hi env=\"B=x y\" -- z", &o, err), 0);
    assert_true(o.debug);
    assert_int_equal(o.nenv, 2);
    assert_string_equal(o.env[0], "GREETING=hi");
    assert_string_equal(o.env[1], "B=x y");
    assert_null(o.env[2]);
}

static void bad_options_are_named(void **state)
{
    (void)state;
    struct kernel_options o;
    char err[160];
    assert_int_equal(apply("debug bogus=1", &o, err), -EINVAL);
    assert_non_null(strstr(err, "unknown kernel option 'bogus'"));
    assert_int_equal(apply("debug=yes", &o, err), -EINVAL);
    assert_non_null(strstr(err, "'debug' takes no value"));
    assert_int_equal(apply("env=NOVALUE", &o, err), -EINVAL);
    assert_int_equal(apply("env==x", &o, err), -EINVAL);
    assert_int_equal(apply("env", &o, err), -EINVAL);
}

static void network_options_apply(void **state)
{
    (void)state;
    struct kernel_options o;
    char err[160];
    assert_int_equal(apply("", &o, err), 0);
    assert_false(o.net.static_ip);                 /* DHCP by default */
    assert_int_equal(apply("ip=dhcp dns=1.1.1.1", &o, err), 0);
    assert_false(o.net.static_ip);
    assert_int_equal(o.net.ndns, 1);
    assert_memory_equal(o.net.dns[0], ((uint8_t[]){ 1, 1, 1, 1 }), 4);
    assert_int_equal(apply("ip=192.168.7.20/24 gw=192.168.7.1 dns=9.9.9.9 dns=8.8.8.8", &o, err), 0);
    assert_true(o.net.static_ip);
    assert_memory_equal(o.net.ip, ((uint8_t[]){ 192, 168, 7, 20 }), 4);
    assert_int_equal(o.net.prefix, 24);
    assert_true(o.net.has_gw);
    assert_memory_equal(o.net.gw, ((uint8_t[]){ 192, 168, 7, 1 }), 4);
    assert_int_equal(o.net.ndns, 2);
    assert_memory_equal(o.net.dns[1], ((uint8_t[]){ 8, 8, 8, 8 }), 4);
    assert_int_equal(apply("ip=10.0.0.1/32", &o, err), 0);
    assert_int_equal(o.net.prefix, 32);
}

static void bad_network_options_are_named(void **state)
{
    (void)state;
    struct kernel_options o;
    char err[160];
    static const char *bad[] = {
        "ip=10.0.2.15", "ip=10.0.2.15/", "ip=10.0.2.15/33", "ip=10.0.2.15/0", "ip=10.0.2.15/2x",
        "ip=256.0.0.1/8", "ip=1.2.3/8", "ip=1.2.3.4.5/8", "ip=1..2.3/8", "ip=", "ip", "ip=1.2.3.4/008",
        "ip=0001.2.3.4/8", "gw=10.0.2.2", "ip=10.0.0.2/8 gw=10.0.0", "dns=x", "dns=1.2.3.4 dns=1.2.3.5 dns=1.2.3.6",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = 0;
        assert_int_equal(apply(bad[i], &o, err), -EINVAL);
        assert_true(strstr(err, "ip") || strstr(err, "gw") || strstr(err, "dns"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(splits_kernel_options_and_app_args),
        cmocka_unit_test(network_options_apply),
        cmocka_unit_test(bad_network_options_are_named),
        cmocka_unit_test(empty_line_has_no_words),
        cmocka_unit_test(quotes_and_backslashes),
        cmocka_unit_test(second_separator_is_an_app_argument),
        cmocka_unit_test(malformed_lines_are_refused),
        cmocka_unit_test(known_options_apply),
        cmocka_unit_test(bad_options_are_named),
    };
    return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
