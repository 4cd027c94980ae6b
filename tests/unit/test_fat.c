/* fs/fat*.c and fs/bcache.c against the real tools: images made by mkfs.fat and filled by mtools
 * are listed and read; then files are created, appended, renamed, truncated and removed through
 * the API while the same operations run on a host mirror directory; after unmount fsck.fat -n must
 * be silent and mtools must extract exactly the mirror. Corrupt and hostile images must give
 * errors, never a crash or a hang (the build has ASan and UBSan). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "../../fs/bcache.h"
#include "../../fs/fat.h"
#include "../../fs/fat_impl.h"

#define SECTOR 512
#define MIB (1024 * 1024)
#define BIG_SIZE (64u * MIB)
#define CHUNK MIB

static char tmp[64];    /* the mkdtemp directory of this run */

/* --- shell helpers ----------------------------------------------------------------------- */

static int sh_status(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define SH(...) assert_int_equal(sh_status(__VA_ARGS__), 0)

/* Runs a command and returns its output (stdout and stderr), malloc'd. */
static char *sh_out(int *status, const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    strncat(cmd, " 2>&1", sizeof cmd - strlen(cmd) - 1);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 1 << 16, n = 0;
    char *out = malloc(cap);
    size_t got;
    while ((got = fread(out + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (cap - n < 1024)
            out = realloc(out, cap *= 2);
    }
    out[n] = 0;
    int st = pclose(p);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

/* fsck.fat -n must exit 0 and print only its banner and the summary line */
static void fsck_clean(const char *img)
{
    int st;
    char *out = sh_out(&st, "fsck.fat -n '%s'", img);
    int lines = 0;
    for (char *p = out; *p; p++)
        lines += *p == '\n';
    if (st != 0 || lines != 2)
        fprintf(stderr, "fsck.fat -n %s (exit %d):\n%s", img, st, out);
    assert_int_equal(st, 0);
    assert_int_equal(lines, 2);
    free(out);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* --- disks: a file and a memory buffer ------------------------------------------------------ */

struct filedisk {
    struct fs_disk d;
    int fd;
    uint64_t flushes;
};

static int disk_file_read(void *ctx, uint64_t s, uint32_t n, void *buf)
{
    struct filedisk *f = ctx;
    ssize_t want = (ssize_t)n * SECTOR;
    if (s + n > f->d.sectors)
        return -EINVAL;
    return pread(f->fd, buf, (size_t)want, (off_t)(s * SECTOR)) == want ? 0 : -EIO;
}

static int disk_file_write(void *ctx, uint64_t s, uint32_t n, const void *buf)
{
    struct filedisk *f = ctx;
    ssize_t want = (ssize_t)n * SECTOR;
    if (s + n > f->d.sectors)
        return -EINVAL;
    return pwrite(f->fd, buf, (size_t)want, (off_t)(s * SECTOR)) == want ? 0 : -EIO;
}

static int file_flush(void *ctx)
{
    ((struct filedisk *)ctx)->flushes++;
    return 0;
}

static void filedisk_open(struct filedisk *f, const char *path)
{
    f->fd = open(path, O_RDWR);
    assert_true(f->fd >= 0);
    struct stat st;
    assert_int_equal(fstat(f->fd, &st), 0);
    f->d = (struct fs_disk){ f, SECTOR, (uint64_t)st.st_size / SECTOR, disk_file_read, disk_file_write, file_flush };
    f->flushes = 0;
}

struct memdisk {
    struct fs_disk d;
    uint8_t *data;
    uint8_t *written;   /* when set, one flag per sector written */
};

static int mem_read(void *ctx, uint64_t s, uint32_t n, void *buf)
{
    struct memdisk *m = ctx;
    if (s > m->d.sectors || n > m->d.sectors - s)
        return -EINVAL;
    memcpy(buf, m->data + s * SECTOR, (size_t)n * SECTOR);
    return 0;
}

static int mem_write(void *ctx, uint64_t s, uint32_t n, const void *buf)
{
    struct memdisk *m = ctx;
    if (s > m->d.sectors || n > m->d.sectors - s)
        return -EINVAL;
    memcpy(m->data + s * SECTOR, buf, (size_t)n * SECTOR);
    if (m->written)
        memset(m->written + s, 1, n);
    return 0;
}

static int mem_flush(void *ctx)
{
    (void)ctx;
    return 0;
}

static void memdisk_init(struct memdisk *m, uint8_t *data, size_t bytes)
{
    m->data = data;
    m->written = NULL;
    m->d = (struct fs_disk){ m, SECTOR, bytes / SECTOR, mem_read, mem_write, mem_flush };
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc(*len ? *len : 1);
    assert_int_equal(fread(b, 1, *len, f), *len);
    fclose(f);
    return b;
}

/* A mount, optionally through a bcache. */
struct mnt {
    struct filedisk fd;
    struct bcache *bc;
    struct fat_fs *fs;
    struct fat_node *root;
};

static void mount_img(struct mnt *m, const char *img, uint32_t cache_blocks)
{
    char why[128] = "";
    filedisk_open(&m->fd, img);
    struct fs_disk *d = &m->fd.d;
    m->bc = NULL;
    if (cache_blocks) {
        assert_int_equal(bcache_create(d, cache_blocks, 64, &m->bc), 0);
        d = bcache_disk(m->bc);
    }
    int r = fat_mount(d, 0, &m->fs, why, sizeof why);
    if (r)
        fprintf(stderr, "mount %s: %s\n", img, why);
    assert_int_equal(r, 0);
    m->root = fat_root(m->fs);
}

static void unmount_img(struct mnt *m)
{
    fat_put(m->fs, m->root);
    assert_int_equal(fat_unmount(m->fs), 0);
    if (m->bc)
        assert_int_equal(bcache_destroy(m->bc), 0);
    close(m->fd.fd);
}

/* --- the tree ------------------------------------------------------------------------------- */

static uint8_t pattern(uint32_t seed, uint64_t i)
{
    uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ull ^ (uint64_t)seed * 0xc2b2ae3d27d4eb4full;
    return (uint8_t)(x >> 29 ^ x >> 47);
}

static void host_file(const char *path, uint64_t size, uint32_t seed)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    uint8_t *buf = malloc(CHUNK);
    for (uint64_t at = 0; at < size; at += CHUNK) {
        uint64_t n = size - at < CHUNK ? size - at : CHUNK;
        for (uint64_t i = 0; i < n; i++)
            buf[i] = pattern(seed, at + i);
        assert_int_equal(fwrite(buf, 1, n, f), n);
    }
    free(buf);
    fclose(f);
}

static const char *const tree_dirs[] = {
    "docs", "docs/nested deep", "docs/nested deep/level3", "docs/many", "Ünïcödé dir",
};

static const struct { const char *path; uint32_t size; } tree_files[] = {
    { "README.TXT", 1234 },
    { "readme.txt2", 10 },
    { "lower.txt", 77 },
    { "readme-lower.txt", 5000 },
    { "a long file name with spaces.text", 70000 },
    { "café-ünïcode.txt", 3333 },
    { "empty.dat", 0 },
    { "docs/nested deep/level3/leaf.bin", 10000 },
    { "Ünïcödé dir/naïve résumé.md", 777 },
    { "Ünïcödé dir/日本語のファイル名.txt", 4321 },
};
#define MANY 40

/* Makes SRC (the host mirror) and IMG (mkfs.fat, filled with mmd and mcopy). */
static void make_image(const char *img, const char *src, int type, int mib, int big)
{
    SH("rm -rf '%s' '%s' && mkdir -p '%s' && truncate -s %dM '%s' && mkfs.fat -F %d -n MAYFLY '%s' >/dev/null",
       img, src, src, mib, img, type, img);
    char p[1024];
    for (size_t i = 0; i < sizeof tree_dirs / sizeof *tree_dirs; i++) {
        snprintf(p, sizeof p, "%s/%s", src, tree_dirs[i]);
        assert_int_equal(mkdir(p, 0755), 0);
        SH("mmd -i '%s' '::/%s'", img, tree_dirs[i]);
    }
    for (size_t i = 0; i < sizeof tree_files / sizeof *tree_files; i++) {
        snprintf(p, sizeof p, "%s/%s", src, tree_files[i].path);
        host_file(p, tree_files[i].size, (uint32_t)i);
        SH("mcopy -i '%s' '%s' '::/%s'", img, p, tree_files[i].path);
    }
    for (int i = 0; i < MANY; i++) {
        snprintf(p, sizeof p, "%s/docs/many/f%03d.txt", src, i);
        host_file(p, 100 + (uint32_t)i * 37, 100 + (uint32_t)i);
    }
    SH("mcopy -i '%s' '%s'/docs/many/* '::/docs/many/'", img, src);
    if (big) {
        snprintf(p, sizeof p, "%s/big", src);
        assert_int_equal(mkdir(p, 0755), 0);
        snprintf(p, sizeof p, "%s/big/big.bin", src);
        host_file(p, BIG_SIZE, 7777);
        SH("mmd -i '%s' ::/big && mcopy -i '%s' '%s' ::/big/big.bin", img, img, p);
    }
}

/* A node for a path below root ("a/b/c"); NULL with *err set when a lookup fails. */
static struct fat_node *walk_path(struct fat_fs *fs, const char *path, int *err)
{
    struct fat_node *n = fat_root(fs);
    const char *p = path;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        struct fat_node *next;
        int r = fat_lookup(fs, n, p, len, &next);
        fat_put(fs, n);
        if (r < 0) {
            *err = r;
            return NULL;
        }
        n = next;
        p += len + (slash != NULL);
    }
    return n;
}

static struct fat_node *node_at(struct fat_fs *fs, const char *path)
{
    int err = 0;
    struct fat_node *n = walk_path(fs, path, &err);
    if (!n)
        fprintf(stderr, "lookup %s: %d\n", path, err);
    assert_non_null(n);
    return n;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct totals {
    uint64_t files, dirs, bytes, sum;
};

/* Compares the FAT directory `dir` with the host directory `host`: the same names, kinds, sizes
 * and bytes. */
static void compare_dir(struct fat_fs *fs, struct fat_node *dir, const char *host, struct totals *t)
{
    char *fat_names[256], *host_names[256];
    int nf = 0, nh = 0, r;
    uint64_t pos = 0;
    struct fat_dirent de;
    while ((r = fat_readdir(fs, dir, &pos, &de)) == 1) {
        assert_true(nf < 256);
        fat_names[nf++] = strdup(de.name);
    }
    assert_int_equal(r, 0);
    DIR *d = opendir(host);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            host_names[nh++] = strdup(e->d_name);
    closedir(d);
    qsort(fat_names, (size_t)nf, sizeof *fat_names, cmp_str);
    qsort(host_names, (size_t)nh, sizeof *host_names, cmp_str);
    for (int i = 0; i < nf || i < nh; i++) {
        if (i >= nf || i >= nh || strcmp(fat_names[i], host_names[i]))
            fprintf(stderr, "in %s: FAT has '%s', host has '%s'\n", host, i < nf ? fat_names[i] : "",
                    i < nh ? host_names[i] : "");
        assert_true(i < nf && i < nh);
        assert_string_equal(fat_names[i], host_names[i]);
    }
    uint8_t *a = malloc(CHUNK), *b = malloc(CHUNK);
    for (int i = 0; i < nf; i++) {
        char hp[2048];
        struct stat st;
        struct fat_node *n;
        struct fat_stat fst;
        snprintf(hp, sizeof hp, "%s/%s", host, fat_names[i]);
        assert_int_equal(stat(hp, &st), 0);
        assert_int_equal(fat_lookup(fs, dir, fat_names[i], strlen(fat_names[i]), &n), 0);
        fat_stat(fs, n, &fst);
        assert_int_equal(fst.is_dir, S_ISDIR(st.st_mode));
        if (fst.is_dir) {
            t->dirs++;
            compare_dir(fs, n, hp, t);
        } else {
            assert_int_equal(fst.size, st.st_size);
            FILE *f = fopen(hp, "rb");
            uint64_t off = 0;
            long got;
            /* odd chunk sizes for small files cross sector and cluster edges */
            size_t step = st.st_size > 2 * CHUNK ? CHUNK : 3001;
            while ((got = fat_read(fs, n, a, step, off)) > 0) {
                assert_int_equal(fread(b, 1, (size_t)got, f), (size_t)got);
                assert_memory_equal(a, b, (size_t)got);
                for (long k = 0; k < got; k++)
                    t->sum = (t->sum ^ a[k]) * 0x100000001b3ull; /* FNV-1a */
                off += (uint64_t)got;
            }
            assert_int_equal(got, 0);
            assert_int_equal(off, st.st_size);
            fclose(f);
            t->files++;
            t->bytes += off;
        }
        fat_put(fs, n);
    }
    free(a), free(b);
    for (int i = 0; i < nf; i++) free(fat_names[i]);
    for (int i = 0; i < nh; i++) free(host_names[i]);
}

/* --- changes through the API, mirrored on the host -------------------------------------------- */

struct change {
    struct fat_fs *fs;
    const char *src;
};

static void hp(const struct change *c, char *out, const char *path)
{
    snprintf(out, 1024, "%s/%s", c->src, path);
}

/* splits "a/b/name" into the parent node and the name */
static struct fat_node *parent_of(struct fat_fs *fs, const char *path, const char **name)
{
    const char *slash = strrchr(path, '/');
    *name = slash ? slash + 1 : path;
    if (!slash)
        return fat_root(fs);
    char dir[1024];
    snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    return node_at(fs, dir);
}

static void do_mkdir(struct change *c, const char *path)
{
    const char *name;
    struct fat_node *p = parent_of(c->fs, path, &name);
    char h[1024];
    assert_int_equal(fat_create(c->fs, p, name, strlen(name), 1, NULL), 0);
    fat_put(c->fs, p);
    hp(c, h, path);
    assert_int_equal(mkdir(h, 0755), 0);
}

static void do_write(struct change *c, const char *path, int create, uint64_t off, uint32_t len,
                     uint32_t seed, uint32_t step)
{
    const char *name;
    struct fat_node *p = parent_of(c->fs, path, &name), *n;
    char h[1024];
    if (create)
        assert_int_equal(fat_create(c->fs, p, name, strlen(name), 0, &n), 0);
    else
        assert_int_equal(fat_lookup(c->fs, p, name, strlen(name), &n), 0);
    fat_put(c->fs, p);
    hp(c, h, path);
    int fd = open(h, O_WRONLY | O_CREAT, 0644);
    assert_true(fd >= 0);
    uint8_t *buf = malloc(step);
    for (uint32_t done = 0; done < len;) {
        uint32_t k = len - done < step ? len - done : step;
        for (uint32_t i = 0; i < k; i++)
            buf[i] = pattern(seed, done + i);
        assert_int_equal(fat_write(c->fs, n, buf, k, off + done), k);
        assert_int_equal(pwrite(fd, buf, k, (off_t)(off + done)), k);
        done += k;
    }
    free(buf);
    close(fd);
    fat_put(c->fs, n);
}

static void do_truncate(struct change *c, const char *path, uint32_t size)
{
    struct fat_node *n = node_at(c->fs, path);
    char h[1024];
    assert_int_equal(fat_truncate(c->fs, n, size), 0);
    fat_put(c->fs, n);
    hp(c, h, path);
    assert_int_equal(truncate(h, size), 0);
}

static void do_remove(struct change *c, const char *path, int is_dir)
{
    const char *name;
    struct fat_node *p = parent_of(c->fs, path, &name);
    char h[1024];
    assert_int_equal(fat_remove(c->fs, p, name, strlen(name), is_dir), 0);
    fat_put(c->fs, p);
    hp(c, h, path);
    assert_int_equal(is_dir ? rmdir(h) : unlink(h), 0);
}

static void do_rename(struct change *c, const char *from, const char *to)
{
    const char *on, *nn;
    struct fat_node *op = parent_of(c->fs, from, &on), *np = parent_of(c->fs, to, &nn);
    char h1[1024], h2[1024];
    int r = fat_rename(c->fs, op, on, strlen(on), np, nn, strlen(nn));
    if (r)
        fprintf(stderr, "rename %s -> %s: %d\n", from, to, r);
    assert_int_equal(r, 0);
    fat_put(c->fs, op), fat_put(c->fs, np);
    hp(c, h1, from), hp(c, h2, to);
    assert_int_equal(rename(h1, h2), 0);
}

static int api_remove(struct fat_fs *fs, const char *path, int is_dir)
{
    const char *name;
    struct fat_node *p = parent_of(fs, path, &name);
    int r = fat_remove(fs, p, name, strlen(name), is_dir);
    fat_put(fs, p);
    return r;
}

static int api_create(struct fat_fs *fs, const char *path, int is_dir)
{
    const char *name;
    struct fat_node *p = parent_of(fs, path, &name);
    int r = fat_create(fs, p, name, strlen(name), is_dir, NULL);
    fat_put(fs, p);
    return r;
}

static int api_rename(struct fat_fs *fs, const char *from, const char *to)
{
    const char *on, *nn;
    struct fat_node *op = parent_of(fs, from, &on), *np = parent_of(fs, to, &nn);
    int r = fat_rename(fs, op, on, strlen(on), np, nn, strlen(nn));
    fat_put(fs, op), fat_put(fs, np);
    return r;
}

static void refusals(struct fat_fs *fs)
{
    char longname[300];
    memset(longname, 'x', 256);
    longname[256] = 0;
    struct fat_node *root = fat_root(fs), *n;
    assert_int_equal(api_remove(fs, "docs", 1), -ENOTEMPTY);
    assert_int_equal(api_remove(fs, "docs", 0), -EISDIR);
    assert_int_equal(api_remove(fs, "empty.dat", 1), -ENOTDIR);
    assert_int_equal(api_remove(fs, "no such file", 0), -ENOENT);
    assert_int_equal(api_create(fs, "empty.dat", 0), -EEXIST);
    assert_int_equal(api_create(fs, "EMPTY.DAT", 0), -EEXIST);
    assert_int_equal(api_create(fs, "Docs", 1), -EEXIST);
    assert_int_equal(api_create(fs, "bad*name", 0), -EINVAL);
    assert_int_equal(api_create(fs, "trailing.", 0), -EINVAL);
    assert_int_equal(api_create(fs, longname, 0), -ENAMETOOLONG);
    assert_int_equal(api_create(fs, "empty.dat/x", 0), -ENOTDIR);
    assert_int_equal(fat_lookup(fs, root, "nope", 4, &n), -ENOENT);
    assert_int_equal(api_rename(fs, "docs", "docs/many/inside"), -EINVAL);
    assert_int_equal(api_rename(fs, "empty.dat", "docs"), -EISDIR);
    assert_int_equal(api_rename(fs, "docs", "empty.dat"), -ENOTDIR);
    assert_int_equal(api_rename(fs, "Ünïcödé dir", "docs"), -ENOTEMPTY);
    n = node_at(fs, "empty.dat");
    assert_int_equal(fat_write(fs, n, "x", 1, FAT_FILE_MAX), -EFBIG);
    assert_int_equal(fat_truncate(fs, n, (uint64_t)FAT_FILE_MAX + 1), -EFBIG);
    assert_int_equal(fat_read(fs, root, longname, 1, 0), -EISDIR);
    fat_put(fs, n);
    fat_put(fs, root);
}

/* Two lookups of one file give one node; an unlinked open file stays readable. */
static void shared_nodes(struct change *c)
{
    struct fat_fs *fs = c->fs;
    struct fat_node *a = node_at(fs, "gap.bin"), *b = node_at(fs, "GAP.BIN");
    struct fat_stat sa, sb;
    uint8_t buf[16];
    assert_ptr_equal(a, b);
    assert_int_equal(fat_write(fs, a, "tail", 4, 80000), 4);
    fat_stat(fs, b, &sb);
    assert_int_equal(sb.size, 80004);
    assert_int_equal(fat_read(fs, b, buf, 16, 79998), 6);
    assert_memory_equal(buf, "\0\0tail", 6);
    fat_put(fs, a), fat_put(fs, b);
    char h[1024];
    hp(c, h, "gap.bin");
    int fd = open(h, O_WRONLY);
    assert_int_equal(pwrite(fd, "tail", 4, 80000), 4);
    close(fd);

    do_write(c, "doomed.bin", 1, 0, 50000, 99, 50000);
    a = node_at(fs, "doomed.bin");
    do_remove(c, "doomed.bin", 0);
    assert_int_equal(fat_read(fs, a, buf, 16, 40000), 16);
    for (int i = 0; i < 16; i++)
        assert_int_equal(buf[i], pattern(99, 40000 + (uint64_t)i));
    assert_int_equal(api_create(fs, "doomed.bin", 0), 0);  /* the name is free again */
    assert_int_equal(api_remove(fs, "doomed.bin", 0), 0);
    fat_stat(fs, a, &sa);
    assert_int_equal(sa.size, 50000);
    fat_put(fs, a);     /* now its clusters are freed: fsck would see them lost otherwise */

    assert_int_equal(api_create(fs, "gone dir", 1), 0);
    a = node_at(fs, "gone dir");
    assert_int_equal(api_remove(fs, "gone dir", 1), 0);
    assert_int_equal(fat_create(fs, a, "x", 1, 0, NULL), -ENOENT);
    fat_put(fs, a);
}

static void apply_changes(struct change *c)
{
    do_mkdir(c, "new dir");
    do_mkdir(c, "new dir/sub");
    do_write(c, "new dir/sub/Fresh Ünïcode name — ✓.txt", 1, 0, 100000, 1, 3000);
    do_write(c, "readme-lower.txt", 0, 5000, 5000, 2, 777);
    do_rename(c, "a long file name with spaces.text", "new dir/renamed file.text");
    do_rename(c, "docs/nested deep", "moved nested");
    do_truncate(c, "café-ünïcode.txt", 100);
    do_truncate(c, "empty.dat", 3000);
    do_remove(c, "README.TXT", 0);
    do_rename(c, "docs/many/f001.txt", "docs/many/f002.txt");
    do_rename(c, "readme-lower.txt", "README-LOWER.txt");
    do_rename(c, "lower.txt", "LOWER.TXT");
    do_write(c, "gap.bin", 1, 70000, 10, 3, 10);
    for (int i = 10; i < 20; i++) {
        char p[64];
        snprintf(p, sizeof p, "docs/many/f%03d.txt", i);
        do_remove(c, p, 0);
    }
    do_mkdir(c, "tmpdir");
    do_write(c, "tmpdir/x", 1, 0, 1, 4, 1);
    do_remove(c, "tmpdir/x", 0);
    do_remove(c, "tmpdir", 1);
    for (int i = 0; i < 30; i++) {  /* enough entries that the new directory grows a cluster */
        char p[128];
        snprintf(p, sizeof p, "new dir/sub/a rather long name number %02d.data", i);
        do_write(c, p, 1, 0, (uint32_t)i * 11, 50 + (uint32_t)i, 1000);
    }
    refusals(c->fs);
    shared_nodes(c);
}

/* Checks with mtools that the image holds exactly the mirror. */
static void host_sees_mirror(const char *img, const char *src)
{
    char out[256];
    int st;
    snprintf(out, sizeof out, "%s/out", tmp);
    SH("rm -rf '%s' && mkdir '%s' && mcopy -s -n -i '%s' '::*' '%s/'", out, out, img, out);
    char *diff = sh_out(&st, "diff -r '%s' '%s'", src, out);
    if (st)
        fprintf(stderr, "%s", diff);
    assert_int_equal(st, 0);
    free(diff);
    char *dir = sh_out(&st, "mdir -i '%s' '::/new dir/sub'", img);
    assert_int_equal(st, 0);
    assert_non_null(strstr(dir, "Fresh Ünïcode name — ✓.txt"));
    free(dir);
    char *type = sh_out(&st, "mtype -i '%s' '::/gap.bin' | od -An -tx1 | tail -2", img);
    assert_int_equal(st, 0);
    assert_non_null(strstr(type, "74 61 69 6c")); /* "tail" as the last bytes */
    free(type);
}

/* Names mtools cannot make (outside the BMP) round-trip through our own code. */
static void emoji_roundtrip(const char *img, uint32_t cache)
{
    struct mnt m;
    const char *name = "emoji-😀-名前.txt";
    mount_img(&m, img, cache);
    assert_int_equal(fat_create(m.fs, m.root, name, strlen(name), 0, NULL), 0);
    unmount_img(&m);
    mount_img(&m, img, cache);
    uint64_t pos = 0;
    struct fat_dirent de;
    int found = 0;
    while (fat_readdir(m.fs, m.root, &pos, &de) == 1)
        found |= strcmp(de.name, name) == 0;
    assert_true(found);
    assert_int_equal(fat_remove(m.fs, m.root, name, strlen(name), 0), 0);
    unmount_img(&m);
}

struct roundtrip {
    int type, mib, big;
    uint32_t cache;     /* blocks; 0: the raw disk */
};

static void roundtrip(void **state)
{
    const struct roundtrip *rt = *state;
    char img[128], src[128];
    snprintf(img, sizeof img, "%s/fat%d.img", tmp, rt->type);
    snprintf(src, sizeof src, "%s/src%d", tmp, rt->type);
    make_image(img, src, rt->type, rt->mib, rt->big);

    struct mnt m;
    struct totals t = { 0 };
    mount_img(&m, img, rt->cache);
    assert_int_equal(m.fs->type, rt->type);
    compare_dir(m.fs, m.root, src, &t);
    printf("  %s (cache %u blocks): %llu files, %llu dirs, %llu bytes, FNV-1a %016llx\n",
           fat_type_name(m.fs), rt->cache, (unsigned long long)t.files, (unsigned long long)t.dirs,
           (unsigned long long)t.bytes, (unsigned long long)t.sum);
    struct change c = { m.fs, src };
    apply_changes(&c);
    unmount_img(&m);
    fsck_clean(img);
    host_sees_mirror(img, src);

    memset(&t, 0, sizeof t);
    mount_img(&m, img, rt->cache);
    compare_dir(m.fs, m.root, src, &t);     /* and our own code reads back what it wrote */
    unmount_img(&m);
    emoji_roundtrip(img, rt->cache);
    fsck_clean(img);
}

/* --- throughput: the 64 MiB file through the cache and raw ------------------------------------ */

static double read_big(const char *img, uint32_t cache)
{
    struct mnt m;
    uint8_t *buf = malloc(CHUNK);
    mount_img(&m, img, cache);
    struct fat_node *n = node_at(m.fs, "big/big.bin");
    double t0 = now_s();
    for (uint64_t off = 0; off < BIG_SIZE; off += CHUNK)
        assert_int_equal(fat_read(m.fs, n, buf, CHUNK, off), CHUNK);
    double t = now_s() - t0;
    fat_put(m.fs, n);
    unmount_img(&m);
    free(buf);
    return BIG_SIZE / t / MIB;
}

static double write_big(const char *img, uint32_t cache, const char *name)
{
    struct mnt m;
    uint8_t *buf = malloc(CHUNK);
    memset(buf, 0x5a, CHUNK);
    mount_img(&m, img, cache);
    struct fat_node *big = node_at(m.fs, "big"), *n;
    assert_int_equal(fat_create(m.fs, big, name, strlen(name), 0, &n), 0);
    double t0 = now_s();
    for (uint64_t off = 0; off < BIG_SIZE / 2; off += CHUNK)
        assert_int_equal(fat_write(m.fs, n, buf, CHUNK, off), CHUNK);
    assert_int_equal(fat_sync(m.fs), 0);
    double t = now_s() - t0;
    assert_int_equal(fat_remove(m.fs, big, name, strlen(name), 0), 0);
    fat_put(m.fs, n), fat_put(m.fs, big);
    unmount_img(&m);
    free(buf);
    return BIG_SIZE / 2 / t / MIB;
}

static void throughput(void **state)
{
    (void)state;
    char img[128];
    snprintf(img, sizeof img, "%s/fat32.img", tmp);     /* left by the FAT32 round trip */
    int fd = open(img, O_RDONLY);
    uint8_t *buf = malloc(CHUNK);
    double t0 = now_s();
    for (uint64_t off = 0; off < BIG_SIZE; off += CHUNK)
        assert_int_equal(pread(fd, buf, CHUNK, (off_t)off), CHUNK);
    double raw = BIG_SIZE / (now_s() - t0) / MIB;
    close(fd);
    free(buf);
    double rc = read_big(img, 1024), rr = read_big(img, 0);
    double wc = write_big(img, 1024, "w-cache.bin"), wr = write_big(img, 0, "w-raw.bin");
    printf("  64 MiB in 1 MiB requests: pread of the image %.0f MB/s; fat_read through bcache %.0f MB/s, "
           "raw %.0f MB/s; 32 MiB fat_write+sync through bcache %.0f MB/s, raw %.0f MB/s\n",
           raw, rc, rr, wc, wr);
    fsck_clean(img);
}

/* --- a full disk ---------------------------------------------------------------------------- */

static void full_disk(void **state)
{
    (void)state;
    char img[128];
    snprintf(img, sizeof img, "%s/full.img", tmp);
    SH("rm -f '%s' && truncate -s 1M '%s' && mkfs.fat -F 12 '%s' >/dev/null", img, img, img);
    struct mnt m;
    mount_img(&m, img, 8);
    struct fat_node *n;
    uint8_t *buf = calloc(1, 65536);
    assert_int_equal(fat_create(m.fs, m.root, "fill.bin", 8, 0, &n), 0);
    uint64_t off = 0;
    long w;
    while ((w = fat_write(m.fs, n, buf, 65536, off)) == 65536)
        off += 65536;
    assert_true(w > 0 || w == -ENOSPC);
    off += w > 0 ? (uint64_t)w : 0;
    assert_int_equal(fat_write(m.fs, n, buf, 1, off), -ENOSPC);
    assert_int_equal(fat_truncate(m.fs, n, off + 100000), -ENOSPC);
    struct fat_stat st;
    fat_stat(m.fs, n, &st);
    assert_int_equal(st.size, off);
    fat_put(m.fs, n);
    uint32_t cs, total, nfree;
    assert_int_equal(fat_statfs(m.fs, &cs, &total, &nfree), 0);
    assert_int_equal(nfree, 0);
    assert_int_equal(fat_create(m.fs, m.root, "d", 1, 1, NULL), -ENOSPC);
    int made = 0, r;
    char name[64];
    do {        /* the fixed FAT12 root fills up too */
        snprintf(name, sizeof name, "a long name to use slots %d", made);
        r = fat_create(m.fs, m.root, name, strlen(name), 0, NULL);
        made += r == 0;
    } while (r == 0);
    assert_int_equal(r, -ENOSPC);
    assert_true(made > 10);
    unmount_img(&m);
    fsck_clean(img);
    int st2;
    char *out = sh_out(&st2, "mdir -i '%s' ::/fill.bin", img);
    char want[32];
    snprintf(want, sizeof want, "%llu", (unsigned long long)off);
    assert_non_null(strstr(out, "fill.bin"));
    free(out);
    /* freeing makes room again */
    mount_img(&m, img, 0);
    assert_int_equal(fat_remove(m.fs, m.root, "fill.bin", 8, 0), 0);
    assert_int_equal(fat_remove(m.fs, m.root, "a long name to use slots 0", 26, 0), 0);
    assert_int_equal(fat_create(m.fs, m.root, "d", 1, 1, NULL), 0);
    /* a file removed while open, still open at unmount, gives its clusters back */
    assert_int_equal(fat_create(m.fs, m.root, "open.bin", 8, 0, &n), 0);
    assert_int_equal(fat_write(m.fs, n, buf, 20000, 0), 20000);
    assert_int_equal(fat_remove(m.fs, m.root, "open.bin", 8, 0), 0);
    unmount_img(&m);    /* n is not put: unmount frees it */
    fsck_clean(img);
    free(buf);
}

/* --- refused disks -------------------------------------------------------------------------- */

static int try_mount(uint8_t *data, size_t bytes, char *why, size_t whylen)
{
    struct memdisk md;
    struct fat_fs *fs;
    memdisk_init(&md, data, bytes);
    int r = fat_mount(&md.d, 1, &fs, why, whylen);
    if (r == 0)
        fat_unmount(fs);
    return r;
}

static void refused(void **state)
{
    (void)state;
    char img[128], why[128];
    size_t len;
    snprintf(img, sizeof img, "%s/ref.img", tmp);
    SH("rm -f '%s' && truncate -s 2M '%s' && mkfs.fat -F 16 '%s' >/dev/null 2>&1 || "
       "mkfs.fat -F 12 '%s' >/dev/null", img, img, img, img);
    uint8_t *good = slurp(img, &len), *d = malloc(len);

    memset(d, 0, len);
    assert_int_equal(try_mount(d, len, why, sizeof why), -EINVAL);
    assert_string_equal(why, "not a FAT boot sector (no 0x55AA signature)");

    memcpy(d, good, len);
    fat_put16(d + 11, 1000);
    assert_int_equal(try_mount(d, len, why, sizeof why), -EINVAL);
    assert_string_equal(why, "bytes per sector 1000 is not 512-4096");

    memcpy(d, good, len);
    d[13] = 3;
    assert_int_equal(try_mount(d, len, why, sizeof why), -EINVAL);
    assert_string_equal(why, "sectors per cluster 3 is not a power of two up to 128");

    memcpy(d, good, len);
    d[16] = 0;
    assert_int_equal(try_mount(d, len, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "number of FATs is 0"));

    memcpy(d, good, len);
    assert_int_equal(try_mount(d, len / 2, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "larger than the disk"));

    memcpy(d, good, len);
    d[0] = 0;
    assert_int_equal(try_mount(d, len, why, sizeof why), -EINVAL);
    assert_non_null(strstr(why, "jump"));

    memcpy(d, good, len);
    assert_int_equal(try_mount(d, len, why, sizeof why), 0);
    free(good), free(d);
}

/* --- corrupt chains in a crafted image --------------------------------------------------------- */

static void poke_fat(const char *img, struct fat_fs *geo, uint32_t cluster, uint32_t value)
{
    int fd = open(img, O_RDWR);
    for (uint32_t copy = 0; copy < geo->fats; copy++) {
        uint8_t b[2];
        fat_put16(b, (uint16_t)value);
        assert_int_equal(pwrite(fd, b, 2, (off_t)(geo->fat_start + (uint64_t)copy * geo->fat_bytes + cluster * 2)), 2);
    }
    close(fd);
}

static void corrupt_chains(void **state)
{
    (void)state;
    char img[128], src[128], p[256];
    snprintf(img, sizeof img, "%s/bad.img", tmp);
    snprintf(src, sizeof src, "%s/badsrc", tmp);
    SH("rm -rf '%s' '%s' && mkdir -p '%s/LOOPDIR' && truncate -s 32M '%s' && mkfs.fat -F 16 -s 4 '%s' >/dev/null",
       img, src, src, img, img);
    /* 2 KiB clusters hold 64 entries: 70 short names fill the first cluster of LOOPDIR */
    for (int i = 0; i < 70; i++) {
        snprintf(p, sizeof p, "%s/LOOPDIR/F%03d.TXT", src, i);
        host_file(p, 10, (uint32_t)i);
    }
    snprintf(p, sizeof p, "%s/CHAIN.BIN", src), host_file(p, 3 * 2048, 1);
    snprintf(p, sizeof p, "%s/OOR.BIN", src), host_file(p, 3000, 2);
    snprintf(p, sizeof p, "%s/BADENT.BIN", src), host_file(p, 100, 3);
    SH("mcopy -s -i '%s' '%s'/* ::/", img, src);

    struct mnt m;
    mount_img(&m, img, 0);
    struct fat_fs geo = *m.fs;
    struct fat_node *dir = node_at(m.fs, "LOOPDIR"), *chain = node_at(m.fs, "CHAIN.BIN");
    struct fat_node *oor = node_at(m.fs, "OOR.BIN"), *badent = node_at(m.fs, "BADENT.BIN");
    uint32_t third, dfirst = dir->first, oorfirst = oor->first;
    uint64_t badent_at = badent->ent;
    assert_int_equal(fat_chain_at(m.fs, chain, 2, &third), 1);
    uint32_t cfirst = chain->first;
    fat_put(m.fs, dir), fat_put(m.fs, chain), fat_put(m.fs, oor), fat_put(m.fs, badent);
    unmount_img(&m);

    poke_fat(img, &geo, dfirst, dfirst);        /* the directory's first cluster points at itself */
    poke_fat(img, &geo, third, cfirst);         /* the file's third cluster leads back to its first */
    poke_fat(img, &geo, oorfirst, geo.clusters + 5); /* past the last cluster */
    int fd = open(img, O_RDWR);
    uint8_t b[2];
    fat_put16(b, 0xfff0);
    assert_int_equal(pwrite(fd, b, 2, (off_t)(badent_at + DIR_CLUS_LO)), 2);
    close(fd);

    uint8_t buf[8192];
    for (int pass = 0; pass < 2; pass++) {
        mount_img(&m, img, pass ? 8 : 0);
        dir = node_at(m.fs, "LOOPDIR");
        uint64_t pos = 0;
        struct fat_dirent de;
        int r, entries = 0;
        while ((r = fat_readdir(m.fs, dir, &pos, &de)) == 1)
            entries++;
        assert_int_equal(r, -EIO);
        assert_int_equal(api_create(m.fs, "LOOPDIR/new file", 0), -EIO);
        fat_put(m.fs, dir);
        chain = node_at(m.fs, "CHAIN.BIN");
        assert_int_equal(fat_read(m.fs, chain, buf, sizeof buf, 0), -EIO);
        assert_int_equal(fat_write(m.fs, chain, buf, 10, 3 * 2048), -EIO);
        fat_put(m.fs, chain);
        oor = node_at(m.fs, "OOR.BIN");
        assert_int_equal(fat_read(m.fs, oor, buf, sizeof buf, 0), -EIO);
        assert_int_equal(fat_truncate(m.fs, oor, 1), -EIO);
        fat_put(m.fs, oor);
        struct fat_node *n;
        assert_int_equal(fat_lookup(m.fs, m.root, "BADENT.BIN", 10, &n), -EIO);
        unmount_img(&m);
    }
}

/* --- hostile images: random damage must give errors, not crashes or hangs ---------------------- */

static void visit(struct fat_fs *fs, struct fat_node *dir, int depth, uint8_t *buf)
{
    uint64_t pos = 0;
    struct fat_dirent de;
    int steps = 0;
    while (steps++ < 300 && fat_readdir(fs, dir, &pos, &de) == 1) {
        struct fat_node *n;
        if (fat_lookup(fs, dir, de.name, strlen(de.name), &n) < 0)
            continue;
        if (de.is_dir && depth < 4)
            visit(fs, n, depth + 1, buf);
        else if (!de.is_dir) {
            fat_read(fs, n, buf, 4096, 0);
            fat_write(fs, n, buf, 100, 5000);
            fat_truncate(fs, n, 10);
        }
        fat_put(fs, n);
    }
    fat_create(fs, dir, "fuzz new", 8, 0, NULL);
    fat_create(fs, dir, "FUZZDIR", 7, 1, NULL);
    fat_remove(fs, dir, "fuzz new", 8, 0);
}

/* Damages random bytes of the boot sector and FSInfo, the start of the FAT, and the directories
 * at the start of the data area, then mounts, walks, reads, writes and removes. Only what was
 * damaged or written is restored between rounds, so a large FAT32 image stays cheap. */
static int fuzz_image(const char *img, int iters)
{
    size_t len;
    uint8_t *good = slurp(img, &len), *d = malloc(len), *written = calloc(len / SECTOR, 1), buf[8192];
    memcpy(d, good, len);
    struct memdisk md;
    struct fat_fs *fs;
    char why[96];
    memdisk_init(&md, d, len);
    assert_int_equal(fat_mount(&md.d, 1, &fs, why, sizeof why), 0);
    uint64_t fat = fs->fat_start, dirs = fs->type == 32 ? fs->data_start : fs->root_start;
    fat_unmount(fs);
    md.written = written;
    int mounted = 0;
    for (int iter = 0; iter < iters; iter++) {
        int hits = 1 + rand() % 40;
        for (int k = 0; k < hits; k++) {
            int where = rand() % 4;
            size_t at = where == 0 ? (size_t)(rand() % 1024) : where == 1 ? fat + (size_t)(rand() % 4096)
                                                                           : dirs + (size_t)(rand() % 32768);
            d[at] = (uint8_t)rand();
        }
        if (fat_mount(&md.d, 0, &fs, why, sizeof why) == 0) {
            mounted++;
            struct fat_node *root = fat_root(fs);
            visit(fs, root, 0, buf);
            fat_put(fs, root);
            fat_unmount(fs);
        }
        memcpy(d, good, 1024);
        memcpy(d + fat, good + fat, 4096);
        memcpy(d + dirs, good + dirs, 32768);
        for (size_t sct = 0; sct < len / SECTOR; sct++)
            if (written[sct]) {
                memcpy(d + sct * SECTOR, good + sct * SECTOR, SECTOR);
                written[sct] = 0;
            }
    }
    assert_memory_equal(d, good, len);
    free(good), free(d), free(written);
    return mounted;
}

static void hostile(void **state)
{
    (void)state;
    char img[128], src[128];
    int iters = getenv("FAT_FUZZ_ITERS") ? atoi(getenv("FAT_FUZZ_ITERS")) : 300;
    snprintf(src, sizeof src, "%s/fuzzsrc", tmp);
    SH("rm -rf '%s' && mkdir -p '%s/sub dir/deeper'", src, src);
    for (int i = 0; i < 12; i++) {
        char p[256];
        snprintf(p, sizeof p, "%s/%s file %d.bin", src, i % 2 ? "sub dir" : "sub dir/deeper", i);
        host_file(p, (uint32_t)i * 700, (uint32_t)i);
    }
    srand(12345);
    static const struct { int type, mib; } kinds[] = { { 12, 1 }, { 16, 16 }, { 32, 40 } };
    for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
        snprintf(img, sizeof img, "%s/fuzz%d.img", tmp, kinds[k].type);
        SH("rm -f '%s' && truncate -s %dM '%s' && mkfs.fat -F %d -s 1 '%s' >/dev/null && mcopy -s -i '%s' '%s'/* ::/",
           img, kinds[k].mib, img, kinds[k].type, img, img, src);
        int mounted = fuzz_image(img, iters);
        printf("  hostile FAT%d: %d damaged images, %d mounted and walked\n", kinds[k].type, iters, mounted);
        assert_true(mounted > iters / 4);
    }
}

/* --- the block cache alone -------------------------------------------------------------------- */

static void bcache_coherent(void **state)
{
    (void)state;
    enum { SECTORS = 256 };
    uint8_t *disk = calloc(SECTORS, SECTOR), *ref = calloc(SECTORS, SECTOR);
    uint8_t *buf = malloc(64 * SECTOR);
    struct memdisk md;
    struct bcache *c;
    memdisk_init(&md, disk, SECTORS * SECTOR);
    assert_int_equal(bcache_create(&md.d, 8, 16, &c), 0);
    struct fs_disk *d = bcache_disk(c);
    assert_int_equal(d->sectors, SECTORS);
    assert_int_equal(d->read(d->ctx, SECTORS - 1, 2, buf), -EINVAL);
    srand(7);
    for (int i = 0; i < 20000; i++) {
        uint32_t n = 1 + (uint32_t)rand() % (rand() % 4 ? 4 : 40);
        uint64_t s = (uint64_t)rand() % (SECTORS - n + 1);
        if (rand() % 2) {
            for (uint32_t k = 0; k < n * SECTOR; k++)
                buf[k] = (uint8_t)rand();
            assert_int_equal(d->write(d->ctx, s, n, buf), 0);
            memcpy(ref + s * SECTOR, buf, (size_t)n * SECTOR);
        } else {
            assert_int_equal(d->read(d->ctx, s, n, buf), 0);
            assert_memory_equal(buf, ref + s * SECTOR, (size_t)n * SECTOR);
        }
        if (i % 5000 == 4999)
            assert_int_equal(bcache_sync(c), 0);
    }
    struct bcache_stats st;
    bcache_get_stats(c, &st);
    assert_true(st.hits > 0 && st.misses > 0 && st.writebacks > 0 && st.bypassed > 0);
    assert_int_equal(bcache_destroy(c), 0);
    assert_memory_equal(disk, ref, SECTORS * SECTOR);
    free(disk), free(ref), free(buf);
}

/* --- names and times, without a disk ----------------------------------------------------------- */

static time_t fixed_clock(void *ctx)
{
    return *(time_t *)ctx;
}

static void names(void **state)
{
    (void)state;
    uint16_t u[FAT_NAME_MAX];
    uint8_t b[11], s[11];
    char out[FAT_NAME_BUF];
    int n;
    assert_int_equal(fat_name_from_utf8("café 😀", strlen("café 😀"), u, &n), 0);
    assert_int_equal(n, 7);         /* the emoji is a surrogate pair */
    fat_name_to_utf8(u, n, out, sizeof out);
    assert_string_equal(out, "café 😀");
    assert_int_equal(fat_name_from_utf8("\xc0\xaf", 2, u, &n), -EINVAL);      /* overlong */
    assert_int_equal(fat_name_from_utf8("\xed\xa0\x80", 3, u, &n), -EINVAL);  /* a surrogate */
    assert_int_equal(fat_name_from_utf8("a\xe2\x82", 3, u, &n), -EINVAL);     /* cut short */
    assert_int_equal(fat_name_from_utf8(".", 1, u, &n), -EINVAL);
    fat_name_from_utf8("README.TXT", 10, u, &n);
    assert_int_equal(fat_short_basis(u, n, b), 2);          /* exact: no long name */
    assert_memory_equal(b, "README  TXT", 11);
    fat_name_from_utf8("readme.txt", 10, u, &n);
    assert_int_equal(fat_short_basis(u, n, b), 0);          /* only the case differs */
    fat_name_from_utf8("a long file name.text", 21, u, &n);
    assert_int_equal(fat_short_basis(u, n, b), 1);
    assert_memory_equal(b, "ALONGFILTEX", 11);
    fat_short_with_tail(b, 1, s);
    assert_memory_equal(s, "ALONGF~1TEX", 11);
    fat_short_with_tail(b, 12345, s);
    assert_memory_equal(s, "AL~12345TEX", 11);
    fat_name_from_utf8(".bashrc", 7, u, &n);
    fat_short_basis(u, n, b);
    assert_memory_equal(b, "BASHRC     ", 11);
    /* the checksum of a known short name (computed by hand from the VFAT definition) */
    uint8_t sum = 0;
    for (int i = 0; i < 11; i++)
        sum = (uint8_t)(((sum & 1) ? 0x80 : 0) + (sum >> 1) + (uint8_t)"README  TXT"[i]);
    assert_int_equal(fat_lfn_checksum((const uint8_t *)"README  TXT"), sum);
    /* DOS time both ways: 2024-02-29 13:45:59 UTC is stored with 2-second units and 100 tenths */
    struct fat_fs fs = { 0 };
    uint16_t date, t;
    uint8_t tenth;
    time_t when = 1709214359;
    fat_set_clock(&fs, fixed_clock, &when);
    fat_dos_time_now(&fs, &date, &t, &tenth);
    assert_int_equal(date, (2024 - 1980) << 9 | 2 << 5 | 29);
    assert_int_equal(t, 13 << 11 | 45 << 5 | 29);
    assert_int_equal(tenth, 100);
    assert_int_equal(fat_dos_to_unix(date, t), when - 1);
    when = 0;   /* before 1980: clamped */
    fat_dos_time_now(&fs, &date, &t, &tenth);
    assert_int_equal(date, 1 << 5 | 1);
}

static int setup_tmp(void **state)
{
    (void)state;
    snprintf(tmp, sizeof tmp, "/tmp/test_fat.XXXXXX");
    if (!mkdtemp(tmp))
        return -1;
    setenv("MTOOLS_SKIP_CHECK", "1", 1);
    setenv("LC_ALL", "C.UTF-8", 1);
    setenv("TZ", "UTC", 1);
    char path[4096];    /* mkfs.fat and fsck.fat live in sbin, which a user's PATH may lack */
    snprintf(path, sizeof path, "%s:/usr/sbin:/sbin", getenv("PATH") ? getenv("PATH") : "/usr/bin:/bin");
    setenv("PATH", path, 1);
    return 0;
}

static int teardown_tmp(void **state)
{
    (void)state;
    if (!getenv("KEEP_FAT_TMP"))
        sh_status("rm -rf '%s'", tmp);
    return 0;
}

/* one case per type, so that each has its own line in the suite's summary */
static void fat12_raw_disk(void **state)
{
    static struct roundtrip rt = { 12, 4, 0, 0 };
    *state = &rt;
    roundtrip(state);
}

static void fat16_tiny_cache(void **state)
{
    static struct roundtrip rt = { 16, 32, 0, 8 };
    *state = &rt;
    roundtrip(state);
}

static void fat32_64mib_file(void **state)
{
    static struct roundtrip rt = { 32, 160, 1, 1024 };
    *state = &rt;
    roundtrip(state);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names),
        cmocka_unit_test(bcache_coherent),
        cmocka_unit_test(fat12_raw_disk),
        cmocka_unit_test(fat16_tiny_cache),
        cmocka_unit_test(fat32_64mib_file),
        cmocka_unit_test(throughput),
        cmocka_unit_test(full_disk),
        cmocka_unit_test(refused),
        cmocka_unit_test(corrupt_chains),
        cmocka_unit_test(hostile),
    };
    return cmocka_run_group_tests(tests, setup_tmp, teardown_tmp);
}
