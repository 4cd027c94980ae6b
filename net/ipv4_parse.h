/* Dotted-quad IPv4 addresses as people write them: the one parser for the network's kernel
 * options (net/options.c) and for inet_pton (libc/inet.c). Pure: the host unit tests drive it. */
#ifndef NET_IPV4_PARSE_H
#define NET_IPV4_PARSE_H
#include <stdint.h>

/* Parse a.b.c.d from s up to end (NULL: the string's end): exactly four parts, each 1-3 decimal
 * digits worth 0-255 (no hex, no octal, no shorter forms, as POSIX's inet_pton asks). out gets
 * the address in network order, {a, b, c, d}. Returns 0, or -EINVAL (out partly written). */
int ipv4_parse(const char *s, const char *end, uint8_t out[4]);
#endif
