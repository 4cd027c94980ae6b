/* FLV pseudo-streaming: what `?start=BYTE` asks of an FLV file, decided from the file's own header
 * (Adobe's FLV file format spec, v10.1 Annex E.2 "The FLV header", E.3 "The FLV File Body").
 * Pure functions of their arguments, so tests/unit/test_flv.c runs them on the host. */
#ifndef FLV_FLV_H
#define FLV_FLV_H
#include <stddef.h>
#include <stdint.h>

#define FLV_HEADER_LEN 9                /* Signature "FLV", Version, TypeFlags, DataOffset (UI32) */
#define FLV_TAG_SIZE_LEN 4              /* a PreviousTagSize (UI32); PreviousTagSize0 is always 0 */
#define FLV_SEEK_PREFIX_LEN (FLV_HEADER_LEN + FLV_TAG_SIZE_LEN)

/* The query parameter `start` in the raw query [q, q+len) (q may be NULL: no query).
 * 0: no start parameter; 1: *start holds it (digits only; too large saturates, so it stays
 * "past the end"); -1: there is one but it is no number (empty, a sign, letters, repeated),
 * with *reason saying so. */
int flv_start_param(const char *q, size_t len, uint64_t *start, const char **reason);

/* Read an FLV header from a file's first n bytes. 0 with *flags (TypeFlags, as the file has
 * them) and *body (DataOffset + PreviousTagSize0: where the first tag starts), or -1 when
 * these bytes are no FLV version 1 header. */
int flv_parse_header(const unsigned char *b, size_t n, uint8_t *flags, uint64_t *body);

/* Whether a player may seek to byte `start` of an FLV file of `size` bytes whose first tag is
 * at `body`: NULL when it may, otherwise why not (inside the header, or at or past the end,
 * where there is nothing to play). */
const char *flv_check_start(uint64_t start, uint64_t body, uint64_t size);

/* The bytes a seek's answer starts with, so that a player reads it as a file of its own: a
 * version 1 header with the original's flags and DataOffset 9, then PreviousTagSize0 = 0. */
void flv_seek_prefix(uint8_t flags, unsigned char out[FLV_SEEK_PREFIX_LEN]);
#endif
