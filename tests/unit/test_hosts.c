/* net/hosts.c: the host=NAME=ADDR kernel options, their checks at boot (net/options.c) and the
 * lookup getaddrinfo makes before DNS. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../../kernel/cmdline.h"
#include "../../kernel/options.h"
#include "../../net/hosts.h"
#include "../../net/options.h"

const struct option_layer *const option_layers[] = { &net_option_layer, NULL };

#define ERR_MAX 320                     /* as kernel/main.c gives */
static char storage[8192];
static char err[ERR_MAX];

static int apply(const char *line)
{
    struct cmdline cl;
    err[0] = '\0';
    assert_int_equal(cmdline_parse(line, storage, &cl), 0);
    return options_apply(&cl, err, sizeof err);
}

static void good_names(void **state)
{
    (void)state;
    static const char *good[] = { "db", "a", "cache-1", "Other.Name", "x.y.z", "1host", "-odd-", "123",
                                  "a23456789012345678901234567890123456789012345678901234567890123" };
    struct net_host h;
    char value[128];
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        assert_true(net_hostname_valid(good[i], strlen(good[i])));
        snprintf(value, sizeof value, "%s=10.89.0.3", good[i]);
        assert_int_equal(net_host_parse(value, &h), 0);
        assert_string_equal(h.name, good[i]);
        assert_memory_equal(h.addr, ((uint8_t[]){ 10, 89, 0, 3 }), 4);
    }
    assert_int_equal(apply("host=db=10.89.0.3 host=cache=10.89.0.4 host=Other.Name=192.0.2.7 -- x"), 0);
}

static void bad_names(void **state)
{
    (void)state;
    static const char *bad[] = { "", "bad_name", "a b", ".lead", "trail.", "a..b", "caf\xc3\xa9", "a/b", "a:b",
                                 "1.2.3.4", "10.89.0.3", "a234567890123456789012345678901234567890123456789012345678901234" };
    struct net_host h;
    char line[160];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_false(net_hostname_valid(bad[i], strlen(bad[i])));
        snprintf(line, sizeof line, "host=\"%s=10.0.0.1\"", bad[i]);
        assert_int_equal(apply(line), -EINVAL);
        assert_non_null(strstr(err, "kernel option 'host' wants a host name of 1-63 letters, digits, '-' and '.'"));
        assert_non_null(strstr(err, bad[i]));
        assert_int_equal(net_host_parse(line + strlen("host=\""), &h), -EINVAL);
    }
    assert_int_equal(apply("host=db"), -EINVAL);
    assert_string_equal(err, "kernel option 'host' wants NAME=ADDR, as in host=db=10.89.0.3 (got 'db')");
    assert_int_equal(apply("host"), -EINVAL);
    assert_non_null(strstr(err, "kernel option 'host' wants NAME=ADDR"));
}

static void bad_addresses(void **state)
{
    (void)state;
    static const char *bad[] = { "db=", "db=10.89.0", "db=10.89.0.256", "db=10.89.0.3/24", "db=10.89.0.3=x",
                                 "db=0x0a.1.2.3", "db=db", "db=10.89.0.3 " };
    struct net_host h;
    char line[160];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(net_host_parse(bad[i], &h), -EINVAL);
        snprintf(line, sizeof line, "host=\"%s\"", bad[i]);
        assert_int_equal(apply(line), -EINVAL);
        assert_non_null(strstr(err, "kernel option 'host' wants an IPv4 address after the name"));
        assert_non_null(strstr(err, bad[i]));
    }
}

static void lookup_ignores_case(void **state)
{
    (void)state;
    struct net_host h;
    assert_int_equal(apply("host=peer=10.0.2.2 host=Other.Name=192.0.2.7"), 0);
    assert_int_equal(net_hosts_lookup("peer", &h), 0);
    assert_memory_equal(h.addr, ((uint8_t[]){ 10, 0, 2, 2 }), 4);
    assert_int_equal(net_hosts_lookup("PEER", &h), 0);
    assert_string_equal(h.name, "peer");
    assert_int_equal(net_hosts_lookup("other.name", &h), 0);
    assert_string_equal(h.name, "Other.Name");     /* as the command line writes it */
    assert_memory_equal(h.addr, ((uint8_t[]){ 192, 0, 2, 7 }), 4);
    assert_int_equal(net_hosts_lookup("OTHER.NAME", &h), 0);
}

static void first_entry_wins(void **state)
{
    (void)state;
    struct net_host h;
    assert_int_equal(apply("host=db=10.89.0.3 host=DB=10.89.0.9"), 0);
    assert_int_equal(net_hosts_lookup("Db", &h), 0);
    assert_memory_equal(h.addr, ((uint8_t[]){ 10, 89, 0, 3 }), 4);
}

static void unknown_names_fall_through(void **state)
{
    (void)state;
    struct net_host h;
    assert_int_equal(apply("host=peer=10.0.2.2 dns=10.0.2.3"), 0);
    static const char *unknown[] = { "pee", "peers", "peer.", "peer.local", "example.com", "", "10.0.2.2", "bad_name",
                                     "a234567890123456789012345678901234567890123456789012345678901234" };
    for (size_t i = 0; i < sizeof unknown / sizeof *unknown; i++)
        assert_int_equal(net_hosts_lookup(unknown[i], &h), -ENOENT);
    assert_int_equal(apply(""), 0);
    assert_int_equal(net_hosts_lookup("peer", &h), -ENOENT);   /* no host= words: DNS alone */
}

static void table_is_limited(void **state)
{
    (void)state;
    char line[4096] = "";
    for (int i = 0; i < NET_HOSTS_MAX; i++)
        snprintf(line + strlen(line), sizeof line - strlen(line), " host=h%d=10.1.0.%d", i, i);
    assert_int_equal(apply(line), 0);
    struct net_host h;
    assert_int_equal(net_hosts_lookup("H63", &h), 0);
    assert_memory_equal(h.addr, ((uint8_t[]){ 10, 1, 0, 63 }), 4);
    strcat(line, " host=one-more=10.1.1.1");
    assert_int_equal(apply(line), -EINVAL);
    assert_string_equal(err, "kernel option 'host=one-more=10.1.1.1' is one too many: more than 64 host= options");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(good_names),
        cmocka_unit_test(bad_names),
        cmocka_unit_test(bad_addresses),
        cmocka_unit_test(lookup_ignores_case),
        cmocka_unit_test(first_entry_wins),
        cmocka_unit_test(unknown_names_fall_through),
        cmocka_unit_test(table_is_limited),
    };
    return cmocka_run_group_tests_name("hosts", tests, NULL, NULL);
}
