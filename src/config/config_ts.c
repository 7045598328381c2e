/*
 * config_ts.c - traffic selectors as swanctl.conf writes them:
 *
 *     10.1.0.0/16   10.1.0.1-10.1.0.9   2001:db8::/32   dynamic
 *     10.0.0.0/8[tcp/80]   0.0.0.0/0[udp]   dynamic[tcp/1024-2048]
 *
 * The optional [proto/port] suffix takes a protocol name (a built-in table
 * of the usual ones, so the result never depends on /etc/protocols), a
 * number or "any", and a port, a port range, "any" or "opaque" (RFC 4301
 * OPAQUE, stored as the empty range 65535-0, as strongSwan does).  Port
 * names from /etc/services are not accepted, for the same reason.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "config/config.h"

static const struct {
	const char *name;
	uint8_t num;
} protos[] = {
	{ "icmp", 1 }, { "tcp", 6 }, { "udp", 17 }, { "gre", 47 },
	{ "esp", 50 }, { "ah", 51 }, { "ipv6-icmp", 58 }, { "icmpv6", 58 },
	{ "sctp", 132 },
};

static int parse_num(const char *s, unsigned max, unsigned *out)
{
	unsigned v = 0;

	if (!*s || strlen(s) > 5)
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

static int parse_proto(const char *s, uint8_t *out, char *err, size_t errlen)
{
	unsigned v;

	if (!*s || strcasecmp(s, "any") == 0 || strcasecmp(s, "%any") == 0) {
		*out = 0;
		return 0;
	}
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
		if (strcasecmp(s, protos[i].name) == 0) {
			*out = protos[i].num;
			return 0;
		}
	}
	if (parse_num(s, 255, &v) < 0) {
		snprintf(err, errlen, "unknown protocol '%s' (use a number or "
			 "tcp, udp, icmp, ipv6-icmp, sctp, gre)", s);
		return ERR_SYNTAX;
	}
	*out = (uint8_t)v;
	return 0;
}

static int parse_port(const char *s, uint16_t *lo, uint16_t *hi, char *err,
		      size_t errlen)
{
	char a[8];
	const char *dash;
	unsigned x, y;

	if (!*s || strcasecmp(s, "any") == 0 || strcasecmp(s, "%any") == 0) {
		*lo = 0;
		*hi = 65535;
		return 0;
	}
	if (strcasecmp(s, "opaque") == 0 || strcasecmp(s, "%opaque") == 0) {
		*lo = 65535;
		*hi = 0;
		return 0;
	}
	dash = strchr(s, '-');
	if (dash) {
		size_t n = (size_t)(dash - s);

		if (n >= sizeof(a))
			goto bad;
		memcpy(a, s, n);
		a[n] = '\0';
		if (parse_num(a, 65535, &x) < 0 || parse_num(dash + 1, 65535, &y) < 0 ||
		    x > y)
			goto bad;
	} else {
		if (parse_num(s, 65535, &x) < 0)
			goto bad;
		y = x;
	}
	*lo = (uint16_t)x;
	*hi = (uint16_t)y;
	return 0;
bad:
	snprintf(err, errlen, "invalid port '%s' (use a number, a range "
		 "like 1024-2048, any or opaque; service names are not "
		 "supported)", s);
	return ERR_SYNTAX;
}

int config_ts_parse(const char *s, struct config_ts *out, char *err,
		    size_t errlen)
{
	char buf[ADDR_STRLEN + 32];
	struct config_ts ts;
	char *bracket;

	memset(&ts, 0, sizeof(ts));
	ts.port_hi = 65535;
	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "traffic selector too long");
		return ERR_SYNTAX;
	}
	strcpy(buf, s);
	bracket = strchr(buf, '[');
	if (bracket) {
		size_t n = strlen(bracket);
		char *slash;

		if (n < 2 || bracket[n - 1] != ']') {
			snprintf(err, errlen, "'%s': a [proto/port] suffix must "
				 "end the selector with ']'", s);
			return ERR_SYNTAX;
		}
		bracket[n - 1] = '\0';
		*bracket++ = '\0';
		slash = strchr(bracket, '/');
		if (slash)
			*slash++ = '\0';
		if (parse_proto(bracket, &ts.proto, err, errlen) < 0 ||
		    (slash && parse_port(slash, &ts.port_lo, &ts.port_hi, err,
					 errlen) < 0))
			return ERR_SYNTAX;
	}
	if (strcmp(buf, "dynamic") == 0) {
		ts.dynamic = true;
	} else if (strncmp(buf, "%any", 4) == 0) {
		snprintf(err, errlen, "'%s' is not a traffic selector (use "
			 "0.0.0.0/0 or ::/0)", buf);
		return ERR_SYNTAX;
	} else if (addr_range_parse(buf, &ts.range) < 0) {
		if (addr_looks_like_hostname(buf)) {
			snprintf(err, errlen, "hostnames are not supported in "
				 "traffic selectors ('%s')", buf);
			return ERR_UNSUPPORTED;
		}
		snprintf(err, errlen, "invalid traffic selector '%s' (expected "
			 "a subnet, an address, a range a-b or dynamic)", buf);
		return ERR_SYNTAX;
	}
	*out = ts;
	return 0;
}

const char *config_ts_fmt(const struct config_ts *ts, char *buf, size_t len)
{
	char a[ADDR_STRLEN], proto[16], port[16];
	const char *pname = NULL;

	if (ts->dynamic)
		snprintf(a, sizeof(a), "dynamic");
	else
		addr_range_fmt(&ts->range, a, sizeof(a));
	if (!ts->proto && ts->port_lo == 0 && ts->port_hi == 65535) {
		snprintf(buf, len, "%s", a);
		return buf;
	}
	for (size_t i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].num == ts->proto && !pname)
			pname = protos[i].name;
	if (!ts->proto)
		pname = "any";
	if (pname)
		snprintf(proto, sizeof(proto), "%s", pname);
	else
		snprintf(proto, sizeof(proto), "%u", ts->proto);
	if (ts->port_lo == 0 && ts->port_hi == 65535)
		port[0] = '\0';
	else if (ts->port_lo == 65535 && ts->port_hi == 0)
		snprintf(port, sizeof(port), "/opaque");
	else if (ts->port_lo == ts->port_hi)
		snprintf(port, sizeof(port), "/%u", ts->port_lo);
	else
		snprintf(port, sizeof(port), "/%u-%u", ts->port_lo, ts->port_hi);
	snprintf(buf, len, "%s[%s%s]", a, proto, port);
	return buf;
}
