/* Byte splicing for the front: an epoll set of connection pairs (a client and its backend),
 * each direction through a buffer of its own, half-closes passed on (a client's end of sending
 * becomes a shutdown of the backend's writing side, and the other way), no thread per
 * connection. */
#ifndef MAYFLY_FRONT_SPLICE_H
#define MAYFLY_FRONT_SPLICE_H
#include <netinet/in.h>

#define SPLICE_BUFFER 16384
/* Every epoll event's data.ptr in the front points at a struct whose first member is an int
 * naming its kind; the set's ends carry this one. */
#define SPLICE_KIND 0x5911ce

struct splice_set;
/* A pair has ended: client is -1, or (the backend refused the connection before a byte moved)
 * the client's fd, handed back to the caller to try elsewhere. */
typedef void (*splice_done_fn)(void *ctx, int backend, int client);

/* The backend's first byte reached the pair (or it ended): the connection is open. */
typedef void (*splice_open_fn)(void *ctx, int backend);

/* A set on epoll fd ep; done(ctx, backend, client) is called when a pair ends, opened(ctx,
 * backend) once per pair, at its backend's first byte or its end, whichever comes first. */
struct splice_set *splice_new(int ep, splice_done_fn done, splice_open_fn opened, void *ctx);
/* Starts a pair: connects to 127.0.0.1:port (non-blocking) for the accepted client fd, which
 * the set then owns. backend is the caller's tag for done(). Returns 0, or -1 when the connect
 * failed at once (a port nobody listens on): the client stays the caller's. */
int splice_start(struct splice_set *s, int client, int port, int backend);
/* Handles one epoll event if its data.ptr is one of the set's (SPLICE_KIND); returns 1 if so. */
int splice_event(struct splice_set *s, void *ptr, unsigned events);
int splice_count(const struct splice_set *s);
/* Counts as open every pair older than limit_ms whose backend has not spoken: a protocol whose
 * server waits for the client must not hold its replica's openings (front.c) for long. */
void splice_open_after(struct splice_set *s, int limit_ms);
/* Frees the pairs that ended; call it after handling a whole batch of epoll events, since a
 * later event of the batch may name an ended pair (it is then ignored). */
void splice_reap(struct splice_set *s);
#endif
