/* host/export.c: the libvirt domain of an instance. Its text is escaped, its command line reads
 * back through the kernel's own parser (kernel/cmdline.c) as the words the spec holds, one
 * interface per network, disk images boot from disks; refusals write nothing. The produced XML
 * is checked against libvirt's schema when virt-xml-validate is installed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../../host/export.h"
#include "../../kernel/cmdline.h"

#define VALIDATOR "/usr/bin/virt-xml-validate"
#define XMLLINT "/usr/bin/xmllint"          /* virt-xml-validate runs it, and Debian's libvirt-clients does not pull it */

static char err[SPEC_ERR_MAX];

/* export_libvirt's output into a heap string (the caller frees it); its return code in *rc. */
static char *exported(const struct spec *s, const char *accel, int *rc)
{
    char *text = NULL;
    size_t len;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    *rc = export_libvirt(s, accel, f, err, sizeof err);
    fclose(f);
    return text;
}

static char *exported_ok(const struct spec *s, const char *accel)
{
    int rc;
    char *xml = exported(s, accel, &rc);
    if (rc != 0)
        fail_msg("refused: %s", err);
    return xml;
}

static void has(const char *xml, const char *part)
{
    if (!strstr(xml, part))
        fail_msg("no '%s' in:\n%s", part, xml);
}

static int count(const char *xml, const char *part)
{
    int n = 0;
    for (const char *p = xml; (p = strstr(p, part)); p += strlen(part))
        n++;
    return n;
}

/* The text between <tag> and </tag>, with XML's escapes undone, into out. */
static void element_text(const char *xml, const char *tag, char *out, size_t size)
{
    char open[32], close[32];
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    const char *p = strstr(xml, open), *end = strstr(xml, close);
    assert_non_null(p);
    assert_non_null(end);
    static const struct { const char *entity; char c; } entities[] = {
        { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&apos;", '\'' }, { "&quot;", '"' },
    };
    size_t n = 0;
    for (p += strlen(open); p < end && n + 1 < size;) {
        size_t i = 0;
        while (i < sizeof entities / sizeof entities[0] && strncmp(p, entities[i].entity, strlen(entities[i].entity)))
            i++;
        if (i < sizeof entities / sizeof entities[0]) {
            out[n++] = entities[i].c;
            p += strlen(entities[i].entity);
        } else if (strncmp(p, "&#", 2) == 0) {
            char *semi;
            out[n++] = (char)strtol(p + 2, &semi, 10);
            assert_int_equal(*semi, ';');
            p = semi + 1;
        } else {
            assert_true(*p != '&' && *p != '<');
            out[n++] = *p++;
        }
    }
    out[n] = '\0';
}

/* An ELF instance with words that need quoting, in each place words go. */
static void elf_spec(struct spec *s)
{
    spec_init(s);
    strcpy(s->name, "web");
    strcpy(s->image, "/srv/mayfly & co/httpd.elf");
    s->mem_bytes = 16u << 20;
    strcpy(s->kernel[s->nkernel++], "debug");
    strcpy(s->kernel[s->nkernel++], "--");              /* only spec_add_word's callers keep it out */
    strcpy(s->kernel[s->nkernel++], "host=db=10.0.0.2");
    strcpy(s->env[s->nenv++], "GREETING=hello \"world\"");
    strcpy(s->env[s->nenv++], "MULTI=line one\nline\ttwo");
    strcpy(s->env[s->nenv++], "PATHS=C:\\dir");
    s->nvolumes = 2;
    strcpy(s->volumes[0].disk, "/srv/data.img");
    strcpy(s->volumes[0].mount, "/data");
    s->volumes[0].readonly = 1;
    strcpy(s->volumes[1].disk, "/srv/it's <raw>.img");
    strcpy(s->volumes[1].mount, "/var/my dir");
    strcpy(s->app[s->napp++], "--grace");
    strcpy(s->app[s->napp++], "1");
    strcpy(s->app[s->napp++], "two words");
    strcpy(s->app[s->napp++], "");
    strcpy(s->app[s->napp++], "--");
    strcpy(s->app[s->napp++], "back\\slash\"quote");
    strcpy(s->app[s->napp++], "<&>");
    strcpy(s->nets[s->nnets++], "backend");
    strcpy(s->nets[s->nnets++], "front&back");
    assert_int_equal(spec_add_port(s, "8080:80", err, sizeof err), 0);
    s->restart = RESTART_ALWAYS;
}

static void elf_domain(void **state)
{
    (void)state;
    struct spec *s = malloc(sizeof *s);
    elf_spec(s);
    char *xml = exported_ok(s, "kvm");
    has(xml, "<domain type='kvm'>");
    has(xml, "<name>web</name>");
    has(xml, "<memory unit='KiB'>16384</memory>");
    has(xml, "<vcpu>1</vcpu>");
    has(xml, "<type arch='x86_64' machine='pc'>hvm</type>");
    has(xml, "<kernel>/srv/mayfly &amp; co/httpd.elf</kernel>");
    has(xml, "<on_poweroff>destroy</on_poweroff>");
    has(xml, "<acpi/>");
    has(xml, "<serial type='pty'/>");
    has(xml, "<console type='pty'/>");
    has(xml, "<source file='/srv/data.img'/>\n      <target dev='vda' bus='virtio'/>\n      <readonly/>");
    has(xml, "<source file='/srv/it&apos;s &lt;raw&gt;.img'/>\n      <target dev='vdb' bus='virtio'/>\n    </disk>");
    assert_int_equal(count(xml, "<readonly/>"), 1);
    assert_int_equal(count(xml, "<boot "), 0);
    has(xml, "port 127.0.0.1:8080-&gt;80/tcp, restart always</description>");

    /* one interface per network: libvirt's default first, then the spec's, in order */
    assert_int_equal(count(xml, "<interface type='network'>"), 1 + s->nnets);
    assert_int_equal(count(xml, "<model type='virtio'/>"), 1 + s->nnets);
    const char *d = strstr(xml, "<source network='default'/>");
    const char *b = strstr(xml, "<source network='backend'/>");
    const char *f = strstr(xml, "<source network='front&amp;back'/>");
    assert_true(d && b && f && d < b && b < f);

    /* the command line reads back, through the kernel's parser, as the spec's words */
    char line[8192], words[8192];
    struct cmdline cl;
    element_text(xml, "cmdline", line, sizeof line);
    assert_int_equal(cmdline_parse(line, words, &cl), 0);
    assert_int_equal(cl.nkernel_opts, s->nkernel + s->nenv + 2);
    for (int i = 0; i < s->nkernel; i++)
        assert_string_equal(cl.kernel_opts[i], s->kernel[i]);
    for (int i = 0; i < s->nenv; i++) {
        char want[SPEC_WORD_MAX + 8];
        snprintf(want, sizeof want, "env=%s", s->env[i]);
        assert_string_equal(cl.kernel_opts[s->nkernel + i], want);
    }
    assert_string_equal(cl.kernel_opts[s->nkernel + s->nenv], "mount=vda:/data:ro");
    assert_string_equal(cl.kernel_opts[s->nkernel + s->nenv + 1], "mount=vdb:/var/my dir");
    assert_int_equal(cl.napp_args, s->napp);
    for (int i = 0; i < s->napp; i++)
        assert_string_equal(cl.app_args[i], s->app[i]);
    /* and words that need nothing go bare */
    has(line, "debug \"--\" host=db=10.0.0.2 \"env=GREETING=hello \\\"world\\\"\"");
    has(line, " -- --grace 1 \"two words\" \"\" -- \"back\\\\slash\\\"quote\" <&>");
    free(xml);
    free(s);
}

static void accelerators_and_memory(void **state)
{
    (void)state;
    struct spec *s = malloc(sizeof *s);
    spec_init(s);
    strcpy(s->name, "a");
    strcpy(s->image, "/a.elf");
    char *xml = exported_ok(s, "tcg");
    has(xml, "<domain type='qemu'>");
    has(xml, "<memory unit='KiB'>65536</memory>");    /* SPEC_DEFAULT_MEM */
    has(xml, "<cmdline>--</cmdline>");
    assert_int_equal(count(xml, "<interface "), 1);
    assert_null(strstr(xml, "<description>"));
    free(xml);
    s->mem_bytes = 1536;                                /* not a whole KiB: rounded up */
    xml = exported_ok(s, "kvm");
    has(xml, "<memory unit='KiB'>2</memory>");
    free(xml);
    int rc;
    xml = exported(s, "hvf", &rc);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "'hvf'"));
    assert_string_equal(xml, "");
    free(xml);
    free(s);
}

static void disk_images(void **state)
{
    (void)state;
    struct spec *s = malloc(sizeof *s);
    spec_init(s);
    strcpy(s->name, "grub");
    strcpy(s->image, "/images/httpd.img");
    s->nvolumes = 1;
    strcpy(s->volumes[0].disk, "/srv/data.img");
    char *xml = exported_ok(s, "kvm");
    has(xml, "<boot dev='hd'/>");
    has(xml, "<driver name='qemu' type='raw'/>\n      <source file='/images/httpd.img'/>\n      "
             "<target dev='hda' bus='ide'/>");
    has(xml, "<target dev='vda' bus='virtio'/>");
    assert_null(strstr(xml, "<kernel>"));
    assert_null(strstr(xml, "<cmdline>"));
    free(xml);

    strcpy(s->image, "/images/httpd.qcow2");
    xml = exported_ok(s, "kvm");
    has(xml, "<driver name='qemu' type='qcow2'/>\n      <source file='/images/httpd.qcow2'/>");
    free(xml);

    strcpy(s->image, "/images/httpd.ISO");
    xml = exported_ok(s, "kvm");
    has(xml, "<boot dev='cdrom'/>");
    has(xml, "<disk type='file' device='cdrom'>");
    has(xml, "<target dev='hdc' bus='ide'/>\n      <readonly/>");
    free(xml);

    /* words that only a direct kernel boot could pass are refused, not dropped */
    int rc;
    strcpy(s->volumes[0].mount, "/data");
    xml = exported(s, "kvm", &rc);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "disk image"));
    assert_string_equal(xml, "");
    free(xml);
    s->volumes[0].mount[0] = '\0';
    strcpy(s->app[s->napp++], "x");
    xml = exported(s, "kvm", &rc);
    assert_int_equal(rc, -1);
    free(xml);
    free(s);
}

static void refusals_write_nothing(void **state)
{
    (void)state;
    struct spec *s = malloc(sizeof *s);
    int rc;
    char *xml;
    static const char *const unsafe[] = { "/a\001b.elf", "/caf\xe9.elf", "/\xed\xa0\x80.elf", "/\xc0\xaf.elf",
                                          "/\xef\xbf\xbe.elf", "/cut\xe2\x82" };
    for (size_t i = 0; i < sizeof unsafe / sizeof unsafe[0]; i++) {
        spec_init(s);
        strcpy(s->name, "a");
        strcpy(s->image, unsafe[i]);
        xml = exported(s, "kvm", &rc);
        if (rc != -1)
            fail_msg("exported image %zu", i);
        assert_non_null(strstr(err, "XML cannot carry"));
        assert_string_equal(xml, "");
        free(xml);
    }
    spec_init(s);
    strcpy(s->name, "a");
    strcpy(s->image, "/caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x9d.elf");   /* é € and a bee: UTF-8 passes */
    xml = exported_ok(s, "kvm");
    free(xml);
    strcpy(s->app[s->napp++], "bell\a");
    xml = exported(s, "kvm", &rc);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "command line"));
    free(xml);

    /* a command line past the kernel's 4095 bytes */
    spec_init(s);
    strcpy(s->name, "a");
    strcpy(s->image, "/a.elf");
    for (int i = 0; i < 20; i++) {
        memset(s->app[i], 'x', SPEC_WORD_MAX - 1);
        s->app[i][SPEC_WORD_MAX - 1] = '\0';
    }
    s->napp = 15;                                       /* 3 + 15 * 256 = 3843 bytes: fits */
    xml = exported_ok(s, "kvm");
    free(xml);
    s->napp = 16;
    xml = exported(s, "kvm", &rc);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "4095"));
    assert_string_equal(xml, "");
    free(xml);
    free(s);
}

/* build/tests/unit/NAME, beside this test's binary. */
static void beside_binary(const char *name, char *out, size_t size)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    assert_true(n > 0);
    self[n] = '\0';
    *strrchr(self, '/') = '\0';
    snprintf(out, size, "%s/%s", self, name);
}

static void validate(const char *name, const struct spec *s)
{
    char path[PATH_MAX + 64], cmd[PATH_MAX + 128];
    beside_binary(name, path, sizeof path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(export_libvirt(s, "kvm", f, err, sizeof err), 0);
    assert_int_equal(fclose(f), 0);
    if (access(VALIDATOR, X_OK) != 0 || access(XMLLINT, X_OK) != 0) {
        print_message("%s or %s missing: %s not validated\n", VALIDATOR, XMLLINT, path);
        return;
    }
    snprintf(cmd, sizeof cmd, "%s '%s' domain", VALIDATOR, path);
    assert_int_equal(system(cmd), 0);
}

static void libvirt_schema_accepts_them(void **state)
{
    (void)state;
    struct spec *s = malloc(sizeof *s);
    elf_spec(s);
    validate("export-sample.xml", s);
    spec_init(s);
    strcpy(s->name, "grub");
    strcpy(s->image, "/images/httpd.iso");
    s->nvolumes = 1;
    strcpy(s->volumes[0].disk, "/srv/data.img");
    strcpy(s->nets[s->nnets++], "backend");
    validate("export-sample-iso.xml", s);
    strcpy(s->image, "/images/httpd.qcow2");
    validate("export-sample-qcow2.xml", s);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(elf_domain),
        cmocka_unit_test(accelerators_and_memory),
        cmocka_unit_test(disk_images),
        cmocka_unit_test(refusals_write_nothing),
        cmocka_unit_test(libvirt_schema_accepts_them),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
