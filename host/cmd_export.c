/* mayfly export --libvirt NAME [-o FILE]: the instance as a libvirt domain, for hosts that run
 * VMs through libvirt (and OpenStack through it): no cluster of our own. */
#include "commands.h"
#include "export.h"
#include "instance.h"
#include "paths.h"
#include <stdio.h>
#include <string.h>

static const char export_usage[] = "usage: mayfly export --libvirt NAME [-o FILE]\n";

int cmd_export(int argc, char **argv)
{
    const char *name = NULL, *out = NULL;
    int libvirt = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--libvirt") == 0)
            libvirt = 1;
        else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (argv[i][0] == '-' || name) {
            fprintf(stderr, "mayfly export: unexpected '%s'\n%s", argv[i], export_usage);
            return EXIT_USAGE;
        } else
            name = argv[i];
    }
    if (!libvirt || !name) {
        fprintf(stderr, "mayfly export: %s\n%s", !libvirt ? "say which format (--libvirt)" : "no NAME", export_usage);
        return EXIT_USAGE;
    }
    static struct spec s;
    char err[SPEC_ERR_MAX], accel[64][64], accel_name[8];
    if (instance_load_spec(name, &s, err, sizeof err) < 0) {
        fprintf(stderr, "mayfly export: %s\n", err);
        return EXIT_FAILED;
    }
    if (accel_args(accel, 64, accel_name, sizeof accel_name) < 0)
        return EXIT_FAILED;
    FILE *f = out ? fopen(out, "w") : stdout;
    if (!f) {
        perror(out);
        return EXIT_FAILED;
    }
    int rc = export_libvirt(&s, accel_name, f, err, sizeof err);
    if (out && fclose(f) != 0)
        rc = -1;
    if (rc < 0) {
        fprintf(stderr, "mayfly export: %s\n", err[0] ? err : "cannot write the domain");
        return EXIT_FAILED;
    }
    return 0;
}
