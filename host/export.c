/* Writing an instance as a libvirt domain (export.h). Everything is checked and the command
 * line built before the first byte is written, so a refusal leaves out untouched. */
#include "export.h"
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#define KERNEL_CMDLINE_MAX 4095         /* kernel/bootinfo.h: BOOT_CMDLINE_MAX bytes with the NUL */
#define KIB 1024u
#define DESCRIPTION_MAX 1024

/* 1 when s is UTF-8 that XML 1.0 can carry: no control characters but tab, LF and CR, no
 * surrogates, overlong forms, U+FFFE or U+FFFF (XML 1.0 §2.2). */
static int xml_safe(const char *s)
{
    static const uint32_t least[4] = { 0, 0x80, 0x800, 0x10000 };
    for (const unsigned char *p = (const unsigned char *)s; *p;) {
        uint32_t c = *p++;
        int more = c < 0x80 ? 0 : c >= 0xc0 && c < 0xe0 ? 1 : c >= 0xe0 && c < 0xf0 ? 2 : c >= 0xf0 && c < 0xf8 ? 3 : -1;
        if (more < 0)
            return 0;
        c &= more ? 0x3fu >> more : 0x7fu;
        for (int i = 0; i < more; i++, p++) {
            if ((*p & 0xc0) != 0x80)
                return 0;
            c = c << 6 | (*p & 0x3fu);
        }
        if (c < least[more] || (c >= 0xd800 && c < 0xe000) || c > 0x10ffff || c == 0xfffe || c == 0xffff ||
            (c < 0x20 && c != '\t' && c != '\n' && c != '\r'))
            return 0;
    }
    return 1;
}

/* Text or an attribute's value: markup characters as entities; tab, LF and CR as references,
 * which an XML reader would otherwise turn into spaces or LFs. */
static void xml_put(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '\'': fputs("&apos;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\t': fputs("&#9;", out); break;
        case '\n': fputs("&#10;", out); break;
        case '\r': fputs("&#13;", out); break;
        default: fputc(*s, out);
        }
    }
}

/* --- the kernel's command line ------------------------------------------------------------ */

struct cmdline {
    char text[KERNEL_CMDLINE_MAX + 1];
    size_t len;
    int overflow;
};

static void put_char(struct cmdline *c, char ch)
{
    if (c->len < KERNEL_CMDLINE_MAX)
        c->text[c->len++] = ch;
    else
        c->overflow = 1;
}

/* One word as kernel/cmdline.c reads it: blanks split words, '"' quotes, '\\' takes the next byte
 * as it is. A word needing none goes bare; another in quotes. An unquoted "--" among the kernel
 * options would end them, and an empty word would vanish. */
static void put_word(struct cmdline *c, const char *word, int kernel_side)
{
    int quote = !*word || strpbrk(word, " \t\n\r\"\\") || (kernel_side && strcmp(word, "--") == 0);
    if (c->len)
        put_char(c, ' ');
    if (quote)
        put_char(c, '"');
    for (const char *p = word; *p; p++) {
        if (*p == '"' || *p == '\\')
            put_char(c, '\\');
        put_char(c, *p);
    }
    if (quote)
        put_char(c, '"');
    c->text[c->len] = '\0';
}

static void put_option(struct cmdline *c, const char *key, const char *value, const char *suffix)
{
    char word[SPEC_WORD_MAX * 2];
    snprintf(word, sizeof word, "%s=%s%s", key, value, suffix);
    put_word(c, word, 1);
}

static char disk_letter(int i)
{
    return (char)('a' + i);
}

/* Kernel options, env= and mount= words, "--", the app's arguments. */
static int build_cmdline(const struct spec *s, struct cmdline *c, char *err, size_t errlen)
{
    memset(c, 0, sizeof *c);
    for (int i = 0; i < s->nkernel; i++)
        put_word(c, s->kernel[i], 1);
    for (int i = 0; i < s->nenv; i++)
        put_option(c, "env", s->env[i], "");
    for (int i = 0; i < s->nvolumes; i++) {
        char value[SPEC_WORD_MAX + 8];
        if (!s->volumes[i].mount[0])
            continue;
        snprintf(value, sizeof value, "vd%c:%s", disk_letter(i), s->volumes[i].mount);
        put_option(c, "mount", value, s->volumes[i].readonly ? ":ro" : "");
    }
    put_word(c, "--", 0);
    for (int i = 0; i < s->napp; i++)
        put_word(c, s->app[i], 0);
    if (c->overflow)
        return spec_refuse(err, errlen, "instance '%s': the kernel's command line would pass the %d bytes the kernel takes",
                      s->name, KERNEL_CMDLINE_MAX);
    if (!xml_safe(c->text))
        return spec_refuse(err, errlen, "instance '%s': the command line holds control characters or bytes that are not UTF-8, "
                      "which XML cannot carry", s->name);
    return 0;
}

/* --- checks ------------------------------------------------------------------------------- */

static int check_text(const struct spec *s, const char *what, const char *text, char *err, size_t errlen)
{
    if (xml_safe(text))
        return 0;
    return spec_refuse(err, errlen, "instance '%s': %s '%s' holds control characters or bytes that are not UTF-8, "
                  "which XML cannot carry", s->name, what, text);
}

static int check_spec(const struct spec *s, enum image_kind kind, char *err, size_t errlen)
{
    if (!s->name[0] || !xml_safe(s->name))
        return spec_refuse(err, errlen, "the instance has no name XML can carry");
    if (!s->image[0])
        return spec_refuse(err, errlen, "instance '%s' has no image", s->name);
    if (check_text(s, "image", s->image, err, errlen) < 0)
        return -1;
    for (int i = 0; i < s->nvolumes; i++)
        if (check_text(s, "volume", s->volumes[i].disk, err, errlen) < 0)
            return -1;
    for (int i = 0; i < s->nnets; i++)
        if (check_text(s, "network", s->nets[i], err, errlen) < 0)
            return -1;
    if (kind == IMAGE_APP && (!s->os[0] || check_text(s, "OS", s->os, err, errlen) < 0))
        return s->os[0] ? -1 : spec_refuse(err, errlen, "instance '%s': the module names no OS", s->name);
    if (kind == IMAGE_ELF || kind == IMAGE_APP)
        return 0;
    int mounts = 0;
    for (int i = 0; i < s->nvolumes; i++)
        mounts += s->volumes[i].mount[0] != '\0';
    if (s->nkernel || s->napp || s->nenv || mounts)
        return spec_refuse(err, errlen, "instance '%s': image '%s' is a disk image whose boot loader holds its command line; "
                      "kernel options, arguments, environment and mount points cannot be passed to it",
                      s->name, s->image);
    return 0;
}

/* What libvirt has no place for, for a <description>; "" when nothing is left behind. */
static void left_behind(const struct spec *s, char *out, size_t len)
{
    char item[SPEC_WORD_MAX + 32];
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < s->nports; i++) {
        spec_format_port(&s->ports[i], item, sizeof item);
        n += (size_t)snprintf(out + n, len - n, "%sport %s", n ? ", " : "", item);
        if (n >= len)
            return;
    }
    if (s->restart != RESTART_NO) {
        spec_format_restart(s, item, sizeof item);
        n += (size_t)snprintf(out + n, len - n, "%srestart %s", n ? ", " : "", item);
        if (n >= len)
            return;
    }
    if (s->health.kind != HEALTH_NONE) {
        spec_format_health(&s->health, item, sizeof item);
        snprintf(out + n, len - n, "%shealth %s", n ? ", " : "", item);
    }
}

/* --- the domain --------------------------------------------------------------------------- */

static void put_disk(FILE *out, const char *device, const char *format, const char *file, const char *dev,
                     const char *bus, int readonly)
{
    fprintf(out, "    <disk type='file' device='%s'>\n      <driver name='qemu' type='%s'/>\n      <source file='",
            device, format);
    xml_put(out, file);
    fprintf(out, "'/>\n      <target dev='%s' bus='%s'/>\n", dev, bus);
    if (readonly)
        fputs("      <readonly/>\n", out);
    fputs("    </disk>\n", out);
}

static void put_interface(FILE *out, const char *network)
{
    fputs("    <interface type='network'>\n      <source network='", out);
    xml_put(out, network);
    fputs("'/>\n      <model type='virtio'/>\n    </interface>\n", out);
}

static void put_os(FILE *out, const struct spec *s, enum image_kind kind, const struct cmdline *c)
{
    fputs("  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n", out);
    if (kind == IMAGE_ELF || kind == IMAGE_APP) {
        fputs("    <kernel>", out);
        xml_put(out, kind == IMAGE_APP ? s->os : s->image);     /* a module: the shared OS boots it */
        fputs("</kernel>\n", out);
        if (kind == IMAGE_APP) {
            fputs("    <initrd>", out);
            xml_put(out, s->image);
            fputs("</initrd>\n", out);
        }
        fputs("    <cmdline>", out);
        xml_put(out, c->text);
        fputs("</cmdline>\n", out);
    } else {
        fprintf(out, "    <boot dev='%s'/>\n", kind == IMAGE_ISO ? "cdrom" : "hd");
    }
    fputs("  </os>\n", out);
}

int export_libvirt(const struct spec *s, const char *accel, FILE *out, char *err, size_t errlen)
{
    struct cmdline cmdline, *c = &cmdline;
    const char *type = strcmp(accel, "kvm") == 0 ? "kvm" : strcmp(accel, "tcg") == 0 ? "qemu" : NULL;
    if (!type)
        return spec_refuse(err, errlen, "accelerator '%s' must be kvm or tcg", accel);
    enum image_kind kind = spec_image_kind(s->image);
    if (check_spec(s, kind, err, errlen) < 0 || build_cmdline(s, c, err, errlen) < 0)
        return -1;
    char description[DESCRIPTION_MAX];
    left_behind(s, description, sizeof description);
    uint64_t mem = s->mem_bytes ? s->mem_bytes : SPEC_DEFAULT_MEM;

    fprintf(out, "<domain type='%s'>\n  <name>", type);
    xml_put(out, s->name);
    fputs("</name>\n", out);
    if (description[0]) {
        fputs("  <description>mayfly: not carried over (the manager's work): ", out);
        xml_put(out, description);
        fputs("</description>\n", out);
    }
    fprintf(out, "  <memory unit='KiB'>%llu</memory>\n  <vcpu>1</vcpu>\n",
            (unsigned long long)((mem + KIB - 1) / KIB));
    put_os(out, s, kind, c);
    /* ACPI: the power button is how the guest is asked to stop (virsh shutdown arrives as SIGTERM) */
    fputs("  <features>\n    <acpi/>\n  </features>\n  <on_poweroff>destroy</on_poweroff>\n  <devices>\n", out);
    if (kind == IMAGE_ISO)
        put_disk(out, "cdrom", "raw", s->image, "hdc", "ide", 1);
    else if (kind != IMAGE_ELF && kind != IMAGE_APP)
        put_disk(out, "disk", kind == IMAGE_QCOW2 ? "qcow2" : "raw", s->image, "hda", "ide", 0);
    for (int i = 0; i < s->nvolumes; i++) {
        char dev[4] = { 'v', 'd', disk_letter(i), '\0' };
        put_disk(out, "disk", "raw", s->volumes[i].disk, dev, "virtio", s->volumes[i].readonly);
    }
    put_interface(out, "default");
    for (int i = 0; i < s->nnets; i++)
        put_interface(out, s->nets[i]);
    fputs("    <serial type='pty'/>\n    <console type='pty'/>\n  </devices>\n</domain>\n", out);
    return 0;
}
