/* mayfly network create NAME | ls | rm NAME... */
#include "commands.h"
#include "instance.h"
#include "network.h"
#include <stdio.h>
#include <string.h>

static const char network_usage[] = "usage: mayfly network create NAME | network ls | network rm NAME...\n";

/* Leases whose instance is gone (an `up` that failed half way, state removed by hand) do not
 * keep a network alive. */
static void release_gone(const char *network)
{
    static struct lease leases[NETWORK_MEMBERS_MAX];
    int n = network_leases(network, leases, NETWORK_MEMBERS_MAX);
    for (int i = 0; i < n; i++)
        if (!instance_exists(leases[i].name))
            network_release_all(leases[i].name);
}

int cmd_network(int argc, char **argv)
{
    char err[SPEC_ERR_MAX];
    if (argc >= 2 && strcmp(argv[1], "create") == 0) {
        if (argc != 3 || argv[2][0] == '-') {
            fprintf(stderr, "mayfly network create: one NAME, no flags\n%s", network_usage);
            return EXIT_USAGE;
        }
        if (spec_check_name("network", argv[2], err, sizeof err) < 0) {
            fprintf(stderr, "mayfly network create: %s\n", err);
            return EXIT_USAGE;
        }
        if (network_create(argv[2], 0) < 0)
            return EXIT_FAILED;
        printf("%s\n", argv[2]);
        return 0;
    }
    if (argc == 2 && (strcmp(argv[1], "ls") == 0 || strcmp(argv[1], "list") == 0)) {
        static char names[256][64];
        static struct lease leases[NETWORK_MEMBERS_MAX];
        int n = network_list(names, 256);
        printf("%-20s %-16s %-24s %s\n", "NAME", "SUBNET", "HUB", "MEMBERS");
        for (int i = 0; i < n; i++) {
            struct network net;
            if (network_load(names[i], &net) < 0)
                continue;
            int m = network_leases(names[i], leases, NETWORK_MEMBERS_MAX);
            char subnet[24];
            snprintf(subnet, sizeof subnet, "%u.%u.%u.0/24", net.subnet[0], net.subnet[1], net.subnet[2]);
            printf("%-20s %-16s %-24s %d\n", names[i], subnet, net.mcast, m < 0 ? 0 : m);
        }
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "rm") == 0) {
        int rc = 0;
        for (int i = 2; i < argc; i++) {
            if (spec_check_name("network", argv[i], err, sizeof err) < 0) {
                fprintf(stderr, "mayfly network rm: %s\n", err);
                rc = EXIT_USAGE;
            } else if (release_gone(argv[i]), network_remove(argv[i]) < 0)
                rc = EXIT_FAILED;
            else
                printf("%s\n", argv[i]);
        }
        return rc;
    }
    fprintf(stderr, "mayfly network: %s%s%s", argc >= 2 ? "unknown or incomplete command '" : "", argc >= 2 ? argv[1] : "",
            argc >= 2 ? "'\n" : "");
    fputs(network_usage, stderr);
    return EXIT_USAGE;
}
