/*
 * addr.h - an IP address with a port, as the IKE layer and the daemon pass
 * it around.
 *
 * A compact value type instead of struct sockaddr_storage so the state
 * machines (which know nothing of sockets) can copy, compare and hash
 * endpoints; the daemon converts at the socket boundary.
 */
#ifndef RESWAN_COMMON_ADDR_H
#define RESWAN_COMMON_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum addr_family {
	ADDR_NONE = 0,
	ADDR_IPV4 = 4,
	ADDR_IPV6 = 6,
};

struct addr {
	uint8_t family;		/* enum addr_family */
	uint16_t port;		/* host byte order; 0 = unspecified */
	uint8_t ip[16];		/* IPv4 uses the first 4 bytes */
};

#define ADDR_STRLEN 96	/* enough for "v6-v6" range renderings */

/*
 * An inclusive range [lo, hi] of one family: a single address (lo == hi),
 * a CIDR subnet or an explicit range.  Family ADDR_NONE is "%any" and
 * contains every address of both families.
 */
struct addr_range {
	uint8_t family;
	uint8_t lo[16], hi[16];
};

static inline size_t addr_len(const struct addr *a)
{
	return a->family == ADDR_IPV4 ? 4 : a->family == ADDR_IPV6 ? 16 : 0;
}

/* Parse "1.2.3.4", "::1" (no port); returns ERR_INVAL on anything else. */
int addr_parse(const char *s, struct addr *out);
/* Build from raw bytes (4 or 16) and a port. */
int addr_from_bytes(struct addr *a, const uint8_t *ip, size_t len, uint16_t port);
/* "1.2.3.4" or "1.2.3.4[500]" / "::1[4500]" (strongSwan style) when port. */
const char *addr_fmt(const struct addr *a, bool with_port, char *buf, size_t len);
/* Same family, bytes and (if with_port) port. */
bool addr_eq(const struct addr *a, const struct addr *b, bool with_port);
bool addr_is_any(const struct addr *a);
uint64_t addr_hash(const struct addr *a, bool with_port);

/* "addr", "addr/prefix", "lo-hi", "%any", "%any4", "%any6"; ERR_INVAL
 * otherwise, *out unchanged. */
int addr_range_parse(const char *s, struct addr_range *out);
void addr_range_from_addr(struct addr_range *r, const struct addr *a);
bool addr_range_is_single(const struct addr_range *r);
bool addr_range_is_any(const struct addr_range *r);
bool addr_range_contains(const struct addr_range *r, const struct addr *a);
bool addr_range_overlaps(const struct addr_range *a, const struct addr_range *b);
/* Prefix length if the range is exactly one CIDR block, else -1. */
int addr_range_prefix(const struct addr_range *r);
/* Number of addresses, saturated at UINT64_MAX. */
uint64_t addr_range_size(const struct addr_range *r);
/* The address lo + n (port 0); ERR_INVAL if beyond hi. */
int addr_range_nth(const struct addr_range *r, uint64_t n, struct addr *out);
/* The first address of the range (port 0). */
void addr_range_first(const struct addr_range *r, struct addr *out);
/* True if s looks like a DNS name rather than a malformed address (so a
 * caller can say "hostnames are not supported" instead of "malformed"). */
bool addr_looks_like_hostname(const char *s);
/* "10.0.0.0/8", "10.0.0.1", "10.0.0.1-10.0.0.9" or "%any". */
const char *addr_range_fmt(const struct addr_range *r, char *buf, size_t len);

#endif
