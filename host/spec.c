/* Parsing and saving an instance's description (spec.h). */
#include "spec.h"
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>

#define PORT_MAX 65535
#define SAVE_LINE_MAX (PATH_MAX * 2 + 64)

int spec_refuse(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

void spec_init(struct spec *s)
{
    memset(s, 0, sizeof *s);
    s->restart = RESTART_NO;
}

int spec_check_name(const char *what, const char *name, char *err, size_t errlen)
{
    size_t n = strlen(name);
    if (n == 0 || n > SPEC_NAME_MAX)
        return spec_refuse(err, errlen, "%s '%s' must be 1 to %d characters", what, name, SPEC_NAME_MAX);
    if (name[n - 1] == '-')
        return spec_refuse(err, errlen, "%s '%s' may not end with '-' (it becomes a host name)", what, name);
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0);
        if (!ok)
            return spec_refuse(err, errlen, "%s '%s' may hold only a-z, 0-9 and '-' (not first)", what, name);
    }
    return 0;
}

/* A decimal number that fits in an int, with nothing after it but what *end points at. */
static int parse_int(const char *text, const char **end, long max, long *out)
{
    long v = 0;
    const char *p = text;
    if (!isdigit((unsigned char)*p))
        return -1;
    for (; isdigit((unsigned char)*p); p++) {
        v = v * 10 + (*p - '0');
        if (v > max)
            return -1;
    }
    *end = p;
    *out = v;
    return 0;
}

int spec_parse_size(const char *text, uint64_t *bytes, char *err, size_t errlen)
{
    static const struct { const char *unit; unsigned shift; } units[] = {
        { "K", 10 }, { "KiB", 10 }, { "k", 10 }, { "M", 20 }, { "MiB", 20 }, { "m", 20 },
        { "G", 30 }, { "GiB", 30 }, { "g", 30 },
    };
    const char *end;
    long v;
    if (parse_int(text, &end, 1L << 20, &v) < 0 || v == 0)
        return spec_refuse(err, errlen, "size '%s' is not a positive number with a unit, as in 64M", text);
    if (*end == '\0')
        return spec_refuse(err, errlen, "size '%s' needs a unit (K, M or G), as in %sM", text, text);
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(end, units[i].unit) == 0) {
            *bytes = (uint64_t)v << units[i].shift;
            return 0;
        }
    return spec_refuse(err, errlen, "size '%s' has an unknown unit '%s' (K, M or G)", text, end);
}

static int parse_port_number(const char *text, const char **end, int *port)
{
    long v;
    if (parse_int(text, end, PORT_MAX, &v) < 0 || v == 0)
        return -1;
    *port = (int)v;
    return 0;
}

/* "[IP:]REST", cut at its last ':': REST into *rest and, when there is an IP, its IPv4 address
 * (written the standard way) into ip. -1 when the IP is not an IPv4 address (buf then holds it). */
static int split_ip(char *buf, char *ip, size_t iplen, char **rest)
{
    char *colon = strrchr(buf, ':');
    *rest = buf;
    if (!colon)
        return 0;
    *colon = '\0';
    *rest = colon + 1;
    struct in_addr a;
    if (inet_pton(AF_INET, buf, &a) != 1)
        return -1;
    inet_ntop(AF_INET, &a, ip, iplen);
    return 0;
}

int spec_parse_port(const char *text, struct port_map *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    strcpy(out->host_ip, "127.0.0.1");
    char buf[SPEC_WORD_MAX];
    if (strlen(text) >= sizeof buf)
        return spec_refuse(err, errlen, "port '%.32s...' is too long", text);
    strcpy(buf, text);
    char *proto = strchr(buf, '/');
    if (proto) {
        *proto++ = '\0';
        if (strcmp(proto, "udp") == 0)
            out->udp = 1;
        else if (strcmp(proto, "tcp") != 0)
            return spec_refuse(err, errlen, "port '%s': the protocol must be tcp or udp, not '%s'", text, proto);
    }
    /* [IP:]HOST:GUEST: the last two colon-separated parts are ports */
    char *last = strrchr(buf, ':');
    if (!last)
        return spec_refuse(err, errlen, "port '%s' must be [IP:]HOST:GUEST[/udp], as in 8080:80", text);
    *last = '\0';
    char *host;
    if (split_ip(buf, out->host_ip, sizeof out->host_ip, &host) < 0)
        return spec_refuse(err, errlen, "port '%s': '%s' is not an IPv4 address", text, buf);
    const char *end;
    if (parse_port_number(host, &end, &out->host_port) < 0 || *end)
        return spec_refuse(err, errlen, "port '%s': host port '%s' is not 1-65535", text, host);
    if (parse_port_number(last + 1, &end, &out->guest_port) < 0 || *end)
        return spec_refuse(err, errlen, "port '%s': guest port '%s' is not 1-65535", text, last + 1);
    return 0;
}

int spec_parse_volume(const char *text, struct volume *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    char buf[PATH_MAX + SPEC_WORD_MAX];
    if (strlen(text) >= sizeof buf)
        return spec_refuse(err, errlen, "volume '%.32s...' is too long", text);
    strcpy(buf, text);
    size_t n = strlen(buf);
    if (n > 3 && strcmp(buf + n - 3, ":ro") == 0) {
        out->readonly = 1;
        buf[n - 3] = '\0';
    }
    /* DISK[:PATH]: a mount point starts with '/', and the last ":/" splits it from the disk */
    char *mount = strstr(buf, ":/");
    for (char *m = mount; m; m = strstr(m + 1, ":/"))
        mount = m;
    if (mount) {
        *mount++ = '\0';
        if (strlen(mount) >= sizeof out->mount || strchr(mount, ' ') || strchr(mount, ':'))
            return spec_refuse(err, errlen, "volume '%s': mount point '%s' must be a path without spaces or ':'", text, mount);
        if (strcmp(mount, "/") == 0)    /* the guest's in-memory root: fs/options.c refuses it */
            return spec_refuse(err, errlen, "volume '%s': the mount point must be below '/', as in /data", text);
        strcpy(out->mount, mount);
    }
    if (!buf[0])
        return spec_refuse(err, errlen, "volume '%s' names no disk image (DISK[:PATH][:ro])", text);
    char *real = realpath(buf, NULL);
    struct stat st;
    if (!real || stat(real, &st) < 0 || !S_ISREG(st.st_mode)) {
        const char *why = real ? "not a regular file" : strerror(errno);
        free(real);
        return spec_refuse(err, errlen, "volume '%s': disk image '%s': %s", text, buf, why);
    }
    if (strlen(real) >= sizeof out->disk || strchr(real, ',')) {
        free(real);
        return spec_refuse(err, errlen, "volume '%s': the disk's path must be shorter than %d bytes and hold no ','", text, PATH_MAX);
    }
    strcpy(out->disk, real);
    free(real);
    return 0;
}

/* The kernel splits its command line at blanks, newlines included: a control character in a
 * word would cut it in two (or worse) in the guest. */
static int has_control(const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        if (*p < ' ' || *p == 0x7f)
            return 1;
    return 0;
}

int spec_parse_env(const char *text, char *err, size_t errlen)
{
    if (has_control(text))
        return spec_refuse(err, errlen, "environment '%s' holds a control character", text);
    const char *eq = strchr(text, '=');
    if (!eq || eq == text)
        return spec_refuse(err, errlen, "environment '%s' must be NAME=VALUE", text);
    for (const char *p = text; p < eq; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_') || (p == text && isdigit((unsigned char)*p)))
            return spec_refuse(err, errlen, "environment '%s': '%.*s' is not a variable name", text, (int)(eq - text), text);
    if (strlen(text) >= SPEC_WORD_MAX)
        return spec_refuse(err, errlen, "environment '%.32s...' is longer than %d bytes", text, SPEC_WORD_MAX - 1);
    return 0;
}

int spec_parse_restart(const char *text, enum restart_policy *policy, int *max, char *err, size_t errlen)
{
    *max = 0;
    if (strcmp(text, "no") == 0) {
        *policy = RESTART_NO;
        return 0;
    }
    if (strcmp(text, "always") == 0) {
        *policy = RESTART_ALWAYS;
        return 0;
    }
    const char *p = "on-failure";
    size_t n = strlen(p);
    if (strncmp(text, p, n) == 0 && (text[n] == '\0' || text[n] == ':')) {
        *policy = RESTART_ON_FAILURE;
        if (text[n] == ':') {
            const char *end;
            long v;
            if (parse_int(text + n + 1, &end, 1000000, &v) < 0 || *end || v == 0)
                return spec_refuse(err, errlen, "restart policy '%s': the count after ':' must be a positive number", text);
            *max = (int)v;
        }
        return 0;
    }
    return spec_refuse(err, errlen, "restart policy '%s' must be no, on-failure[:N] or always", text);
}

int spec_parse_health(const char *text, struct health *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    const char *rest;
    if (strncmp(text, "http:", 5) == 0) {
        out->kind = HEALTH_HTTP;
        rest = text + 5;
    } else if (strncmp(text, "tcp:", 4) == 0) {
        out->kind = HEALTH_TCP;
        rest = text + 4;
    } else {
        return spec_refuse(err, errlen, "health check '%s' must be http:PORT/PATH or tcp:PORT", text);
    }
    const char *end;
    if (parse_port_number(rest, &end, &out->port) < 0)
        return spec_refuse(err, errlen, "health check '%s': the port must be 1-65535", text);
    if (out->kind == HEALTH_TCP) {
        if (*end)
            return spec_refuse(err, errlen, "health check '%s': tcp:PORT takes no path", text);
        return 0;
    }
    if (*end == '\0')
        end = "/";
    if (*end != '/' || strlen(end) >= sizeof out->path)
        return spec_refuse(err, errlen, "health check '%s': the path must start with '/'", text);
    for (const char *p = end; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return spec_refuse(err, errlen, "health check '%s': the path may not hold spaces or control characters", text);
    strcpy(out->path, end);
    return 0;
}

int spec_parse_gdb(const char *text, struct gdb_stub *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    strcpy(out->ip, "127.0.0.1");      /* a gdb stub is a debugger's way into the guest: local unless asked */
    char buf[SPEC_WORD_MAX];
    if (strlen(text) >= sizeof buf)
        return spec_refuse(err, errlen, "--gdb '%.32s...' is too long", text);
    strcpy(buf, text);
    char *port;
    if (split_ip(buf, out->ip, sizeof out->ip, &port) < 0)
        return spec_refuse(err, errlen, "--gdb '%s': '%s' is not an IPv4 address ([IP:]PORT)", text, buf);
    const char *end;
    if (parse_port_number(port, &end, &out->port) < 0 || *end) {
        out->port = 0;
        return spec_refuse(err, errlen, "--gdb '%s': port '%s' is not 1-65535 ([IP:]PORT)", text, port);
    }
    return 0;
}

int spec_check_gdb(const struct spec *s, char *err, size_t errlen)
{
    if (!s->gdb.port)
        return 0;
    /* (--warm before --on-demand: a warm pool turns on-demand on by itself) */
    const char *front = s->replicas ? "--replicas" : s->per_request ? "--per-request" : s->warm ? "--warm"
                      : s->on_demand ? "--on-demand" : NULL;
    if (front)
        return spec_refuse(err, errlen, "--gdb debugs one instance, and %s runs a front with instances of its own: "
                                        "use one or the other", front);
    if (s->health.kind != HEALTH_NONE)
        return spec_refuse(err, errlen, "--gdb halts the guest until gdb lets it run, and --health would find it "
                                        "failing and restart it: use one or the other");
    return 0;
}

int spec_parse_count(const char *what, const char *text, int *out, char *err, size_t errlen)
{
    const char *end;
    long v;
    if (parse_int(text, &end, SPEC_REPLICAS_MAX, &v) < 0 || *end || v < 1)
        return spec_refuse(err, errlen, "%s '%s' must be a number from 1 to %d", what, text, SPEC_REPLICAS_MAX);
    *out = (int)v;
    return 0;
}

int spec_parse_replicas(const char *text, int *out, char *err, size_t errlen)
{
    return spec_parse_count("replicas", text, out, err, errlen);
}

int spec_parse_duration(const char *text, int *seconds, char *err, size_t errlen)
{
    const char *end;
    long v;
    if (parse_int(text, &end, 7L * 24 * 3600, &v) < 0 || v < 1)
        return spec_refuse(err, errlen, "duration '%s' must be a positive number with s, m or h, as in 30s", text);
    long unit = !*end || strcmp(end, "s") == 0 ? 1 : strcmp(end, "m") == 0 ? 60 : strcmp(end, "h") == 0 ? 3600 : 0;
    if (!unit)
        return spec_refuse(err, errlen, "duration '%s' has an unknown unit '%s' (s, m or h)", text, end);
    *seconds = (int)(v * unit);
    return 0;
}

int spec_check_front(const struct spec *s, char *err, size_t errlen)
{
    if (strlen(s->name) > SPEC_NAME_MAX - 3)
        return spec_refuse(err, errlen, "name '%s': a service with replicas needs a name of at most %d characters",
                           s->name, SPEC_NAME_MAX - 3);
    for (int i = 0; i < s->nports; i++)
        if (s->ports[i].udp)
            return spec_refuse(err, errlen, "the front passes on TCP only, not port %d/udp", s->ports[i].host_port);
    if (s->per_request && s->on_demand)
        return spec_refuse(err, errlen, "--per-request starts an instance per connection: --on-demand and --idle do not apply");
    if (spec_replica_count(s) + s->warm > SPEC_REPLICAS_MAX)
        return spec_refuse(err, errlen, "replicas (%d) and warm instances (%d) together may be at most %d",
                           spec_replica_count(s), s->warm, SPEC_REPLICAS_MAX);
    return 0;
}

void spec_replica_name(const char *service, int index, char *out, size_t len)
{
    snprintf(out, len, "%s-%d", service, index);
}

int spec_replica_count(const struct spec *s)
{
    if (s->replicas)
        return s->replicas;
    return s->per_request ? SPEC_PER_REQUEST_REPLICAS : s->on_demand || s->warm ? 1 : 0;
}

int spec_has_front(const struct spec *s)
{
    return s->replicas || s->on_demand || s->warm || s->per_request;
}

int spec_slot_count(const struct spec *s)
{
    int n = 2 * spec_replica_count(s) + s->warm;
    return n > SPEC_SLOTS_MAX ? SPEC_SLOTS_MAX : n;
}

int spec_add_port(struct spec *s, const char *text, char *err, size_t errlen)
{
    if (s->nports == SPEC_PORTS_MAX)
        return spec_refuse(err, errlen, "more than %d ports", SPEC_PORTS_MAX);
    return spec_parse_port(text, &s->ports[s->nports], err, errlen) < 0 ? -1 : (s->nports++, 0);
}

int spec_add_volume(struct spec *s, const char *text, char *err, size_t errlen)
{
    if (s->nvolumes == SPEC_VOLUMES_MAX)
        return spec_refuse(err, errlen, "more than %d volumes", SPEC_VOLUMES_MAX);
    if (spec_parse_volume(text, &s->volumes[s->nvolumes], err, errlen) < 0)
        return -1;
    int mounted = 0;
    for (int i = 0; i <= s->nvolumes; i++)
        mounted += s->volumes[i].mount[0] != '\0';
    if (mounted > SPEC_MOUNTS_MAX)
        return spec_refuse(err, errlen, "volume '%s': more than %d volumes with a mount point", text, SPEC_MOUNTS_MAX);
    s->nvolumes++;
    return 0;
}

int spec_add_env(struct spec *s, const char *text, char *err, size_t errlen)
{
    if (s->nenv == SPEC_ENV_MAX)
        return spec_refuse(err, errlen, "more than %d environment variables", SPEC_ENV_MAX);
    if (spec_parse_env(text, err, errlen) < 0)
        return -1;
    strcpy(s->env[s->nenv++], text);
    return 0;
}

int spec_add_net(struct spec *s, const char *name, char *err, size_t errlen)
{
    if (s->nnets == SPEC_NETS_MAX)
        return spec_refuse(err, errlen, "more than %d networks", SPEC_NETS_MAX);
    if (spec_check_name("network", name, err, errlen) < 0)
        return -1;
    for (int i = 0; i < s->nnets; i++)
        if (strcmp(s->nets[i], name) == 0)
            return spec_refuse(err, errlen, "network '%s' is given twice", name);
    strcpy(s->nets[s->nnets++], name);
    return 0;
}

int spec_add_word(char words[][SPEC_WORD_MAX], int *n, const char *what, const char *word, char *err, size_t errlen)
{
    if (*n == SPEC_WORDS_MAX)
        return spec_refuse(err, errlen, "more than %d %s", SPEC_WORDS_MAX, what);
    if (strlen(word) >= SPEC_WORD_MAX)
        return spec_refuse(err, errlen, "%s '%.32s...' is longer than %d bytes", what, word, SPEC_WORD_MAX - 1);
    if (has_control(word))
        return spec_refuse(err, errlen, "%s '%s' holds a control character", what, word);
    strcpy(words[(*n)++], word);
    return 0;
}

int spec_set_image(struct spec *s, const char *path, char *err, size_t errlen)
{
    char *real = realpath(path, NULL);
    struct stat st;
    if (!real || stat(real, &st) < 0 || !S_ISREG(st.st_mode)) {
        const char *why = real ? "not a regular file" : strerror(errno);
        free(real);
        return spec_refuse(err, errlen, "image '%s': %s", path, why);
    }
    if (strlen(real) >= sizeof s->image || strchr(real, ',')) {
        free(real);
        return spec_refuse(err, errlen, "image '%s': the path must be shorter than %d bytes and hold no ','", path, PATH_MAX);
    }
    strcpy(s->image, real);
    free(real);
    return 0;
}

enum image_kind spec_image_kind(const char *path)
{
    static const struct { const char *suffix; enum image_kind kind; } kinds[] = {
        { ".img", IMAGE_RAW }, { ".raw", IMAGE_RAW }, { ".qcow2", IMAGE_QCOW2 }, { ".iso", IMAGE_ISO },
        { ".app", IMAGE_APP },
    };
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        size_t k = strlen(kinds[i].suffix);
        if (n > k && strcasecmp(path + n - k, kinds[i].suffix) == 0)
            return kinds[i].kind;
    }
    return IMAGE_ELF;
}

void spec_format_port(const struct port_map *p, char *out, size_t len)
{
    snprintf(out, len, "%s:%d->%d/%s", p->host_ip, p->host_port, p->guest_port, p->udp ? "udp" : "tcp");
}

void spec_format_restart(const struct spec *s, char *out, size_t len)
{
    if (s->restart == RESTART_NO)
        snprintf(out, len, "no");
    else if (s->restart == RESTART_ALWAYS)
        snprintf(out, len, "always");
    else if (s->restart_max)
        snprintf(out, len, "on-failure:%d", s->restart_max);
    else
        snprintf(out, len, "on-failure");
}

void spec_format_health(const struct health *h, char *out, size_t len)
{
    if (h->kind == HEALTH_HTTP)
        snprintf(out, len, "http:%d%s", h->port, h->path);
    else if (h->kind == HEALTH_TCP)
        snprintf(out, len, "tcp:%d", h->port);
    else
        snprintf(out, len, "none");
}

void spec_format_gdb(const struct gdb_stub *g, char *out, size_t len)
{
    if (g->port)
        snprintf(out, len, "%s:%d", g->ip, g->port);
    else if (len)
        *out = '\0';
}

void spec_format_size(uint64_t bytes, char *out, size_t len)
{
    if (bytes && bytes % (1ull << 30) == 0)
        snprintf(out, len, "%lluG", (unsigned long long)(bytes >> 30));
    else if (bytes && bytes % (1ull << 20) == 0)
        snprintf(out, len, "%lluM", (unsigned long long)(bytes >> 20));
    else
        snprintf(out, len, "%lluK", (unsigned long long)(bytes >> 10));
}

/* --- the saved form ----------------------------------------------------------------------- */

/* Values are written with '\\', '\n' and '\t' escaped, so every line is one field. */
static void put(FILE *f, const char *key, const char *value)
{
    fprintf(f, "%s ", key);
    for (const char *p = value; *p; p++) {
        if (*p == '\\')
            fputs("\\\\", f);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else
            fputc(*p, f);
    }
    fputc('\n', f);
}

int spec_save(const struct spec *s, FILE *f)
{
    char buf[PATH_MAX + SPEC_WORD_MAX];
    put(f, "name", s->name);
    put(f, "image", s->image);
    if (s->os[0])
        put(f, "os", s->os);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)s->mem_bytes);
    put(f, "mem", buf);
    spec_format_restart(s, buf, sizeof buf);
    put(f, "restart", buf);
    if (s->health.kind != HEALTH_NONE) {
        spec_format_health(&s->health, buf, sizeof buf);
        put(f, "health", buf);
    }
    if (s->replicas) {
        snprintf(buf, sizeof buf, "%d", s->replicas);
        put(f, "replicas", buf);
    }
    if (s->on_demand) {
        snprintf(buf, sizeof buf, "%d", s->idle_s);
        put(f, "on-demand-idle", buf);
    }
    if (s->warm) {
        snprintf(buf, sizeof buf, "%d", s->warm);
        put(f, "warm", buf);
    }
    if (s->per_request)
        put(f, "per-request", "1");
    if (s->gdb.port) {
        spec_format_gdb(&s->gdb, buf, sizeof buf);
        put(f, "gdb", buf);
    }
    for (int i = 0; i < s->nports; i++) {
        const struct port_map *p = &s->ports[i];
        snprintf(buf, sizeof buf, "%s:%d:%d/%s", p->host_ip, p->host_port, p->guest_port, p->udp ? "udp" : "tcp");
        put(f, "port", buf);
    }
    for (int i = 0; i < s->nvolumes; i++) {
        put(f, "volume-disk", s->volumes[i].disk);
        put(f, "volume-mount", s->volumes[i].mount);
        put(f, "volume-ro", s->volumes[i].readonly ? "1" : "0");
    }
    for (int i = 0; i < s->nenv; i++)
        put(f, "env", s->env[i]);
    for (int i = 0; i < s->nnets; i++)
        put(f, "net", s->nets[i]);
    for (int i = 0; i < s->nkernel; i++)
        put(f, "kernel", s->kernel[i]);
    for (int i = 0; i < s->napp; i++)
        put(f, "app", s->app[i]);
    fputs("end\n", f);
    return ferror(f) ? -1 : 0;
}

/* Undoes put()'s escapes in place. */
static int unescape(char *v)
{
    char *w = v;
    for (char *r = v; *r; r++) {
        if (*r != '\\') {
            *w++ = *r;
            continue;
        }
        r++;
        if (*r == '\\')
            *w++ = '\\';
        else if (*r == 'n')
            *w++ = '\n';
        else if (*r == 't')
            *w++ = '\t';
        else
            return -1;
    }
    *w = '\0';
    return 0;
}

static int copy_field(char *dst, size_t size, const char *v)
{
    if (strlen(v) >= size)
        return -1;
    strcpy(dst, v);
    return 0;
}

static int load_field(struct spec *s, const char *key, const char *v, char *err, size_t errlen)
{
    if (strcmp(key, "name") == 0)
        return copy_field(s->name, sizeof s->name, v);
    if ((strcmp(key, "image") == 0 || strcmp(key, "volume-disk") == 0 || strcmp(key, "os") == 0) &&
        (v[0] != '/' || strchr(v, ',')))
        return -1;                      /* QEMU reads ',' in a file= value as the next option */
    if (strcmp(key, "image") == 0)
        return copy_field(s->image, sizeof s->image, v);
    if (strcmp(key, "os") == 0)
        return copy_field(s->os, sizeof s->os, v);
    if (strcmp(key, "mem") == 0) {
        char *end;
        errno = 0;
        s->mem_bytes = strtoull(v, &end, 10);
        return !isdigit((unsigned char)v[0]) || *end || errno ? -1 : 0;    /* strtoull takes "", " 1", "-1" */
    }
    if (strcmp(key, "restart") == 0)
        return spec_parse_restart(v, &s->restart, &s->restart_max, err, errlen);
    if (strcmp(key, "health") == 0)
        return spec_parse_health(v, &s->health, err, errlen);
    if (strcmp(key, "replicas") == 0)
        return spec_parse_replicas(v, &s->replicas, err, errlen);
    if (strcmp(key, "warm") == 0)
        return spec_parse_count("warm", v, &s->warm, err, errlen);
    if (strcmp(key, "per-request") == 0) {
        s->per_request = 1;
        return strcmp(v, "1") == 0 ? 0 : -1;
    }
    if (strcmp(key, "on-demand-idle") == 0) {
        s->on_demand = 1;
        return spec_parse_duration(v, &s->idle_s, err, errlen);
    }
    if (strcmp(key, "gdb") == 0)
        return spec_parse_gdb(v, &s->gdb, err, errlen);
    if (strcmp(key, "port") == 0)
        return spec_add_port(s, v, err, errlen);
    if (strcmp(key, "volume-disk") == 0) {
        if (s->nvolumes == SPEC_VOLUMES_MAX)
            return -1;
        memset(&s->volumes[s->nvolumes], 0, sizeof s->volumes[0]);
        return copy_field(s->volumes[s->nvolumes++].disk, sizeof s->volumes[0].disk, v);
    }
    if (strcmp(key, "volume-mount") == 0)
        return s->nvolumes && (!v[0] || (v[0] == '/' && !strpbrk(v, " :,")))
                   ? copy_field(s->volumes[s->nvolumes - 1].mount, sizeof s->volumes[0].mount, v) : -1;
    if (strcmp(key, "volume-ro") == 0) {
        if (!s->nvolumes)
            return -1;
        s->volumes[s->nvolumes - 1].readonly = strcmp(v, "1") == 0;
        return 0;
    }
    if (strcmp(key, "env") == 0)
        return spec_add_env(s, v, err, errlen);
    if (strcmp(key, "net") == 0)
        return spec_add_net(s, v, err, errlen);
    if (strcmp(key, "kernel") == 0)
        return spec_add_word(s->kernel, &s->nkernel, "kernel options", v, err, errlen);
    if (strcmp(key, "app") == 0)
        return spec_add_word(s->app, &s->napp, "app arguments", v, err, errlen);
    return -1;
}

int spec_load(struct spec *s, FILE *f, char *err, size_t errlen)
{
    spec_init(s);
    char line[SAVE_LINE_MAX];
    int lineno = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        size_t n = strlen(line);
        if (n == 0 || line[n - 1] != '\n')
            return spec_refuse(err, errlen, "line %d is cut short", lineno);
        line[n - 1] = '\0';
        if (strcmp(line, "end") == 0)
            return s->name[0] && s->image[0] ? 0 : spec_refuse(err, errlen, "no name or image");
        char *sp = strchr(line, ' ');
        if (!sp)
            return spec_refuse(err, errlen, "line %d has no value", lineno);
        *sp = '\0';
        char sub[SPEC_ERR_MAX] = "";
        if (unescape(sp + 1) < 0 || load_field(s, line, sp + 1, sub, sizeof sub) < 0)
            return spec_refuse(err, errlen, "line %d (%s): %s", lineno, line, sub[0] ? sub : "bad value");
    }
    return spec_refuse(err, errlen, "the file ends before its 'end' line");
}
