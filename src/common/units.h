/*
 * units.h - durations and byte sizes as operators write them.
 *
 * Durations: a non-negative number with an optional unit s, m, h, d or w
 * ("90", "15m", "1.5h", "30d"); a bare number is seconds, as in
 * swanctl.conf.  Sizes: a number with an optional unit B, K/KB/KiB,
 * M/MB/MiB, G/GB/GiB, T/TB/TiB; all multiples are powers of 1024, as in
 * strongSwan's rekey_bytes and as the paper's MB figures are.
 * Both reject trailing garbage, negative values and overflow.
 */
#ifndef RESWAN_COMMON_UNITS_H
#define RESWAN_COMMON_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Parse a duration into seconds (fractions round to nearest). */
int units_parse_duration(const char *s, uint64_t *secs);
/* Parse a byte size into bytes (fractions round to nearest). */
int units_parse_bytes(const char *s, uint64_t *bytes);

/* Shortest exact rendering ("2h", "90s", "1d"); returns buf. */
const char *units_fmt_duration(uint64_t secs, char *buf, size_t len);
/* Shortest exact rendering ("20MB", "3KB", "1536B"); returns buf. */
const char *units_fmt_bytes(uint64_t bytes, char *buf, size_t len);

#endif
