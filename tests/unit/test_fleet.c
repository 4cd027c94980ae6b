/* host/fleet.c: a full good fleet file read into specs; every refusal names the file, the line
 * and the key or value; and truncations and byte mutations of a good file, which may be refused
 * but must never crash or leak (this runs under ASan and UBSan). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "../../host/fleet.h"

#define FUZZ_ROUNDS 10000

static char dir[] = "/tmp/test_fleet.XXXXXX";
static char file[PATH_MAX], image[PATH_MAX], disk[PATH_MAX];
static struct fleet *fleet;
static char err[1024];

static void write_file(const char *path, const void *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
}

/* The fleet file's directory: an image, a disk and a subdirectory. */
static int setup(void **state)
{
    (void)state;
    char path[PATH_MAX];
    if (!mkdtemp(dir))
        return -1;
    snprintf(file, sizeof file, "%s/fleet.yaml", dir);
    snprintf(image, sizeof image, "%s/httpd.elf", dir);
    snprintf(disk, sizeof disk, "%s/data.img", dir);
    write_file(image, "\177ELF", 4);
    write_file(disk, "", 0);
    snprintf(path, sizeof path, "%s/sub", dir);
    fleet = malloc(sizeof *fleet);
    return fleet && mkdir(path, 0755) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[PATH_MAX + 16];
    free(fleet);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static int load_len(const char *text, size_t len)
{
    write_file(file, text, len);
    err[0] = '\0';
    return fleet_load(file, fleet, err, sizeof err);
}

static int load(const char *text)
{
    return load_len(text, strlen(text));
}

/* text is refused with "FILE:LINE: ..." holding what. */
static void refused_at(const char *text, int line, const char *what)
{
    char head[PATH_MAX + 32];
    if (load(text) == 0)
        fail_msg("accepted:\n%s", text);
    snprintf(head, sizeof head, "%s:%d: ", file, line);
    if (strncmp(err, head, strlen(head)) != 0)
        fail_msg("'%s' is not at line %d", err, line);
    if (!strstr(err, what))
        fail_msg("'%s' does not name '%s'", err, what);
}

static const char good[] =
    "# a fleet\n"                                                           /* 1 */
    "networks:\n"
    "  backend:\n"
    "  front: {}\n"
    "services:\n"                                                           /* 5 */
    "  web:\n"
    "    image: httpd.elf\n"
    "    ports: [\"8080:80\", \"127.0.0.1:8443:443\", \"5353:53/udp\"]\n"
    "    volumes: [\"data.img:/data:ro\", data.img]\n"
    "    env: [\"A=1\", \"B=two words\"]\n"                                 /* 10 */
    "    memory: 16M\n"
    "    restart: on-failure:3\n"
    "    health: http:80/\n"
    "    networks: [backend, front]\n"
    "    command: [\"debug\", \"--\", \"--grace\", \"1\"]\n"                /* 15 */
    "  db:\n"
    "    image: sub/../httpd.elf\n"
    "    env:\n"
    "      USER: admin\n"
    "      EMPTY:\n"                                                        /* 20 */
    "    restart: always\n"
    "    health: tcp:5432\n"
    "    networks:\n"
    "      - backend\n"
    "    command: --grace  2 x\n"                                           /* 25 */
    "  cache:\n"
    "    image: httpd.elf\n"
    "    command: \"debug -- a\"\n";

static void a_full_file(void **state)
{
    (void)state;
    assert_int_equal(load(good), 0);
    assert_int_equal(fleet->nnetworks, 2);
    assert_string_equal(fleet->networks[0], "backend");
    assert_string_equal(fleet->networks[1], "front");
    assert_int_equal(fleet->nservices, 3);

    const struct spec *web = &fleet->services[0];
    assert_string_equal(web->name, "web");
    assert_string_equal(web->image, image);
    assert_int_equal(web->nports, 3);
    assert_int_equal(web->ports[0].host_port, 8080);
    assert_int_equal(web->ports[0].guest_port, 80);
    assert_string_equal(web->ports[1].host_ip, "127.0.0.1");
    assert_int_equal(web->ports[1].host_port, 8443);
    assert_int_equal(web->ports[2].udp, 1);
    assert_int_equal(web->nvolumes, 2);
    assert_string_equal(web->volumes[0].disk, disk);
    assert_string_equal(web->volumes[0].mount, "/data");
    assert_int_equal(web->volumes[0].readonly, 1);
    assert_string_equal(web->volumes[1].disk, disk);
    assert_string_equal(web->volumes[1].mount, "");
    assert_int_equal(web->nenv, 2);
    assert_string_equal(web->env[1], "B=two words");
    assert_int_equal(web->mem_bytes, 16u << 20);
    assert_int_equal(web->restart, RESTART_ON_FAILURE);
    assert_int_equal(web->restart_max, 3);
    assert_int_equal(web->health.kind, HEALTH_HTTP);
    assert_int_equal(web->health.port, 80);
    assert_int_equal(web->nnets, 2);
    assert_string_equal(web->nets[1], "front");
    assert_int_equal(web->nkernel, 1);
    assert_string_equal(web->kernel[0], "debug");
    assert_int_equal(web->napp, 2);
    assert_string_equal(web->app[0], "--grace");
    assert_string_equal(web->app[1], "1");

    const struct spec *db = &fleet->services[1];
    assert_string_equal(db->name, "db");
    assert_string_equal(db->image, image);
    assert_int_equal(db->nenv, 2);
    assert_string_equal(db->env[0], "USER=admin");
    assert_string_equal(db->env[1], "EMPTY=");
    assert_int_equal(db->mem_bytes, 0);
    assert_int_equal(db->restart, RESTART_ALWAYS);
    assert_int_equal(db->health.kind, HEALTH_TCP);
    assert_int_equal(db->nnets, 1);
    assert_int_equal(db->nkernel, 0);            /* no "--": all words are the app's */
    assert_int_equal(db->napp, 3);
    assert_string_equal(db->app[0], "--grace");
    assert_string_equal(db->app[1], "2");
    assert_string_equal(db->app[2], "x");

    const struct spec *cache = &fleet->services[2];
    assert_int_equal(cache->nkernel, 1);
    assert_int_equal(cache->napp, 1);
    assert_string_equal(cache->app[0], "a");
    assert_int_equal(cache->nports + cache->nvolumes + cache->nenv + cache->nnets, 0);
    assert_int_equal(cache->restart, RESTART_NO);
}

static void other_forms(void **state)
{
    (void)state;
    /* networks as a list, declared after the services that join them; flow style throughout */
    assert_int_equal(load("services: {a: {image: httpd.elf, networks: [n1, n2]}}\nnetworks: [n1, n2]\n"), 0);
    assert_int_equal(fleet->nnetworks, 2);
    assert_int_equal(fleet->services[0].nnets, 2);
    /* empty networks, an absolute image, a document marker, anchors and tags ignored */
    char text[PATH_MAX * 2];
    snprintf(text, sizeof text, "---\nnetworks:\nservices:\n  a: &x\n    image: !!str '%s'\n    memory: 1G\n...\n", image);
    assert_int_equal(load(text), 0);
    assert_int_equal(fleet->nnetworks, 0);
    assert_string_equal(fleet->services[0].image, image);
    assert_int_equal(fleet->services[0].mem_bytes, 1ull << 30);
    /* a command of one empty string has no words; a list keeps an empty word */
    assert_int_equal(load("services:\n  a:\n    image: httpd.elf\n    command: ''\n"), 0);
    assert_int_equal(fleet->services[0].napp + fleet->services[0].nkernel, 0);
    assert_int_equal(load("services:\n  a:\n    image: httpd.elf\n    command: ['', '--', '--']\n"), 0);
    assert_int_equal(fleet->services[0].nkernel, 1);
    assert_int_equal(fleet->services[0].napp, 1);
    assert_string_equal(fleet->services[0].app[0], "--");  /* only the first "--" separates */
    /* a front's settings: replicas, on demand with an idle time, a warm pool, per request */
    assert_int_equal(load("services:\n  a:\n    image: httpd.elf\n    replicas: 3\n    on_demand: true\n    idle: 5m\n"
                          "    warm: 2\n  b: {image: httpd.elf, per_request: True, warm: 1}\n  c: {image: httpd.elf, warm: 1}\n"), 0);
    assert_int_equal(fleet->services[0].replicas, 3);
    assert_int_equal(fleet->services[0].on_demand, 1);
    assert_int_equal(fleet->services[0].idle_s, 300);
    assert_int_equal(fleet->services[0].warm, 2);
    assert_int_equal(fleet->services[1].per_request, 1);
    assert_int_equal(fleet->services[1].on_demand, 0);
    assert_int_equal(fleet->services[2].on_demand, 1);     /* a warm pool alone is on demand */
    assert_int_equal(fleet->services[2].idle_s, SPEC_IDLE_DEFAULT_S);
    /* relative paths start at the file's directory, wherever the caller runs */
    char sub_file[PATH_MAX + 16];
    snprintf(sub_file, sizeof sub_file, "%s/sub/f.yaml", dir);
    const char *in_sub = "services:\n  a: {image: ../httpd.elf, volumes: ['../data.img:/d']}\n";
    write_file(sub_file, in_sub, strlen(in_sub));
    assert_int_equal(fleet_load(sub_file, fleet, err, sizeof err), 0);
    assert_string_equal(fleet->services[0].image, image);
    assert_string_equal(fleet->services[0].volumes[0].disk, disk);
    /* the maxima themselves are accepted */
    char *big = malloc(1 << 16);
    size_t n = (size_t)sprintf(big, "networks: [");
    for (int i = 0; i < FLEET_NETWORKS_MAX; i++)
        n += (size_t)sprintf(big + n, "%sn%d", i ? ", " : "", i);
    n += (size_t)sprintf(big + n, "]\nservices:\n");
    for (int i = 0; i < FLEET_SERVICES_MAX; i++)
        n += (size_t)sprintf(big + n, "  s%d: {image: httpd.elf}\n", i);
    assert_int_equal(load(big), 0);
    assert_int_equal(fleet->nservices, FLEET_SERVICES_MAX);
    assert_int_equal(fleet->nnetworks, FLEET_NETWORKS_MAX);
    free(big);
}

static void yaml_errors(void **state)
{
    (void)state;
    refused_at("services:\n  web:\n    image: httpd.elf\n    ports: [\"8080:80\"\n", 5, "did not find expected ',' or ']'");
    refused_at("services:\n  web:\n    image: httpd.elf\n   bad: 1\n", 4, "did not find expected key");
    refused_at("services:\n\tweb: {}\n", 2, "found character that cannot start any token");
    refused_at("services:\n  web: {image: 'httpd.elf}\n", 3, "found unexpected end of stream");
    refused_at("services:\n  web: {image: httpd.elf}\n  x: \"\xff\"\n", 3, "invalid leading UTF-8 octet");
    refused_at("services:\n  web: {image: httpd.elf}\n  x: \"\x01\"\n", 3, "control characters are not allowed");
    refused_at("services:\n  web: &a {image: httpd.elf}\n  db: *a\n", 3, "aliases (*a)");
    refused_at("services:\n  web: {image: \"httpd\\0.elf\"}\n", 2, "NUL");
    refused_at("services:\n  web: {image: httpd.elf}\n---\nservices: {}\n", 3, "second YAML document");
}

static void shape_errors(void **state)
{
    (void)state;
    refused_at("", 1, "empty");
    refused_at("# only a comment\n\n", 1, "empty");
    refused_at("---\n", 2, "empty");
    refused_at("- a\n- b\n", 1, "top level must be a mapping");
    refused_at("just text\n", 1, "top level must be a mapping");
    refused_at("services:\n  web: {image: httpd.elf}\nversion: '3'\n", 3, "unknown top-level key 'version'");
    refused_at("services:\n  web: {image: httpd.elf}\nservices:\n  db: {image: httpd.elf}\n", 3,
               "key 'services' is given twice (first on line 1)");
    refused_at("services:\n", 1, "no services");
    refused_at("networks: [a]\n", 1, "no services");
    refused_at("services: {}\n", 1, "no services");
    refused_at("services: [web]\n", 1, "services must be a mapping");
    refused_at("services: web\n", 1, "services must be a mapping");
    refused_at("services:\n  ? [a, b]\n  : {image: httpd.elf}\n", 2, "a key must be a single value");
    refused_at("services:\n  web: [image]\n", 2, "service 'web': must be a mapping");
    refused_at("services:\n  web:\n    imgae: httpd.elf\n", 3, "service 'web': unknown key 'imgae'");
    refused_at("services:\n  web:\n    image: httpd.elf\n    ports: 8080:80\n", 4, "ports must be a list");
    refused_at("services:\n  web:\n    image: [httpd.elf]\n", 3, "image must be a single value, not a list");
    refused_at("services:\n  web:\n    image: httpd.elf\n    volumes: {a: b}\n", 4, "volumes must be a list");
    refused_at("services:\n  web:\n    image: httpd.elf\n    env: A=1\n", 4, "env must be a list");
    refused_at("services:\n  web:\n    image: httpd.elf\n    env: {A: [1]}\n", 4, "an env value must be a single value");
    refused_at("services:\n  web:\n    image: httpd.elf\n    memory: [16M]\n", 4, "memory must be a single value");
    refused_at("services:\n  web:\n    image: httpd.elf\n    restart: {a: 1}\n", 4, "restart must be a single value");
    refused_at("services:\n  web:\n    image: httpd.elf\n    health: []\n", 4, "health must be a single value");
    refused_at("services:\n  web:\n    image: httpd.elf\n    networks: backend\n", 4, "networks must be a list");
    refused_at("services:\n  web:\n    image: httpd.elf\n    command: {a: 1}\n", 4, "command must be a string or a list");
    refused_at("services:\n  web:\n    image: httpd.elf\n    ports:\n      - [8080, 80]\n", 5,
               "ports: each item must be a single value, not a list");
    refused_at("services:\n  web:\n    image: httpd.elf\n    command:\n      - {a: 1}\n", 5, "command: each item");
    refused_at("networks: backend\nservices:\n  web: {image: httpd.elf}\n", 1, "networks must be a mapping or a list");
    refused_at("networks: [[a]]\nservices:\n  web: {image: httpd.elf}\n", 1, "networks: each item");
    refused_at("networks:\n  a: {driver: bridge}\n", 2, "network 'a' takes no settings");
    refused_at("networks:\n  a: bridge\n", 2, "network 'a' takes no settings");
}

static void value_errors(void **state)
{
    (void)state;
    refused_at("services:\n  web:\n    image: httpd.elf\n    memory: 16\n", 4, "size '16' needs a unit");
    refused_at("services:\n  web:\n    image: httpd.elf\n    ports: ['8080:80', '99999:80']\n", 4,
               "service 'web': port '99999:80': host port '99999' is not 1-65535");
    refused_at("services:\n  web:\n    image: httpd.elf\n    ports:\n      - 8080:80\n      - 80\n", 6, "port '80'");
    refused_at("services:\n  web:\n    image: httpd.elf\n    restart: sometimes\n", 4, "restart policy 'sometimes'");
    refused_at("services:\n  web:\n    image: httpd.elf\n    on_demand: yes\n", 4, "on_demand 'yes' must be true or false");
    refused_at("services:\n  web:\n    image: httpd.elf\n    idle: 5m\n", 4, "idle: is for a service with on_demand: true");
    refused_at("services:\n  web:\n    image: httpd.elf\n    warm: 0\n", 4, "warm '0' must be a number from 1 to 32");
    refused_at("services:\n  web:\n    image: httpd.elf\n    health: ftp:21\n", 4, "health check 'ftp:21'");
    refused_at("services:\n  web:\n    image: httpd.elf\n    env: ['1A=x']\n", 4, "'1A' is not a variable name");
    refused_at("services:\n  web:\n    image: httpd.elf\n    env:\n      A-B: x\n", 5, "'A-B' is not a variable name");
    refused_at("services:\n  web:\n    image: httpd.elf\n    env: [A=1, A=2]\n", 4, "'A' is given twice");
    refused_at("services:\n  web:\n    image: httpd.elf\n    volumes: ['missing.img:/data']\n", 4,
               "missing.img': No such file");
    refused_at("services:\n  web:\n    image: httpd.elf\n    volumes: ['data.img:/']\n", 4, "below '/'");
    refused_at("services:\n  web:\n    image: missing.elf\n", 3, "image '");
    refused_at("services:\n  web:\n    image: missing.elf\n", 3, "missing.elf': No such file");
    refused_at("services:\n  web:\n    image:\n", 3, "image names no file");
    refused_at("services:\n  web:\n    image: sub\n", 3, "not a regular file");
    refused_at("services:\n  Web: {image: httpd.elf}\n", 2, "service 'Web' may hold only");
    refused_at("services:\n  web: {image: httpd.elf}\n  web: {image: httpd.elf}\n", 3,
               "service 'web' is given twice (first on line 2)");
    refused_at("services:\n  web:\n    image: httpd.elf\n    memory: 1M\n    image: httpd.elf\n", 5,
               "service 'web': key 'image' is given twice (first on line 3)");
    refused_at("services:\n  web:\n    ports: ['8080:80']\n  db: {image: httpd.elf}\n", 2, "service 'web': no image");
    refused_at("services:\n  web:\n  db: {image: httpd.elf}\n", 2, "service 'web': no image");
    refused_at("networks: [a]\nservices:\n  web:\n    image: httpd.elf\n    networks:\n      - a\n      - b\n", 7,
               "network 'b' is not declared");
    refused_at("networks: [a]\nservices:\n  web:\n    image: httpd.elf\n    networks: [a, a]\n", 5, "'a' is given twice");
    refused_at("networks: [a, b, a]\nservices: {web: {image: httpd.elf}}\n", 1, "network 'a' is declared twice");
    refused_at("networks:\n  Front:\nservices: {web: {image: httpd.elf}}\n", 2, "network 'Front'");
    refused_at("services:\n  web:\n    image: httpd.elf\n    command: [\"a\\nb\"]\n", 4, "control character");
}

static void maxima(void **state)
{
    (void)state;
    char *big = malloc(1 << 16);
    size_t n = (size_t)sprintf(big, "services:\n");
    for (int i = 0; i <= FLEET_SERVICES_MAX; i++)
        n += (size_t)sprintf(big + n, "  s%d: {image: httpd.elf}\n", i);
    refused_at(big, FLEET_SERVICES_MAX + 2, "more than 64 services");

    n = (size_t)sprintf(big, "services: {web: {image: httpd.elf}}\nnetworks:\n");
    for (int i = 0; i <= FLEET_NETWORKS_MAX; i++)
        n += (size_t)sprintf(big + n, "  n%d:\n", i);
    refused_at(big, FLEET_NETWORKS_MAX + 3, "more than 16 networks");

    n = (size_t)sprintf(big, "services:\n  web:\n    image: httpd.elf\n    ports:\n");
    for (int i = 0; i <= SPEC_PORTS_MAX; i++)
        n += (size_t)sprintf(big + n, "      - %d:80\n", 8000 + i);
    refused_at(big, SPEC_PORTS_MAX + 5, "more than 16 ports");

    n = (size_t)sprintf(big, "services:\n  web:\n    image: httpd.elf\n    command: \"");
    for (int i = 0; i <= 2 * SPEC_WORDS_MAX + 1; i++)
        n += (size_t)sprintf(big + n, "w ");
    sprintf(big + n, "\"\n");
    refused_at(big, 4, "command has more than 129 words");

    n = (size_t)sprintf(big, "services:\n  web:\n    image: httpd.elf\n    command: [");
    for (int i = 0; i <= SPEC_WORDS_MAX; i++)
        n += (size_t)sprintf(big + n, "w, ");
    sprintf(big + n, "]\n");
    refused_at(big, 4, "more than 64 app arguments");

    n = (size_t)sprintf(big, "services:\n  web:\n    image: httpd.elf\n    command: x");
    memset(big + n, 'y', SPEC_WORD_MAX);
    strcpy(big + n + SPEC_WORD_MAX, "\n");
    refused_at(big, 4, "longer than 255 bytes");
    free(big);
}

static void file_errors(void **state)
{
    (void)state;
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/none.yaml", dir);
    assert_int_equal(fleet_load(path, fleet, err, sizeof err), -1);
    assert_non_null(strstr(err, "none.yaml: No such file"));
    assert_int_equal(fleet_load(dir, fleet, err, sizeof err), -1);
    assert_non_null(strstr(err, "Is a directory"));
    char *huge = malloc(FLEET_FILE_MAX + 2);
    memset(huge, '#', FLEET_FILE_MAX + 1);
    assert_int_equal(load_len(huge, FLEET_FILE_MAX + 1), -1);
    assert_non_null(strstr(err, "larger than"));
    free(huge);
    /* a short err buffer is cut, not overrun */
    char tiny[8];
    write_file(file, "x: 1\n", 5);
    assert_int_equal(fleet_load(file, fleet, tiny, sizeof tiny), -1);
    assert_int_equal(strlen(tiny), sizeof tiny - 1);
}

/* Deep nesting: libyaml's document loader would recurse once per level; the walk here does not. */
static void deep_nesting(void **state)
{
    (void)state;
    size_t depth = 200000;
    char *deep = malloc(2 * depth + 16);
    memcpy(deep, "services: ", 10);
    memset(deep + 10, '[', depth);
    memset(deep + 10 + depth, ']', depth);
    strcpy(deep + 10 + 2 * depth, "\n");
    refused_at(deep, 1, "services must be a mapping");
    memset(deep, '[', depth);
    deep[depth] = '\0';
    refused_at(deep, 1, "top level must be a mapping");
    free(deep);
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t rand64(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* Any outcome but a crash, a leak or a refusal without "FILE:". */
static void survives(const char *text, size_t len)
{
    if (load_len(text, len) == 0)
        return;
    if (strncmp(err, file, strlen(file)) != 0 || err[strlen(file)] != ':')
        fail_msg("a refusal without the file's name: '%s'", err);
}

static void truncations_and_mutations(void **state)
{
    (void)state;
    static const char bytes[] = ":[]{}-,#&*!|>?'\"\\\n\t %@`\0\xff\xc3\x80";
    size_t len = strlen(good);
    char *text = malloc(len + 2);
    for (size_t cut = 0; cut < len; cut++)
        survives(good, cut);
    for (int round = 0; round < FUZZ_ROUNDS; round++) {
        memcpy(text, good, len);
        size_t n = len;
        for (int edits = 1 + (int)(rand64() % 4); edits > 0; edits--) {
            size_t at = (size_t)(rand64() % n);
            unsigned what = (unsigned)(rand64() % 4);
            char byte = rand64() % 2 ? bytes[rand64() % (sizeof bytes - 1)] : (char)rand64();
            if (what == 0 && n > 1) {                   /* delete a byte */
                memmove(text + at, text + at + 1, n - at - 1);
                n--;
            } else if (what == 1 && n <= len) {         /* insert one */
                memmove(text + at + 1, text + at, n - at);
                text[at] = byte;
                n++;
            } else {                                    /* replace one */
                text[at] = byte;
            }
        }
        survives(text, rand64() % 8 ? n : (size_t)(rand64() % n));
    }
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_full_file),
        cmocka_unit_test(other_forms),
        cmocka_unit_test(yaml_errors),
        cmocka_unit_test(shape_errors),
        cmocka_unit_test(value_errors),
        cmocka_unit_test(maxima),
        cmocka_unit_test(file_errors),
        cmocka_unit_test(deep_nesting),
        cmocka_unit_test(truncations_and_mutations),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
