/*
 * addr.c - parsing, matching and printing of addresses and ranges.
 *
 * Literal addresses go through inet_pton(), which accepts exactly the
 * dotted-quad and RFC 4291 forms (no octal, no shortened IPv4); prefix
 * lengths are plain decimal.  Comparisons are bytewise on network order.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "config/addr.h"

size_t addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

int addr_parse(const char *s, struct addr *out)
{
	struct addr a;

	memset(&a, 0, sizeof(a));
	if (!s)
		return ERR_SYNTAX;
	if (inet_pton(AF_INET, s, a.bytes) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, s, a.bytes) == 1)
		a.family = AF_INET6;
	else
		return ERR_SYNTAX;
	*out = a;
	return 0;
}

void addr_range_from_addr(struct addr_range *r, const struct addr *a)
{
	memset(r, 0, sizeof(*r));
	r->family = a->family;
	memcpy(r->lo, a->bytes, addr_len(a->family));
	memcpy(r->hi, a->bytes, addr_len(a->family));
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
		return ERR_SYNTAX;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return ERR_SYNTAX;
		v = v * 10 + (unsigned)(*s - '0');
	}
	if (v > max)
		return ERR_SYNTAX;
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
		return ERR_SYNTAX;
	if (strcmp(s, "%any") == 0) {
		r.family = ADDR_FAMILY_ANY;
		*out = r;
		return 0;
	}
	if (strcmp(s, "%any4") == 0 || strcmp(s, "%any6") == 0) {
		r.family = s[4] == '4' ? AF_INET : AF_INET6;
		memset(r.hi, 0xff, addr_len(r.family));
		*out = r;
		return 0;
	}
	if ((sep = strchr(s, '/'))) {
		unsigned plen, len;

		if (!take(buf, sizeof(buf), s, (size_t)(sep - s)) ||
		    addr_parse(buf, &a) < 0)
			return ERR_SYNTAX;
		len = (unsigned)addr_len(a.family);
		if (parse_prefix(sep + 1, len * 8, &plen) < 0)
			return ERR_SYNTAX;
		r.family = a.family;
		for (unsigned i = 0; i < len; i++) {
			unsigned bits = plen > i * 8 ? plen - i * 8 : 0;
			uint8_t mask = bits >= 8 ? 0xff :
				       (uint8_t)(0xff << (8 - bits));

			r.lo[i] = a.bytes[i] & mask;
			r.hi[i] = (uint8_t)(a.bytes[i] | (uint8_t)~mask);
		}
		*out = r;
		return 0;
	}
	if ((sep = strchr(s, '-'))) {
		if (!take(buf, sizeof(buf), s, (size_t)(sep - s)) ||
		    addr_parse(buf, &a) < 0 || addr_parse(sep + 1, &b) < 0 ||
		    a.family != b.family ||
		    memcmp(a.bytes, b.bytes, addr_len(a.family)) > 0)
			return ERR_SYNTAX;
		r.family = a.family;
		memcpy(r.lo, a.bytes, addr_len(a.family));
		memcpy(r.hi, b.bytes, addr_len(a.family));
		*out = r;
		return 0;
	}
	if (addr_parse(s, &a) < 0)
		return ERR_SYNTAX;
	addr_range_from_addr(out, &a);
	return 0;
}

bool addr_range_is_any(const struct addr_range *r)
{
	return r->family == ADDR_FAMILY_ANY;
}

bool addr_range_is_single(const struct addr_range *r)
{
	return r->family != ADDR_FAMILY_ANY &&
	       memcmp(r->lo, r->hi, addr_len(r->family)) == 0;
}

bool addr_range_contains(const struct addr_range *r, const struct addr *a)
{
	size_t n = addr_len(a->family);

	if (r->family == ADDR_FAMILY_ANY)
		return true;
	if (r->family != a->family)
		return false;
	return memcmp(r->lo, a->bytes, n) <= 0 && memcmp(a->bytes, r->hi, n) <= 0;
}

bool addr_range_overlaps(const struct addr_range *a, const struct addr_range *b)
{
	size_t n;

	if (a->family == ADDR_FAMILY_ANY || b->family == ADDR_FAMILY_ANY)
		return true;
	if (a->family != b->family)
		return false;
	n = addr_len(a->family);
	return memcmp(a->lo, b->hi, n) <= 0 && memcmp(b->lo, a->hi, n) <= 0;
}

int addr_range_prefix(const struct addr_range *r)
{
	size_t n = addr_len(r->family);
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
	size_t n = addr_len(r->family);
	uint8_t diff[16];
	int borrow = 0;

	if (!n)
		return UINT64_MAX;
	for (size_t i = n; i-- > 0;) {
		int v = r->hi[i] - r->lo[i] - borrow;

		borrow = v < 0;
		diff[i] = (uint8_t)(v + (borrow ? 256 : 0));
	}
	for (size_t i = 0; i + 8 < n; i++)
		if (diff[i])
			return UINT64_MAX;
	{
		uint64_t v = 0;

		for (size_t i = n > 8 ? n - 8 : 0; i < n; i++)
			v = v << 8 | diff[i];
		return v == UINT64_MAX ? v : v + 1;
	}
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

const char *addr_fmt(const struct addr *a, char *buf, size_t len)
{
	char tmp[INET6_ADDRSTRLEN];

	if (!inet_ntop(a->family, a->bytes, tmp, sizeof(tmp)))
		snprintf(tmp, sizeof(tmp), "?");
	snprintf(buf, len, "%s", tmp);
	return buf;
}

const char *addr_range_fmt(const struct addr_range *r, char *buf, size_t len)
{
	char lo[INET6_ADDRSTRLEN], hi[INET6_ADDRSTRLEN];
	int plen;

	if (r->family == ADDR_FAMILY_ANY) {
		snprintf(buf, len, "%%any");
		return buf;
	}
	if (!inet_ntop(r->family, r->lo, lo, sizeof(lo)) ||
	    !inet_ntop(r->family, r->hi, hi, sizeof(hi))) {
		snprintf(buf, len, "?");
		return buf;
	}
	plen = addr_range_prefix(r);
	if (plen == (int)addr_len(r->family) * 8)
		snprintf(buf, len, "%s", lo);
	else if (plen >= 0)
		snprintf(buf, len, "%s/%d", lo, plen);
	else
		snprintf(buf, len, "%s-%s", lo, hi);
	return buf;
}
