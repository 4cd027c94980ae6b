/* Private networks and their address leases (network.h). */
#include "network.h"
#include "paths.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define SUBNET_FIRST_HOST 2             /* .1 is left for a gateway a bridge may add later */
#define SUBNET_LAST_HOST 254
#define SUBNET_BASE_A 10
#define SUBNET_BASE_B 89                /* networks get 10.89.0.0/24, 10.89.1.0/24, ... */
#define MCAST_PORT_BASE 20000
#define MCAST_PORT_SPAN 40000
#define NETWORKS_MAX 256

static int lock_networks(void)
{
    char root[PATH_MAX], path[PATH_MAX + 32];
    if (state_root(root, sizeof root) < 0)
        return -1;
    snprintf(path, sizeof path, "%s/networks", root);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/networks/.lock", root);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0 || flock(fd, LOCK_EX) < 0) {
        fprintf(stderr, "mayfly: cannot lock %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static void unlock_networks(int fd)
{
    if (fd >= 0)
        close(fd);
}

int network_load(const char *name, struct network *out)
{
    memset(out, 0, sizeof *out);
    char path[PATH_MAX];
    if (network_path(path, sizeof path, name, "config") < 0)
        return -1;
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    snprintf(out->name, sizeof out->name, "%s", name);
    char line[128];
    int have = 0;
    unsigned a, b, c, d;
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "subnet %u.%u.%u.%u/24", &a, &b, &c, &d) == 4 && a < 256 && b < 256 && c < 256) {
            out->subnet[0] = (uint8_t)a, out->subnet[1] = (uint8_t)b, out->subnet[2] = (uint8_t)c;
            have |= 1;
        } else if (sscanf(line, "mcast %31s", out->mcast) == 1) {
            have |= 2;
        }
    }
    fclose(f);
    return have == 3 ? 0 : -1;
}

int network_list(char names[][64], int max)
{
    char root[PATH_MAX], path[PATH_MAX + 16];
    if (state_root(root, sizeof root) < 0)
        return 0;
    snprintf(path, sizeof path, "%s/networks", root);
    DIR *d = opendir(path);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        struct network net;
        if (e->d_name[0] != '.' && network_load(e->d_name, &net) == 0)
            snprintf(names[n++], 64, "%s", e->d_name);
    }
    closedir(d);
    return n;
}

int network_create(const char *name, int quiet_exists)
{
    int lock = lock_networks();
    if (lock < 0)
        return -1;
    struct network net;
    if (network_load(name, &net) == 0) {
        unlock_networks(lock);
        if (quiet_exists)
            return 0;
        fprintf(stderr, "mayfly: network '%s' already exists\n", name);
        return -1;
    }
    /* the first /24 no other network has */
    static char names[NETWORKS_MAX][64];
    int n = network_list(names, NETWORKS_MAX), third = -1;
    for (int c = 0; c < 256 && third < 0; c++) {
        int used = 0;
        for (int i = 0; i < n && !used; i++)
            used = network_load(names[i], &net) == 0 && net.subnet[2] == c;
        if (!used)
            third = c;
    }
    if (third < 0) {
        unlock_networks(lock);
        fprintf(stderr, "mayfly: every subnet of 10.89.0.0/16 is taken\n");
        return -1;
    }
    /* a group and port of its own, drawn at random so that two state directories (two users,
     * a test run beside a real fleet) do not share a hub by chance */
    uint32_t r = 0;
    if (getrandom(&r, sizeof r, 0) != sizeof r)
        r = (uint32_t)getpid() * 2654435761u;
    char dir[PATH_MAX], config[PATH_MAX], text[128];
    if (network_path(dir, sizeof dir, name, NULL) < 0 || network_path(config, sizeof config, name, "config") < 0 ||
        (mkdir(dir, 0700) < 0 && errno != EEXIST)) {
        unlock_networks(lock);
        fprintf(stderr, "mayfly: cannot create network '%s': %s\n", name, strerror(errno));
        return -1;
    }
    int len = snprintf(text, sizeof text, "subnet %d.%d.%d.0/24\nmcast 239.255.%u.%u:%u\n", SUBNET_BASE_A,
                       SUBNET_BASE_B, third, (r >> 8) & 0xff, 1 + (r >> 16) % 254,
                       MCAST_PORT_BASE + r % MCAST_PORT_SPAN);
    int rc = write_file_atomic(config, text, (size_t)len);
    unlock_networks(lock);
    if (rc < 0)
        fprintf(stderr, "mayfly: cannot write %s: %s\n", config, strerror(errno));
    return rc;
}

static int read_leases(const char *network, struct lease *out, int max)
{
    char path[PATH_MAX];
    if (network_path(path, sizeof path, network, "leases") < 0)
        return -1;
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT ? 0 : -1;
    int n = 0;
    char line[128];
    unsigned a, b, c, d;
    while (n < max && fgets(line, sizeof line, f)) {
        if (sscanf(line, "%63s %u.%u.%u.%u", out[n].name, &a, &b, &c, &d) != 5 || a > 255 || b > 255 ||
            c > 255 || d > 255)
            continue;
        out[n].addr[0] = (uint8_t)a, out[n].addr[1] = (uint8_t)b, out[n].addr[2] = (uint8_t)c,
        out[n].addr[3] = (uint8_t)d;
        n++;
    }
    fclose(f);
    return n;
}

static int write_leases(const char *network, const struct lease *l, int n)
{
    char path[PATH_MAX];
    static char text[NETWORK_MEMBERS_MAX * 96];
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "%s %u.%u.%u.%u\n", l[i].name, l[i].addr[0],
                                l[i].addr[1], l[i].addr[2], l[i].addr[3]);
    if (network_path(path, sizeof path, network, "leases") < 0)
        return -1;
    return write_file_atomic(path, text, len);
}

int network_leases(const char *network, struct lease *out, int max)
{
    return read_leases(network, out, max);
}

int network_lease(const char *network, const char *instance, uint8_t addr[4])
{
    struct network net;
    static struct lease leases[NETWORK_MEMBERS_MAX];
    int lock = lock_networks();
    if (lock < 0)
        return -1;
    if (network_load(network, &net) < 0) {
        unlock_networks(lock);
        fprintf(stderr, "mayfly: no network '%s' (mayfly network create %s)\n", network, network);
        return -1;
    }
    int n = read_leases(network, leases, NETWORK_MEMBERS_MAX);
    for (int i = 0; i < n; i++)
        if (strcmp(leases[i].name, instance) == 0) {
            memcpy(addr, leases[i].addr, 4);
            unlock_networks(lock);
            return 0;
        }
    for (int host = SUBNET_FIRST_HOST; host <= SUBNET_LAST_HOST && n >= 0 && n < NETWORK_MEMBERS_MAX; host++) {
        int used = 0;
        for (int i = 0; i < n && !used; i++)
            used = leases[i].addr[3] == host;
        if (used)
            continue;
        snprintf(leases[n].name, sizeof leases[n].name, "%s", instance);
        memcpy(leases[n].addr, net.subnet, 3);
        leases[n].addr[3] = (uint8_t)host;
        memcpy(addr, leases[n].addr, 4);
        int rc = write_leases(network, leases, n + 1);
        unlock_networks(lock);
        return rc;
    }
    unlock_networks(lock);
    fprintf(stderr, "mayfly: network '%s' has no free address\n", network);
    return -1;
}

void network_release_all(const char *instance)
{
    static char names[NETWORKS_MAX][64];
    static struct lease leases[NETWORK_MEMBERS_MAX];
    int lock = lock_networks();
    if (lock < 0)
        return;
    int n = network_list(names, NETWORKS_MAX);
    for (int i = 0; i < n; i++) {
        int m = read_leases(names[i], leases, NETWORK_MEMBERS_MAX), k = 0;
        for (int j = 0; j < m; j++)
            if (strcmp(leases[j].name, instance) != 0)
                leases[k++] = leases[j];
        if (m > 0 && k != m)
            write_leases(names[i], leases, k);
    }
    unlock_networks(lock);
}

int network_remove(const char *name)
{
    static struct lease leases[NETWORK_MEMBERS_MAX];
    struct network net;
    if (network_load(name, &net) < 0) {
        fprintf(stderr, "mayfly: no network '%s'\n", name);
        return -1;
    }
    int lock = lock_networks();
    if (lock < 0)
        return -1;
    int n = read_leases(name, leases, NETWORK_MEMBERS_MAX);
    if (n > 0) {
        unlock_networks(lock);
        fprintf(stderr, "mayfly: network '%s' still has %d member(s), %s first; remove them first\n", name, n, leases[0].name);
        return -1;
    }
    char path[PATH_MAX];
    network_path(path, sizeof path, name, "config");
    unlink(path);
    network_path(path, sizeof path, name, "leases");
    unlink(path);
    network_path(path, sizeof path, name, NULL);
    int rc = rmdir(path);
    unlock_networks(lock);
    if (rc < 0)
        fprintf(stderr, "mayfly: cannot remove %s: %s\n", path, strerror(errno));
    return rc;
}
