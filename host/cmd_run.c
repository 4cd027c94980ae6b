/* mayfly run [flags] IMAGE [kernel options] [-- app args] */
#include "commands.h"
#include "instance.h"
#include "monitor.h"
#include "network.h"
#include "os_store.h"
#include "paths.h"
#include "qemu.h"
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#define START_WAIT_MS 20000
#define NAME_STEM_MAX 50

static const char run_usage[] =
    "usage: mayfly run [-d] [--rm] [--name NAME] [-p [IP:]HOST:GUEST[/udp]]... [-v DISK[:PATH][:ro]]...\n"
    "                  [-e NAME=VALUE]... [-m SIZE] [--restart no|on-failure[:N]|always]\n"
    "                  [--health http:PORT/PATH|tcp:PORT] [--net NETWORK]... [--replicas N] [--on-demand [--idle DURATION]]\n"
    "                  [--warm N] [--per-request] [--gdb [IP:]PORT]\n"
    "                  IMAGE [kernel options] [-- app args]\n";

/* httpd-3fa2 from build/httpd.elf: the image's stem made a valid name, and four random hex digits */
static void generate_name(const char *image, char *out, size_t len)
{
    const char *base = strrchr(image, '/');
    base = base ? base + 1 : image;
    char stem[NAME_STEM_MAX + 1];
    size_t n = 0;
    for (const char *p = base; *p && *p != '.' && n < NAME_STEM_MAX; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        stem[n++] = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '-';
    }
    stem[n] = '\0';
    if (!n || stem[0] == '-')
        snprintf(stem, sizeof stem, "vm");
    uint16_t r = 0;
    if (getrandom(&r, sizeof r, 0) != sizeof r)
        r = (uint16_t)rand();
    snprintf(out, len, "%s-%04x", stem, r);
}

int parse_seconds(const char *cmd, const char *text, int *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (!*text || *end || v < 0 || v > 86400) {
        fprintf(stderr, "mayfly %s: -t wants whole seconds from 0 to 86400, not '%s'\n", cmd, text);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int networks_exist(const struct spec *s)
{
    for (int i = 0; i < s->nnets; i++) {
        struct network net;
        if (network_load(s->nets[i], &net) < 0) {
            fprintf(stderr, "mayfly: no network '%s' (mayfly network create %s)\n", s->nets[i], s->nets[i]);
            return 0;
        }
    }
    return 1;
}

/* A service behind a front: TCP ports to hold, a name with room for its replicas'. */
static int front_fits(const struct spec *s)
{
    char err[SPEC_ERR_MAX];
    if (!spec_has_front(s))
        return 1;
    if (!s->nports) {
        fprintf(stderr, "mayfly: '%s': --replicas, --on-demand, --warm and --per-request need a published port (-p) for the front to hold\n", s->name);
        return 0;
    }
    if (spec_check_front(s, err, sizeof err) < 0) {
        fprintf(stderr, "mayfly: %s\n", err);
        return 0;
    }
    return 1;
}

/* One word of a command for a shell, in single quotes where it needs them (as scripts/gdb/attach
 * --print writes it). */
static void shell_word(FILE *f, const char *word)
{
    int plain = *word != '\0';
    for (const char *p = word; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("_./:=+,@%-", *p)))
            plain = 0;
    if (plain) {
        fputs(word, f);
        return;
    }
    fputc('\'', f);
    for (const char *p = word; *p; p++) {
        if (*p == '\'')
            fputs("'\\''", f);         /* the quote ended, a quoted quote, the quote again */
        else
            fputc(*p, f);
    }
    fputc('\'', f);
}

/* scripts/gdb/mayfly.py in the source tree the binary was built in (build/mayfly), if there is one:
 * an installed mayfly has none. */
static int gdb_helpers(char *out, size_t len)
{
    char exe[PATH_MAX], path[PATH_MAX + 32];
    if (manager_dir(exe, sizeof exe) < 0)
        return -1;
    snprintf(path, sizeof path, "%s/../scripts/gdb/mayfly.py", exe);
    char *real = realpath(path, NULL);
    if (!real || strlen(real) >= len) {
        free(real);
        return -1;
    }
    strcpy(out, real);
    free(real);
    return 0;
}

/* --gdb: the command that attaches gdb with the right symbols, on stderr. An ELF is its own debug
 * file; a module runs on the shared OS's ELF, and its own symbols go where the OS's loader linked
 * it (mayfly.py's mayfly-module); a disk image's are in the ELF beside it (make image). */
static void print_gdb_command(const struct spec *s)
{
    char helpers[PATH_MAX], target[64], symbols[PATH_MAX + 8] = "";
    int have_helpers = gdb_helpers(helpers, sizeof helpers) == 0;
    enum image_kind kind = spec_image_kind(s->image);
    /* an address that listens on every interface is reached at the loopback one */
    snprintf(target, sizeof target, "target remote %s:%d", strcmp(s->gdb.ip, "0.0.0.0") == 0 ? "127.0.0.1" : s->gdb.ip,
             s->gdb.port);
    if (kind == IMAGE_APP) {
        snprintf(symbols, sizeof symbols, "%s", s->os);
    } else if (kind == IMAGE_ELF) {
        snprintf(symbols, sizeof symbols, "%s", s->image);
    } else {
        snprintf(symbols, sizeof symbols, "%s", s->image);
        char *dot = strrchr(symbols, '.');
        strcpy(dot, ".elf");
        if (access(symbols, R_OK) != 0)
            symbols[0] = '\0';
    }
    fprintf(stderr, "mayfly: '%s': QEMU waits for gdb on %s:%d (%s); attach with:\n  gdb", s->name, s->gdb.ip,
            s->gdb.port, qemu_gdb_tcg(s) ? "under TCG" : "ACCEL's accelerator");
    if (have_helpers) {
        char source[PATH_MAX + 8];
        snprintf(source, sizeof source, "source %s", helpers);
        fputs(" -ex ", stderr);
        shell_word(stderr, source);
    }
    /* the architecture before connecting: QEMU's stub gives the 64-bit register layout from the
     * first packet, while the CPU still runs the 32-bit multiboot entry */
    fputs(" -ex 'set architecture i386:x86-64' -ex ", stderr);
    shell_word(stderr, target);
    if (kind == IMAGE_APP && have_helpers) {
        char module[PATH_MAX + 16];
        snprintf(module, sizeof module, "mayfly-module %s", s->image);
        fputs(" -ex ", stderr);
        shell_word(stderr, module);
    }
    if (symbols[0]) {
        fputc(' ', stderr);
        shell_word(stderr, symbols);
    }
    fputc('\n', stderr);
    if (kind == IMAGE_APP && !have_helpers)
        fprintf(stderr, "mayfly: those are the OS's symbols; the module's: `mayfly-module %s` from Mayfly's "
                        "scripts/gdb/mayfly.py (gdb's `source FILE`)\n", s->image);
    if (kind != IMAGE_ELF && kind != IMAGE_APP && !symbols[0])
        fprintf(stderr, "mayfly: no ELF beside the image for its symbols: add the one it was made from\n");
    if (!qemu_gdb_tcg(s))
        fprintf(stderr, "mayfly: under KVM, use hbreak for a breakpoint set before the code is in memory\n");
}

int run_detached(const struct spec *s)
{
    if (!networks_exist(s) || !front_fits(s))
        return EXIT_USAGE;
    if (instance_create(s) < 0)
        return EXIT_FAILED;
    if (instance_spawn_monitor(s->name) < 0) {
        fprintf(stderr, "mayfly: cannot start a monitor for '%s'\n", s->name);
        return EXIT_NOT_STARTED;
    }
    return instance_wait_started(s->name, START_WAIT_MS) == 0 ? 0 : EXIT_NOT_STARTED;
}

enum { OPT_NAME = 256, OPT_RESTART, OPT_HEALTH, OPT_NET, OPT_RM, OPT_HELP, OPT_REPLICAS, OPT_ON_DEMAND, OPT_IDLE,
       OPT_WARM, OPT_PER_REQUEST, OPT_GDB };

static int usage_error(const char *fmt, const char *what)
{
    fprintf(stderr, "mayfly run: ");
    fprintf(stderr, fmt, what);
    fprintf(stderr, "\n%s", run_usage);
    return EXIT_USAGE;
}

int cmd_run(int argc, char **argv)
{
    static const struct option opts[] = {
        { "detach", no_argument, 0, 'd' },       { "name", required_argument, 0, OPT_NAME },
        { "publish", required_argument, 0, 'p' }, { "volume", required_argument, 0, 'v' },
        { "env", required_argument, 0, 'e' },     { "memory", required_argument, 0, 'm' },
        { "restart", required_argument, 0, OPT_RESTART }, { "health", required_argument, 0, OPT_HEALTH },
        { "net", required_argument, 0, OPT_NET }, { "network", required_argument, 0, OPT_NET },
        { "rm", no_argument, 0, OPT_RM },         { "help", no_argument, 0, OPT_HELP },
        { "replicas", required_argument, 0, OPT_REPLICAS }, { "on-demand", no_argument, 0, OPT_ON_DEMAND },
        { "idle", required_argument, 0, OPT_IDLE }, { "warm", required_argument, 0, OPT_WARM },
        { "per-request", no_argument, 0, OPT_PER_REQUEST }, { "gdb", required_argument, 0, OPT_GDB },
        { 0, 0, 0, 0 },
    };
    static struct spec s;
    spec_init(&s);
    int detach = 0, remove_after = 0, idle = 0, c;
    char err[SPEC_ERR_MAX];
    opterr = 0;
    optind = 1;
    /* '+': options end at IMAGE; what follows is the guest's */
    while ((c = getopt_long(argc, argv, "+:dp:v:e:m:", opts, NULL)) != -1) {
        int rc = 0;
        switch (c) {
        case 'd': detach = 1; break;
        case OPT_RM: remove_after = 1; break;
        case OPT_NAME: rc = spec_check_name("name", optarg, err, sizeof err); if (!rc) snprintf(s.name, sizeof s.name, "%s", optarg); break;
        case 'p': rc = spec_add_port(&s, optarg, err, sizeof err); break;
        case 'v': rc = spec_add_volume(&s, optarg, err, sizeof err); break;
        case 'e': rc = spec_add_env(&s, optarg, err, sizeof err); break;
        case 'm': rc = spec_parse_size(optarg, &s.mem_bytes, err, sizeof err); break;
        case OPT_RESTART: rc = spec_parse_restart(optarg, &s.restart, &s.restart_max, err, sizeof err); break;
        case OPT_HEALTH: rc = spec_parse_health(optarg, &s.health, err, sizeof err); break;
        case OPT_NET: rc = spec_add_net(&s, optarg, err, sizeof err); break;
        case OPT_REPLICAS: rc = spec_parse_replicas(optarg, &s.replicas, err, sizeof err); break;
        case OPT_ON_DEMAND: s.on_demand = 1; if (!s.idle_s) s.idle_s = SPEC_IDLE_DEFAULT_S; break;
        case OPT_IDLE: rc = spec_parse_duration(optarg, &idle, err, sizeof err); break;
        case OPT_WARM: rc = spec_parse_count("warm", optarg, &s.warm, err, sizeof err); break;
        case OPT_PER_REQUEST: s.per_request = 1; break;
        case OPT_GDB: rc = spec_parse_gdb(optarg, &s.gdb, err, sizeof err); break;
        case OPT_HELP: fputs(run_usage, stdout); return 0;
        case ':': return usage_error("flag '%s' needs a value", argv[optind - 1]);
        default: return usage_error("unknown flag '%s'", argv[optind - 1]);
        }
        if (rc < 0)
            return usage_error("%s", err);
    }
    if (spec_check_gdb(&s, err, sizeof err) < 0)
        return usage_error("%s", err);
    if (idle && !s.on_demand && !(s.warm && !s.per_request))
        return usage_error("%s", "--idle is for a service started --on-demand");
    if (s.warm && !s.per_request && !s.on_demand) {     /* a warm pool is for what runs on demand */
        s.on_demand = 1;
        s.idle_s = SPEC_IDLE_DEFAULT_S;
    }
    if (idle)
        s.idle_s = idle;
    if (optind >= argc)
        return usage_error("%s", "no IMAGE given");
    if (spec_set_image(&s, argv[optind], err, sizeof err) < 0)
        return usage_error("%s", err);
    int after_dashes = 0;
    for (int i = optind + 1; i < argc; i++) {
        int rc;
        if (!after_dashes && strcmp(argv[i], "--") == 0) {
            after_dashes = 1;
            continue;
        }
        if (after_dashes)
            rc = spec_add_word(s.app, &s.napp, "app arguments", argv[i], err, sizeof err);
        else
            rc = spec_add_word(s.kernel, &s.nkernel, "kernel options", argv[i], err, sizeof err);
        if (rc < 0)
            return usage_error("%s", err);
    }
    for (int i = 0; s.nnets && i < s.nkernel; i++)
        if (strncmp(s.kernel[i], "ip=", 3) == 0)
            return usage_error("kernel option '%s': with --net, mayfly gives each NIC its ip=", s.kernel[i]);
    /* a module: the OS it runs on, and the ABIs checked now rather than refused at boot (126) */
    int bound = os_bind("run", &s);
    if (bound)
        return bound;
    if (!s.name[0])
        generate_name(s.image, s.name, sizeof s.name);
    if (detach) {
        if (remove_after)
            return usage_error("%s", "--rm is for a run in the foreground, not with -d");
        int rc = run_detached(&s);
        if (rc == 0)
            printf("%s\n", s.name);
        if (rc == 0 && s.gdb.port)
            print_gdb_command(&s);
        return rc;
    }
    if (!networks_exist(&s) || !front_fits(&s))
        return EXIT_USAGE;
    /* Ctrl-C from here on is the monitor's to handle (the power button), even before it runs */
    sigset_t stops;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGHUP);
    sigprocmask(SIG_BLOCK, &stops, NULL);
    if (instance_create(&s) < 0)
        return EXIT_FAILED;
    if (s.gdb.port)                     /* (QEMU's own complaint follows, should the port be taken) */
        print_gdb_command(&s);
    int status = monitor_run(s.name, 1, -1);
    if (remove_after)
        instance_remove_service(s.name);
    return status;
}
