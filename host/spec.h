/* What one instance is: the image, its resources and its policies, as `mayfly run`'s flags and a
 * fleet file's service both describe it. Pure data and pure parsers (no processes, no files but
 * spec_save/spec_load's), so the host unit tests drive them directly.
 *
 * Every parser takes the text of one value and writes a sentence naming what is wrong into
 * err (errlen bytes) when it refuses; it returns 0 or -1. */
#ifndef MAYFLY_SPEC_H
#define MAYFLY_SPEC_H
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define SPEC_NAME_MAX 63                /* like a hostname label: it becomes one on the network */
#define SPEC_PORTS_MAX 16
#define SPEC_VOLUMES_MAX 8
#define SPEC_ENV_MAX 32
/* The guest's own limits (net/options.h NET_IFACES_MAX, fs/options.h's mounts, net/hosts.h
 * NET_HOSTS_MAX, kernel/cmdline.h CMDLINE_MAX_WORDS): what it would refuse at boot is refused here. */
#define SPEC_NETS_MAX 3                 /* 4 ip= interfaces, and NIC 0 is the user network */
#define SPEC_MOUNTS_MAX 7
#define SPEC_PEERS_MAX 64
#define SPEC_CMDLINE_WORDS_MAX 128      /* on each side of "--" */
#define SPEC_WORDS_MAX 64
#define SPEC_WORD_MAX 256
#define SPEC_ERR_MAX 256

enum restart_policy { RESTART_NO, RESTART_ON_FAILURE, RESTART_ALWAYS };
enum health_kind { HEALTH_NONE, HEALTH_HTTP, HEALTH_TCP };

/* -p [IP:]HOST:GUEST[/udp]: QEMU's hostfwd. host_ip is 127.0.0.1 unless given. */
struct port_map {
    char host_ip[16];
    int host_port;
    int guest_port;
    int udp;
};

/* -v DISK[:PATH][:ro]: a raw disk image as the next virtio-blk device (vda, vdb, ...); with a
 * PATH the guest mounts it there (mount=vdX:PATH[:ro] on its command line). */
struct volume {
    char disk[PATH_MAX];
    char mount[SPEC_WORD_MAX];          /* "" when not mounted by us */
    int readonly;
};

/* --health http:PORT/PATH or tcp:PORT; PORT is the guest's port. */
struct health {
    enum health_kind kind;
    int port;
    char path[SPEC_WORD_MAX];           /* http only; starts with '/' */
};

/* --gdb [IP:]PORT: QEMU's gdb stub listens there and the guest waits at reset for gdb to let it
 * run. ip is 127.0.0.1 unless given; port 0: no stub. */
struct gdb_stub {
    char ip[16];
    int port;
};

struct spec {
    char name[SPEC_NAME_MAX + 1];
    char image[PATH_MAX];               /* absolute path */
    char os[PATH_MAX];                  /* a module's (.app): the shared OS file it runs on, from the OS
                                         * store (os_store.h) when it was started; "" for other images */
    uint64_t mem_bytes;                 /* 0: the default */
    enum restart_policy restart;
    int restart_max;                    /* on-failure:N; 0 means no limit */
    struct health health;
    /* a service behind a front (front.c): its replicas are instances NAME-1..NAME-N */
    int replicas;                       /* 0: a plain instance */
    int on_demand;                      /* no replica runs until a connection arrives */
    int idle_s;                         /* on demand: stopped after this long without a connection */
    int warm;                           /* instances kept booted and paused (QMP stop), resumed by a request */
    int per_request;                    /* a fresh instance per connection, stopped when it ends */
    struct gdb_stub gdb;                /* run --gdb: port 0 when not debugged */
    int nports, nvolumes, nenv, nnets, nkernel, napp;
    struct port_map ports[SPEC_PORTS_MAX];
    struct volume volumes[SPEC_VOLUMES_MAX];
    char env[SPEC_ENV_MAX][SPEC_WORD_MAX];          /* NAME=VALUE */
    char nets[SPEC_NETS_MAX][SPEC_NAME_MAX + 1];
    char kernel[SPEC_WORDS_MAX][SPEC_WORD_MAX];     /* kernel options, as given */
    char app[SPEC_WORDS_MAX][SPEC_WORD_MAX];        /* the app's arguments */
};

#define SPEC_DEFAULT_MEM (64ull << 20)
#define SPEC_REPLICAS_MAX 32
#define SPEC_SLOTS_MAX (2 * SPEC_REPLICAS_MAX)  /* spec_slot_count's largest: replicas + warm <= 32 */
#define SPEC_PER_REQUEST_REPLICAS 4     /* --per-request: instances at once unless --replicas says */
#define SPEC_IDLE_DEFAULT_S 60

/* --replicas N (1..SPEC_REPLICAS_MAX) and --idle DURATION (30s, 5m, 1h; a bare number is seconds). */
int spec_parse_replicas(const char *text, int *out, char *err, size_t errlen);
/* The same for another count (--warm N): WHAT names it in the refusal. */
int spec_parse_count(const char *what, const char *text, int *out, char *err, size_t errlen);
int spec_parse_duration(const char *text, int *seconds, char *err, size_t errlen);
/* A service behind a front needs TCP ports to publish (the front holds them) and a name that
 * leaves room for its replicas' (NAME-N). */
int spec_check_front(const struct spec *s, char *err, size_t errlen);
/* A service's replica INDEX (1-based) is the instance NAME-INDEX; 0 replicas for a plain one. */
void spec_replica_name(const char *service, int index, char *out, size_t len);
/* Replicas that serve at once (per request: instances at once), 0 for a plain instance. */
int spec_replica_count(const struct spec *s);
/* Whether a front stands for it: replicas, on demand, a warm pool or per request. */
int spec_has_front(const struct spec *s);
/* The front's instances NAME-1..NAME-N: the serving ones, the warm pool, and as many again as
 * serve, for an update's new ones and for those still stopping. */
int spec_slot_count(const struct spec *s);

void spec_init(struct spec *s);

/* Writes the sentence into err (errlen bytes) and returns -1: every refusal's last line. */
int spec_refuse(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* A name for an instance or a network: 1..63 of [a-z0-9-], starting with a letter or digit
 * (it becomes a host name that peers resolve). */
int spec_check_name(const char *what, const char *name, char *err, size_t errlen);

/* SIZE with a unit: 512K, 8M, 1G (also KiB/MiB/GiB, k/m/g). A bare number is refused: it is
 * ambiguous (QEMU reads MiB, other tools bytes). */
int spec_parse_size(const char *text, uint64_t *bytes, char *err, size_t errlen);
int spec_parse_port(const char *text, struct port_map *out, char *err, size_t errlen);
int spec_parse_volume(const char *text, struct volume *out, char *err, size_t errlen);
int spec_parse_env(const char *text, char *err, size_t errlen);
/* no | on-failure[:N] | always */
int spec_parse_restart(const char *text, enum restart_policy *policy, int *max, char *err, size_t errlen);
int spec_parse_health(const char *text, struct health *out, char *err, size_t errlen);
/* --gdb [IP:]PORT (an IPv4 address; 127.0.0.1 unless given, as for -p). */
int spec_parse_gdb(const char *text, struct gdb_stub *out, char *err, size_t errlen);
/* A guest halted for gdb is one instance with nothing watching its answers: --gdb refuses a front
 * (--replicas, --on-demand, --warm, --per-request) and a health check, naming both flags. */
int spec_check_gdb(const struct spec *s, char *err, size_t errlen);

/* Adders: check the value and append it, refusing past the maximum. */
int spec_add_port(struct spec *s, const char *text, char *err, size_t errlen);
int spec_add_volume(struct spec *s, const char *text, char *err, size_t errlen);
int spec_add_env(struct spec *s, const char *text, char *err, size_t errlen);
int spec_add_net(struct spec *s, const char *name, char *err, size_t errlen);
int spec_add_word(char words[][SPEC_WORD_MAX], int *n, const char *what, const char *word, char *err, size_t errlen);
/* The image: must exist; stored as an absolute path. */
int spec_set_image(struct spec *s, const char *path, char *err, size_t errlen);

/* Text forms, for ps, inspect and the saved spec. */
void spec_format_port(const struct port_map *p, char *out, size_t len);
void spec_format_restart(const struct spec *s, char *out, size_t len);
void spec_format_health(const struct health *h, char *out, size_t len);
void spec_format_size(uint64_t bytes, char *out, size_t len);
/* IP:PORT, or "" when there is no stub */
void spec_format_gdb(const struct gdb_stub *g, char *out, size_t len);

/* What an image is, by its name (any case): an ELF booted with -kernel, an app module (.app) booted
 * as the shared OS's initrd, or a disk image. */
enum image_kind { IMAGE_ELF, IMAGE_RAW, IMAGE_QCOW2, IMAGE_ISO, IMAGE_APP };
enum image_kind spec_image_kind(const char *path);

/* The saved form: one "key value" line per field, values escaped so that any byte round-trips.
 * spec_load refuses a file it cannot read completely (a torn write never yields half a spec). */
int spec_save(const struct spec *s, FILE *f);
int spec_load(struct spec *s, FILE *f, char *err, size_t errlen);
#endif
