/*
 * units.c - parsing and printing of durations and byte sizes.
 *
 * The number is parsed by hand (digits, optional '.', digits) rather than
 * with strtod so that locale, exponents, "inf" and hex floats are never
 * accepted from a configuration file.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/units.h"

struct unit {
	const char *name;
	uint64_t mult;
};

/* Parse "<int>[.<frac>]<unit>" with unit looked up in a table. */
static int parse_scaled(const char *s, const struct unit *units, size_t n,
			uint64_t *out)
{
	uint64_t ip = 0, fnum = 0, fden = 1, mult = 0, v;
	const char *p = s;
	int digits = 0;

	if (!s)
		return ERR_INVAL;
	while (*p >= '0' && *p <= '9') {
		if (ip > (UINT64_MAX - 9) / 10)
			return ERR_INVAL;
		ip = ip * 10 + (uint64_t)(*p++ - '0');
		digits++;
	}
	if (*p == '.') {
		p++;
		while (*p >= '0' && *p <= '9') {
			/* Beyond 12 fractional digits precision is moot. */
			if (fden < 1000000000000ULL) {
				fnum = fnum * 10 + (uint64_t)(*p - '0');
				fden *= 10;
			}
			p++;
			digits++;
		}
	}
	if (!digits)
		return ERR_INVAL;
	for (size_t i = 0; i < n; i++) {
		if (strcasecmp(p, units[i].name) == 0) {
			mult = units[i].mult;
			break;
		}
	}
	if (!mult)
		return ERR_INVAL;
	if (ip > UINT64_MAX / mult)
		return ERR_INVAL;
	v = ip * mult;
	/* fnum < fden, so fnum * mult / fden < mult: no overflow in 128 bits. */
	{
		unsigned __int128 f = (unsigned __int128)fnum * mult;
		uint64_t frac = (uint64_t)((f + fden / 2) / fden);

		if (frac > UINT64_MAX - v)
			return ERR_INVAL;
		v += frac;
	}
	*out = v;
	return 0;
}

static const struct unit duration_units[] = {
	{ "", 1 }, { "s", 1 }, { "m", 60 }, { "h", 3600 },
	{ "d", 86400 }, { "w", 7 * 86400 },
};

static const struct unit byte_units[] = {
	{ "", 1 }, { "b", 1 },
	{ "k", 1ULL << 10 }, { "kb", 1ULL << 10 }, { "kib", 1ULL << 10 },
	{ "m", 1ULL << 20 }, { "mb", 1ULL << 20 }, { "mib", 1ULL << 20 },
	{ "g", 1ULL << 30 }, { "gb", 1ULL << 30 }, { "gib", 1ULL << 30 },
	{ "t", 1ULL << 40 }, { "tb", 1ULL << 40 }, { "tib", 1ULL << 40 },
};

int units_parse_duration(const char *s, uint64_t *secs)
{
	return parse_scaled(s, duration_units,
			    sizeof(duration_units) / sizeof(duration_units[0]), secs);
}

int units_parse_bytes(const char *s, uint64_t *bytes)
{
	return parse_scaled(s, byte_units,
			    sizeof(byte_units) / sizeof(byte_units[0]), bytes);
}

/* Render v in the largest unit that divides it exactly. */
static const char *fmt_exact(uint64_t v, const struct unit *units, size_t n,
			     char *buf, size_t len)
{
	const struct unit *best = &units[0];

	for (size_t i = 0; i < n; i++)
		if (units[i].mult > best->mult && v && v % units[i].mult == 0)
			best = &units[i];
	snprintf(buf, len, "%llu%s", (unsigned long long)(v / best->mult),
		 best->name);
	return buf;
}

const char *units_fmt_duration(uint64_t secs, char *buf, size_t len)
{
	static const struct unit u[] = {
		{ "s", 1 }, { "m", 60 }, { "h", 3600 }, { "d", 86400 },
	};

	return fmt_exact(secs, u, sizeof(u) / sizeof(u[0]), buf, len);
}

const char *units_fmt_bytes(uint64_t bytes, char *buf, size_t len)
{
	static const struct unit u[] = {
		{ "B", 1 }, { "KB", 1ULL << 10 }, { "MB", 1ULL << 20 },
		{ "GB", 1ULL << 30 }, { "TB", 1ULL << 40 },
	};

	return fmt_exact(bytes, u, sizeof(u) / sizeof(u[0]), buf, len);
}
