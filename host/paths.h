/* Where mayfly keeps things: the state directory (one subdirectory per instance and per
 * network) and the files installed beside the binary (the accelerator probe). */
#ifndef MAYFLY_PATHS_H
#define MAYFLY_PATHS_H
#include <limits.h>
#include <stddef.h>

/* $MAYFLY_STATE, else $XDG_STATE_HOME/mayfly, else /var/lib/mayfly for root and
 * ~/.local/state/mayfly for others. Created (0700) on first use. Returns 0 or -1 with a message
 * printed. */
int state_root(char *out, size_t len);

/* STATE/instances/NAME[/FILE] and STATE/networks/NAME[/FILE]; FILE may be NULL. Returns 0, or -1
 * if the path would not fit. */
int instance_path(char *out, size_t len, const char *name, const char *file);
int network_path(char *out, size_t len, const char *name, const char *file);

/* The accelerator's QEMU arguments (scripts/accel, from the source tree or the install), split
 * into words in out (at most max); "kvm" or "tcg" into name. Returns the count, or -1. */
int accel_args(char words[][64], int max, char *name, size_t namelen);
/* Where a command hands the probe's answer ("kvm" or "tcg") to the monitors it starts. */
#define ACCEL_ENV "MAYFLY_ACCEL_PROBED"

/* The running binary's path (for the monitors, which are `mayfly monitor NAME`). */
int self_exe(char *out, size_t len);
/* The directory of the running binary: build/ in a source tree, PREFIX/bin after make install;
 * what ships beside the manager (scripts/, lib/mayfly/) is found from there. */
int manager_dir(char *out, size_t len);

/* Writes data to path through path.PID.tmp, fsync and a rename, so a reader sees the old or the
 * new file whole, whenever this process dies or the host loses power. Returns 0 or -1 (errno). */
int write_file_atomic(const char *path, const char *data, size_t len);
#endif
