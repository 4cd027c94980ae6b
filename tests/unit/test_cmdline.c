/* kernel/cmdline.c, kernel/options.c and the network's options (net/options.c,
 * net/ipv4_parse.c): splitting, quoting, "--", keys declared by layers, option errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>
#include "../../kernel/cmdline.h"
#include "../../kernel/options.h"
#include "../../net/ipv4_parse.h"
#include "../../fs/options.h"
#include "../../net/options.h"

/* What libc/options.c gives the kernel in an image. */
const struct option_layer *const option_layers[] = { &net_option_layer, &fs_option_layer, NULL };

static char storage[8192];
#define ERR_MAX 320                     /* as kernel/main.c gives */

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

static int apply(const char *line, char *err)
{
    struct cmdline cl;
    assert_int_equal(cmdline_parse(line, storage, &cl), 0);
    return options_apply(&cl, err, ERR_MAX);
}

/* apply, then read the network's options the way net_start does. */
static int apply_net(const char *line, struct net_options *o, char *err)
{
    int rc = apply(line, err);
    if (rc == 0)
        assert_int_equal(net_options_read(o), 0);
    return rc;
}

static void known_options_apply(void **state)
{
    (void)state;
    char err[ERR_MAX];
    assert_int_equal(apply("debug env=GREETING=hi env=\"B=x y\" -- z", err), 0);
    assert_true(option_given("debug"));
    assert_null(option_value("debug"));
    assert_false(option_given("ip"));
    int pos = 0;
    assert_string_equal(option_next("env", &pos), "GREETING=hi");
    assert_string_equal(option_next("env", &pos), "B=x y");
    assert_null(option_next("env", &pos));
    assert_string_equal(option_value("env"), "B=x y");      /* the last one */
    assert_int_equal(apply("", err), 0);
    assert_false(option_given("debug"));                      /* nothing kept from before */
}

static void unknown_option_lists_every_layers_keys(void **state)
{
    (void)state;
    char err[ERR_MAX];
    assert_int_equal(apply("bogus=1", err), -EINVAL);
    assert_string_equal(err, "unknown kernel option 'bogus' (known: debug, env=NAME=VALUE, ip=dhcp|ADDR/PREFIX, "
                             "gw=ADDR, dns=ADDR, host=NAME=ADDR, mount=DEVICE:/PATH[:ro]; app arguments go after '--')");
}

static void env_is_limited(void **state)
{
    (void)state;
    char line[2048] = "", err[ERR_MAX];
    for (int i = 0; i < OPTIONS_ENV_MAX; i++)
        strcat(line, " env=A=1");
    assert_int_equal(apply(line, err), 0);
    strcat(line, " env=A=1");
    assert_int_equal(apply(line, err), -EINVAL);
    assert_string_equal(err, "kernel option 'env=A=1' is one too many: more than 64 env= options");
}

static void bad_options_are_named(void **state)
{
    (void)state;
    char err[ERR_MAX];
    assert_int_equal(apply("debug bogus=1", err), -EINVAL);
    assert_non_null(strstr(err, "unknown kernel option 'bogus'"));
    assert_int_equal(apply("debug=yes", err), -EINVAL);
    assert_non_null(strstr(err, "'debug' takes no value"));
    assert_int_equal(apply("env=NOVALUE", err), -EINVAL);
    assert_non_null(strstr(err, "kernel option 'env' wants NAME=VALUE (got 'NOVALUE')"));
    assert_int_equal(apply("env==x", err), -EINVAL);
    assert_int_equal(apply("env", err), -EINVAL);
}

static void network_options_apply(void **state)
{
    (void)state;
    struct net_options o;
    char err[ERR_MAX];
    assert_int_equal(apply_net("", &o, err), 0);
    for (int i = 0; i < NET_IFACES_MAX; i++)
        assert_false(o.iface[i].static_ip);    /* DHCP by default */
    assert_int_equal(apply_net("ip=dhcp dns=1.1.1.1", &o, err), 0);
    assert_false(o.iface[0].static_ip);
    assert_int_equal(o.ndns, 1);
    assert_memory_equal(o.dns[0], ((uint8_t[]){ 1, 1, 1, 1 }), 4);
    assert_int_equal(apply_net("ip=192.168.7.20/24 gw=192.168.7.1 dns=9.9.9.9 dns=8.8.8.8", &o, err), 0);
    assert_true(o.iface[0].static_ip);
    assert_memory_equal(o.iface[0].ip, ((uint8_t[]){ 192, 168, 7, 20 }), 4);
    assert_int_equal(o.iface[0].prefix, 24);
    assert_false(o.iface[1].static_ip);
    assert_true(o.has_gw);
    assert_memory_equal(o.gw, ((uint8_t[]){ 192, 168, 7, 1 }), 4);
    assert_int_equal(o.ndns, 2);
    assert_memory_equal(o.dns[1], ((uint8_t[]){ 8, 8, 8, 8 }), 4);
    assert_int_equal(apply_net("ip=10.0.0.1/32", &o, err), 0);
    assert_int_equal(o.iface[0].prefix, 32);
}

/* The Nth ip= is the Nth interface's; the rest use DHCP; gw= goes with the first. */
static void ip_per_interface(void **state)
{
    (void)state;
    struct net_options o;
    char err[ERR_MAX];
    assert_int_equal(apply_net("ip=dhcp ip=10.89.0.2/24 ip=10.90.0.5/16", &o, err), 0);
    assert_false(o.iface[0].static_ip);
    assert_true(o.iface[1].static_ip);
    assert_memory_equal(o.iface[1].ip, ((uint8_t[]){ 10, 89, 0, 2 }), 4);
    assert_int_equal(o.iface[1].prefix, 24);
    assert_true(o.iface[2].static_ip);
    assert_memory_equal(o.iface[2].ip, ((uint8_t[]){ 10, 90, 0, 5 }), 4);
    assert_int_equal(o.iface[2].prefix, 16);
    assert_false(o.iface[3].static_ip);
    assert_int_equal(apply_net("ip=10.0.0.1/8 ip=dhcp", &o, err), 0);
    assert_true(o.iface[0].static_ip);
    assert_false(o.iface[1].static_ip);
    assert_int_equal(apply_net("ip=10.0.2.15/24 ip=10.89.0.2/24 gw=10.0.2.2", &o, err), 0);
    assert_true(o.has_gw);
    /* a gateway needs the first interface static, whatever the others are */
    assert_int_equal(apply("ip=dhcp ip=10.89.0.2/24 gw=10.89.0.1", err), -EINVAL);
    assert_non_null(strstr(err, "kernel option 'gw' needs a static address on the first interface"));
    assert_int_equal(apply("ip=1.1.1.1/8 ip=2.2.2.2/8 ip=3.3.3.3/8 ip=dhcp", err), 0);
    assert_int_equal(apply("ip=1.1.1.1/8 ip=2.2.2.2/8 ip=3.3.3.3/8 ip=dhcp ip=10.0.0.5/24", err), -EINVAL);
    assert_string_equal(err, "kernel option 'ip=10.0.0.5/24' is one too many: more than 4 ip= options");
    assert_int_equal(apply("ip=dhcp ip=10.89.0.2/24 ip=10.89.0.300/24", err), -EINVAL);
    assert_non_null(strstr(err, "(got '10.89.0.300/24')"));
}

static void dotted_quads(void **state)
{
    (void)state;
    uint8_t a[4];
    assert_int_equal(ipv4_parse("0.0.0.0", NULL, a), 0);
    assert_int_equal(ipv4_parse("255.255.255.255", NULL, a), 0);
    assert_memory_equal(a, ((uint8_t[]){ 255, 255, 255, 255 }), 4);
    assert_int_equal(ipv4_parse("010.1.2.3", NULL, a), 0);
    assert_int_equal(a[0], 10);                    /* decimal, never octal */
    const char *s = "1.2.3.4/8";
    assert_int_equal(ipv4_parse(s, strchr(s, '/'), a), 0);
    static const char *bad[] = { "", "1.2.3", "1.2.3.4.", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.256",
                                 "0x1.2.3.4", "1.2.3.4 ", "1.2.3.0004", "a.b.c.d", "1.2.3.-4" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(ipv4_parse(bad[i], NULL, a), -EINVAL);
}

static void bad_network_options_are_named(void **state)
{
    (void)state;
    char err[ERR_MAX];
    static const char *bad[] = {
        "ip=10.0.2.15", "ip=10.0.2.15/", "ip=10.0.2.15/33", "ip=10.0.2.15/0", "ip=10.0.2.15/2x",
        "ip=256.0.0.1/8", "ip=1.2.3/8", "ip=1.2.3.4.5/8", "ip=1..2.3/8", "ip=", "ip", "ip=1.2.3.4/008",
        "ip=0001.2.3.4/8", "gw=10.0.2.2", "ip=10.0.0.2/8 gw=10.0.0", "dns=x", "dns=1.2.3.4 dns=1.2.3.5 dns=1.2.3.6",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = 0;
        assert_int_equal(apply(bad[i], err), -EINVAL);
        assert_true(strstr(err, "ip") || strstr(err, "gw") || strstr(err, "dns"));
    }
}

static void mount_options(void **state)
{
    (void)state;
    char err[ERR_MAX];
    struct mount_option m;
    assert_int_equal(apply("mount=vda:/data mount=vdb:/srv/www:ro mount=vdc:/x:rw", err), 0);
    int pos = 0, n = 0;
    char *v;
    const char *want[][2] = { { "vda", "/data" }, { "vdb", "/srv/www" }, { "vdc", "/x" } };
    while ((v = option_next("mount", &pos))) {
        assert_int_equal(mount_option_parse(v, &m), 0);
        assert_string_equal(m.device, want[n][0]);
        assert_string_equal(m.path, want[n][1]);
        assert_int_equal(m.read_only, n == 1);
        n++;
    }
    assert_int_equal(n, 3);
    static const char *bad[] = { "mount=vda", "mount=vda:", "mount=vda:/", "mount=:/data", "mount=vda:data",
                                 "mount=vda:/data:rx", "mount=longdevice:/data", "mount" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = 0;
        assert_int_equal(apply(bad[i], err), -EINVAL);
        assert_non_null(strstr(err, "mount"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(splits_kernel_options_and_app_args),
        cmocka_unit_test(network_options_apply),
        cmocka_unit_test(ip_per_interface),
        cmocka_unit_test(bad_network_options_are_named),
        cmocka_unit_test(empty_line_has_no_words),
        cmocka_unit_test(quotes_and_backslashes),
        cmocka_unit_test(second_separator_is_an_app_argument),
        cmocka_unit_test(malformed_lines_are_refused),
        cmocka_unit_test(known_options_apply),
        cmocka_unit_test(bad_options_are_named),
        cmocka_unit_test(unknown_option_lists_every_layers_keys),
        cmocka_unit_test(env_is_limited),
        cmocka_unit_test(dotted_quads),
        cmocka_unit_test(mount_options),
    };
    return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
