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

#define ADDR_STRLEN 64	/* "[ffff:...:ffff]:65535" with room to spare */

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

#endif
