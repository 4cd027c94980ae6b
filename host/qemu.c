/* QEMU's command line (qemu.h). */
#include "qemu.h"
#include "network.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define APPEND_MAX 4096                 /* the kernel's BOOT_CMDLINE_MAX */
#define QEMU_BINARY "qemu-system-x86_64"
#define USER_NET_GUEST "10.0.2.15"
#define USER_NET_GATEWAY "10.0.2.2"
#define USER_NET_DNS "10.0.2.3"

static int add(struct qemu_cmd *c, const char *fmt, ...)
{
    if (c->argc == QEMU_ARGS_MAX)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(c->storage + c->used, sizeof c->storage - c->used, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof c->storage - c->used)
        return -1;
    c->argv[c->argc++] = c->storage + c->used;
    c->argv[c->argc] = NULL;
    c->used += (size_t)n + 1;
    return 0;
}

void qemu_quote_word(const char *word, char *out, size_t len)
{
    int plain = *word != '\0';
    for (const char *p = word; *p; p++)
        if (*p == ' ' || *p == '\t' || *p == '"' || *p == '\\')
            plain = 0;
    if (plain) {
        snprintf(out, len, "%s", word);
        return;
    }
    size_t n = 0;
    if (len < 3) {
        *out = '\0';
        return;
    }
    out[n++] = '"';
    for (const char *p = word; *p && n + 3 < len; p++) {
        if (*p == '"' || *p == '\\')
            out[n++] = '\\';
        out[n++] = *p;
    }
    out[n++] = '"';
    out[n] = '\0';
}

struct line {
    char text[APPEND_MAX];
    size_t len;
    int words;                          /* on the current side of "--" */
    int overflow;
};

static void line_add(struct line *l, const char *word)
{
    char q[SPEC_WORD_MAX * 2 + 3];
    qemu_quote_word(word, q, sizeof q);
    int n = snprintf(l->text + l->len, sizeof l->text - l->len, "%s%s", l->len ? " " : "", q);
    l->words = strcmp(word, "--") == 0 ? 0 : l->words + 1;
    if (n < 0 || (size_t)n >= sizeof l->text - l->len || l->words > SPEC_CMDLINE_WORDS_MAX)
        l->overflow = 1;
    else
        l->len += (size_t)n;
}

/* Whether the kernel options say anything of the network's addresses themselves. */
static int has_net_words(const struct spec *s)
{
    for (int i = 0; i < s->nkernel; i++)
        if (strncmp(s->kernel[i], "ip=", 3) == 0 || strncmp(s->kernel[i], "gw=", 3) == 0 ||
            strncmp(s->kernel[i], "dns=", 4) == 0)
            return 1;
    return 0;
}

/* NIC 0, QEMU's user network, has a fixed plan (QEMU's documentation: the guest 10.0.2.15, the
 * host and gateway 10.0.2.2, DNS 10.0.2.3): an ELF guest is given it, sparing its boot the DHCP
 * exchange (some 15 ms of a cold start under TCG); so is a module, whose kernel is the shared OS.
 * Returns 1 when the words were added. */
static int user_net_static(const struct spec *s, struct line *l)
{
    enum image_kind kind = spec_image_kind(s->image);
    if (has_net_words(s) || (kind != IMAGE_ELF && kind != IMAGE_APP))
        return 0;
    line_add(l, "ip=" USER_NET_GUEST "/24");
    line_add(l, "gw=" USER_NET_GATEWAY);
    line_add(l, "dns=" USER_NET_DNS);
    return 1;
}

/* ip= for each private network (NIC 0, the user network, keeps DHCP) and host= for every peer
 * on them, leasing addresses as needed. */
static int add_network_words(const struct spec *s, struct qemu_cmd *c, struct line *l, char *err, size_t errlen)
{
    static struct lease peers[NETWORK_MEMBERS_MAX];
    if (s->nnets && !user_net_static(s, l))
        line_add(l, "ip=dhcp");
    for (int i = 0; i < s->nnets; i++) {
        struct network net;
        uint8_t a[4];
        if (network_load(s->nets[i], &net) < 0 || network_lease(s->nets[i], s->name, a) < 0) {
            snprintf(err, errlen, "network '%s' does not exist (mayfly network create %s)", s->nets[i], s->nets[i]);
            return -1;
        }
        char word[64];
        snprintf(word, sizeof word, "ip=%u.%u.%u.%u/24", a[0], a[1], a[2], a[3]);
        line_add(l, word);
        /* a MAC of the locally administered kind, unique on the network: 02:00 and the address */
        if (add(c, "-netdev") < 0 || add(c, "socket,id=n%d,mcast=%s,localaddr=127.0.0.1", i + 1, net.mcast) < 0 ||
            add(c, "-device") < 0 ||
            add(c, "virtio-net-pci,netdev=n%d,mac=02:00:%02x:%02x:%02x:%02x", i + 1, a[0], a[1], a[2], a[3]) < 0)
            return -1;
    }
    int npeers = 0;
    for (int i = 0; i < s->nnets; i++) {
        int n = network_leases(s->nets[i], peers, NETWORK_MEMBERS_MAX);
        for (int j = 0; j < n; j++) {
            if (strcmp(peers[j].name, s->name) == 0)
                continue;
            if (++npeers > SPEC_PEERS_MAX) {
                snprintf(err, errlen, "more than %d peers on its networks: the guest knows at most %d names",
                         SPEC_PEERS_MAX, SPEC_PEERS_MAX);
                return -1;
            }
            char word[128];
            snprintf(word, sizeof word, "host=%s=%u.%u.%u.%u", peers[j].name, peers[j].addr[0], peers[j].addr[1],
                     peers[j].addr[2], peers[j].addr[3]);
            line_add(l, word);
        }
    }
    return 0;
}

/* The accelerator under --gdb: TCG unless ACCEL (scripts/accel's override, which the probe behind
 * accel's words obeys) names one. TCG's breakpoints live in QEMU's translator, keyed by address, so a
 * `break` set while the CPU waits at reset holds although the kernel reaches memory only later
 * (QEMU's multiboot option ROM copies it there) and a module later still (the OS's loader). Under
 * KVM QEMU writes an int3 into guest memory instead, which those copies overwrite: only hbreak (4
 * debug registers) would hold. A debugging session trades speed for breakpoints that hold. */
int qemu_gdb_tcg(const struct spec *s)
{
    const char *asked = getenv("ACCEL");
    return s->gdb.port && !(asked && (strcmp(asked, "kvm") == 0 || strcmp(asked, "tcg") == 0));
}

int qemu_build(const struct spec *s, char accel[][64], int naccel, const char *qmp_path, int health_port,
               struct qemu_cmd *c, char *err, size_t errlen)
{
    c->argc = 0;
    c->used = 0;
    char mem[32];
    snprintf(mem, sizeof mem, "%lluK", (unsigned long long)((s->mem_bytes ? s->mem_bytes : SPEC_DEFAULT_MEM) >> 10));
    enum image_kind kind = spec_image_kind(s->image);
    if (kind == IMAGE_APP && !s->os[0]) {
        snprintf(err, errlen, "the module %s names no OS to run on (mayfly os install FILE)", s->image);
        return -1;
    }
    int bad = add(c, QEMU_BINARY);
    if (qemu_gdb_tcg(s))
        bad |= add(c, "-accel") | add(c, "tcg");
    else
        for (int i = 0; i < naccel; i++)
            bad |= add(c, "%s", accel[i]);
    /* run --gdb: the stub, and the CPU stopped at reset until gdb continues it */
    if (s->gdb.port)
        bad |= add(c, "-gdb") | add(c, "tcp:%s:%d", s->gdb.ip, s->gdb.port) | add(c, "-S");
    /* a module's VM: its guest RAM marked mergeable (QEMU's mem-merge, madvise MADV_MERGEABLE), so
     * that the host's KSM shares the pages of the OS that every such VM loads at the same place */
    bad |= add(c, "-M") | add(c, kind == IMAGE_APP ? "pc,mem-merge=on" : "pc") | add(c, "-m") | add(c, "%s", mem) | add(c, "-nodefaults") |
           add(c, "-display") | add(c, "none") | add(c, "-no-reboot") | add(c, "-serial") | add(c, "stdio") |
           add(c, "-device") | add(c, "isa-debug-exit,iobase=0xf4,iosize=0x04") | add(c, "-qmp") |
           add(c, "unix:%s,server=on,wait=off", qmp_path);

    /* NIC 0: the user network, with the published ports and the health check's own */
    char netdev[SPEC_PORTS_MAX * 64 + 128] = "user,id=n0";
    size_t len = strlen(netdev);
    for (int i = 0; i < s->nports; i++) {
        const struct port_map *p = &s->ports[i];
        len += (size_t)snprintf(netdev + len, sizeof netdev - len, ",hostfwd=%s:%s:%d-:%d", p->udp ? "udp" : "tcp",
                                p->host_ip, p->host_port, p->guest_port);
    }
    if (health_port)
        len += (size_t)snprintf(netdev + len, sizeof netdev - len, ",hostfwd=tcp:127.0.0.1:%d-:%d", health_port,
                                s->health.port);
    bad |= add(c, "-netdev") | add(c, "%s", netdev) | add(c, "-device") | add(c, "virtio-net-pci,netdev=n0");

    struct line l = { .len = 0 };
    for (int i = 0; i < s->nkernel; i++)
        line_add(&l, s->kernel[i]);
    for (int i = 0; i < s->nenv; i++) {
        char word[SPEC_WORD_MAX + 8];
        snprintf(word, sizeof word, "env=%s", s->env[i]);
        line_add(&l, word);
    }
    if (!s->nnets)
        user_net_static(s, &l);
    if (!bad && add_network_words(s, c, &l, err, errlen) < 0)
        return -1;
    for (int i = 0; i < s->nvolumes; i++) {
        const struct volume *v = &s->volumes[i];
        bad |= add(c, "-drive") |
               add(c, "file=%s,format=raw,if=none,id=d%d%s", v->disk, i, v->readonly ? ",readonly=on" : "") |
               add(c, "-device") | add(c, "virtio-blk-pci,drive=d%d", i);
        if (v->mount[0]) {
            char word[SPEC_WORD_MAX + 32];
            snprintf(word, sizeof word, "mount=vd%c:%s%s", 'a' + i, v->mount, v->readonly ? ":ro" : "");
            line_add(&l, word);
        }
    }

    if (kind != IMAGE_ELF && kind != IMAGE_APP) {
        if (l.len || s->napp) {
            snprintf(err, errlen, "a disk image carries its own command line (make image IMAGE_CMDLINE=...); "
                                  "options, env, volumes with a mount point and networks need an ELF image or a module");
            return -1;
        }
        if (kind == IMAGE_ISO)
            bad |= add(c, "-cdrom") | add(c, "%s", s->image);
        else   /* snapshot: many instances may run one image, none writes it */
            bad |= add(c, "-drive") |
                   add(c, "file=%s,format=%s,snapshot=on", s->image, kind == IMAGE_QCOW2 ? "qcow2" : "raw");
    } else {
        if (s->napp)
            line_add(&l, "--");
        for (int i = 0; i < s->napp; i++)
            line_add(&l, s->app[i]);
        if (l.overflow) {
            snprintf(err, errlen, "the kernel command line would be longer than %d bytes or %d words a side",
                     APPEND_MAX - 1, SPEC_CMDLINE_WORDS_MAX);
            return -1;
        }
        if (kind == IMAGE_APP)      /* the shared OS boots, and links and runs the module it is handed */
            bad |= add(c, "-kernel") | add(c, "%s", s->os) | add(c, "-initrd") | add(c, "%s", s->image);
        else
            bad |= add(c, "-kernel") | add(c, "%s", s->image);
        bad |= add(c, "-append") | add(c, "%s", l.text);
    }
    if (bad) {
        snprintf(err, errlen, "QEMU's command line is too long");
        return -1;
    }
    return 0;
}

int qemu_exit_code(int wait_status)
{
    if (WIFSIGNALED(wait_status))
        return 128 + WTERMSIG(wait_status);
    int code = WEXITSTATUS(wait_status);
    return code & 1 ? code >> 1 : code;
}
