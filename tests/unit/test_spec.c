/* host/spec.c: every parser's accepted forms and its refusals (each naming the value), the
 * adders' maxima, --gdb and what it does not go with, and the saved form: a round trip of values
 * with tabs, newlines and backslashes, and every truncation of a saved file refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../../host/spec.h"

static char dir[] = "/tmp/test_spec.XXXXXX";
static char disk[PATH_MAX], other_disk[PATH_MAX];
static char err[SPEC_ERR_MAX];

static void touch(const char *path)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
}

/* Two disk images and a directory, for the volume and image checks. */
static int make_files(void **state)
{
    (void)state;
    if (!mkdtemp(dir))
        return -1;
    snprintf(disk, sizeof disk, "%s/data.img", dir);
    snprintf(other_disk, sizeof other_disk, "%s/other.img", dir);
    touch(disk);
    touch(other_disk);
    return 0;
}

static int remove_files(void **state)
{
    (void)state;
    char cmd[PATH_MAX + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* The refusal's sentence holds what (the value it names). */
static void refused_naming(int rc, const char *what)
{
    assert_int_equal(rc, -1);
    if (!strstr(err, what))
        fail_msg("'%s' does not name '%s'", err, what);
}

static void names(void **state)
{
    (void)state;
    assert_int_equal(spec_check_name("instance", "web", err, sizeof err), 0);
    assert_int_equal(spec_check_name("instance", "0a-b", err, sizeof err), 0);
    char longest[SPEC_NAME_MAX + 2];
    memset(longest, 'a', SPEC_NAME_MAX);
    longest[SPEC_NAME_MAX] = '\0';
    assert_int_equal(spec_check_name("instance", longest, err, sizeof err), 0);
    longest[SPEC_NAME_MAX] = 'a';
    longest[SPEC_NAME_MAX + 1] = '\0';
    refused_naming(spec_check_name("instance", longest, err, sizeof err), "1 to 63");
    refused_naming(spec_check_name("instance", "", err, sizeof err), "instance ''");
    refused_naming(spec_check_name("instance", "-web", err, sizeof err), "'-web'");
    refused_naming(spec_check_name("network", "Web", err, sizeof err), "network 'Web'");
    refused_naming(spec_check_name("instance", "a_b", err, sizeof err), "'a_b'");
    refused_naming(spec_check_name("instance", "a.b", err, sizeof err), "'a.b'");
}

static void sizes_need_a_unit(void **state)
{
    (void)state;
    uint64_t b;
    assert_int_equal(spec_parse_size("512K", &b, err, sizeof err), 0);
    assert_int_equal(b, 512u << 10);
    assert_int_equal(spec_parse_size("16M", &b, err, sizeof err), 0);
    assert_int_equal(b, 16u << 20);
    assert_int_equal(spec_parse_size("16MiB", &b, err, sizeof err), 0);
    assert_int_equal(b, 16u << 20);
    assert_int_equal(spec_parse_size("2g", &b, err, sizeof err), 0);
    assert_int_equal(b, 2ull << 30);
    assert_int_equal(spec_parse_size("1GiB", &b, err, sizeof err), 0);
    assert_int_equal(b, 1ull << 30);
    refused_naming(spec_parse_size("64", &b, err, sizeof err), "needs a unit");
    refused_naming(spec_parse_size("64", &b, err, sizeof err), "'64'");
    refused_naming(spec_parse_size("0M", &b, err, sizeof err), "'0M'");
    refused_naming(spec_parse_size("M", &b, err, sizeof err), "'M'");
    refused_naming(spec_parse_size("", &b, err, sizeof err), "''");
    refused_naming(spec_parse_size("-1M", &b, err, sizeof err), "'-1M'");
    refused_naming(spec_parse_size("16T", &b, err, sizeof err), "unknown unit 'T'");
    refused_naming(spec_parse_size("16 M", &b, err, sizeof err), "unknown unit ' M'");
    refused_naming(spec_parse_size("99999999999M", &b, err, sizeof err), "'99999999999M'");
}

static void ports(void **state)
{
    (void)state;
    struct port_map p;
    assert_int_equal(spec_parse_port("8080:80", &p, err, sizeof err), 0);
    assert_string_equal(p.host_ip, "127.0.0.1");
    assert_int_equal(p.host_port, 8080);
    assert_int_equal(p.guest_port, 80);
    assert_int_equal(p.udp, 0);
    assert_int_equal(spec_parse_port("0.0.0.0:8443:443/tcp", &p, err, sizeof err), 0);
    assert_string_equal(p.host_ip, "0.0.0.0");
    assert_int_equal(p.host_port, 8443);
    assert_int_equal(p.guest_port, 443);
    assert_int_equal(spec_parse_port("5353:53/udp", &p, err, sizeof err), 0);
    assert_int_equal(p.udp, 1);
    assert_int_equal(spec_parse_port("65535:1", &p, err, sizeof err), 0);
    char text[32];
    spec_format_port(&p, text, sizeof text);
    assert_string_equal(text, "127.0.0.1:65535->1/tcp");

    refused_naming(spec_parse_port("80", &p, err, sizeof err), "'80'");
    refused_naming(spec_parse_port("65536:80", &p, err, sizeof err), "host port '65536'");
    refused_naming(spec_parse_port("0:80", &p, err, sizeof err), "host port '0'");
    refused_naming(spec_parse_port("8080:70000", &p, err, sizeof err), "guest port '70000'");
    refused_naming(spec_parse_port("8080:", &p, err, sizeof err), "guest port ''");
    refused_naming(spec_parse_port(":80", &p, err, sizeof err), "host port ''");
    refused_naming(spec_parse_port("8080:80/sctp", &p, err, sizeof err), "'sctp'");
    refused_naming(spec_parse_port("localhost:8080:80", &p, err, sizeof err), "'localhost' is not an IPv4");
    refused_naming(spec_parse_port("1.2.3:8080:80", &p, err, sizeof err), "'1.2.3'");
    refused_naming(spec_parse_port("::1:8080:80", &p, err, sizeof err), "'::1'");
    refused_naming(spec_parse_port("80a:80", &p, err, sizeof err), "'80a'");
    char longer[SPEC_WORD_MAX + 8];
    memset(longer, '1', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    refused_naming(spec_parse_port(longer, &p, err, sizeof err), "too long");
}

static void restart_policies(void **state)
{
    (void)state;
    enum restart_policy p;
    int max;
    assert_int_equal(spec_parse_restart("no", &p, &max, err, sizeof err), 0);
    assert_int_equal(p, RESTART_NO);
    assert_int_equal(spec_parse_restart("always", &p, &max, err, sizeof err), 0);
    assert_int_equal(p, RESTART_ALWAYS);
    assert_int_equal(spec_parse_restart("on-failure", &p, &max, err, sizeof err), 0);
    assert_int_equal(p, RESTART_ON_FAILURE);
    assert_int_equal(max, 0);
    assert_int_equal(spec_parse_restart("on-failure:3", &p, &max, err, sizeof err), 0);
    assert_int_equal(p, RESTART_ON_FAILURE);
    assert_int_equal(max, 3);

    struct spec s;
    char text[32];
    spec_init(&s);
    s.restart = p;
    s.restart_max = max;
    spec_format_restart(&s, text, sizeof text);
    assert_string_equal(text, "on-failure:3");

    refused_naming(spec_parse_restart("on-failure:0", &p, &max, err, sizeof err), "'on-failure:0'");
    refused_naming(spec_parse_restart("on-failure:", &p, &max, err, sizeof err), "'on-failure:'");
    refused_naming(spec_parse_restart("on-failure:x", &p, &max, err, sizeof err), "'on-failure:x'");
    refused_naming(spec_parse_restart("on-failure:3x", &p, &max, err, sizeof err), "'on-failure:3x'");
    refused_naming(spec_parse_restart("on-failures", &p, &max, err, sizeof err), "'on-failures'");
    refused_naming(spec_parse_restart("unless-stopped", &p, &max, err, sizeof err), "'unless-stopped'");
    refused_naming(spec_parse_restart("", &p, &max, err, sizeof err), "''");
    refused_naming(spec_parse_restart("always:2", &p, &max, err, sizeof err), "'always:2'");
}

static void health_checks(void **state)
{
    (void)state;
    struct health h;
    char text[SPEC_WORD_MAX + 16];
    assert_int_equal(spec_parse_health("http:80/", &h, err, sizeof err), 0);
    assert_int_equal(h.kind, HEALTH_HTTP);
    assert_int_equal(h.port, 80);
    assert_string_equal(h.path, "/");
    assert_int_equal(spec_parse_health("http:8080", &h, err, sizeof err), 0);
    assert_string_equal(h.path, "/");
    assert_int_equal(spec_parse_health("http:80/health?full=1", &h, err, sizeof err), 0);
    assert_string_equal(h.path, "/health?full=1");
    spec_format_health(&h, text, sizeof text);
    assert_string_equal(text, "http:80/health?full=1");
    assert_int_equal(spec_parse_health("tcp:6379", &h, err, sizeof err), 0);
    assert_int_equal(h.kind, HEALTH_TCP);
    assert_int_equal(h.port, 6379);
    spec_format_health(&h, text, sizeof text);
    assert_string_equal(text, "tcp:6379");

    refused_naming(spec_parse_health("udp:53", &h, err, sizeof err), "'udp:53'");
    refused_naming(spec_parse_health("http:", &h, err, sizeof err), "'http:'");
    refused_naming(spec_parse_health("http:0/", &h, err, sizeof err), "'http:0/'");
    refused_naming(spec_parse_health("http:65536/", &h, err, sizeof err), "'http:65536/'");
    refused_naming(spec_parse_health("http:80health", &h, err, sizeof err), "must start with '/'");
    refused_naming(spec_parse_health("http:80/a b", &h, err, sizeof err), "spaces");
    refused_naming(spec_parse_health("http:80/a\tb", &h, err, sizeof err), "control");
    refused_naming(spec_parse_health("tcp:80/", &h, err, sizeof err), "takes no path");
    refused_naming(spec_parse_health("tcp:", &h, err, sizeof err), "'tcp:'");
    refused_naming(spec_parse_health("", &h, err, sizeof err), "''");
}

static void environment(void **state)
{
    (void)state;
    assert_int_equal(spec_parse_env("A=1", err, sizeof err), 0);
    assert_int_equal(spec_parse_env("_a_9=", err, sizeof err), 0);
    assert_int_equal(spec_parse_env("PATH=/bin:/usr/bin=x", err, sizeof err), 0);
    refused_naming(spec_parse_env("A", err, sizeof err), "'A' must be NAME=VALUE");
    refused_naming(spec_parse_env("=1", err, sizeof err), "'=1'");
    refused_naming(spec_parse_env("1A=1", err, sizeof err), "'1A' is not a variable name");
    refused_naming(spec_parse_env("A-B=1", err, sizeof err), "'A-B' is not a variable name");
    refused_naming(spec_parse_env("A B=1", err, sizeof err), "'A B'");
    char longer[SPEC_WORD_MAX + 1];
    memset(longer, 'x', sizeof longer - 1);
    longer[0] = 'A';
    longer[1] = '=';
    longer[sizeof longer - 1] = '\0';
    refused_naming(spec_parse_env(longer, err, sizeof err), "longer than 255");
}

static void volumes(void **state)
{
    (void)state;
    struct volume v;
    char text[PATH_MAX + 64];
    assert_int_equal(spec_parse_volume(disk, &v, err, sizeof err), 0);
    assert_string_equal(v.disk, disk);
    assert_string_equal(v.mount, "");
    assert_int_equal(v.readonly, 0);
    snprintf(text, sizeof text, "%s:/data", disk);
    assert_int_equal(spec_parse_volume(text, &v, err, sizeof err), 0);
    assert_string_equal(v.mount, "/data");
    assert_int_equal(v.readonly, 0);
    snprintf(text, sizeof text, "%s:/var/data:ro", disk);
    assert_int_equal(spec_parse_volume(text, &v, err, sizeof err), 0);
    assert_string_equal(v.disk, disk);
    assert_string_equal(v.mount, "/var/data");
    assert_int_equal(v.readonly, 1);
    snprintf(text, sizeof text, "%s:ro", disk);
    assert_int_equal(spec_parse_volume(text, &v, err, sizeof err), 0);
    assert_string_equal(v.mount, "");
    assert_int_equal(v.readonly, 1);
    snprintf(text, sizeof text, "%s/../%s/data.img", dir, strrchr(dir, '/') + 1);
    assert_int_equal(spec_parse_volume(text, &v, err, sizeof err), 0);
    assert_string_equal(v.disk, disk);              /* stored as the real path */

    snprintf(text, sizeof text, "%s/missing.img:/data", dir);
    refused_naming(spec_parse_volume(text, &v, err, sizeof err), "No such file");
    refused_naming(spec_parse_volume(dir, &v, err, sizeof err), "not a regular file");
    refused_naming(spec_parse_volume(":/data", &v, err, sizeof err), "names no disk");
    snprintf(text, sizeof text, "%s:/a b", disk);
    refused_naming(spec_parse_volume(text, &v, err, sizeof err), "mount point '/a b'");
    snprintf(text, sizeof text, "%s:/", disk);
    refused_naming(spec_parse_volume(text, &v, err, sizeof err), "below '/'");
    snprintf(text, sizeof text, "%s/a,b.img", dir);
    touch(text);
    refused_naming(spec_parse_volume(text, &v, err, sizeof err), "','");
}

static void adders_stop_at_their_maxima(void **state)
{
    (void)state;
    struct spec *s = malloc(sizeof *s);
    spec_init(s);
    for (int i = 0; i < SPEC_PORTS_MAX; i++) {
        char text[16];
        snprintf(text, sizeof text, "%d:80", 8000 + i);
        assert_int_equal(spec_add_port(s, text, err, sizeof err), 0);
    }
    refused_naming(spec_add_port(s, "9000:80", err, sizeof err), "more than 16 ports");
    refused_naming(spec_add_port(s, "x", err, sizeof err), "more than");
    assert_int_equal(s->nports, SPEC_PORTS_MAX);

    char mounted[PATH_MAX + 16];
    snprintf(mounted, sizeof mounted, "%s:/m", disk);
    for (int i = 0; i < SPEC_MOUNTS_MAX; i++)
        assert_int_equal(spec_add_volume(s, mounted, err, sizeof err), 0);
    refused_naming(spec_add_volume(s, mounted, err, sizeof err), "more than 7 volumes with a mount point");
    assert_int_equal(spec_add_volume(s, disk, err, sizeof err), 0);   /* the guest mounts this one itself */
    refused_naming(spec_add_volume(s, disk, err, sizeof err), "more than 8 volumes");

    refused_naming(spec_add_env(s, "bad", err, sizeof err), "'bad'");
    refused_naming(spec_add_env(s, "A=x\ny", err, sizeof err), "control character");
    assert_int_equal(s->nenv, 0);
    for (int i = 0; i < SPEC_ENV_MAX; i++)
        assert_int_equal(spec_add_env(s, "A=1", err, sizeof err), 0);
    refused_naming(spec_add_env(s, "A=1", err, sizeof err), "more than 32");

    assert_int_equal(spec_add_net(s, "backend", err, sizeof err), 0);
    refused_naming(spec_add_net(s, "backend", err, sizeof err), "'backend' is given twice");
    refused_naming(spec_add_net(s, "Bad", err, sizeof err), "'Bad'");
    for (int i = 1; i < SPEC_NETS_MAX; i++) {
        char name[16];
        snprintf(name, sizeof name, "n%d", i);
        assert_int_equal(spec_add_net(s, name, err, sizeof err), 0);
    }
    refused_naming(spec_add_net(s, "last", err, sizeof err), "more than 3 networks");

    refused_naming(spec_add_word(s->app, &s->napp, "app arguments", "a\nb", err, sizeof err), "control character");
    refused_naming(spec_add_word(s->kernel, &s->nkernel, "kernel options", "a\tb", err, sizeof err), "control character");
    char longer[SPEC_WORD_MAX + 1];
    memset(longer, 'w', sizeof longer - 1);
    longer[sizeof longer - 1] = '\0';
    refused_naming(spec_add_word(s->app, &s->napp, "app arguments", longer, err, sizeof err), "longer than 255");
    for (int i = 0; i < SPEC_WORDS_MAX; i++)
        assert_int_equal(spec_add_word(s->app, &s->napp, "app arguments", "w", err, sizeof err), 0);
    refused_naming(spec_add_word(s->app, &s->napp, "app arguments", "w", err, sizeof err), "more than 64 app arguments");
    free(s);
}

static void images(void **state)
{
    (void)state;
    struct spec *s = malloc(sizeof *s);
    char path[PATH_MAX + 8];
    spec_init(s);
    snprintf(path, sizeof path, "%s/./data.img", dir);
    assert_int_equal(spec_set_image(s, path, err, sizeof err), 0);
    assert_string_equal(s->image, disk);
    snprintf(path, sizeof path, "%s/none.elf", dir);
    refused_naming(spec_set_image(s, path, err, sizeof err), "none.elf': No such file");
    refused_naming(spec_set_image(s, dir, err, sizeof err), "not a regular file");
    /* what each is booted as, by its name in any case */
    assert_int_equal(spec_image_kind("/b/httpd.elf"), IMAGE_ELF);
    assert_int_equal(spec_image_kind("/b/httpd"), IMAGE_ELF);
    assert_int_equal(spec_image_kind("/b/httpd.app"), IMAGE_APP);
    assert_int_equal(spec_image_kind("/b/HTTPD.App"), IMAGE_APP);
    assert_int_equal(spec_image_kind("/b/httpd.qcow2"), IMAGE_QCOW2);
    free(s);
}

static void sizes_format(void **state)
{
    (void)state;
    char text[32];
    spec_format_size(2ull << 30, text, sizeof text);
    assert_string_equal(text, "2G");
    spec_format_size(1536ull << 20, text, sizeof text);
    assert_string_equal(text, "1536M");
    spec_format_size(512ull << 10, text, sizeof text);
    assert_string_equal(text, "512K");
}

/* A spec with every field, and values that need the saved form's escapes. */
static void full_spec(struct spec *s)
{
    spec_init(s);
    strcpy(s->name, "web-1");
    strcpy(s->image, "/tmp/a dir/with\ttab\\and\nnewline.elf");
    strcpy(s->os, "/state/os/mayfly-os-1+ab\tc d.elf");
    s->mem_bytes = 48ull << 20;
    assert_int_equal(spec_parse_restart("on-failure:5", &s->restart, &s->restart_max, err, sizeof err), 0);
    assert_int_equal(spec_parse_health("http:8080/health", &s->health, err, sizeof err), 0);
    assert_int_equal(spec_add_port(s, "8080:80", err, sizeof err), 0);
    assert_int_equal(spec_add_port(s, "0.0.0.0:5353:53/udp", err, sizeof err), 0);
    char text[PATH_MAX + 16];
    snprintf(text, sizeof text, "%s:/data:ro", disk);
    assert_int_equal(spec_add_volume(s, text, err, sizeof err), 0);
    assert_int_equal(spec_add_volume(s, other_disk, err, sizeof err), 0);
    memset(s->volumes[1].disk, 0, sizeof s->volumes[1].disk);     /* the round trip compares bytes */
    strcpy(s->volumes[1].disk, "/odd\\path\twith\nall");
    assert_int_equal(spec_add_env(s, "GREETING=hello world \"bye\\", err, sizeof err), 0);
    assert_int_equal(spec_add_env(s, "EMPTY=", err, sizeof err), 0);
    assert_int_equal(spec_add_net(s, "backend", err, sizeof err), 0);
    assert_int_equal(spec_add_word(s->kernel, &s->nkernel, "kernel options", "debug", err, sizeof err), 0);
    assert_int_equal(spec_add_word(s->kernel, &s->nkernel, "kernel options", "ip=10.0.2.15/24", err, sizeof err), 0);
    assert_int_equal(spec_add_word(s->app, &s->napp, "app arguments", "--grace", err, sizeof err), 0);
    assert_int_equal(spec_add_word(s->app, &s->napp, "app arguments", "a b \\c\\\\", err, sizeof err), 0);
    assert_int_equal(spec_add_word(s->app, &s->napp, "app arguments", "", err, sizeof err), 0);
    assert_int_equal(spec_add_word(s->app, &s->napp, "app arguments", " lead", err, sizeof err), 0);
    s->replicas = 3;
    s->on_demand = 1;
    s->idle_s = 45;
    s->warm = 2;
}

/* spec_save's text of s, in a heap buffer the caller frees. */
static char *saved(const struct spec *s, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    assert_non_null(f);
    assert_int_equal(spec_save(s, f), 0);
    fclose(f);
    return text;
}

static int load_text(struct spec *s, const char *text, size_t len)
{
    FILE *f = fmemopen((void *)text, len, "r");
    if (len == 0)
        f = fopen("/dev/null", "r");
    assert_non_null(f);
    int rc = spec_load(s, f, err, sizeof err);
    fclose(f);
    return rc;
}

static void save_load_round_trip(void **state)
{
    (void)state;
    struct spec *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    full_spec(a);
    size_t len;
    char *text = saved(a, &len);
    assert_int_equal(load_text(b, text, len), 0);
    assert_memory_equal(a, b, sizeof *a);
    /* and the same again from what b saves */
    size_t len2;
    char *text2 = saved(b, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(text, text2, len);
    free(text2);
    free(text);

    full_spec(a);                   /* one instance per request, in place of on demand */
    a->on_demand = a->idle_s = 0;
    a->per_request = 1;
    text = saved(a, &len);
    assert_int_equal(load_text(b, text, len), 0);
    assert_memory_equal(a, b, sizeof *a);
    free(text);

    spec_init(a);                   /* the least a spec holds: a name and an image */
    strcpy(a->name, "a");
    strcpy(a->image, "/i");
    text = saved(a, &len);
    assert_int_equal(load_text(b, text, len), 0);
    assert_memory_equal(a, b, sizeof *a);
    free(text);
    free(a);
    free(b);
}

/* --gdb [IP:]PORT: the address (127.0.0.1 unless given), the refusals naming the value, what it does
 * not go with (naming both flags), and the saved form. */
static void gdb_stubs(void **state)
{
    (void)state;
    struct gdb_stub g;
    char text[64];
    assert_int_equal(spec_parse_gdb("1234", &g, err, sizeof err), 0);
    assert_string_equal(g.ip, "127.0.0.1");
    assert_int_equal(g.port, 1234);
    spec_format_gdb(&g, text, sizeof text);
    assert_string_equal(text, "127.0.0.1:1234");
    assert_int_equal(spec_parse_gdb("0.0.0.0:65535", &g, err, sizeof err), 0);
    assert_string_equal(g.ip, "0.0.0.0");
    assert_int_equal(g.port, 65535);
    assert_int_equal(spec_parse_gdb("10.1.2.3:1", &g, err, sizeof err), 0);
    spec_format_gdb(&g, text, sizeof text);
    assert_string_equal(text, "10.1.2.3:1");

    refused_naming(spec_parse_gdb("0", &g, err, sizeof err), "port '0'");
    assert_int_equal(g.port, 0);                    /* a refusal leaves no stub */
    refused_naming(spec_parse_gdb("65536", &g, err, sizeof err), "port '65536'");
    refused_naming(spec_parse_gdb("70000", &g, err, sizeof err), "--gdb '70000'");
    refused_naming(spec_parse_gdb("abc", &g, err, sizeof err), "port 'abc'");
    refused_naming(spec_parse_gdb("12ab", &g, err, sizeof err), "port '12ab'");
    refused_naming(spec_parse_gdb("-1", &g, err, sizeof err), "port '-1'");
    refused_naming(spec_parse_gdb("", &g, err, sizeof err), "--gdb ''");
    refused_naming(spec_parse_gdb("127.0.0.1:", &g, err, sizeof err), "port ''");
    refused_naming(spec_parse_gdb(":1234", &g, err, sizeof err), "'' is not an IPv4 address");
    refused_naming(spec_parse_gdb("300.1.1.1:1234", &g, err, sizeof err), "'300.1.1.1'");
    refused_naming(spec_parse_gdb("localhost:1234", &g, err, sizeof err), "'localhost'");
    refused_naming(spec_parse_gdb("::1:1234", &g, err, sizeof err), "'::1'");
    g.port = 0;
    spec_format_gdb(&g, text, sizeof text);
    assert_string_equal(text, "");

    /* a front or a health check: refused, naming --gdb and the other flag */
    struct spec *s = malloc(sizeof *s);
    spec_init(s);
    strcpy(s->name, "dbg");
    assert_int_equal(spec_check_gdb(s, err, sizeof err), 0);         /* no --gdb: nothing to check */
    s->replicas = 2;
    assert_int_equal(spec_check_gdb(s, err, sizeof err), 0);
    assert_int_equal(spec_parse_gdb("1234", &s->gdb, err, sizeof err), 0);
    refused_naming(spec_check_gdb(s, err, sizeof err), "--replicas");
    assert_non_null(strstr(err, "--gdb"));
    s->replicas = 0;
    assert_int_equal(spec_check_gdb(s, err, sizeof err), 0);
    s->per_request = 1;
    refused_naming(spec_check_gdb(s, err, sizeof err), "--per-request");
    s->per_request = 0;
    s->warm = 1;
    s->on_demand = 1;                               /* as run sets it for a warm pool */
    refused_naming(spec_check_gdb(s, err, sizeof err), "--warm");
    s->warm = 0;
    refused_naming(spec_check_gdb(s, err, sizeof err), "--on-demand");
    assert_non_null(strstr(err, "--gdb"));
    s->on_demand = 0;
    assert_int_equal(spec_parse_health("tcp:80", &s->health, err, sizeof err), 0);
    refused_naming(spec_check_gdb(s, err, sizeof err), "--health");
    assert_non_null(strstr(err, "--gdb"));
    memset(&s->health, 0, sizeof s->health);
    s->restart = RESTART_ALWAYS;                    /* a restart policy is fine: no health check decides it */
    assert_int_equal(spec_check_gdb(s, err, sizeof err), 0);

    /* the monitor reads it back from the saved spec */
    strcpy(s->image, "/i.elf");
    assert_int_equal(spec_parse_gdb("0.0.0.0:4321", &s->gdb, err, sizeof err), 0);
    size_t len;
    char *saved_text = saved(s, &len);
    assert_non_null(strstr(saved_text, "\ngdb 0.0.0.0:4321\n"));
    struct spec *b = malloc(sizeof *b);
    assert_int_equal(load_text(b, saved_text, len), 0);
    assert_memory_equal(s, b, sizeof *s);
    free(saved_text);
    /* and a saved spec with a broken one is refused */
    const char bad[] = "name dbg\nimage /i.elf\ngdb 127.0.0.1:0\nend\n";
    refused_naming(load_text(b, bad, sizeof bad - 1), "port '0'");
    free(b);
    free(s);
}

/* How many serve, how many instances a front may use, and what a front refuses. */
static void fronts_count_their_instances(void **state)
{
    (void)state;
    struct spec *s = malloc(sizeof *s);
    spec_init(s);
    strcpy(s->name, "web");
    assert_int_equal(spec_has_front(s), 0);
    assert_int_equal(spec_replica_count(s), 0);
    s->on_demand = 1;
    assert_int_equal(spec_has_front(s), 1);
    assert_int_equal(spec_replica_count(s), 1);
    assert_int_equal(spec_slot_count(s), 2);         /* one serving, one for an update */
    s->warm = 3;
    assert_int_equal(spec_slot_count(s), 5);
    s->on_demand = 0;
    s->per_request = 1;
    assert_int_equal(spec_replica_count(s), SPEC_PER_REQUEST_REPLICAS);
    s->replicas = 29;
    assert_int_equal(spec_check_front(s, err, sizeof err), 0);
    assert_int_equal(spec_slot_count(s), 61);
    s->replicas = 30;                                /* 30 + 3 warm */
    assert_int_equal(spec_check_front(s, err, sizeof err), -1);
    assert_non_null(strstr(err, "together may be at most 32"));
    s->replicas = 2;
    s->on_demand = 1;
    assert_int_equal(spec_check_front(s, err, sizeof err), -1);
    assert_non_null(strstr(err, "--per-request"));
    free(s);
}

static void truncated_and_broken_files_are_refused(void **state)
{
    (void)state;
    struct spec *a = malloc(sizeof *a), *b = malloc(sizeof *b);
    full_spec(a);
    size_t len;
    char *text = saved(a, &len);
    for (size_t cut = 0; cut < len; cut++)
        if (load_text(b, text, cut) == 0)
            fail_msg("a file cut to %zu of %zu bytes was loaded", cut, len);
    assert_int_equal(load_text(b, text, len - 1), -1);
    assert_non_null(strstr(err, "cut short"));
    assert_int_equal(load_text(b, text, 0), -1);
    assert_non_null(strstr(err, "ends before"));

    static const char *const broken[] = {
        "name a\nimage /i\nbogus 1\nend\n",             /* an unknown key */
        "name a\nimage /i\nmem 12x\nend\n",
        "name a\nimage /i\nmem \nend\n",
        "name a\nimage /i\nmem -1\nend\n",
        "name a\nimage /i\nport 8080\nend\n",
        "name a\nimage /i\nrestart sometimes\nend\n",
        "name a\nimage /i\nenv A\nend\n",
        "name a\nimage /i\nvolume-mount /data\nend\n",  /* a mount before its disk */
        "name a\nimage /i\napp bad\\qescape\nend\n",
        "name a\nimage /i\napp trailing\\\nend\n",
        "name a\nimage /i\nnoval\nend\n",
        "image /i\nend\n",                              /* no name */
        "name a\nend\n",                                /* no image */
        "name a\nimage /i\nos os.elf\nend\n",           /* an OS not by its absolute path */
        "name a\nimage /i\nos /a,b.elf\nend\n",         /* a ',' QEMU would read as an option */
    };
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++)
        if (load_text(b, broken[i], strlen(broken[i])) == 0)
            fail_msg("loaded broken file %zu", i);
    assert_int_equal(load_text(b, broken[4], strlen(broken[4])), -1);
    assert_non_null(strstr(err, "line 3 (port)"));
    free(text);
    free(a);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names),
        cmocka_unit_test(sizes_need_a_unit),
        cmocka_unit_test(ports),
        cmocka_unit_test(restart_policies),
        cmocka_unit_test(health_checks),
        cmocka_unit_test(environment),
        cmocka_unit_test(volumes),
        cmocka_unit_test(adders_stop_at_their_maxima),
        cmocka_unit_test(images),
        cmocka_unit_test(sizes_format),
        cmocka_unit_test(save_load_round_trip),
        cmocka_unit_test(fronts_count_their_instances),
        cmocka_unit_test(gdb_stubs),
        cmocka_unit_test(truncated_and_broken_files_are_refused),
    };
    return cmocka_run_group_tests(tests, make_files, remove_files);
}
