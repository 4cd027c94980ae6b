/* The monitor: one process per instance (`mayfly monitor NAME`, started detached by `run -d`, or
 * `mayfly run` itself in the foreground). It owns the instance's QEMU (its child, in a process
 * group of its own), its QMP socket and its console log; it runs the health check, applies the
 * restart policy with exponential backoff, and records everything in the status file.
 *
 * Asked to stop (SIGTERM, or SIGINT in the foreground), it presses the VM's power button through
 * QMP and kills QEMU when the grace period (the "stop" file's seconds, default 10) runs out. */
#ifndef MAYFLY_MONITOR_H
#define MAYFLY_MONITOR_H

#define MONITOR_DEFAULT_GRACE 10

/* Runs the instance until it ends for good. attach: copy the console to stdout. lock: the
 * monitor lock (instance.h) when the caller holds it, else -1 and it is taken here (an instance
 * that has a monitor already is refused). Returns the app's last exit status (125: QEMU could
 * not start it). */
int monitor_run(const char *name, int attach, int lock);
#endif
