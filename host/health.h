/* Health checks, run by the monitor against the instance's forwarded port on 127.0.0.1. */
#ifndef MAYFLY_HEALTH_H
#define MAYFLY_HEALTH_H
#include "spec.h"

/* One check of h through 127.0.0.1:port within timeout_ms: tcp passes when a connection opens;
 * http when "GET path" gets a 2xx or 3xx status line. Returns 1 healthy, 0 not. */
int health_probe(const struct health *h, int port, int timeout_ms);
#endif
