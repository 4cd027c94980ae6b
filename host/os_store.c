/* The OS store (os_store.h). */
#include "os_store.h"
#include "commands.h"
#include "elfnote.h"
#include "paths.h"
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define STORE_SUFFIX_MAX 100            /* names tried past a taken one: a hash collision is rare */

static int store_dir(char *out, size_t len)
{
    char root[PATH_MAX];
    if (state_root(root, sizeof root) < 0)
        return -1;
    if ((size_t)snprintf(out, len, "%s/os", root) >= len)
        return -1;
    if (mkdir(out, 0700) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* FNV-1a, 64 bits: a name for the contents, not a defence (a collision is caught by comparing). */
static uint64_t content_hash(const unsigned char *d, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++)
        h = (h ^ d[i]) * 0x100000001b3ull;
    return h;
}

/* Whether path holds exactly d (len bytes). */
static int same_contents(const char *path, const unsigned char *d, size_t len)
{
    unsigned char *other;
    size_t olen;
    if (elfnote_read_file(path, &other, &olen) < 0)
        return 0;
    int same = olen == len && memcmp(other, d, len) == 0;
    free(other);
    return same;
}

int os_store_add(const char *cmd, const char *file, char *out, size_t len, char *abi)
{
    unsigned char *d;
    size_t dlen;
    char dir[PATH_MAX];
    int rc = elfnote_read_file(file, &d, &dlen);
    if (rc < 0) {
        fprintf(stderr, "mayfly %s: '%s' cannot be read: %s\n", cmd, file, strerror(errno));
        return -1;
    }
    rc = elfnote_abi(d, dlen, abi, ELFNOTE_ABI_MAX);
    if (rc < 0) {
        fprintf(stderr, "mayfly %s: '%s' %s; an OS file is what make os writes (build/mayfly-os.elf)\n", cmd, file,
                elfnote_strerror(rc));
        free(d);
        return -1;
    }
    /* a module carries the same note, but is a shared object (ET_DYN), not a kernel (ET_EXEC) */
    if (d[16] != 2 || d[17] != 0) {
        fprintf(stderr, "mayfly %s: '%s' carries ABI %s but is not an executable kernel (an app module?); an OS file "
                        "is what make os writes\n", cmd, file, abi);
        free(d);
        return -1;
    }
    if (store_dir(dir, sizeof dir) < 0) {
        fprintf(stderr, "mayfly %s: cannot create the OS store in the state directory: %s\n", cmd, strerror(errno));
        free(d);
        return -1;
    }
    uint64_t h = content_hash(d, dlen);
    rc = -1;
    for (int i = 0; i < STORE_SUFFIX_MAX && rc < 0; i++) {
        char suffix[16] = "";
        if (i)
            snprintf(suffix, sizeof suffix, "-%d", i + 1);
        if ((size_t)snprintf(out, len, "%s/mayfly-os-%s-%016llx%s.elf", dir, abi, (unsigned long long)h, suffix) >= len)
            break;
        if (access(out, F_OK) == 0) {
            if (same_contents(out, d, dlen))
                rc = 0;
            continue;
        }
        if (write_file_atomic(out, (const char *)d, dlen) < 0) {
            fprintf(stderr, "mayfly %s: cannot write %s: %s\n", cmd, out, strerror(errno));
            free(d);
            return -1;
        }
        rc = 1;
    }
    free(d);
    if (rc < 0)
        fprintf(stderr, "mayfly %s: no free name for '%s' in %s\n", cmd, file, dir);
    return rc;
}

static int name_path(const char *which, char *out, size_t len)
{
    char dir[PATH_MAX];
    if (store_dir(dir, sizeof dir) < 0)
        return -1;
    return (size_t)snprintf(out, len, "%s/%s", dir, which) < len ? 0 : -1;
}

int os_store_get(const char *which, char *out, size_t len)
{
    char path[PATH_MAX];
    out[0] = '\0';
    if (name_path(which, path, sizeof path) < 0)
        return -1;
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    if (!fgets(out, (int)len, f))
        out[0] = '\0';
    fclose(f);
    out[strcspn(out, "\n")] = '\0';
    if (out[0] != '/')                  /* only ever written by os_store_make_current */
        out[0] = '\0';
    return 0;
}

static int put_name(const char *which, const char *value)
{
    char path[PATH_MAX], text[PATH_MAX + 2];
    if (name_path(which, path, sizeof path) < 0)
        return -1;
    int n = snprintf(text, sizeof text, "%s\n", value);
    return write_file_atomic(path, text, (size_t)n);
}

int os_store_make_current(const char *cmd, const char *path)
{
    char current[PATH_MAX];
    if (os_store_get("current", current, sizeof current) < 0)
        return -1;
    if (strcmp(current, path) == 0)
        return 0;
    /* previous first: a crash between the two leaves the old current named twice, never lost */
    if ((current[0] && put_name("previous", current) < 0) || put_name("current", path) < 0) {
        fprintf(stderr, "mayfly %s: cannot write the OS store's names: %s\n", cmd, strerror(errno));
        return -1;
    }
    return 0;
}

int os_store_bundled(char *out, size_t len)
{
    char exe[PATH_MAX];
    if (manager_dir(exe, sizeof exe) < 0)
        return -1;
    static const char *const places[] = { "%s/mayfly-os.elf", "%s/../lib/mayfly/mayfly-os.elf" };
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++)
        if ((size_t)snprintf(out, len, places[i], exe) < len && access(out, R_OK) == 0)
            return 0;
    return -1;
}

int os_store_current(const char *cmd, char *out, size_t len)
{
    char bundled[PATH_MAX], abi[ELFNOTE_ABI_MAX];
    if (os_store_get("current", out, len) < 0) {
        fprintf(stderr, "mayfly %s: cannot find the state directory\n", cmd);
        return -1;
    }
    if (out[0])
        return 0;
    if (os_store_bundled(bundled, sizeof bundled) < 0) {
        fprintf(stderr, "mayfly %s: no OS is installed and none is beside the manager: install one with "
                        "mayfly os install FILE (make os writes build/mayfly-os.elf)\n", cmd);
        return -1;
    }
    if (os_store_add(cmd, bundled, out, len, abi) < 0 || os_store_make_current(cmd, out) < 0)
        return -1;
    fprintf(stderr, "mayfly %s: no OS was installed: installed %s (ABI %s) as the current OS: %s\n", cmd, bundled,
            abi, out);
    return 0;
}

int os_bind(const char *cmd, struct spec *s)
{
    char os_abi[ELFNOTE_ABI_MAX], app_abi[ELFNOTE_ABI_MAX];
    if (spec_image_kind(s->image) != IMAGE_APP) {
        s->os[0] = '\0';
        return 0;
    }
    int rc = elfnote_abi_of(s->image, app_abi, sizeof app_abi);
    if (rc < 0) {
        fprintf(stderr, "mayfly %s: module '%s' %s\n", cmd, s->image, elfnote_strerror(rc));
        return EXIT_USAGE;
    }
    if (os_store_current(cmd, s->os, sizeof s->os) < 0)
        return EXIT_FAILED;
    rc = elfnote_abi_of(s->os, os_abi, sizeof os_abi);
    if (rc < 0) {
        fprintf(stderr, "mayfly %s: the current OS %s %s\n", cmd, s->os, elfnote_strerror(rc));
        return EXIT_FAILED;
    }
    if (strcmp(app_abi, os_abi) != 0) {
        fprintf(stderr, "mayfly %s: module '%s' is built for ABI %s, the current OS (%s) has ABI %s: rebuild the "
                        "module (make APP=DIR MODULE=1) or install an OS of its ABI (mayfly os install)\n",
                cmd, s->image, app_abi, s->os, os_abi);
        return EXIT_USAGE;
    }
    return 0;
}
