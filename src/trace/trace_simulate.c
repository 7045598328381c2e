/*
 * trace_simulate.c - the credential-caching simulator, user by user.
 *
 * Without a capacity limit the cache of one user never affects another's,
 * so the simulation splits by user: a counting sort of session indices
 * groups them by user (4 bytes a session; the sessions themselves do not
 * move), and each user's handful of sessions is loaded once into small
 * local arrays, ordered by time, and replayed for every strategy x
 * lifetime point while it sits in the L1 cache.  The users are shared
 * out among threads in contiguous ranges of about equal session counts;
 * each thread keeps its own counts and peak arrays, added up at the end
 * (integers, so the result does not depend on the threads).
 *
 * Replay of one user (semantics in docs/trace.md): events in time order,
 * a disconnect before a connect at the same second (but never a session's
 * own disconnect before its connect).  A disconnect adds the session's
 * duration and bytes to its lineage and writes the user's one record, which
 * then stays usable until trace_sim_until() says.  A connect resumes if the
 * record is usable, joining its lineage; otherwise it is a full exchange
 * starting a new lineage.
 *
 * LANES points of one strategy are replayed in one walk over a user's
 * sessions, one vector lane each, with masks instead of branches (whether
 * a session resumes is as good as random).  Sequential users (each
 * session ends before the next starts, most users) need only the state of
 * the record, which always holds the lineage of the session just ended
 * (walk_seq()); the others walk their connects and disconnects in replay
 * order with each lane's lineages in per-session rows (walk_events()).
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
#include <sys/mman.h>

#include "common/err.h"
#include "trace/trace_int.h"

/* Points one walk over a user's sessions evaluates, a vector lane each. */
#define LANES 4
typedef int64_t vi __attribute__((vector_size(8 * LANES)));
typedef uint64_t vu __attribute__((vector_size(8 * LANES)));

/*
 * Sessions loaded at a time: a block of users replayed lane set by lane
 * set, so that only one lane set's peak arrays need to stay in the cache
 * while its LANES walks run over the whole block.
 */
#define BLOCK 4096

/* One user of a block: its sessions by time, and its replay order. */
struct usr {
	const int64_t *c, *d;	/* connect, disconnect */
	const uint32_t *dur;
	const uint64_t *bytes;
	const int32_t *ev;	/* events in replay order: i connects, ~i ends */
	size_t n;
	bool seq;		/* sequential: ev unused */
};

/* A thread's working set: a block of users, and per-user temporaries
 * sized for the busiest user. */
struct scratch {
	size_t cap;		/* sessions a block holds */
	int64_t *c, *d;
	uint32_t *dur;
	uint64_t *bytes;
	int32_t *ev;
	struct usr *u;		/* the block's users (at most cap) */
	struct trace_session *x;	/* a user's sessions being loaded */
	uint32_t *ord;		/* ... their indices by disconnect */
	/* Overlapping sessions, a row of LANES per session: the lineage
	 * each joined and its T0, and for a lineage's first session its E
	 * or D. */
	vi *lin, *lt0;
	vu *acc;
};

static void scratch_free(struct scratch *s)
{
	free(s->c);
	free(s->d);
	free(s->dur);
	free(s->bytes);
	free(s->ev);
	free(s->u);
	free(s->x);
	free(s->ord);
	free(s->lin);
	free(s->lt0);
	free(s->acc);
}

static int scratch_alloc(struct scratch *s, size_t maxu)
{
	size_t cap = maxu > BLOCK ? maxu : BLOCK;

	memset(s, 0, sizeof(*s));
	maxu = maxu ? maxu : 1;
	s->cap = cap;
	s->c = malloc(cap * sizeof(*s->c));
	s->d = malloc(cap * sizeof(*s->d));
	s->dur = malloc(cap * sizeof(*s->dur));
	s->bytes = malloc(cap * sizeof(*s->bytes));
	s->ev = malloc(2 * cap * sizeof(*s->ev));
	s->u = malloc(cap * sizeof(*s->u));
	s->x = malloc(maxu * sizeof(*s->x));
	s->ord = malloc(maxu * sizeof(*s->ord));
	s->lin = aligned_alloc(sizeof(vi), maxu * sizeof(vi));
	s->lt0 = aligned_alloc(sizeof(vi), maxu * sizeof(vi));
	s->acc = aligned_alloc(sizeof(vu), maxu * sizeof(vu));
	if (!s->c || !s->d || !s->dur || !s->bytes || !s->ev || !s->u ||
	    !s->x || !s->ord || !s->lin || !s->lt0 || !s->acc) {
		scratch_free(s);
		return ERR_NOMEM;
	}
	return 0;
}

/*
 * Where a time falls in the peak arrays: slot = (t - base) >> shift.  The
 * arrays have two slots more than the trace spans: the last one, past
 * every connect and disconnect, takes the ends of records still usable
 * when the trace ends (its running count can only be lower than the one
 * before it, so it never makes the peak).
 */
struct geom {
	size_t len;
	int64_t base;
	unsigned shift;
};

/* Beyond any trace time, and t0 + NO_AGE cannot overflow. */
#define NO_AGE (1LL << 62)

/* Up to LANES points of one strategy, replayed together. */
struct lanes {
	enum trace_strategy st;
	unsigned n;		/* lanes in use */
	uint16_t pt[LANES];	/* point (within the group) of each lane */
	/*
	 * clocked: a record is usable until t0 + lim (the lifetime, or the
	 * max-age if shorter); established, data: while E or D < lim, and
	 * until t0 + age.  Both capped as trace_sim_until() caps them.
	 */
	vi lim, age;
	vi valid;	/* all ones in the lanes in use */
};

static void lanes_set(struct lanes *ln, unsigned k, const struct trace_sim_point *pt,
		      uint64_t max_age)
{
	const uint64_t cap = 1ULL << 40;	/* as trace_sim_until() */
	int64_t L = (int64_t)(pt->lifetime < cap ? pt->lifetime : cap);
	int64_t A = max_age ? (int64_t)(max_age < cap ? max_age : cap) : NO_AGE;

	ln->st = pt->strategy;
	ln->lim[k] = pt->strategy == TRACE_CLOCKED && A < L ? A : L;
	ln->age[k] = A;
	ln->valid[k] = -1;
}

/* Is any lane set?  Folded by halves (two shuffles), not lane by lane. */
#if defined(__has_builtin)
#if __has_builtin(__builtin_shufflevector)
#define SHUFFLE4(v, a, b, c, d) __builtin_shufflevector(v, v, a, b, c, d)
#endif
#endif
#ifndef SHUFFLE4		/* GCC before 12 */
#define SHUFFLE4(v, a, b, c, d) __builtin_shuffle(v, (vi){ a, b, c, d })
#endif
static inline __attribute__((always_inline)) bool any(const vi *v)
{
	vi x = *v | SHUFFLE4(*v, 2, 3, 0, 1);

	x |= SHUFFLE4(x, 1, 0, 3, 2);
	return x[0] != 0;
}

/* The user's record in each lane. */
struct rec {
	vi until;	/* usable while t < until */
	vi start;	/* usable since (for the peak) */
	vi active;	/* usable at all: all ones, or 0 */
};

/*
 * Until when a record written at *w is usable (trace_sim_until(), lane by
 * lane): t0 is its lineage's full exchange, acc its E (established) or D
 * (data).
 */
static inline __attribute__((always_inline)) void
usable_until(vi *u, const enum trace_strategy st, const struct lanes *ln,
	     const vi *t0, const vu *acc, const vi *w)
{
	vi x, later;

	if (st == TRACE_CLOCKED) {
		x = *t0 + ln->lim;
	} else {
		vi ok = (vi)(*acc < (vu)ln->lim);

		x = ((*t0 + ln->age) & ok) | (*w & ~ok);
	}
	later = x > *w;
	*u = (x & later) | (*w & ~later);
}

/*
 * A session ended at *w and wrote the record, usable until *u: the
 * interval over which the old record was usable ends (at min(until, w))
 * unless the new one carries it on; a usable new one starts an interval
 * at w if none goes on.  Whether a lane does either is as good as random,
 * so the state moves with masks and only the peak updates branch.
 */
static inline __attribute__((always_inline)) void
rec_write(struct rec *r, const vi *u, const vi *w, const struct lanes *ln,
	  int32_t *const *df, const struct geom *g)
{
	vi cont = r->until > *w;	/* the old record still usable at w */
	vi ev = r->active & (~cont | (*u <= *w)) & ln->valid;

	if (any(&ev)) {
		/*
		 * Interval [start, end) in every lane that has one, without
		 * branching on which (ev is -1 there, 0 elsewhere), lane by
		 * lane with constant indices (a loop would go through
		 * memory, and narrow loads from a wide store stall).  start
		 * and w are trace times, so start's slot is in range; end
		 * may lie past the trace and goes to the last slot then.
		 */
		vi end = (r->until & ~cont) | (*w & cont);
		vi a = (vi)((vu)(r->start - g->base) >> g->shift);
		vi b = (vi)((vu)(end - 1 - g->base) >> g->shift) + 1;
		vi last = { 0 };

		last += (int64_t)g->len - 1;
		b = (b & (b < last)) | (last & (b >= last));
		df[0][a[0]] -= (int32_t)ev[0];
		df[0][b[0]] += (int32_t)ev[0];
		df[1][a[1]] -= (int32_t)ev[1];
		df[1][b[1]] += (int32_t)ev[1];
		df[2][a[2]] -= (int32_t)ev[2];
		df[2][b[2]] += (int32_t)ev[2];
		df[3][a[3]] -= (int32_t)ev[3];
		df[3][b[3]] += (int32_t)ev[3];
	}
	r->start = (r->start & cont) | (*w & ~cont);
	r->active = *u > *w;
	r->until = *u;
}

static inline __attribute__((always_inline)) void
rec_end(const struct rec *r, const struct lanes *ln, int32_t *const *df,
	const struct geom *g)
{
	for (unsigned k = 0; k < ln->n; k++) {
		if (r->active[k]) {
			size_t a = (size_t)((r->start[k] - g->base) >> g->shift);
			size_t b = (size_t)((r->until[k] - 1 - g->base) >> g->shift) + 1;

			df[k][a]++;
			df[k][b < g->len - 1 ? b : g->len - 1]--;
		}
	}
}

/*
 * A user whose sessions are sequential (each ends no later than the next
 * starts), for the points of ln at once.  The record then always holds
 * the lineage of the session just ended, so its start t0 and E or D are
 * the whole lineage state.
 */
static inline __attribute__((always_inline)) void
walk_seq(const struct usr *s, const enum trace_strategy st,
	 const struct lanes *ln, int32_t *const *df, const struct geom *g,
	 vi *res)
{
	const size_t n = s->n;
	const vi zero = { 0 };
	struct rec rc = { zero, zero, zero };
	vi t0 = zero, u;
	vu acc = { 0 };

	for (size_t i = 0; i < n; i++) {
		const vi c = zero + s->c[i], w = zero + s->d[i];
		const vi r = rc.active & (c < rc.until);	/* resumes */

		*res -= r;
		t0 = (t0 & r) | (c & ~r);
		if (st == TRACE_ESTABLISHED)
			acc = (acc & (vu)r) + (uint64_t)s->dur[i];
		else if (st == TRACE_DATA)
			acc = (acc & (vu)r) + s->bytes[i];
		usable_until(&u, st, ln, &t0, &acc, &w);
		rec_write(&rc, &u, &w, ln, df, g);
	}
	rec_end(&rc, ln, df, g);
}

/*
 * Any user, from the events load() put in replay order.  Lineages are
 * named by their first session.  Each session's row holds, lane by lane,
 * the lineage it joined and that lineage's T0 (which never changes, so a
 * disconnect reads its own row, not the lineage's); E and D, which grow
 * as the lineage's sessions end, sit in the first session's row and are
 * updated lane by lane (the lanes' lineages differ).  A connect that
 * starts a lineage clears its row in every lane: in a lane where it
 * resumed instead, no lineage is named after it.
 */
static inline __attribute__((always_inline)) void
walk_events(const struct usr *s, struct scratch *rows,
	    const enum trace_strategy st, const struct lanes *ln,
	    int32_t *const *df, const struct geom *g, vi *res)
{
	const size_t n = s->n;
	vi *lin = rows->lin, *lt0 = rows->lt0;
	vu *lacc = rows->acc;
	const vi zero = { 0 };
	const vu uzero = { 0 };
	struct rec rc = { zero, zero, zero };
	vi cur = zero, cur_t0 = zero, u;	/* the record's lineage, its T0 */

	for (size_t q = 0; q < 2 * n; q++) {
		int32_t e = s->ev[q];

		if (e >= 0) {
			const vi c = zero + s->c[e];
			const vi r = rc.active & (c < rc.until);

			*res -= r;
			lin[e] = (cur & r) | ((zero + e) & ~r);
			lt0[e] = (cur_t0 & r) | (c & ~r);
			if (st != TRACE_CLOCKED)
				lacc[e] = uzero;
		} else {
			const int32_t j = ~e;
			const vi w = zero + s->d[j], l = lin[j], t0 = lt0[j];
			vu acc = uzero;

			if (st == TRACE_ESTABLISHED)
				for (unsigned k = 0; k < LANES; k++)
					acc[k] = lacc[l[k]][k] += s->dur[j];
			else if (st == TRACE_DATA)
				for (unsigned k = 0; k < LANES; k++)
					acc[k] = lacc[l[k]][k] += s->bytes[j];
			usable_until(&u, st, ln, &t0, &acc, &w);
			rec_write(&rc, &u, &w, ln, df, g);
			cur = l;
			cur_t0 = t0;
		}
	}
	rec_end(&rc, ln, df, g);
}

/*
 * The block's users through every lane set, lane set by lane set.
 * Compiled for AVX2 as well where the compiler can dispatch at run time:
 * four 64-bit lanes are one instruction there, two elsewhere.
 */
#if defined(__x86_64__) && defined(__GNUC__) && \
	(!defined(__clang__) || __clang_major__ >= 14)
__attribute__((target_clones("avx2", "default")))
#endif
static void walk_block(struct scratch *s, size_t nus, const struct lanes *ls,
		       size_t nls, int32_t *arr, size_t per,
		       const struct geom *g, uint64_t *full, uint64_t *resumed)
{
	for (size_t l = 0; l < nls; l++) {
		const struct lanes *ln = &ls[l];
		int32_t *df[LANES];
		vi res = { 0 };
		size_t n = 0;

		for (unsigned k = 0; k < LANES; k++)
			df[k] = arr + per * ln->pt[k < ln->n ? k : 0];
		for (size_t i = 0; i < nus; i++) {
			const struct usr *u = &s->u[i];

#define WALK(ST) (u->seq ? walk_seq(u, ST, ln, df, g, &res) \
			 : walk_events(u, s, ST, ln, df, g, &res))
			switch (ln->st) {
			case TRACE_CLOCKED: WALK(TRACE_CLOCKED); break;
			case TRACE_ESTABLISHED: WALK(TRACE_ESTABLISHED); break;
			case TRACE_DATA: WALK(TRACE_DATA); break;
			}
#undef WALK
			n += u->n;
		}
		for (unsigned k = 0; k < ln->n; k++) {
			resumed[ln->pt[k]] += (uint64_t)res[k];
			full[ln->pt[k]] += n - (uint64_t)res[k];
		}
	}
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
 * Load a user's n sessions, by time, into the block at offset `at` and
 * describe them in *u: whether they are sequential (each ends no later
 * than the next starts), as most users' are, and if not the events in
 * replay order.
 */
static void load(struct scratch *s, size_t at, const struct trace_session *ss,
		 const uint32_t *idx, size_t n, struct usr *u)
{
	int64_t *c = s->c + at, *d = s->d + at;
	int32_t *ev = s->ev + 2 * at;
	bool seq = true, sorted = true;

	for (size_t i = 0; i < n; i++) {
		s->x[i] = ss[idx[i]];
		if (i && trace_session_cmp(&s->x[i - 1], &s->x[i]) > 0)
			sorted = false;
	}
	if (!sorted)
		qsort(s->x, n, sizeof(*s->x), trace_session_cmp);
	sorted = true;
	for (size_t i = 0; i < n; i++) {
		c[i] = s->x[i].connect;
		d[i] = (int64_t)s->x[i].connect + s->x[i].duration;
		s->dur[at + i] = s->x[i].duration;
		s->bytes[at + i] = s->x[i].bytes_in + s->x[i].bytes_out;
		s->ord[i] = (uint32_t)i;
		if (i && d[i] < d[i - 1])
			sorted = false;
		if (i && d[i - 1] > c[i])
			seq = false;
	}
	*u = (struct usr){ c, d, s->dur + at, s->bytes + at, ev, n, seq };
	if (seq)
		return;
	/* Overlapping sessions: insertion sort by (disconnect, index). */
	for (size_t i = 1; !sorted && i < n; i++) {
		uint32_t v = s->ord[i];
		size_t j = i;

		while (j > 0 && d[s->ord[j - 1]] > d[v]) {
			s->ord[j] = s->ord[j - 1];
			j--;
		}
		s->ord[j] = v;
	}
	/*
	 * The events in replay order: before each connect, the disconnects
	 * up to its second (disconnects first at equal times), but never
	 * one of a session not yet connected.
	 */
	{
		size_t e = 0, q = 0;

		for (size_t i = 0; i <= n; i++) {
			int64_t t = i < n ? c[i] : TRACE_NEVER;

			while (e < n && d[s->ord[e]] <= t && s->ord[e] < i)
				ev[q++] = ~(int32_t)s->ord[e++];
			if (i < n)
				ev[q++] = (int32_t)i;
		}
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

/*
 * An array the size of the trace: on huge pages where the kernel allows,
 * 512 times fewer page faults (the first touch of memory is slow on the
 * VMs we measured).
 */
static void *big_alloc(size_t bytes)
{
	const size_t huge = 2u << 20;
	void *p;

	if (bytes < 2 * huge)
		return malloc(bytes);
	p = aligned_alloc(huge, (bytes + huge - 1) & ~(huge - 1));
	if (p)
		(void)madvise(p, bytes, MADV_HUGEPAGE);
	return p;
}

/* A counting sort of session indices by user, in slices, one a thread. */
struct grouping {
	const struct trace_session *ss;
	size_t ns, nu;
	unsigned nparts;
	uint32_t **cnt;		/* per slice: sessions of each user, then
				 * where the slice's next one goes */
	uint32_t *idx;
};

static void count_slice(void *arg, unsigned k)
{
	struct grouping *gp = arg;
	size_t a = gp->ns * k / gp->nparts, b = gp->ns * (k + 1) / gp->nparts;
	uint32_t *cnt = gp->cnt[k];

	for (size_t i = a; i < b; i++)
		cnt[gp->ss[i].user]++;
}

static void place_slice(void *arg, unsigned k)
{
	struct grouping *gp = arg;
	size_t a = gp->ns * k / gp->nparts, b = gp->ns * (k + 1) / gp->nparts;
	uint32_t *next = gp->cnt[k];

	for (size_t i = a; i < b; i++)
		gp->idx[next[gp->ss[i].user]++] = (uint32_t)i;
}

/*
 * idx: session indices grouped by user, in index order within a user;
 * first[u]..first[u+1] is user u.  Each of `parts` threads counts and then
 * places a slice of the sessions; slice k's sessions of a user go after
 * slice k-1's, so the result is the same for any number of slices.
 */
static int group_by_user(const struct trace *t, unsigned parts,
			 uint32_t **idx_out, uint32_t **first_out, size_t *maxu)
{
	struct grouping gp = { trace_sessions(t), trace_count(t),
			       trace_user_count(t), parts, NULL, NULL };
	uint32_t *first = calloc(gp.nu + 1, sizeof(*first));
	int rc = ERR_NOMEM;

	gp.idx = big_alloc((gp.ns ? gp.ns : 1) * sizeof(*gp.idx));
	gp.cnt = calloc(parts, sizeof(*gp.cnt));
	if (!first || !gp.idx || !gp.cnt)
		goto out;
	for (unsigned k = 0; k < parts; k++)
		if (!(gp.cnt[k] = calloc(gp.nu ? gp.nu : 1, sizeof(uint32_t))))
			goto out;
	trace_threads_run(parts, count_slice, &gp);
	*maxu = 0;
	for (size_t u = 0, at = 0; u < gp.nu; u++) {
		first[u] = (uint32_t)at;
		for (unsigned k = 0; k < parts; k++) {
			uint32_t c = gp.cnt[k][u];

			gp.cnt[k][u] = (uint32_t)at;
			at += c;
		}
		if (at - first[u] > *maxu)
			*maxu = at - first[u];
		first[u + 1] = (uint32_t)at;
	}
	trace_threads_run(parts, place_slice, &gp);
	*idx_out = gp.idx;
	*first_out = first;
	gp.idx = NULL;
	first = NULL;
	rc = 0;
out:
	for (unsigned k = 0; gp.cnt && k < parts; k++)
		free(gp.cnt[k]);
	free(gp.cnt);
	free(gp.idx);
	free(first);
	return rc;
}

/* Sessions per thread below which another thread does not pay. */
#define SIM_PER_THREAD 4096
/* How far ahead of loading the sessions are fetched. */
#define PREFETCH 48

/* One thread's users, scratch space, peak arrays and counts. */
struct worker {
	size_t u0, u1;		/* users [u0, u1) */
	struct scratch sc;
	int32_t *arr;		/* np arrays of `per` peak differences */
	uint64_t full[TRACE_SIM_MAX_POINTS], resumed[TRACE_SIM_MAX_POINTS];
};

/* A group of points for all threads. */
struct job {
	const struct trace_session *ss;
	const uint32_t *idx, *first;
	size_t nu;
	const struct trace_sim_point *pts;
	size_t np;
	const struct lanes *ls;
	size_t nls;
	uint64_t max_age;
	struct geom g;
	size_t per;
	struct worker *w;
};

static void replay_users(void *arg, unsigned k)
{
	const struct job *j = arg;
	struct worker *wk = &j->w[k];
	const uint32_t *first = j->first;
	size_t u = wk->u0;

	memset(wk->arr, 0, j->np * j->per * sizeof(int32_t));
	memset(wk->full, 0, sizeof(wk->full));
	memset(wk->resumed, 0, sizeof(wk->resumed));
	size_t pf = first[u], pf_end = first[wk->u1];

	while (u < wk->u1) {
		size_t at = 0, nus = 0;

		/* A block: users while their sessions fit (one at least). */
		for (; u < wk->u1; u++) {
			size_t a = first[u], cnt = first[u + 1] - a;

			if (!cnt)
				continue;
			if (at && at + cnt > wk->sc.cap)
				break;
			/* Sessions lie all over the trace: fetch them a
			 * steady PREFETCH sessions ahead of their loading. */
			for (; pf < a + cnt + PREFETCH && pf < pf_end; pf++)
				__builtin_prefetch(&j->ss[j->idx[pf]]);
			load(&wk->sc, at, j->ss, j->idx + a, cnt, &wk->sc.u[nus++]);
			at += cnt;
		}
		walk_block(&wk->sc, nus, j->ls, j->nls, wk->arr, j->per, &j->g,
			   wk->full, wk->resumed);
	}
}

/* The points of each strategy in sets of LANES; returns how many sets. */
static size_t make_lanes(const struct trace_sim_point *pts, size_t np,
			 uint64_t max_age, struct lanes *ls)
{
	size_t nls = 0;

	for (int st = TRACE_CLOCKED; st <= TRACE_DATA; st++) {
		struct lanes *ln = NULL;

		for (size_t q = 0; q < np; q++) {
			if (pts[q].strategy != (enum trace_strategy)st)
				continue;
			if (!ln || ln->n == LANES) {
				ln = &ls[nls++];
				memset(ln, 0, sizeof(*ln));
			}
			ln->pt[ln->n] = (uint16_t)q;
			lanes_set(ln, ln->n++, &pts[q], max_age);
		}
	}
	/* Unused lanes compute lane 0 again; their results are dropped. */
	for (size_t l = 0; l < nls; l++)
		for (unsigned k = ls[l].n; k < LANES; k++) {
			ls[l].lim[k] = ls[l].lim[0];
			ls[l].age[k] = ls[l].age[0];
			ls[l].valid[k] = 0;
		}
	return nls;
}

int trace_simulate(struct trace *t, const struct trace_sim_params *p,
		   const struct trace_sim_point *pts, size_t n,
		   struct trace_sim_result *res)
{
	size_t ns = trace_count(t), nu = trace_user_count(t), maxu = 0;
	struct lanes ls[TRACE_SIM_MAX_POINTS + 3];
	struct job j = { .ss = trace_sessions(t), .nu = nu, .max_age = p->max_age };
	uint32_t *idx = NULL, *first = NULL;
	struct worker *w = NULL;
	size_t budget, group;
	int64_t first_t, last_t;
	uint64_t span, slots;
	unsigned shift = 0, nw;
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
	nw = trace_threads(p->threads);
	if (nw > ns / SIM_PER_THREAD + 1)
		nw = (unsigned)(ns / SIM_PER_THREAD + 1);
	if (nw > nu)
		nw = (unsigned)nu;
	if ((rc = group_by_user(t, nw, &idx, &first, &maxu)) != 0)
		return rc;
	j.idx = idx;
	j.first = first;
	trace_span(t, &first_t, &last_t);
	span = (uint64_t)(last_t - first_t) + 1;
	slots = p->peak_slots ? p->peak_slots : TRACE_PEAK_SLOTS_DEFAULT;
	while ((span >> shift) > slots)
		shift++;
	j.per = (size_t)(span >> shift) + 2;
	j.g = (struct geom){ j.per, first_t, shift };
	/* All points in one pass unless their arrays pass 64 MiB together. */
	budget = 64u << 20;
	group = budget / (j.per * sizeof(int32_t) * nw);
	if (group < 1)
		group = 1;
	if (group > n)
		group = n;
	rc = ERR_NOMEM;
	if (!(w = calloc(nw, sizeof(*w))))
		goto out;
	/* Contiguous user ranges of about equal session counts. */
	for (unsigned k = 0; k < nw; k++) {
		size_t want = ns * k / nw, lo = 0, hi = nu;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;

			if (first[mid] < want)
				lo = mid + 1;
			else
				hi = mid;
		}
		w[k].u0 = k ? lo : 0;
		if (k)
			w[k - 1].u1 = w[k].u0;
	}
	w[nw - 1].u1 = nu;
	for (unsigned k = 0; k < nw; k++) {
		if (scratch_alloc(&w[k].sc, maxu) != 0 ||
		    !(w[k].arr = malloc(group * j.per * sizeof(int32_t))))
			goto out;
	}
	j.w = w;
	for (size_t p0 = 0; p0 < n; p0 += group) {
		size_t np = n - p0 < group ? n - p0 : group;
		int32_t *sum = w[0].arr;

		j.pts = pts + p0;
		j.np = np;
		j.nls = make_lanes(j.pts, np, p->max_age, ls);
		j.ls = ls;
		trace_threads_run(nw, replay_users, &j);
		for (unsigned k = 1; k < nw; k++)
			for (size_t i = 0; i < np * j.per; i++)
				sum[i] += w[k].arr[i];
		for (size_t q = 0; q < np; q++) {
			const int32_t *a = sum + q * j.per;
			int64_t cur = 0, peak = 0;

			for (unsigned k = 0; k < nw; k++) {
				res[p0 + q].full += w[k].full[q];
				res[p0 + q].resumed += w[k].resumed[q];
			}
			for (size_t i = 0; i < j.per; i++) {
				cur += a[i];
				if (cur > peak)
					peak = cur;
			}
			res[p0 + q].peak_records = (uint64_t)peak;
			res[p0 + q].peak_resolution = 1u << shift;
		}
	}
	rc = 0;
out:
	for (unsigned k = 0; w && k < nw; k++) {
		scratch_free(&w[k].sc);
		free(w[k].arr);
	}
	free(w);
	free(idx);
	free(first);
	return rc;
}
