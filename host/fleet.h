/* The fleet file: several instances and the networks that join them, in one YAML file, as
 * `mayfly up -f FILE` reads it. The format (a compose-like subset; anything else is refused):
 *
 *   networks:                  optional: a mapping of names (values empty, ~ or {}), or a list
 *     backend:
 *   services:                  a mapping of instance names (spec_check_name) to services
 *     web:
 *       image: build/httpd.elf          required; relative to the fleet file's directory
 *       ports: ["8080:80"]              a list, spec_parse_port's syntax
 *       volumes: ["data.img:/data:ro"]  a list, spec_parse_volume's (relative to the file's dir)
 *       env: ["A=1"]                    a list of NAME=VALUE, or a mapping  A: 1
 *       memory: 16M                     spec_parse_size (a bare number is refused)
 *       restart: on-failure:3           spec_parse_restart
 *       health: http:80/                spec_parse_health
 *       networks: [backend]             a list; each must be declared under networks:
 *       command: ["debug", "--", "-v"]  a list of words, or one string split at blanks; words
 *                                       before "--" are kernel options, after it the app's
 *                                       arguments; with no "--" all are the app's
 *
 * Values are taken as the text written (`A: 1` is A=1, `A:` is A=); aliases (*NAME) are refused,
 * anchors and tags ignored. Pure but for reading the file and the image and volume checks of
 * spec.c (realpath, stat). */
#ifndef MAYFLY_FLEET_H
#define MAYFLY_FLEET_H
#include "spec.h"

#define FLEET_SERVICES_MAX 64
#define FLEET_NETWORKS_MAX 16
#define FLEET_FILE_MAX (1 << 20)        /* bytes: a fleet file is a page of text, not a data set */

struct fleet {
    int nservices, nnetworks;
    struct spec services[FLEET_SERVICES_MAX];       /* in the file's order */
    char networks[FLEET_NETWORKS_MAX][SPEC_NAME_MAX + 1];
};

/* Reads and checks the fleet file at path into *out (several MB: allocate it on the heap).
 * Returns 0, or -1 with err = "FILE:LINE: what is wrong" (lines from 1; "FILE: ..." when the file
 * cannot be read). On -1, *out holds no meaning. */
int fleet_load(const char *path, struct fleet *out, char *err, size_t errlen);
/* The same, but images and volumes are taken as written, not looked for: for `down`, which must
 * work after a file named there is gone. The specs are not fit to run. */
int fleet_load_names(const char *path, struct fleet *out, char *err, size_t errlen);
#endif
