/*
 * trace_time.c - the timestamps found in VPN logs, parsed by hand.
 *
 * No strptime or sscanf: they are slow in a loop over millions of lines,
 * depend on the locale and accept more than the formats say.  Calendar
 * arithmetic is Howard Hinnant's days-from-civil, valid for any Gregorian
 * year; callers range-check the result.
 */
#include "trace/trace_int.h"

int64_t trace_time_civil(int y, unsigned mon, unsigned d, unsigned h,
			 unsigned mi, unsigned s)
{
	int64_t yy = (int64_t)y - (mon <= 2);
	int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
	int64_t yoe = yy - era * 400;
	int64_t doy = (153 * (int64_t)(mon > 2 ? mon - 3 : mon + 9) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + doe - 719468;

	return days * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + s;
}

static bool valid(unsigned mon, unsigned d, unsigned h, unsigned mi,
		  unsigned s)
{
	/* 60 admits a leap second; it lands on the next minute's :00. */
	return mon >= 1 && mon <= 12 && d >= 1 && d <= 31 && h <= 23 &&
	       mi <= 59 && s <= 60;
}

unsigned trace_time_month(struct buf_reader *r)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *p = sc_ptr(r);

	if (r->len - r->off < 3)
		return 0;
	for (unsigned i = 0; i < 12; i++) {
		if (memcmp(p, names + 3 * i, 3) == 0) {
			r->off += 3;
			return i + 1;
		}
	}
	return 0;
}

bool trace_time_hms(struct buf_reader *r, unsigned *h, unsigned *m,
		    unsigned *s)
{
	size_t o = r->off;

	if (sc_digits(r, 2, h) && sc_char(r, ':') && sc_digits(r, 2, m) &&
	    sc_char(r, ':') && sc_digits(r, 2, s))
		return true;
	r->off = o;
	return false;
}

/* Optional ".fff", then optional zone; returns the offset east of UTC. */
static bool zone(struct buf_reader *r, int64_t *off)
{
	int c;

	*off = 0;
	if (sc_char(r, '.') || sc_char(r, ',')) {
		unsigned n = 0;

		while ((c = sc_peek(r)) >= '0' && c <= '9' && n < 12) {
			r->off++;
			n++;
		}
		if (!n)
			return false;
	}
	c = sc_peek(r);
	if (c == 'Z') {
		r->off++;
	} else if (c == '+' || c == '-') {
		unsigned hh, mm = 0;
		size_t o = r->off;

		r->off++;
		if (!sc_digits(r, 2, &hh)) {
			r->off = o;
			return false;
		}
		if (sc_char(r, ':')) {
			if (!sc_digits(r, 2, &mm)) {
				r->off = o;
				return false;
			}
		} else {
			(void)sc_digits(r, 2, &mm);
		}
		if (hh > 23 || mm > 59) {
			r->off = o;
			return false;
		}
		*off = (c == '+' ? 1 : -1) * (int64_t)(hh * 3600 + mm * 60);
	}
	return true;
}

bool trace_time_iso(struct buf_reader *r, bool allow_epoch, int64_t *t)
{
	size_t o = r->off;
	unsigned y, mon, d, h, mi, s;
	int64_t off;

	if (r->len - r->off >= 10 && r->p[r->off + 4] == '-') {
		if (!sc_digits(r, 4, &y) || !sc_char(r, '-') ||
		    !sc_digits(r, 2, &mon) || !sc_char(r, '-') ||
		    !sc_digits(r, 2, &d))
			goto fail;
		if (!sc_char(r, 'T') && !sc_char(r, ' '))
			goto fail;
		if (!trace_time_hms(r, &h, &mi, &s) || !valid(mon, d, h, mi, s))
			goto fail;
		if (!zone(r, &off))
			goto fail;
		*t = trace_time_civil((int)y, mon, d, h, mi, s) - off;
		return true;
	}
	if (allow_epoch) {
		uint64_t v;
		int c;

		if (!sc_u64(r, &v) || v > (uint64_t)INT64_MAX / 2)
			goto fail;
		if (sc_char(r, '.')) {
			while ((c = sc_peek(r)) >= '0' && c <= '9')
				r->off++;
		}
		*t = (int64_t)v;
		return true;
	}
fail:
	r->off = o;
	return false;
}

bool trace_time_ctime(struct buf_reader *r, int64_t *t)
{
	size_t o = r->off;
	unsigned mon, d, h, mi, s, y;

	if (r->len - r->off < 4 || r->p[r->off + 3] != ' ')
		return false;
	r->off += 4;
	if (!(mon = trace_time_month(r)) || !sc_char(r, ' '))
		goto fail;
	(void)sc_char(r, ' ');	/* day padded with a space: "Dec  5" */
	if (!sc_digits(r, 2, &d) && !sc_digits(r, 1, &d))
		goto fail;
	if (!sc_char(r, ' ') || !trace_time_hms(r, &h, &mi, &s) ||
	    !sc_char(r, ' ') || !sc_digits(r, 4, &y) || !valid(mon, d, h, mi, s))
		goto fail;
	*t = trace_time_civil((int)y, mon, d, h, mi, s);
	return true;
fail:
	r->off = o;
	return false;
}

bool trace_time_syslog(struct buf_reader *r, struct trace_year *y,
		       int64_t *t)
{
	size_t o = r->off;
	unsigned mon, d, h, mi, s, yr;
	int c;

	if (sc_char(r, '<')) {
		uint64_t pri;

		if (!sc_u64(r, &pri) || !sc_char(r, '>'))
			goto fail;
	}
	if ((c = sc_peek(r)) >= '0' && c <= '9')
		return trace_time_iso(r, false, t) || (r->off = o, false);
	if (!(mon = trace_time_month(r)) || !sc_char(r, ' '))
		goto fail;
	(void)sc_char(r, ' ');	/* day padded with a space: "Nov  8" */
	if (sc_digits(r, 2, &d)) {
		/* two digits */
	} else if (!sc_digits(r, 1, &d)) {
		goto fail;
	}
	if (!sc_char(r, ' '))
		goto fail;
	if (r->len - r->off >= 5 && r->p[r->off + 4] == ' ' &&
	    sc_digits(r, 4, &yr)) {
		if (!sc_char(r, ' '))
			goto fail;
	} else {
		/* No year: follow the log across New Year. */
		if (y->last_month && mon + 6 < y->last_month)
			y->year++;
		y->last_month = mon;
		yr = (unsigned)y->year;
	}
	if (!trace_time_hms(r, &h, &mi, &s) || !valid(mon, d, h, mi, s))
		goto fail;
	/* Fractional seconds ("19:04:46.123") are dropped. */
	if (sc_char(r, '.')) {
		while ((c = sc_peek(r)) >= '0' && c <= '9')
			r->off++;
	}
	*t = trace_time_civil((int)yr, mon, d, h, mi, s);
	return true;
fail:
	r->off = o;
	return false;
}
