/*
 * addr.c - parsing, printing, comparing and hashing addresses and ranges.
 *
 * Literal addresses go through inet_pton(), which accepts exactly the
 * dotted-quad and RFC 4291 forms (no octal, no shortened IPv4); prefix
 * lengths are plain decimal.  Range comparisons are bytewise on network
 * order.
 */
#include <arpa/inet.h>
#include <ctype.h>
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

static size_t fam_len(uint8_t family)
{
	return family == ADDR_IPV4 ? 4 : family == ADDR_IPV6 ? 16 : 0;
}

static int af(uint8_t family)
{
	return family == ADDR_IPV6 ? AF_INET6 : AF_INET;
}

void addr_range_from_addr(struct addr_range *r, const struct addr *a)
{
	memset(r, 0, sizeof(*r));
	r->family = a->family;
	memcpy(r->lo, a->ip, addr_len(a));
	memcpy(r->hi, a->ip, addr_len(a));
}

/* Copy at most cap-1 bytes of s[0..n) into buf; false if it does not fit. */
static bool take(char *buf, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return true;
}

static int parse_prefix(const char *s, unsigned max, unsigned *out)
{
	unsigned v = 0;

	if (!*s || strlen(s) > 3)
		return ERR_INVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return ERR_INVAL;
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (v > max)
		return ERR_INVAL;
	*out = v;
	return 0;
}

int addr_range_parse(const char *s, struct addr_range *out)
{
	char buf[INET6_ADDRSTRLEN + 8];
	struct addr_range r;
	struct addr a, b;
	const char *sep;

	memset(&r, 0, sizeof(r));
	if (!s)
		return ERR_INVAL;
	if (strcmp(s, "%any") == 0) {
		r.family = ADDR_NONE;
		*out = r;
		return 0;
	}
	if (strcmp(s, "%any4") == 0 || strcmp(s, "%any6") == 0) {
		r.family = s[4] == '4' ? ADDR_IPV4 : ADDR_IPV6;
		memset(r.hi, 0xff, fam_len(r.family));
		*out = r;
		return 0;
	}
	if ((sep = strchr(s, '/'))) {
		unsigned plen, len;

		if (!take(buf, sizeof(buf), s, (size_t)(sep - s)) ||
		    addr_parse(buf, &a) < 0)
			return ERR_INVAL;
		len = (unsigned)addr_len(&a);
		if (parse_prefix(sep + 1, len * 8, &plen) < 0)
			return ERR_INVAL;
		r.family = a.family;
		for (unsigned i = 0; i < len; i++) {
			unsigned bits = plen > i * 8 ? plen - i * 8 : 0;
			uint8_t mask = bits >= 8 ? 0xff :
				       (uint8_t)(0xff << (8 - bits));

			r.lo[i] = a.ip[i] & mask;
			r.hi[i] = (uint8_t)(a.ip[i] | (uint8_t)~mask);
		}
		*out = r;
		return 0;
	}
	if ((sep = strchr(s, '-'))) {
		if (!take(buf, sizeof(buf), s, (size_t)(sep - s)) ||
		    addr_parse(buf, &a) < 0 || addr_parse(sep + 1, &b) < 0 ||
		    a.family != b.family ||
		    memcmp(a.ip, b.ip, addr_len(&a)) > 0)
			return ERR_INVAL;
		r.family = a.family;
		memcpy(r.lo, a.ip, addr_len(&a));
		memcpy(r.hi, b.ip, addr_len(&a));
		*out = r;
		return 0;
	}
	if (addr_parse(s, &a) < 0)
		return ERR_INVAL;
	addr_range_from_addr(out, &a);
	return 0;
}

bool addr_range_is_any(const struct addr_range *r)
{
	return r->family == ADDR_NONE;
}

bool addr_range_is_single(const struct addr_range *r)
{
	return r->family != ADDR_NONE &&
	       memcmp(r->lo, r->hi, fam_len(r->family)) == 0;
}

bool addr_range_contains(const struct addr_range *r, const struct addr *a)
{
	size_t n = addr_len(a);

	if (r->family == ADDR_NONE)
		return true;
	if (r->family != a->family)
		return false;
	return memcmp(r->lo, a->ip, n) <= 0 && memcmp(a->ip, r->hi, n) <= 0;
}

bool addr_range_overlaps(const struct addr_range *a, const struct addr_range *b)
{
	size_t n;

	if (a->family == ADDR_NONE || b->family == ADDR_NONE)
		return true;
	if (a->family != b->family)
		return false;
	n = fam_len(a->family);
	return memcmp(a->lo, b->hi, n) <= 0 && memcmp(b->lo, a->hi, n) <= 0;
}

int addr_range_prefix(const struct addr_range *r)
{
	size_t n = fam_len(r->family);
	int plen = 0;
	bool host = false;

	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint8_t x = r->lo[i] ^ r->hi[i];

		/* Network part: equal bytes; host part: lo 0, hi 1 bits. */
		if ((r->lo[i] & x) || (r->hi[i] & x) != x)
			return -1;
		for (int bit = 7; bit >= 0; bit--) {
			bool differs = x & (1u << bit);

			if (differs)
				host = true;
			else if (host)
				return -1;
			else
				plen++;
		}
	}
	return plen;
}

uint64_t addr_range_size(const struct addr_range *r)
{
	size_t n = fam_len(r->family);
	uint8_t diff[16];
	int borrow = 0;
	uint64_t v = 0;

	if (!n)
		return UINT64_MAX;
	for (size_t i = n; i-- > 0;) {
		int d = r->hi[i] - r->lo[i] - borrow;

		borrow = d < 0;
		diff[i] = (uint8_t)(d + (borrow ? 256 : 0));
	}
	for (size_t i = 0; i + 8 < n; i++)
		if (diff[i])
			return UINT64_MAX;
	for (size_t i = n > 8 ? n - 8 : 0; i < n; i++)
		v = v << 8 | diff[i];
	return v == UINT64_MAX ? v : v + 1;
}

int addr_range_nth(const struct addr_range *r, uint64_t nth, struct addr *out)
{
	size_t n = fam_len(r->family);
	struct addr a;
	unsigned carry = 0;

	if (!n || nth >= addr_range_size(r))
		return ERR_INVAL;
	memset(&a, 0, sizeof(a));
	a.family = r->family;
	for (size_t i = n; i-- > 0;) {
		unsigned v = r->lo[i] + (unsigned)(nth & 0xff) + carry;

		a.ip[i] = (uint8_t)v;
		carry = v >> 8;
		nth >>= 8;
	}
	*out = a;
	return 0;
}

void addr_range_first(const struct addr_range *r, struct addr *out)
{
	memset(out, 0, sizeof(*out));
	out->family = r->family;
	memcpy(out->ip, r->lo, fam_len(r->family));
}

const char *addr_range_fmt(const struct addr_range *r, char *buf, size_t len)
{
	char lo[INET6_ADDRSTRLEN], hi[INET6_ADDRSTRLEN];
	int plen;

	if (r->family == ADDR_NONE) {
		snprintf(buf, len, "%%any");
		return buf;
	}
	if (!inet_ntop(af(r->family), r->lo, lo, sizeof(lo)) ||
	    !inet_ntop(af(r->family), r->hi, hi, sizeof(hi))) {
		snprintf(buf, len, "?");
		return buf;
	}
	plen = addr_range_prefix(r);
	if (plen == (int)fam_len(r->family) * 8)
		snprintf(buf, len, "%s", lo);
	else if (plen >= 0)
		snprintf(buf, len, "%s/%d", lo, plen);
	else
		snprintf(buf, len, "%s-%s", lo, hi);
	return buf;
}

bool addr_looks_like_hostname(const char *s)
{
	bool alpha = false;

	if (!*s || strlen(s) > 253)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (isalpha(c))
			alpha = true;
		else if (!isdigit(c) && c != '.' && c != '-')
			return false;
	}
	return alpha;
}
