/* The Internet checksum (RFC 1071) over frames, for drivers whose device hands over packets with
 * the checksum still partial. Pure logic: the host unit tests run it. */
#ifndef DRIVERS_CHECKSUM_H
#define DRIVERS_CHECKSUM_H
#include <stddef.h>
#include <stdint.h>

/* Complete a partial checksum in place: the field at start + offset holds the pseudo-header's
 * sum, and the ones' complement of the sum from start to the end of the frame, stored there,
 * makes the packet whole (virtio 1.2 §5.1.6.4.1, VIRTIO_NET_HDR_F_NEEDS_CSUM). A result of 0 is
 * stored as 0xffff, the same value in ones' complement and the only one UDP accepts.
 * Returns 0, or -EINVAL when the field does not lie inside the frame (nothing is written). */
int checksum_complete(uint8_t *frame, size_t len, uint16_t start, uint16_t offset);
#endif
