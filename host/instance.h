/* Instances as the commands see them: listed from the state directory, their live state judged
 * from the status file and the processes it names, their monitors started and stopped. */
#ifndef MAYFLY_INSTANCE_H
#define MAYFLY_INSTANCE_H
#include "spec.h"
#include "status.h"

#define INSTANCES_MAX 4096

/* Names of every instance, sorted; returns the count (at most max). */
int instance_list(char (*names)[SPEC_NAME_MAX + 1], int max);
int instance_exists(const char *name);
int instance_load_spec(const char *name, struct spec *s, char *err, size_t errlen);
/* Creates STATE/instances/NAME with s saved in it; -1 (message printed) if the name is taken. */
int instance_create(const struct spec *s);
/* Writes s as STATE/instances/NAME/spec (atomically); -1 with errno on failure. */
int instance_save_spec(const struct spec *s);

/* What ps shows: the status file's state, but "lost" when it says a monitor runs and none does
 * (the monitor died: `mayfly start` or `up --saved` recovers it). Returns st's state text. */
const char *instance_state(const char *name, struct status *st);
int instance_active(const char *state);         /* starting, running, paused, restarting, stopping, lost */

/* The monitor's lock, STATE/instances/NAME/monitor.lock: its monitor holds it (flock) for its
 * whole life, and a process that dies drops it, so whether an instance has a monitor is whether
 * the lock is held: no pid that could be recycled, and never two monitors for one instance.
 * instance_lock_monitor takes it (the fd, close-on-exec) or fails with errno EWOULDBLOCK. */
#define MONITOR_LOCK_FD 3               /* where a detached monitor finds the lock it was handed */
int instance_lock_monitor(const char *name);
int instance_has_monitor(const char *name);

/* Starts a detached monitor for name (double fork, new session), handing it the lock. Returns
 * 0, 1 when the instance already has a monitor, or -1. */
int instance_spawn_monitor(const char *name);
/* Waits (at most timeout_ms) for the instance to be running for settle_ms or to have ended.
 * Returns 0 when running, else -1 with the reason printed. */
int instance_wait_started(const char *name, int timeout_ms);
/* Stops it: power button, kill after grace_s; waits until its monitor is gone. A lost
 * instance's leftover QEMU is ended here directly. keep_desired: leave "running" as the wish
 * (for `down --saved`, so `up --saved` brings it back). Returns 0, or -1. */
int instance_stop(const char *name, int grace_s, int keep_desired);
/* instance_stop in two halves, to stop many at once: the request (the monitor to wait for, pid 0
 * when there is none) and the wait. */
int instance_stop_request(const char *name, int grace_s, int keep_desired, struct proc_id *monitor);
int instance_stop_wait(const char *name, int grace_s, int keep_desired, const struct proc_id *monitor);
/* Starts a stopped instance's monitor again (a lost one's leftover QEMU is ended first), and
 * waits for QEMU to run. Returns 0 (also when it already runs) or -1 (reason printed). */
int instance_start(const char *name);
/* Removes its state, and its network leases unless keep_leases (an instance replaced by one of
 * the same name keeps its addresses); it must not be active. */
int instance_remove(const char *name, int keep_leases);
/* instance_remove, and a service's replicas (NAME-1..) with it (its front has stopped them). */
int instance_remove_service(const char *name);
/* QEMU's resident memory, from /proc; 0 when it is not running. */
long long instance_rss_bytes(const struct status *st);
#endif
