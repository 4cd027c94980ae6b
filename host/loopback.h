/* Ports on the host's loopback for QEMU's private forwards (a replica's ports behind its front,
 * a health check's own forward). */
#ifndef MAYFLY_LOOPBACK_H
#define MAYFLY_LOOPBACK_H

/* A TCP port on 127.0.0.1 that nobody holds now (the kernel's choice), or 0. The caller's QEMU
 * binds it a moment later; should another take it first, QEMU refuses to start and says so. */
int loopback_free_port(void);
#endif
