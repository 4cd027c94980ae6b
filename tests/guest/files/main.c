/* The POSIX file API on the in-memory root, and on whatever the command line mounted: the calls
 * and the errors Linux gives, through both descriptors and stdio. With an argument DIR, the
 * checks run inside DIR (a mounted disk) instead of /tmp. Other modes, for the host's checks:
 * --list DIR (every entry with size, mode, checksum), --mutate DIR, --fill DIR, --durable DIR. */
#include "../check.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *base = "/tmp";

/* base/name, in one of four buffers taken in turn, so that one call may take two paths */
static const char *at(const char *name)
{
    static char paths[4][256];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", base, name);
    return p;
}

static void descriptors(void)
{
    char buf[64] = { 0 };
    int fd = open(at("a.txt"), O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 3, "open(O_CREAT) gives a descriptor after the console's (%d)", fd);
    CHECK(write(fd, "hello, files", 12) == 12, "write 12 bytes");
    CHECK(lseek(fd, 0, SEEK_CUR) == 12, "the offset moved to 12");
    CHECK(lseek(fd, 7, SEEK_SET) == 7 && read(fd, buf, sizeof buf) == 5 && memcmp(buf, "files", 5) == 0,
          "lseek and read give the bytes at that offset");
    CHECK(pread(fd, buf, 5, 0) == 5 && memcmp(buf, "hello", 5) == 0 && lseek(fd, 0, SEEK_CUR) == 12,
          "pread reads at its offset and leaves the file's alone");
    CHECK(pwrite(fd, "HELLO", 5, 0) == 5 && pread(fd, buf, 12, 0) == 12 && memcmp(buf, "HELLO, files", 12) == 0,
          "pwrite overwrites in place");
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 12, "fstat: a regular file of 12 bytes");
    CHECK(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5, "ftruncate shortens it");
    CHECK(fsync(fd) == 0 && fdatasync(fd) == 0, "fsync and fdatasync");
    int copy = dup(fd);
    CHECK(copy > fd && lseek(copy, 1, SEEK_SET) == 1 && lseek(fd, 0, SEEK_CUR) == 1, "dup shares the offset");
    CHECK(dup2(fd, 20) == 20 && close(20) == 0 && read(fd, buf, 4) == 4 && memcmp(buf, "ELLO", 4) == 0,
          "dup2 to a chosen number; closing it leaves the original open");
    CHECK(close(copy) == 0 && close(fd) == 0, "close both");
    CHECK(close(fd) == -1 && errno == EBADF, "close twice: EBADF");
    fd = open(at("a.txt"), O_WRONLY | O_APPEND);
    CHECK(fd >= 0 && write(fd, "+", 1) == 1 && pread(fd, buf, 1, 0) == -1 && errno == EBADF,
          "O_APPEND writes; a write-only descriptor cannot read (EBADF)");
    close(fd);
    CHECK(stat(at("a.txt"), &st) == 0 && st.st_size == 6, "the append went at the end (6 bytes)");
    CHECK(lseek(1, 0, SEEK_SET) == -1 && errno == ESPIPE, "the console is not seekable (ESPIPE)");
}

static void errors(void)
{
    CHECK(open(at("none"), O_RDONLY) == -1 && errno == ENOENT, "a missing file: ENOENT");
    CHECK(open(at("a.txt"), O_CREAT | O_EXCL | O_WRONLY, 0644) == -1 && errno == EEXIST, "O_EXCL on an existing file: EEXIST");
    CHECK(open(at("a.txt/x"), O_RDONLY) == -1 && errno == ENOTDIR, "a file as a directory: ENOTDIR");
    CHECK(open(base, O_WRONLY) == -1 && errno == EISDIR, "a directory for writing: EISDIR");
    CHECK(mkdir(base, 0755) == -1 && errno == EEXIST, "mkdir of an existing directory: EEXIST");
    char longname[300];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    CHECK(open(longname, O_RDONLY) == -1 && errno == ENAMETOOLONG, "a 299-byte name: ENAMETOOLONG");
    CHECK(read(99, longname, 1) == -1 && errno == EBADF, "a descriptor never opened: EBADF");
}

static void directories(void)
{
    CHECK(mkdir(at("d"), 0755) == 0 && mkdir(at("d/e"), 0755) == 0, "mkdir, nested");
    FILE *f = fopen(at("d/e/note"), "w");
    CHECK(f && fprintf(f, "line %d\n", 1) == 7 && fclose(f) == 0, "fopen, fprintf, fclose");
    char line[32] = { 0 };
    f = fopen(at("d/e/note"), "r");
    CHECK(f && fgets(line, sizeof line, f) && strcmp(line, "line 1\n") == 0, "fgets reads it back");
    if (f)
        fclose(f);
    CHECK(rmdir(at("d")) == -1 && errno == ENOTEMPTY, "rmdir of a non-empty directory: ENOTEMPTY");
    CHECK(rename(at("d/e/note"), at("d/moved")) == 0 && access(at("d/moved"), R_OK) == 0 &&
          access(at("d/e/note"), F_OK) == -1 && errno == ENOENT, "rename moves a file between directories");
    DIR *d = opendir(at("d"));
    int seen = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        seen |= strcmp(e->d_name, "e") == 0 && e->d_type == DT_DIR ? 1 : strcmp(e->d_name, "moved") == 0 ? 2 : 4;
    CHECK(d && seen == 3, "readdir lists the directory and the file, nothing else (%d)", seen);
    if (d)
        closedir(d);
    char cwd[256];
    CHECK(chdir(at("d")) == 0 && getcwd(cwd, sizeof cwd) && strcmp(cwd, at("d")) == 0, "chdir and getcwd");
    CHECK(access("moved", F_OK) == 0 && chdir("..") == 0, "a relative path from there");
    CHECK(unlink(at("d/moved")) == 0 && rmdir(at("d/e")) == 0 && rmdir(at("d")) == 0, "unlink and rmdir empty it");
    CHECK(truncate(at("a.txt"), 0) == 0 && unlink(at("a.txt")) == 0, "truncate and unlink by path");
}

/* FNV-1a, 64 bits: a checksum the host can compute the same way (tests/lib/tree.py). */
static unsigned long long fnv1a(int fd, long long *size)
{
    unsigned long long h = 0xcbf29ce484222325ull;
    unsigned char buf[4096];
    ssize_t n;
    *size = 0;
    while ((n = read(fd, buf, sizeof buf)) > 0)
        for (ssize_t i = 0; i < n; i++, ++*size)
            h = (h ^ buf[i]) * 0x100000001b3ull;
    return h;
}

/* Every directory and file under dir, one line each, for the host to compare with its own tree. */
static void list(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char p[512];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", strcmp(dir, "/") ? dir : "", e->d_name);
        if (stat(p, &st) < 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            printf("entry %s dir %04o\n", p, (unsigned)(st.st_mode & 07777));
            list(p);
        } else {
            int fd = open(p, O_RDONLY);
            long long size;
            unsigned long long h = fnv1a(fd, &size);
            close(fd);
            printf("entry %s file %04o %lld %lld %016llx\n", p, (unsigned)(st.st_mode & 07777), (long long)st.st_size, size, h);
        }
    }
    if (d)
        closedir(d);
}

static int put(const char *path, const char *text, int flags)
{
    int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
    int ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);
    return close(fd) == 0 && ok;
}

/* A fixed set of changes to the tree tests/lib/tree.py makes; tree.py mutate makes the same
 * ones on the host's copy, and the two must then be equal. */
static void mutate(void)
{
    CHECK(mkdir(at("new"), 0755) == 0 && put(at("new/made.txt"), "made in the guest\n", O_EXCL), "create a directory and a file");
    CHECK(put(at("hello.txt"), "and appended\n", O_APPEND), "append");
    CHECK(rename(at("a/b/c/d/deep.txt"), at("moved-deep.txt")) == 0, "rename across directories");
    CHECK(truncate(at("big.bin"), 1000) == 0, "truncate");
    CHECK(unlink(at("empty")) == 0 && rmdir(at("a/b/c/d")) == 0, "unlink and rmdir");
    CHECK(put(at("a/b/long name with spaces, and more than eight.characters"), "long\n", 0), "a long name");
}

/* Write until the disk is full: ENOSPC, and what was written stays readable. */
static void fill(void)
{
    static char block[65536];
    memset(block, 'f', sizeof block);
    int fd = open(at("filler"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ssize_t n;
    long long total = 0;
    while ((n = write(fd, block, sizeof block)) > 0)
        total += n;
    CHECK(n == -1 && errno == ENOSPC, "writing on gives ENOSPC after %lld bytes", total);
    CHECK(mkdir(at("more"), 0755) == -1 && errno == ENOSPC, "a new directory: ENOSPC too");
    CHECK(fsync(fd) == 0 && close(fd) == 0, "fsync and close");
    struct stat st;
    CHECK(stat(at("filler"), &st) == 0 && st.st_size == total, "the file holds what was written (%lld)", (long long)st.st_size);
}

/* fsync, say so, and wait to be killed: what fsync returned for must be on the disk. */
static void durable(void)
{
    int fd = open(at("durable.txt"), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const char *text = "written, then fsync, then SIGKILL\n";
    CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text) && fsync(fd) == 0, "write and fsync");
    printf("fsync returned\n");
    fflush(stdout);
    for (;;)
        sleep(60);
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "--list") == 0) {
        list(argv[2]);
        return 0;
    }
    if (argc > 2 && argv[1][0] == '-' && argv[1][1] == '-') {
        base = argv[2];
        if (!strcmp(argv[1], "--mutate"))
            mutate();
        else if (!strcmp(argv[1], "--fill"))
            fill();
        else if (!strcmp(argv[1], "--durable"))
            durable();
        return check_exit();
    }
    if (argc > 1)
        base = argv[1];
    else
        mkdir(base, 01777);
    descriptors();
    errors();
    directories();
    return check_exit();
}
