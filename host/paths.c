/* The state directory and the files beside the binary (paths.h). */
#include "paths.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int mkdirs(const char *path)
{
    char buf[PATH_MAX];
    if (strlen(path) >= sizeof buf)
        return -1;
    strcpy(buf, path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) < 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return mkdir(buf, 0700) < 0 && errno != EEXIST ? -1 : 0;
}

int state_root(char *out, size_t len)
{
    const char *env = getenv("MAYFLY_STATE"), *xdg = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
    int n;
    if (env && *env)
        n = snprintf(out, len, "%s", env);
    else if (xdg && *xdg)
        n = snprintf(out, len, "%s/mayfly", xdg);
    else if (geteuid() == 0)
        n = snprintf(out, len, "/var/lib/mayfly");
    else if (home && *home)
        n = snprintf(out, len, "%s/.local/state/mayfly", home);
    else {
        fprintf(stderr, "mayfly: no state directory: set MAYFLY_STATE, XDG_STATE_HOME or HOME\n");
        return -1;
    }
    if (n < 0 || (size_t)n >= len) {
        fprintf(stderr, "mayfly: the state directory's path is too long\n");
        return -1;
    }
    /* every state file's path comes through here (a front reads its replicas' status files
     * each tick): the directories are made once a process, not once a call */
    static char made[PATH_MAX];
    if (strcmp(out, made) == 0)
        return 0;
    if (mkdirs(out) < 0) {
        fprintf(stderr, "mayfly: cannot create the state directory %s: %s\n", out, strerror(errno));
        return -1;
    }
    snprintf(made, sizeof made, "%s", out);
    return 0;
}

static int sub_path(char *out, size_t len, const char *kind, const char *name, const char *file)
{
    char root[PATH_MAX];
    /* a name from a command line never leaves the state directory */
    if (!*name || strchr(name, '/') || name[0] == '.' || state_root(root, sizeof root) < 0)
        return -1;
    int n = file ? snprintf(out, len, "%s/%s/%s/%s", root, kind, name, file)
                 : snprintf(out, len, "%s/%s/%s", root, kind, name);
    return n < 0 || (size_t)n >= len ? -1 : 0;
}

int instance_path(char *out, size_t len, const char *name, const char *file)
{
    return sub_path(out, len, "instances", name, file);
}

int network_path(char *out, size_t len, const char *name, const char *file)
{
    return sub_path(out, len, "networks", name, file);
}

int self_exe(char *out, size_t len)
{
    ssize_t n = readlink("/proc/self/exe", out, len - 1);
    if (n < 0 || (size_t)n >= len - 1)
        return -1;
    out[n] = '\0';
    return 0;
}

int manager_dir(char *out, size_t len)
{
    if (self_exe(out, len) < 0)
        return -1;
    *strrchr(out, '/') = '\0';         /* readlink gives an absolute path: there is a '/' */
    return 0;
}

/* scripts/accel in a source tree (the binary is build/mayfly), or PREFIX/lib/mayfly/accel with
 * its probe image beside it (make install). */
static int find_accel(char *script, size_t len, char *probe, size_t plen)
{
    char exe[PATH_MAX];
    if (manager_dir(exe, sizeof exe) < 0)
        return -1;
    probe[0] = '\0';
    if ((size_t)snprintf(script, len, "%s/../scripts/accel", exe) < len && access(script, X_OK) == 0)
        return 0;
    if ((size_t)snprintf(script, len, "%s/../lib/mayfly/accel", exe) < len && access(script, X_OK) == 0) {
        snprintf(probe, plen, "%s/../lib/mayfly/hello.elf", exe);
        return 0;
    }
    return -1;
}

static int accel_words(int kvm, char words[][64], int max)
{
    const char *kvm_words[] = { "-accel", "kvm", "-cpu", "host" }, *tcg_words[] = { "-accel", "tcg" };
    const char **w = kvm ? kvm_words : tcg_words;
    int n = kvm ? 4 : 2;
    if (n > max)
        return -1;
    for (int i = 0; i < n; i++)
        snprintf(words[i], 64, "%s", w[i]);
    return n;
}

int accel_args(char words[][64], int max, char *name, size_t namelen)
{
    char script[PATH_MAX], probe[PATH_MAX], root[PATH_MAX], cache[PATH_MAX + 16];
    const char *known = getenv(ACCEL_ENV);
    if (known && (strcmp(known, "kvm") == 0 || strcmp(known, "tcg") == 0)) {
        snprintf(name, namelen, "%s", known);
        return accel_words(strcmp(known, "kvm") == 0, words, max);
    }
    if (find_accel(script, sizeof script, probe, sizeof probe) < 0) {
        fprintf(stderr, "mayfly: cannot find the accelerator probe (scripts/accel or lib/mayfly/accel)\n");
        return -1;
    }
    if (probe[0]) {
        /* installed: the probe boots the installed hello and keeps its verdict with our state */
        if (state_root(root, sizeof root) < 0)
            return -1;
        snprintf(cache, sizeof cache, "%s/accel", root);
        setenv("MAYFLY_PROBE_IMAGE", probe, 1);
        setenv("ACCEL_CACHE", cache, 1);
    }
    char cmd[PATH_MAX + 32];
    snprintf(cmd, sizeof cmd, "'%s' --name", script);
    FILE *p = popen(cmd, "r");
    char line[128] = "";
    if (!p || !fgets(line, sizeof line, p)) {
        if (p)
            pclose(p);
        fprintf(stderr, "mayfly: the accelerator probe (%s) failed\n", script);
        return -1;
    }
    pclose(p);
    line[strcspn(line, "\n")] = '\0';
    int kvm = strcmp(line, "kvm") == 0;
    if (!kvm && strcmp(line, "tcg") != 0) {
        fprintf(stderr, "mayfly: the accelerator probe answered '%s'\n", line);
        return -1;
    }
    snprintf(name, namelen, "%s", line);
    return accel_words(kvm, words, max);
}

int write_file_atomic(const char *path, const char *data, size_t len)
{
    char tmp[PATH_MAX];
    /* the temp file is this process's own: two writers never mix their bytes in one */
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.%d.tmp", path, (int)getpid()) >= sizeof tmp) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            close(fd);
            unlink(tmp);
            return -1;
        }
        done += (size_t)n;
    }
    /* on disk before the rename: after a power loss the file is the old one or the new one */
    if (fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}
