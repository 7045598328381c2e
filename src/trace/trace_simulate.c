/*
 * trace_simulate.c - the credential-caching simulator, user by user.
 *
 * Without a capacity limit the cache of one user never affects another's,
 * so the simulation splits by user: a counting sort of session indices
 * groups them by user (4 bytes a session; the sessions themselves do not
 * move), and each user's handful of sessions is loaded once into small
 * local arrays, ordered by time, and replayed for every strategy x
 * lifetime point while it sits in the L1 cache.
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
 * their starts and ends go into a difference array per point, and a
 * prefix sum gives the records held in each slot of time.  Updates land in
 * random places (users are replayed one after another, each all over the
 * trace), so the arrays are kept small enough to stay in cache: at most
 * peak_slots slots (TRACE_PEAK_SLOTS_DEFAULT), one second each when the
 * trace is short enough, otherwise the power of two seconds that fits.  A slot counts every
 * record usable at any moment within it, so a coarse peak is an upper
 * bound, off by at most the records written or expired within one slot;
 * the result reports the resolution (1 = exact, the count after all the
 * events of each second).
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "trace/trace_int.h"

#define NO_REC UINT32_MAX

/* Per-user working set, sized for the busiest user. */
struct scratch {
	struct trace_session *x;	/* the user's sessions, by time */
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
	free(s->x);
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
	s->x = malloc(n * sizeof(*s->x));
	s->c = malloc(n * sizeof(*s->c));
	s->d = malloc(n * sizeof(*s->d));
	s->dur = malloc(n * sizeof(*s->dur));
	s->bytes = malloc(n * sizeof(*s->bytes));
	s->ord = malloc(n * sizeof(*s->ord));
	s->lin_of = malloc(n * sizeof(*s->lin_of));
	s->lt0 = malloc(n * sizeof(*s->lt0));
	s->le = malloc(n * sizeof(*s->le));
	s->ld = malloc(n * sizeof(*s->ld));
	if (!s->x || !s->c || !s->d || !s->dur || !s->bytes || !s->ord ||
	    !s->lin_of || !s->lt0 || !s->le || !s->ld) {
		scratch_free(s);
		return ERR_NOMEM;
	}
	return 0;
}

struct diff {
	int32_t *a;
	size_t len;
	int64_t base;
	unsigned shift;		/* slot = (t - base) >> shift */
};

static inline void diff_add(struct diff *df, int64_t a, int64_t b)
{
	size_t i = (size_t)((a - df->base) >> df->shift);

	if (i < df->len)
		df->a[i]++;
	if (b != TRACE_NEVER) {
		/* One past the last slot the interval touches. */
		size_t j = (size_t)((b - 1 - df->base) >> df->shift) + 1;

		if (j < df->len)
			df->a[j]--;
	}
}

/*
 * Replay one user's n sessions (already in scratch) for one point.
 * Inlined per strategy so the lifetime test compiles to one comparison.
 */
static inline __attribute__((always_inline)) void
replay(struct scratch *s, size_t n, enum trace_strategy st,
       const struct trace_sim_point *pt, uint64_t max_age,
       struct trace_sim_result *res, struct diff *df)
{
	struct trace_sim_point p = { st, pt->lifetime };
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
			u = trace_sim_until(&p, max_age, w, s->lt0[l], s->le[l],
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

/*
 * replay() for sequential sessions: each session's end comes before the
 * next connect, so the record always holds the lineage of the session
 * just ended and three numbers are the whole state.  Same results.
 */
static inline __attribute__((always_inline)) void
replay_seq(const struct scratch *s, size_t n, enum trace_strategy st,
	   const struct trace_sim_point *pt, uint64_t max_age,
	   struct trace_sim_result *res, struct diff *df)
{
	struct trace_sim_point p = { st, pt->lifetime };
	int64_t t0 = 0, until = 0, start = 0;
	uint64_t e = 0, d = 0, full = 0;
	bool active = false;

	for (size_t i = 0; i < n; i++) {
		int64_t w = s->d[i], u;

		/* Whether this resumes is data-dependent and unpredictable:
		 * written so the compiler can use conditional moves. */
		bool r = active & (s->c[i] < until);

		full += !r;
		t0 = r ? t0 : s->c[i];
		e = (r ? e : 0) + s->dur[i];
		d = (r ? d : 0) + s->bytes[i];
		u = trace_sim_until(&p, max_age, w, t0, e, d);
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
	}
	if (active)
		diff_add(df, start, until);
	res->full += full;
	res->resumed += n - full;
}

/* The order both engines replay a user's sessions in. */
int trace_session_cmp(const void *a, const void *b)
{
	const struct trace_session *x = a, *y = b;
	uint64_t bx = x->bytes_in + x->bytes_out, by = y->bytes_in + y->bytes_out;

	if (x->connect != y->connect)
		return x->connect < y->connect ? -1 : 1;
	if (x->duration != y->duration)
		return x->duration < y->duration ? -1 : 1;
	if (bx != by)
		return bx < by ? -1 : 1;
	return 0;
}

/*
 * Load a user's sessions, by time, and their disconnect order.  Returns
 * whether they are sequential (each ends no later than the next starts),
 * as almost every user's are.
 */
static bool load(struct scratch *s, const struct trace_session *ss,
		 const uint32_t *idx, size_t n)
{
	bool seq = true;

	bool sorted = true;

	for (size_t i = 0; i < n; i++) {
		s->x[i] = ss[idx[i]];
		if (i && trace_session_cmp(&s->x[i - 1], &s->x[i]) > 0)
			sorted = false;
	}
	if (!sorted)
		qsort(s->x, n, sizeof(*s->x), trace_session_cmp);
	sorted = true;
	for (size_t i = 0; i < n; i++) {
		s->c[i] = s->x[i].connect;
		s->d[i] = (int64_t)s->x[i].connect + s->x[i].duration;
		s->dur[i] = s->x[i].duration;
		s->bytes[i] = s->x[i].bytes_in + s->x[i].bytes_out;
		s->ord[i] = (uint32_t)i;
		if (i && s->d[i] < s->d[i - 1])
			sorted = false;
		if (i && s->d[i - 1] > s->c[i])
			seq = false;
	}
	if (sorted)
		return seq;
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
	return seq;
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

/* idx: session indices grouped by user; first[u]..first[u+1] is user u. */
static int group_by_user(const struct trace *t, uint32_t **idx_out,
			 uint32_t **first_out, size_t *maxu)
{
	const struct trace_session *ss = trace_sessions(t);
	size_t ns = trace_count(t), nu = trace_user_count(t);
	uint32_t *idx = malloc((ns ? ns : 1) * sizeof(*idx));
	uint32_t *first = calloc(nu + 1, sizeof(*first));
	uint32_t *next = NULL;

	if (!idx || !first)
		goto fail;
	for (size_t i = 0; i < ns; i++)
		first[ss[i].user + 1]++;
	*maxu = 0;
	for (size_t u = 0; u < nu; u++) {
		if (first[u + 1] > *maxu)
			*maxu = first[u + 1];
		first[u + 1] += first[u];
	}
	next = malloc((nu ? nu : 1) * sizeof(*next));
	if (!next)
		goto fail;
	memcpy(next, first, nu * sizeof(*next));
	for (size_t i = 0; i < ns; i++)
		idx[next[ss[i].user]++] = (uint32_t)i;
	free(next);
	*idx_out = idx;
	*first_out = first;
	return 0;
fail:
	free(idx);
	free(first);
	return ERR_NOMEM;
}

int trace_simulate(struct trace *t, const struct trace_sim_params *p,
		   const struct trace_sim_point *pts, size_t n,
		   struct trace_sim_result *res)
{
	const struct trace_session *ss = trace_sessions(t);
	size_t ns = trace_count(t), nu = trace_user_count(t), maxu = 0;
	size_t budget, per, group;
	uint32_t *idx = NULL, *first = NULL;
	struct scratch sc = { 0 };
	struct diff *df = NULL;
	int64_t first_t, last_t;
	uint64_t span, slots;
	unsigned shift = 0;
	int rc;

	if ((rc = check_points(pts, n)) != 0)
		return rc;
	if (p->capacity)
		return trace_simulate_global(t, p, pts, n, res);
	for (size_t i = 0; i < n; i++)
		res[i] = (struct trace_sim_result){ .point = pts[i],
						    .sessions = ns };
	if (!ns || !n)
		return 0;
	if ((rc = group_by_user(t, &idx, &first, &maxu)) != 0)
		return rc;
	if ((rc = scratch_alloc(&sc, maxu)) != 0)
		goto out;
	trace_span(t, &first_t, &last_t);
	span = (uint64_t)(last_t - first_t) + 1;
	slots = p->peak_slots ? p->peak_slots : TRACE_PEAK_SLOTS_DEFAULT;
	while ((span >> shift) > slots)
		shift++;
	per = (size_t)(span >> shift) + 2;
	/* All points in one pass unless their arrays pass 64 MiB together. */
	budget = 64u << 20;
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
		df[g].base = first_t;
		df[g].shift = shift;
	}
	for (size_t p0 = 0; p0 < n; p0 += group) {
		size_t np = n - p0 < group ? n - p0 : group;

		for (size_t k = 0; k < np; k++)
			memset(df[k].a, 0, per * sizeof(int32_t));
		for (size_t u = 0; u < nu; u++) {
			size_t a = first[u], cnt = first[u + 1] - a;
			bool seq;

			if (!cnt)
				continue;
			/* Users' sessions are scattered: fetch two users ahead. */
			if (u + 2 < nu)
				for (size_t k = first[u + 2]; k < first[u + 3] &&
				     k < first[u + 2] + 16; k++)
					__builtin_prefetch(&ss[idx[k]]);
			seq = load(&sc, ss, idx + a, cnt);
			for (size_t k = 0; k < np; k++) {
				const struct trace_sim_point *pt = &pts[p0 + k];
				struct trace_sim_result *r = &res[p0 + k];

#define RUN(ST) (seq ? replay_seq(&sc, cnt, ST, pt, p->max_age, r, &df[k]) \
		     : replay(&sc, cnt, ST, pt, p->max_age, r, &df[k]))
				switch (pt->strategy) {
				case TRACE_CLOCKED: RUN(TRACE_CLOCKED); break;
				case TRACE_ESTABLISHED: RUN(TRACE_ESTABLISHED); break;
				case TRACE_DATA: RUN(TRACE_DATA); break;
				}
#undef RUN
			}
		}
		for (size_t k = 0; k < np; k++) {
			int64_t cur = 0, peak = 0;

			for (size_t i = 0; i < per; i++) {
				cur += df[k].a[i];
				if (cur > peak)
					peak = cur;
			}
			res[p0 + k].peak_records = (uint64_t)peak;
			res[p0 + k].peak_resolution = 1u << shift;
		}
	}
	rc = 0;
out:
	if (df)
		for (size_t g = 0; g < group; g++)
			free(df[g].a);
	free(df);
	scratch_free(&sc);
	free(idx);
	free(first);
	return rc;
}
