/*
 * addr.h - IP addresses, subnets and ranges as configuration values.
 *
 * One representation serves local_addrs/remote_addrs, traffic selectors
 * and pools: an inclusive range [lo, hi] of one address family, in network
 * byte order.  A single address has lo == hi, a CIDR subnet is the range
 * it covers (host bits of the written address are ignored, as strongSwan
 * does), and "%any" is a range of family 0 that matches both families.
 * Only IPv4 uses the first 4 bytes; the rest stay zero.
 */
#ifndef RESWAN_CONFIG_ADDR_H
#define RESWAN_CONFIG_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ADDR_FAMILY_ANY 0	/* "%any": both families */
#define ADDR_STRLEN 96		/* enough for "v6-v6" renderings */

struct addr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t bytes[16];	/* network order; IPv4 in bytes[0..3] */
};

struct addr_range {
	int family;		/* AF_INET, AF_INET6 or ADDR_FAMILY_ANY */
	uint8_t lo[16], hi[16];	/* inclusive; zero for ADDR_FAMILY_ANY */
};

/* Length in bytes of an address of this family (4, 16, or 0). */
size_t addr_len(int family);

/* A literal IPv4 or IPv6 address; ERR_SYNTAX otherwise. */
int addr_parse(const char *s, struct addr *out);

/*
 * An address, "addr/prefix", "lo-hi" (same family, lo <= hi), "%any",
 * "%any4" or "%any6".  ERR_SYNTAX on anything else; out is unchanged on
 * failure.
 */
int addr_range_parse(const char *s, struct addr_range *out);

/* The range holding exactly the address a. */
void addr_range_from_addr(struct addr_range *r, const struct addr *a);
bool addr_range_is_single(const struct addr_range *r);
bool addr_range_is_any(const struct addr_range *r);
bool addr_range_contains(const struct addr_range *r, const struct addr *a);
bool addr_range_overlaps(const struct addr_range *a, const struct addr_range *b);
/* Prefix length if the range is exactly one CIDR block, else -1. */
int addr_range_prefix(const struct addr_range *r);
/* Number of addresses in the range, saturated at UINT64_MAX. */
uint64_t addr_range_size(const struct addr_range *r);

/*
 * True if s looks like a DNS name rather than a malformed address (so the
 * caller can say "hostnames are not supported" instead of "malformed").
 */
bool addr_looks_like_hostname(const char *s);

const char *addr_fmt(const struct addr *a, char *buf, size_t len);
/* "10.0.0.0/8", "10.0.0.1", "10.0.0.1-10.0.0.9" or "%any". */
const char *addr_range_fmt(const struct addr_range *r, char *buf, size_t len);

#endif
