/*
 * trace_synth.c - synthetic VPN traces calibrated to the paper's Table II.
 *
 * The model, deliberately simple and documented in docs/trace.md:
 *   - sessions = profile sessions scaled by users and days; every user has
 *     at least one, the rest are shared out in proportion to a lognormal
 *     activity weight (a heavy tail of frequent users);
 *   - connect day drawn with a weekly rhythm (weekends quieter) and some
 *     day-to-day noise, hour of day from a daily curve;
 *   - durations from a two-part lognormal mixture (a lump of short
 *     sessions, a heavy-tailed body), then scaled so the mean is exact;
 *   - bytes = duration x a per-user rate x lognormal noise (so bytes track
 *     duration), out from in by a noisy ratio, then scaled so the means are
 *     exact.
 * The final scalings make totals and means match the profile to rounding;
 * the shapes are plausible, not fitted to the paper's figures.
 *
 * Determinism: a private xoshiro256** generator seeded by splitmix64, and
 * a fixed draw order, so one seed always gives the same trace.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "trace/trace_int.h"

#define MIB 1048576.0
#define GIB (1024.0 * MIB)
/* 2006-08-19 00:00:00 UTC, the first day of the paper's logs. */
#define PAPER_START 1155945600

/* Means are Table II's totals over its connection counts. */
static const struct trace_profile profiles[] = {
	{ "wireless", 149564, 11250, 30, 6577.83 * 86400 / 149564,
	  452.1 * GIB / 149564, 1010.45 * GIB / 149564, PAPER_START },
	{ "remote", 241291, 15579, 30, 31628.64 * 86400 / 241291,
	  2008.2 * GIB / 241291, 4907.79 * GIB / 241291, PAPER_START },
};

const struct trace_profile *trace_profile_find(const char *name)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

struct rng {
	uint64_t s[4];
};

static uint64_t splitmix(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t next64(struct rng *r)
{
	uint64_t res = rotl(r->s[1] * 5, 7) * 9, t = r->s[1] << 17;

	r->s[2] ^= r->s[0];
	r->s[3] ^= r->s[1];
	r->s[1] ^= r->s[2];
	r->s[0] ^= r->s[3];
	r->s[2] ^= t;
	r->s[3] = rotl(r->s[3], 45);
	return res;
}

/* Uniform in (0, 1). */
static double unif(struct rng *r)
{
	return ((double)(next64(r) >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(struct rng *r)
{
	return sqrt(-2.0 * log(unif(r))) * cos(6.283185307179586 * unif(r));
}

static double lognormal(struct rng *r, double median, double sigma)
{
	return median * exp(sigma * normal(r));
}

/* Index drawn from a cumulative table cdf[0..n) (last = 1). */
static size_t pick(const double *cdf, size_t n, double u)
{
	size_t lo = 0, hi = n - 1;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Relative connections by hour of day (UTC as local time). */
static const double hour_w[24] = {
	0.15, 0.08, 0.05, 0.03, 0.03, 0.05, 0.15, 0.40, 0.85, 1.20, 1.35, 1.40,
	1.30, 1.40, 1.45, 1.40, 1.30, 1.10, 0.90, 0.85, 0.80, 0.70, 0.50, 0.30,
};
/* Relative connections by day of week, Sunday first. */
static const double dow_w[7] = { 0.65, 1.0, 1.05, 1.05, 1.0, 0.9, 0.55 };

int trace_synth(const struct trace_profile *p, uint32_t users, uint32_t days,
		uint64_t seed, struct trace *t)
{
	double *w = NULL, *rate = NULL, *dcdf = NULL, hcdf[24], sum = 0;
	uint64_t total, extra, x = seed;
	struct rng rng;
	size_t base = trace_count(t);
	struct trace_session *ss;
	double sdur = 0, sin = 0, sout = 0, cum = 0, off;
	uint64_t given = 0;
	int rc = ERR_NOMEM;

	if (!p)
		return ERR_INVAL;
	users = users ? users : p->users;
	days = days ? days : p->days;
	if (days > 3650 || users > TRACE_USERS_MAX)
		return ERR_LIMIT;
	total = (uint64_t)llround((double)p->sessions * users / p->users *
				  days / p->days);
	if (total < users)
		total = users;
	if (total > TRACE_SESSIONS_MAX)
		return ERR_LIMIT;
	for (int i = 0; i < 4; i++)
		rng.s[i] = splitmix(&x);
	w = malloc(users * sizeof(*w));
	rate = malloc(users * sizeof(*rate));
	dcdf = malloc(days * sizeof(*dcdf));
	if (!w || !rate || !dcdf)
		goto out;
	trace_reserve(t, total);
	/* Day and hour tables. */
	for (uint32_t d = 0; d < days; d++) {
		int64_t day = p->start / 86400 + d;
		/* 1970-01-01 was a Thursday (index 4). */
		double v = dow_w[(day + 4) % 7] * exp(0.15 * normal(&rng));

		sum += v;
		dcdf[d] = sum;
	}
	for (uint32_t d = 0; d < days; d++)
		dcdf[d] /= sum;
	dcdf[days - 1] = 1.0;
	sum = 0;
	for (int h = 0; h < 24; h++) {
		sum += hour_w[h];
		hcdf[h] = sum;
	}
	for (int h = 0; h < 24; h++)
		hcdf[h] /= sum;
	hcdf[23] = 1.0;
	/* Activity weights and byte rates per user. */
	sum = 0;
	for (uint32_t u = 0; u < users; u++) {
		w[u] = exp(1.1 * normal(&rng));
		sum += w[u];
		rate[u] = exp(0.8 * normal(&rng));
	}
	extra = total - users;
	off = unif(&rng);
	for (uint32_t u = 0; u < users; u++) {
		char name[16];
		uint32_t id;
		uint64_t n, upto;
		int len = snprintf(name, sizeof(name), "user%05u", u);

		/* Systematic allocation: the counts add up to total exactly. */
		cum += w[u] / sum;
		upto = u + 1 == users ? extra : (uint64_t)floor(cum * (double)extra + off);
		if (upto > extra)
			upto = extra;
		n = 1 + (upto > given ? upto - given : 0);
		given += n - 1;
		if ((rc = trace_user_id(t, name, (size_t)len,
					trace_map_hash(name, (size_t)len), &id)))
			goto out;
		for (uint64_t k = 0; k < n; k++) {
			size_t d = pick(dcdf, days, unif(&rng));
			size_t h = pick(hcdf, 24, unif(&rng));
			int64_t c = p->start + (int64_t)d * 86400 + (int64_t)h * 3600 +
				    (int64_t)(unif(&rng) * 3600);
			double dur = unif(&rng) < 0.22 ? lognormal(&rng, 150, 1.0)
						       : lognormal(&rng, 2400, 1.1);
			double in, out;

			if (dur > 14 * 86400)
				dur = 14 * 86400;
			in = dur * rate[u] * lognormal(&rng, 1.0, 1.0) * 1000.0;
			out = in * lognormal(&rng, 2.2, 0.5);
			if ((rc = trace_add_id(t, id, c, c + (int64_t)dur + 1,
					       (uint64_t)in, (uint64_t)out, 0)))
				goto out;
		}
	}
	/* Scale to the profile's means exactly. */
	ss = trace_sessions_mut(t) + base;
	for (uint64_t i = 0; i < total; i++) {
		sdur += ss[i].duration;
		sin += (double)ss[i].bytes_in;
		sout += (double)ss[i].bytes_out;
	}
	{
		double kd = p->mean_duration_s * (double)total / sdur;
		double ki = p->mean_in * (double)total / sin;
		double ko = p->mean_out * (double)total / sout;

		for (uint64_t i = 0; i < total; i++) {
			double d = llround(ss[i].duration * kd);

			ss[i].duration = d < 1 ? 1 : (uint32_t)d;
			ss[i].bytes_in = (uint64_t)llround((double)ss[i].bytes_in * ki);
			ss[i].bytes_out = (uint64_t)llround((double)ss[i].bytes_out * ko);
		}
	}
	trace_recompute_span(t);
	rc = 0;
out:
	free(w);
	free(rate);
	free(dcdf);
	return rc;
}
