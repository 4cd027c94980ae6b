/* The front: the process that stands for a service with replicas or one started on demand
 * (`mayfly run --replicas N` / `--on-demand`). It holds the published TCP ports itself and
 * splices each connection to one of the service's replicas, the instances NAME-1..NAME-N, each
 * with its own monitor and a private port on 127.0.0.1 (front_splice.h does the bytes).
 *
 * - Replicas get new connections while they are healthy (their monitor's check; a service
 *   without one gets tcp:PORT of its first port), the one with the fewest open connections first.
 * - On demand, no replica runs until a connection arrives; connections that arrive while it boots
 *   wait and are all handed over; after the idle time without a connection, the replicas are
 *   stopped through their power buttons.
 * - Listening sockets handed over by systemd (LISTEN_FDS, LISTEN_PID) are used in the order of
 *   the -p flags, in place of binding them.
 * SIGTERM (or SIGINT in the foreground) stops it: the listeners close, the replicas are stopped. */
#ifndef MAYFLY_FRONT_H
#define MAYFLY_FRONT_H
#include "spec.h"
#include "status.h"

/* Runs the service s until it is stopped; lock is its monitor lock (held). Returns 0, or 125
 * when it could not start. */
int front_run(const struct spec *s, int attach);

/* Whether NAME's front has rolled every instance onto image and, for a module, os ("" for none):
 * its front file begins "image IMAGE updated" and then "os OS". For mayfly update and os update,
 * which write the spec and tell the front (SIGHUP). */
int front_rolled(const char *name, const char *image, const char *os);
/* Polls front_rolled until it holds (0), or until deadline_ms (now_ms's clock) passes or the
 * front's monitor ends (-1). */
int front_wait_rolled(const char *name, const char *image, const char *os, const struct proc_id *monitor,
                      long long deadline_ms);

#endif
