/*
 * addr.c - parsing, printing, comparing and hashing struct addr.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "common/addr.h"
#include "common/err.h"

int addr_parse(const char *s, struct addr *out)
{
	struct addr a = { 0 };

	if (!s)
		return ERR_INVAL;
	if (inet_pton(AF_INET, s, a.ip) == 1)
		a.family = ADDR_IPV4;
	else if (inet_pton(AF_INET6, s, a.ip) == 1)
		a.family = ADDR_IPV6;
	else
		return ERR_INVAL;
	*out = a;
	return 0;
}

int addr_from_bytes(struct addr *a, const uint8_t *ip, size_t len, uint16_t port)
{
	if (len != 4 && len != 16)
		return ERR_INVAL;
	memset(a, 0, sizeof(*a));
	a->family = len == 4 ? ADDR_IPV4 : ADDR_IPV6;
	a->port = port;
	memcpy(a->ip, ip, len);
	return 0;
}

const char *addr_fmt(const struct addr *a, bool with_port, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (a->family == ADDR_IPV4)
		inet_ntop(AF_INET, a->ip, ip, sizeof(ip));
	else if (a->family == ADDR_IPV6)
		inet_ntop(AF_INET6, a->ip, ip, sizeof(ip));
	else
		snprintf(ip, sizeof(ip), "%%any");
	if (with_port)
		snprintf(buf, len, "%s[%u]", ip, a->port);
	else
		snprintf(buf, len, "%s", ip);
	return buf;
}

bool addr_eq(const struct addr *a, const struct addr *b, bool with_port)
{
	if (a->family != b->family)
		return false;
	if (with_port && a->port != b->port)
		return false;
	return memcmp(a->ip, b->ip, addr_len(a)) == 0;
}

bool addr_is_any(const struct addr *a)
{
	static const uint8_t zero[16];

	return a->family == ADDR_NONE || memcmp(a->ip, zero, addr_len(a)) == 0;
}

uint64_t addr_hash(const struct addr *a, bool with_port)
{
	/* FNV-1a: endpoints are not secret and tables keyed by them are
	 * capped, so a keyed hash is not needed here. */
	uint64_t h = 1469598103934665603ULL;
	size_t n = addr_len(a);

	h = (h ^ a->family) * 1099511628211ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ a->ip[i]) * 1099511628211ULL;
	if (with_port) {
		h = (h ^ (a->port >> 8)) * 1099511628211ULL;
		h = (h ^ (a->port & 0xff)) * 1099511628211ULL;
	}
	return h;
}
