/* Reading a fleet file (fleet.h) with libyaml's event API. The walk follows the format's fixed
 * shape, so a value nested deeper than the format allows is refused at its first event and no
 * recursion depends on the input (libyaml's document loader recurses once per level of nesting,
 * which a hostile file can make deep enough to overflow the stack). */
#include "fleet.h"
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define COMMAND_WORDS_MAX (2 * SPEC_WORDS_MAX + 1)  /* both sides and the "--" between them */
#define QUOTE_MAX 32                                /* bytes of an over-long value quoted back */
#define BLANKS " \t\r\n"

enum service_key { K_IMAGE, K_PORTS, K_VOLUMES, K_ENV, K_MEMORY, K_RESTART, K_HEALTH, K_NETWORKS, K_REPLICAS,
                   K_COMMAND, K_ON_DEMAND, K_IDLE, K_WARM, K_PER_REQUEST, K_COUNT };
static const char *const service_keys[K_COUNT] = {
    "image", "ports", "volumes", "env", "memory", "restart", "health", "networks", "replicas", "command",
    "on_demand", "idle", "warm", "per_request",
};
#define SERVICE_KEYS_KNOWN \
    "image, ports, volumes, env, memory, restart, health, networks, replicas, command, on_demand, idle, warm, per_request"

struct reader {
    yaml_parser_t parser;
    yaml_event_t ev;                    /* the current event */
    int live;                           /* ev holds libyaml's memory, to be deleted */
    const char *path;
    unsigned char *text;                /* the whole file */
    size_t len;
    char dir[PATH_MAX];                 /* the file's directory: relative paths start there */
    char *err;
    size_t errlen;
    size_t service_line[FLEET_SERVICES_MAX];
    size_t net_line[FLEET_SERVICES_MAX][SPEC_NETS_MAX];
    int names_only;                     /* fleet_load_names: no file is looked for */
    int nwords;                         /* a command's words, before they are sorted into a spec */
    char words[COMMAND_WORDS_MAX][SPEC_WORD_MAX];
};

/* --- errors: "FILE:LINE: what" ------------------------------------------------------------ */

static int vfail_at(struct reader *r, size_t line, const char *fmt, va_list ap)
{
    int n = snprintf(r->err, r->errlen, "%s:%zu: ", r->path, line);
    if (n >= 0 && (size_t)n < r->errlen)
        vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
    return -1;
}

__attribute__((format(printf, 3, 4)))
static int fail_at(struct reader *r, size_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail_at(r, line, fmt, ap);
    va_end(ap);
    return -1;
}

static size_t line_of(const struct reader *r)
{
    return r->ev.start_mark.line + 1;
}

/* An error at the current event. */
__attribute__((format(printf, 2, 3)))
static int fail(struct reader *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail_at(r, line_of(r), fmt, ap);
    va_end(ap);
    return -1;
}

/* libyaml's own words for what it refused. A reader error (bad UTF-8, a control character)
 * carries a byte offset rather than a mark: its line is counted from the text. */
static int yaml_failed(struct reader *r)
{
    const yaml_parser_t *p = &r->parser;
    const char *problem = p->error == YAML_MEMORY_ERROR ? "out of memory"
                          : p->problem ? p->problem : "not valid YAML";
    if (p->error == YAML_READER_ERROR) {
        size_t line = 1, end = p->problem_offset < r->len ? p->problem_offset : r->len;
        for (size_t i = 0; i < end; i++)
            line += r->text[i] == '\n';
        if (p->problem_value >= 0)
            return fail_at(r, line, "%s (byte 0x%02X)", problem, (unsigned)p->problem_value);
        return fail_at(r, line, "%s", problem);
    }
    if (p->context)
        return fail_at(r, p->problem_mark.line + 1, "%s (%s on line %zu)", problem, p->context,
                       p->context_mark.line + 1);
    return fail_at(r, p->problem_mark.line + 1, "%s", problem);
}

/* --- events ------------------------------------------------------------------------------- */

/* Moves to the next event. Aliases and NUL bytes in values are refused here, once for all. */
static int next(struct reader *r)
{
    if (r->live)
        yaml_event_delete(&r->ev);
    r->live = 0;
    if (!yaml_parser_parse(&r->parser, &r->ev))
        return yaml_failed(r);
    r->live = 1;
    if (r->ev.type == YAML_ALIAS_EVENT)
        return fail(r, "aliases (*%s) are not supported: write the value out",
                    (const char *)r->ev.data.alias.anchor);
    if (r->ev.type == YAML_SCALAR_EVENT && memchr(r->ev.data.scalar.value, 0, r->ev.data.scalar.length))
        return fail(r, "a value holds a NUL byte");
    return 0;
}

static const char *scalar(const struct reader *r)
{
    return (const char *)r->ev.data.scalar.value;
}

/* An empty value as YAML writes one: nothing, ~ or null, unquoted. */
static int is_null(const struct reader *r)
{
    if (r->ev.type != YAML_SCALAR_EVENT || r->ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *v = scalar(r);
    return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL");
}

static const char *kind(const struct reader *r)
{
    switch (r->ev.type) {
    case YAML_SCALAR_EVENT: return "a single value";
    case YAML_SEQUENCE_START_EVENT: return "a list";
    case YAML_MAPPING_START_EVENT: return "a mapping";
    default: return "nothing";
    }
}

/* The current event is a single value for key (who names the service, or is ""). */
static int single(struct reader *r, const char *who, const char *key)
{
    if (r->ev.type == YAML_SCALAR_EVENT)
        return 0;
    return fail(r, "%s%s must be a single value, not %s", who, key, kind(r));
}

static int begin_list(struct reader *r, const char *who, const char *key)
{
    if (r->ev.type == YAML_SEQUENCE_START_EVENT)
        return 0;
    return fail(r, "%s%s must be a list, as in %s: [...], not %s", who, key, key, kind(r));
}

/* The next item of the list begun: 1 with that value current, 0 at the list's end, -1. */
static int next_item(struct reader *r, const char *who, const char *key)
{
    if (next(r) < 0)
        return -1;
    if (r->ev.type == YAML_SEQUENCE_END_EVENT)
        return 0;
    if (r->ev.type != YAML_SCALAR_EVENT)
        return fail(r, "%s%s: each item must be a single value, not %s", who, key, kind(r));
    return 1;
}

/* The next key of the mapping begun: 1 with the key current, 0 at the mapping's end, -1. */
static int next_key(struct reader *r, const char *who)
{
    if (next(r) < 0)
        return -1;
    if (r->ev.type == YAML_MAPPING_END_EVENT)
        return 0;
    if (r->ev.type != YAML_SCALAR_EVENT)
        return fail(r, "%sa key must be a single value, not %s", who, kind(r));
    return 1;
}

/* --- a service's settings ----------------------------------------------------------------- */

/* path as written when absolute, else joined to the fleet file's directory. */
static int resolve(struct reader *r, const char *who, const char *path, char *out, size_t size)
{
    int n = path[0] == '/' ? snprintf(out, size, "%s", path) : snprintf(out, size, "%s/%s", r->dir, path);
    if (n < 0 || (size_t)n >= size)
        return fail(r, "%spath '%.*s...' is too long", who, QUOTE_MAX, path);
    return 0;
}

static int set_image(struct reader *r, struct spec *s, const char *who)
{
    char path[PATH_MAX], sub[SPEC_ERR_MAX];
    if (single(r, who, "image") < 0)
        return -1;
    if (!*scalar(r))
        return fail(r, "%simage names no file", who);
    if (resolve(r, who, scalar(r), path, sizeof path) < 0)
        return -1;
    if (r->names_only) {
        snprintf(s->image, sizeof s->image, "%s", path);
        return 0;
    }
    if (spec_set_image(s, path, sub, sizeof sub) < 0)
        return fail(r, "%s%s", who, sub);
    return 0;
}

static int add_volumes(struct reader *r, struct spec *s, const char *who)
{
    char text[PATH_MAX + SPEC_WORD_MAX], sub[SPEC_ERR_MAX];
    int rc;
    if (begin_list(r, who, "volumes") < 0)
        return -1;
    while ((rc = next_item(r, who, "volumes")) > 0) {
        if (resolve(r, who, scalar(r), text, sizeof text) < 0)
            return -1;
        if (r->names_only)
            continue;
        if (spec_add_volume(s, text, sub, sizeof sub) < 0)
            return fail(r, "%s%s", who, sub);
    }
    return rc;
}

static int add_ports(struct reader *r, struct spec *s, const char *who)
{
    char sub[SPEC_ERR_MAX];
    int rc;
    if (begin_list(r, who, "ports") < 0)
        return -1;
    while ((rc = next_item(r, who, "ports")) > 0)
        if (spec_add_port(s, scalar(r), sub, sizeof sub) < 0)
            return fail(r, "%s%s", who, sub);
    return rc;
}

/* One NAME=VALUE, refused when its name was given before: the guest would see only one. */
static int add_env_var(struct reader *r, struct spec *s, const char *who, const char *var)
{
    char sub[SPEC_ERR_MAX];
    if (spec_parse_env(var, sub, sizeof sub) < 0)
        return fail(r, "%s%s", who, sub);
    size_t n = strcspn(var, "=");
    for (int i = 0; i < s->nenv; i++)
        if (strncmp(s->env[i], var, n) == 0 && s->env[i][n] == '=')
            return fail(r, "%senvironment variable '%.*s' is given twice", who, (int)n, var);
    if (spec_add_env(s, var, sub, sizeof sub) < 0)
        return fail(r, "%s%s", who, sub);
    return 0;
}

/* env: a list of NAME=VALUE, or a mapping NAME: VALUE (an empty VALUE is the empty string). */
static int add_env(struct reader *r, struct spec *s, const char *who)
{
    char var[2 * SPEC_WORD_MAX];
    int rc;
    if (r->ev.type == YAML_SEQUENCE_START_EVENT) {
        while ((rc = next_item(r, who, "env")) > 0)
            if (add_env_var(r, s, who, scalar(r)) < 0)
                return -1;
        return rc;
    }
    if (r->ev.type != YAML_MAPPING_START_EVENT)
        return fail(r, "%senv must be a list of NAME=VALUE or a mapping NAME: VALUE, not %s", who, kind(r));
    while ((rc = next_key(r, who)) > 0) {
        const char *name = scalar(r);
        int n = snprintf(var, sizeof var, "%s=", name);
        if (n < 0 || (size_t)n >= SPEC_WORD_MAX)
            return fail(r, "%senvironment variable '%.*s...': the name is too long", who, QUOTE_MAX, name);
        if (next(r) < 0 || single(r, who, "an env value") < 0)
            return -1;
        if (!is_null(r) && snprintf(var + n, sizeof var - (size_t)n, "%s", scalar(r)) >= (int)(sizeof var - (size_t)n))
            return fail(r, "%senvironment variable '%.*s...' is too long", who, QUOTE_MAX, var);
        if (add_env_var(r, s, who, var) < 0)
            return -1;
    }
    return rc;
}

static int add_networks(struct reader *r, struct spec *s, int index, const char *who)
{
    char sub[SPEC_ERR_MAX];
    int rc;
    if (begin_list(r, who, "networks") < 0)
        return -1;
    while ((rc = next_item(r, who, "networks")) > 0) {
        if (spec_add_net(s, scalar(r), sub, sizeof sub) < 0)
            return fail(r, "%s%s", who, sub);
        r->net_line[index][s->nnets - 1] = line_of(r);  /* checked against networks: at the end */
    }
    return rc;
}

static int add_word(struct reader *r, const char *who, const char *word, size_t len)
{
    if (r->nwords == COMMAND_WORDS_MAX)
        return fail(r, "%scommand has more than %d words", who, COMMAND_WORDS_MAX);
    if (len >= SPEC_WORD_MAX)
        return fail(r, "%scommand word '%.*s...' is longer than %d bytes", who, QUOTE_MAX, word, SPEC_WORD_MAX - 1);
    memcpy(r->words[r->nwords], word, len);
    r->words[r->nwords++][len] = '\0';
    return 0;
}

/* The words before the first "--" are kernel options, the rest the app's; no "--": all the app's. */
static int sort_words(struct reader *r, struct spec *s, const char *who, size_t line)
{
    char sub[SPEC_ERR_MAX];
    int sep = -1;
    for (int i = 0; i < r->nwords && sep < 0; i++)
        if (strcmp(r->words[i], "--") == 0)
            sep = i;
    for (int i = 0; i < r->nwords; i++) {
        int rc = 0;
        if (i < sep)
            rc = spec_add_word(s->kernel, &s->nkernel, "kernel options", r->words[i], sub, sizeof sub);
        else if (i != sep)
            rc = spec_add_word(s->app, &s->napp, "app arguments", r->words[i], sub, sizeof sub);
        if (rc < 0)
            return fail_at(r, line, "%scommand: %s", who, sub);
    }
    return 0;
}

/* command: one string split at blanks, or a list of words. */
static int set_command(struct reader *r, struct spec *s, const char *who)
{
    size_t line = line_of(r);
    int rc = 0;
    r->nwords = 0;
    if (r->ev.type == YAML_SCALAR_EVENT) {
        for (const char *p = scalar(r) + strspn(scalar(r), BLANKS); *p && rc == 0; p += strspn(p, BLANKS)) {
            size_t len = strcspn(p, BLANKS);
            rc = add_word(r, who, p, len);
            p += len;
        }
    } else if (r->ev.type == YAML_SEQUENCE_START_EVENT) {
        while ((rc = next_item(r, who, "command")) > 0)
            if (add_word(r, who, scalar(r), strlen(scalar(r))) < 0)
                return -1;
    } else {
        return fail(r, "%scommand must be a string or a list of words, not %s", who, kind(r));
    }
    return rc < 0 ? -1 : sort_words(r, s, who, line);
}

/* The current event is key k's value. */
/* YAML 1.2's core schema's booleans. */
static int parse_bool(const char *text, int *out, const char *what, char *err, size_t errlen)
{
    static const char *const yes[] = { "true", "True", "TRUE" }, *const no[] = { "false", "False", "FALSE" };
    for (int i = 0; i < 3; i++) {
        if (strcmp(text, yes[i]) == 0)
            return *out = 1, 0;
        if (strcmp(text, no[i]) == 0)
            return *out = 0, 0;
    }
    return spec_refuse(err, errlen, "%s '%s' must be true or false", what, text);
}

static int parse_setting(struct reader *r, struct spec *s, int index, enum service_key k, const char *who)
{
    char sub[SPEC_ERR_MAX];
    int rc = 0;
    switch (k) {
    case K_IMAGE: return set_image(r, s, who);
    case K_PORTS: return add_ports(r, s, who);
    case K_VOLUMES: return add_volumes(r, s, who);
    case K_ENV: return add_env(r, s, who);
    case K_NETWORKS: return add_networks(r, s, index, who);
    case K_COMMAND: return set_command(r, s, who);
    case K_MEMORY:
        if (single(r, who, "memory") < 0)
            return -1;
        rc = spec_parse_size(scalar(r), &s->mem_bytes, sub, sizeof sub);
        break;
    case K_RESTART:
        if (single(r, who, "restart") < 0)
            return -1;
        rc = spec_parse_restart(scalar(r), &s->restart, &s->restart_max, sub, sizeof sub);
        break;
    case K_HEALTH:
        if (single(r, who, "health") < 0)
            return -1;
        rc = spec_parse_health(scalar(r), &s->health, sub, sizeof sub);
        break;
    case K_REPLICAS:
        if (single(r, who, "replicas") < 0)
            return -1;
        rc = spec_parse_replicas(scalar(r), &s->replicas, sub, sizeof sub);
        break;
    case K_ON_DEMAND:
    case K_PER_REQUEST:
        if (single(r, who, service_keys[k]) < 0)
            return -1;
        rc = parse_bool(scalar(r), k == K_ON_DEMAND ? &s->on_demand : &s->per_request, service_keys[k], sub,
                        sizeof sub);
        if (s->on_demand && !s->idle_s)
            s->idle_s = SPEC_IDLE_DEFAULT_S;
        break;
    case K_IDLE:
        if (single(r, who, "idle") < 0)
            return -1;
        rc = spec_parse_duration(scalar(r), &s->idle_s, sub, sizeof sub);
        break;
    case K_WARM:
        if (single(r, who, "warm") < 0)
            return -1;
        rc = spec_parse_count("warm", scalar(r), &s->warm, sub, sizeof sub);
        break;
    case K_COUNT:
        break;
    }
    return rc < 0 ? fail(r, "%s%s", who, sub) : 0;
}

/* The current event is the value under the service's name; s holds the name. */
static int parse_service(struct reader *r, struct spec *s, int index)
{
    char who[SPEC_NAME_MAX + 16];
    size_t seen[K_COUNT] = { 0 };       /* the line each key was given on */
    int rc;
    snprintf(who, sizeof who, "service '%s': ", s->name);
    if (is_null(r))
        return fail_at(r, r->service_line[index], "%sno image (image: FILE is required)", who);
    if (r->ev.type != YAML_MAPPING_START_EVENT)
        return fail(r, "%smust be a mapping of settings (image:, ports:, ...), not %s", who, kind(r));
    while ((rc = next_key(r, who)) > 0) {
        int k = 0;
        while (k < K_COUNT && strcmp(scalar(r), service_keys[k]) != 0)
            k++;
        if (k == K_COUNT)
            return fail(r, "%sunknown key '%s' (known: %s)", who, scalar(r), SERVICE_KEYS_KNOWN);
        if (seen[k])
            return fail(r, "%skey '%s' is given twice (first on line %zu)", who, service_keys[k], seen[k]);
        seen[k] = line_of(r);
        if (next(r) < 0 || parse_setting(r, s, index, (enum service_key)k, who) < 0)
            return -1;
    }
    if (rc < 0)
        return -1;
    if (!seen[K_IMAGE])
        return fail_at(r, r->service_line[index], "%sno image (image: FILE is required)", who);
    if (s->warm && !s->per_request && !s->on_demand) {   /* a warm pool is for what runs on demand */
        s->on_demand = 1;
        if (!s->idle_s)
            s->idle_s = SPEC_IDLE_DEFAULT_S;
    }
    if (seen[K_IDLE] && !s->on_demand)
        return fail_at(r, seen[K_IDLE], "%sidle: is for a service with on_demand: true", who);
    return 0;
}

/* --- the top level ------------------------------------------------------------------------ */

static int parse_services(struct reader *r, struct fleet *out)
{
    char sub[SPEC_ERR_MAX];
    int rc;
    if (is_null(r))
        return 0;
    if (r->ev.type != YAML_MAPPING_START_EVENT)
        return fail(r, "services must be a mapping of names to services, not %s", kind(r));
    while ((rc = next_key(r, "services: ")) > 0) {
        const char *name = scalar(r);
        if (spec_check_name("service", name, sub, sizeof sub) < 0)
            return fail(r, "services: %s", sub);
        for (int i = 0; i < out->nservices; i++)
            if (strcmp(out->services[i].name, name) == 0)
                return fail(r, "service '%s' is given twice (first on line %zu)", name, r->service_line[i]);
        if (out->nservices == FLEET_SERVICES_MAX)
            return fail(r, "more than %d services", FLEET_SERVICES_MAX);
        int i = out->nservices++;
        spec_init(&out->services[i]);
        strcpy(out->services[i].name, name);
        r->service_line[i] = line_of(r);
        if (next(r) < 0 || parse_service(r, &out->services[i], i) < 0)
            return -1;
    }
    return rc;
}

/* The current event is a network's name. */
static int declare_network(struct reader *r, struct fleet *out)
{
    char sub[SPEC_ERR_MAX];
    const char *name = scalar(r);
    if (spec_check_name("network", name, sub, sizeof sub) < 0)
        return fail(r, "networks: %s", sub);
    for (int i = 0; i < out->nnetworks; i++)
        if (strcmp(out->networks[i], name) == 0)
            return fail(r, "network '%s' is declared twice", name);
    if (out->nnetworks == FLEET_NETWORKS_MAX)
        return fail(r, "more than %d networks", FLEET_NETWORKS_MAX);
    strcpy(out->networks[out->nnetworks++], name);
    return 0;
}

/* networks: a list of names, or a mapping of names to nothing (a place for settings to come). */
static int parse_networks(struct reader *r, struct fleet *out)
{
    int rc;
    if (is_null(r))
        return 0;
    if (r->ev.type == YAML_SEQUENCE_START_EVENT) {
        while ((rc = next_item(r, "", "networks")) > 0)
            if (declare_network(r, out) < 0)
                return -1;
        return rc;
    }
    if (r->ev.type != YAML_MAPPING_START_EVENT)
        return fail(r, "networks must be a mapping or a list of names, not %s", kind(r));
    while ((rc = next_key(r, "networks: ")) > 0) {
        if (declare_network(r, out) < 0 || next(r) < 0)
            return -1;
        const char *name = out->networks[out->nnetworks - 1];
        if (is_null(r))
            continue;
        if (r->ev.type == YAML_MAPPING_START_EVENT) {
            if (next(r) < 0)
                return -1;
            if (r->ev.type == YAML_MAPPING_END_EVENT)
                continue;
        }
        return fail(r, "network '%s' takes no settings (write '%s:' or '%s: {}')", name, name, name);
    }
    return rc;
}

/* The current event starts the top-level mapping. */
static int parse_top(struct reader *r, struct fleet *out)
{
    static const char *const keys[] = { "networks", "services" };
    size_t seen[2] = { 0, 0 };
    int rc;
    while ((rc = next_key(r, "")) > 0) {
        int k = strcmp(scalar(r), keys[0]) == 0 ? 0 : strcmp(scalar(r), keys[1]) == 0 ? 1 : -1;
        if (k < 0)
            return fail(r, "unknown top-level key '%s' (known: networks, services)", scalar(r));
        if (seen[k])
            return fail(r, "key '%s' is given twice (first on line %zu)", keys[k], seen[k]);
        seen[k] = line_of(r);
        if (next(r) < 0 || (k ? parse_services(r, out) : parse_networks(r, out)) < 0)
            return -1;
    }
    if (rc < 0)
        return -1;
    if (!out->nservices)
        return fail_at(r, seen[1] ? seen[1] : 1, "no services (services: names at least one)");
    return 0;
}

/* Every network a service joins is declared (networks: may come after services:). */
static int check_networks(struct reader *r, const struct fleet *f)
{
    for (int i = 0; i < f->nservices; i++) {
        const struct spec *s = &f->services[i];
        for (int j = 0; j < s->nnets; j++) {
            int k = 0;
            while (k < f->nnetworks && strcmp(f->networks[k], s->nets[j]) != 0)
                k++;
            if (k == f->nnetworks)
                return fail_at(r, r->net_line[i][j], "service '%s': network '%s' is not declared under networks:",
                               s->name, s->nets[j]);
        }
    }
    return 0;
}

/* STREAM-START, one DOCUMENT holding the top-level mapping, STREAM-END. */
static int parse_file(struct reader *r, struct fleet *out)
{
    if (next(r) < 0 || next(r) < 0)
        return -1;
    if (r->ev.type == YAML_STREAM_END_EVENT)
        return fail_at(r, 1, "the file is empty (it needs services:)");
    if (next(r) < 0)
        return -1;
    if (is_null(r))
        return fail(r, "the document is empty (it needs services:)");
    if (r->ev.type != YAML_MAPPING_START_EVENT)
        return fail(r, "the top level must be a mapping (networks:, services:), not %s", kind(r));
    if (parse_top(r, out) < 0 || next(r) < 0 || next(r) < 0)
        return -1;
    if (r->ev.type != YAML_STREAM_END_EVENT)
        return fail(r, "a second YAML document: a fleet file holds one");
    return check_networks(r, out);
}

/* --- the file ----------------------------------------------------------------------------- */

static int read_file(struct reader *r)
{
    FILE *f = fopen(r->path, "rb");
    if (!f) {
        snprintf(r->err, r->errlen, "%s: %s", r->path, strerror(errno));
        return -1;
    }
    r->text = malloc(FLEET_FILE_MAX + 1);
    if (!r->text) {
        fclose(f);
        snprintf(r->err, r->errlen, "%s: out of memory", r->path);
        return -1;
    }
    r->len = fread(r->text, 1, FLEET_FILE_MAX + 1, f);
    int e = ferror(f) ? errno : 0;
    fclose(f);
    if (e) {
        snprintf(r->err, r->errlen, "%s: %s", r->path, strerror(e));
        return -1;
    }
    if (r->len > FLEET_FILE_MAX) {
        snprintf(r->err, r->errlen, "%s: larger than %d bytes; a fleet file is a page of text", r->path,
                 FLEET_FILE_MAX);
        return -1;
    }
    return 0;
}

static int set_dir(struct reader *r)
{
    const char *slash = strrchr(r->path, '/');
    size_t n = !slash ? 0 : slash == r->path ? 1 : (size_t)(slash - r->path);
    if (n >= sizeof r->dir) {
        snprintf(r->err, r->errlen, "%s: the path is too long", r->path);
        return -1;
    }
    if (n)
        memcpy(r->dir, r->path, n);
    else
        r->dir[n++] = '.';
    r->dir[n] = '\0';
    return 0;
}

static int load(const char *path, struct fleet *out, int names_only, char *err, size_t errlen)
{
    out->nservices = out->nnetworks = 0;
    struct reader *r = calloc(1, sizeof *r);
    if (!r) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    r->path = path;
    r->names_only = names_only;
    r->err = err;
    r->errlen = errlen;
    int rc = -1;
    if (set_dir(r) == 0 && read_file(r) == 0) {
        if (!yaml_parser_initialize(&r->parser)) {
            snprintf(err, errlen, "%s: out of memory", path);
        } else {
            yaml_parser_set_input_string(&r->parser, r->text, r->len);
            rc = parse_file(r, out);
            if (r->live)
                yaml_event_delete(&r->ev);
            yaml_parser_delete(&r->parser);
        }
    }
    free(r->text);
    free(r);
    return rc;
}

int fleet_load(const char *path, struct fleet *out, char *err, size_t errlen)
{
    return load(path, out, 0, err, errlen);
}

int fleet_load_names(const char *path, struct fleet *out, char *err, size_t errlen)
{
    return load(path, out, 1, err, errlen);
}
