/* An instance as a libvirt domain (`virsh define`), for users who run Mayfly under libvirt
 * rather than under the manager. Pure: writes text, starts nothing. */
#ifndef MAYFLY_EXPORT_H
#define MAYFLY_EXPORT_H
#include "spec.h"
#include <stdio.h>

/* Writes the domain XML for s to out. accel is "kvm" (domain type kvm) or "tcg" (type qemu).
 *
 * An ELF image boots as a direct kernel (<kernel>, <cmdline>): the spec's kernel options, then
 * env=NAME=VALUE for each variable and mount=vdX:PATH[:ro] for each mounted volume, then "--" and
 * the app's arguments, each word quoted as kernel/cmdline.c reads it. A .img (raw), .qcow2 or .iso
 * image boots from an IDE disk or CD-ROM, with the command line its boot loader holds; such an
 * image with words to pass (kernel options, arguments, environment, mounts) is refused.
 * Volumes are virtio-blk disks vda, vdb, ... in order; NIC 0 is libvirt's network 'default', then
 * one virtio NIC per spec network, on the libvirt network of the same name. Ports, the restart
 * policy and the health check are the manager's: libvirt has no place for them, and a
 * <description> lists the ones left behind.
 *
 * Returns 0 (the caller checks out for write errors), or -1 with err naming what cannot be
 * exported, having written nothing: text that XML cannot carry (control characters, bytes that are
 * not UTF-8), a command line longer than the kernel takes, an accel that is neither. */
int export_libvirt(const struct spec *s, const char *accel, FILE *out, char *err, size_t errlen);
#endif
