/*
 * trace_simulate.c - the credential-caching simulator, user by user.
 *
 * Without a capacity limit the cache of one user never affects another's,
 * so the simulation splits by user: sessions are grouped by user (one
 * in-place counting sort), and each user's handful of sessions is loaded
 * once into small local arrays and replayed for every strategy x lifetime
 * point while it sits in the L1 cache.  The whole sweep is then a few
 * sequential passes over the session array instead of one random-access
 * pass per point.
 *
 * Replay of one user (semantics in docs/trace.md): events in time order,
 * a disconnect before a connect at the same second (but never a session's
 * own disconnect before its connect).  A disconnect adds the session's
 * duration and bytes to its lineage and writes the user's one record, which
 * then stays usable until trace_sim_until() says.  A connect resumes if the
 * record is usable, joining its lineage; otherwise it is a full exchange
 * starting a new lineage.
 *
 * Peak records: each user's record is usable over a union of intervals;
 * their starts and ends go into a difference array per point with one slot
 * per second of the trace, and a prefix sum gives the count after all the
 * events of each second.  Difference arrays are what bounds memory, so the
 * points are run in groups that fit a budget tied to the trace size; a
 * trace so sparse that one array would not fit is counted at a coarser
 * resolution, and the result says which.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "trace/trace_int.h"

#define NO_REC UINT32_MAX

/* Per-user working set, sized for the busiest user. */
struct scratch {
	int64_t *c, *d;		/* connect, disconnect */
	uint32_t *dur;
	uint64_t *bytes;
	uint32_t *ord;		/* session indices by disconnect */
	uint32_t *lin_of;	/* lineage of each session */
	int64_t *lt0;		/* lineage: full exchange time */
	uint64_t *le, *ld;	/* lineage: ended seconds and bytes */
};

static void scratch_free(struct scratch *s)
{
	free(s->c);
	free(s->d);
	free(s->dur);
	free(s->bytes);
	free(s->ord);
	free(s->lin_of);
	free(s->lt0);
	free(s->le);
	free(s->ld);
}

static int scratch_alloc(struct scratch *s, size_t n)
{
	memset(s, 0, sizeof(*s));
	n = n ? n : 1;
	s->c = malloc(n * sizeof(*s->c));
	s->d = malloc(n * sizeof(*s->d));
	s->dur = malloc(n * sizeof(*s->dur));
	s->bytes = malloc(n * sizeof(*s->bytes));
	s->ord = malloc(n * sizeof(*s->ord));
	s->lin_of = malloc(n * sizeof(*s->lin_of));
	s->lt0 = malloc(n * sizeof(*s->lt0));
	s->le = malloc(n * sizeof(*s->le));
	s->ld = malloc(n * sizeof(*s->ld));
	if (!s->c || !s->d || !s->dur || !s->bytes || !s->ord || !s->lin_of ||
	    !s->lt0 || !s->le || !s->ld) {
		scratch_free(s);
		return ERR_NOMEM;
	}
	return 0;
}

struct diff {
	int32_t *a;
	size_t len;
	int64_t base;
	uint32_t res;
};

static inline void diff_add(struct diff *df, int64_t a, int64_t b)
{
	size_t i = (size_t)((a - df->base) / df->res);

	if (i < df->len)
		df->a[i]++;
	if (b != TRACE_NEVER) {
		size_t j = (size_t)((b - df->base) / df->res);

		if (j < df->len)
			df->a[j]--;
	}
}

/* Replay one user's n sessions (already in scratch) for one point. */
static void replay(struct scratch *s, size_t n, const struct trace_sim_point *pt,
		   uint64_t max_age, struct trace_sim_result *res,
		   struct diff *df)
{
	uint32_t rec = NO_REC, nlin = 0;
	int64_t until = 0, start = 0;
	bool active = false;
	size_t e = 0;

	for (size_t i = 0; i <= n; i++) {
		int64_t t = i < n ? s->c[i] : TRACE_NEVER;

		/* Disconnects up to t, but never one not yet connected. */
		while (e < n && s->d[s->ord[e]] <= t && s->ord[e] < i) {
			uint32_t j = s->ord[e++], l = s->lin_of[j];
			int64_t w = s->d[j], u;

			s->le[l] += s->dur[j];
			s->ld[l] += s->bytes[j];
			u = trace_sim_until(pt, max_age, w, s->lt0[l], s->le[l],
					    s->ld[l]);
			if (active && until > w) {
				if (u <= w) {
					diff_add(df, start, w);
					active = false;
				}
			} else {
				if (active)
					diff_add(df, start, until);
				active = u > w;
				start = w;
			}
			until = u;
			rec = l;
		}
		if (i == n)
			break;
		if (active && t < until) {
			s->lin_of[i] = rec;
			res->resumed++;
		} else {
			s->lin_of[i] = nlin;
			s->lt0[nlin] = t;
			s->le[nlin] = 0;
			s->ld[nlin] = 0;
			nlin++;
			res->full++;
		}
	}
	if (active)
		diff_add(df, start, until);
}

/* Load a user's sessions and their disconnect order into scratch. */
static void load(struct scratch *s, const struct trace_session *x, size_t n)
{
	bool sorted = true;

	for (size_t i = 0; i < n; i++) {
		s->c[i] = x[i].connect;
		s->d[i] = (int64_t)x[i].connect + x[i].duration;
		s->dur[i] = x[i].duration;
		s->bytes[i] = x[i].bytes_in + x[i].bytes_out;
		s->ord[i] = (uint32_t)i;
		if (i && s->d[i] < s->d[i - 1])
			sorted = false;
	}
	if (sorted)
		return;
	/* Overlapping sessions: insertion sort by (disconnect, index). */
	for (size_t i = 1; i < n; i++) {
		uint32_t v = s->ord[i];
		size_t j = i;

		while (j > 0 && s->d[s->ord[j - 1]] > s->d[v]) {
			s->ord[j] = s->ord[j - 1];
			j--;
		}
		s->ord[j] = v;
	}
}

static int check_points(const struct trace_sim_point *pts, size_t n)
{
	if (n > TRACE_SIM_MAX_POINTS)
		return ERR_LIMIT;
	for (size_t i = 0; i < n; i++)
		if (pts[i].strategy > TRACE_DATA)
			return ERR_INVAL;
	return 0;
}

int trace_simulate(struct trace *t, const struct trace_sim_params *p,
		   const struct trace_sim_point *pts, size_t n,
		   struct trace_sim_result *res)
{
	const struct trace_session *ss;
	size_t ns = trace_count(t), maxu = 0, budget, per, group;
	struct scratch sc = { 0 };
	struct diff *df = NULL;
	int64_t first, last;
	uint64_t span;
	uint32_t resolution = 1;
	int rc;

	if ((rc = check_points(pts, n)) != 0)
		return rc;
	if (p->capacity)
		return trace_simulate_global(t, p, pts, n, res);
	if ((rc = trace_sort_by_user(t)) != 0)
		return rc;
	ss = trace_sessions(t);
	for (size_t i = 0; i < n; i++)
		res[i] = (struct trace_sim_result){ .point = pts[i],
						    .sessions = ns };
	if (!ns || !n)
		return 0;
	for (size_t a = 0, b; a < ns; a = b) {
		for (b = a + 1; b < ns && ss[b].user == ss[a].user; b++)
			;
		if (b - a > maxu)
			maxu = b - a;
	}
	if ((rc = scratch_alloc(&sc, maxu)) != 0)
		return rc;
	trace_span(t, &first, &last);
	span = (uint64_t)(last - first) + 1;
	/* Difference arrays may take 12 bytes a session, at least 64 MiB. */
	budget = ns * 12 > (64u << 20) ? ns * 12 : (64u << 20);
	while ((span / resolution + 1) * sizeof(int32_t) > budget)
		resolution *= 2;
	per = (size_t)(span / resolution + 1);
	group = budget / (per * sizeof(int32_t));
	if (group < 1)
		group = 1;
	if (group > n)
		group = n;
	df = calloc(group, sizeof(*df));
	if (!df) {
		rc = ERR_NOMEM;
		goto out;
	}
	for (size_t g = 0; g < group; g++) {
		df[g].a = malloc(per * sizeof(int32_t));
		if (!df[g].a) {
			rc = ERR_NOMEM;
			goto out;
		}
		df[g].len = per;
		df[g].base = first;
		df[g].res = resolution;
	}
	for (size_t p0 = 0; p0 < n; p0 += group) {
		size_t np = n - p0 < group ? n - p0 : group;

		for (size_t k = 0; k < np; k++)
			memset(df[k].a, 0, per * sizeof(int32_t));
		for (size_t a = 0, b; a < ns; a = b) {
			for (b = a + 1; b < ns && ss[b].user == ss[a].user; b++)
				;
			load(&sc, ss + a, b - a);
			for (size_t k = 0; k < np; k++)
				replay(&sc, b - a, &pts[p0 + k], p->max_age,
				       &res[p0 + k], &df[k]);
		}
		for (size_t k = 0; k < np; k++) {
			int64_t cur = 0, peak = 0;

			for (size_t i = 0; i < per; i++) {
				cur += df[k].a[i];
				if (cur > peak)
					peak = cur;
			}
			res[p0 + k].peak_records = (uint64_t)peak;
			res[p0 + k].peak_resolution = resolution;
		}
	}
	rc = 0;
out:
	if (df)
		for (size_t g = 0; g < group; g++)
			free(df[g].a);
	free(df);
	scratch_free(&sc);
	return rc;
}
