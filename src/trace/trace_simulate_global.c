/*
 * trace_simulate_global.c - the simulator in global time order, with an
 * LRU-evicting cache of bounded capacity.
 *
 * Once records compete for room, users are no longer independent, so this
 * engine replays every connect and disconnect of the trace in time order
 * (same tie rules as trace_simulate.c) against one cache:
 *
 *   - before the events of second t, records that stopped being usable
 *     (trace_sim_until() <= t) leave the cache; they are expired, not
 *     evicted;
 *   - a disconnect writes the user's record (replacing any older one) and
 *     makes it most recently used; with the cache full, the least recently
 *     used record is evicted first;
 *   - a connect that resumes makes its record most recently used.
 *
 * The peak is the largest record count after the events of any second.
 * It costs more memory than the per-user engine (orders, lineages and an
 * expiry heap: about 50 bytes a session more) and is used when a capacity
 * is set; without one both engines must agree, which the tests check.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "trace/trace_int.h"

#define NIL UINT32_MAX

struct heap_ent {
	int64_t until;
	uint32_t user;
};

struct g {
	/* per user */
	uint32_t *rec;		/* lineage of the cached record, or NIL */
	int64_t *until;
	uint32_t *prev, *next;	/* LRU list, head = most recent */
	/* per lineage */
	int64_t *lt0;
	uint64_t *le, *ld;
	uint32_t nlin;
	uint32_t head, tail;
	uint64_t count;
	struct heap_ent *heap;
	size_t nheap, heap_cap;
};

static void lru_unlink(struct g *g, uint32_t u)
{
	if (g->prev[u] != NIL)
		g->next[g->prev[u]] = g->next[u];
	else
		g->head = g->next[u];
	if (g->next[u] != NIL)
		g->prev[g->next[u]] = g->prev[u];
	else
		g->tail = g->prev[u];
	g->prev[u] = g->next[u] = NIL;
}

static void lru_front(struct g *g, uint32_t u)
{
	g->prev[u] = NIL;
	g->next[u] = g->head;
	if (g->head != NIL)
		g->prev[g->head] = u;
	g->head = u;
	if (g->tail == NIL)
		g->tail = u;
}

static void drop(struct g *g, uint32_t u)
{
	lru_unlink(g, u);
	g->rec[u] = NIL;
	g->count--;
}

static int heap_push(struct g *g, int64_t until, uint32_t u)
{
	size_t i;

	if (g->nheap == g->heap_cap) {
		size_t c = g->heap_cap ? g->heap_cap * 2 : 1024;
		struct heap_ent *h = realloc(g->heap, c * sizeof(*h));

		if (!h)
			return ERR_NOMEM;
		g->heap = h;
		g->heap_cap = c;
	}
	i = g->nheap++;
	while (i && g->heap[(i - 1) / 2].until > until) {
		g->heap[i] = g->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	g->heap[i] = (struct heap_ent){ until, u };
	return 0;
}

static void heap_pop(struct g *g)
{
	struct heap_ent last = g->heap[--g->nheap];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= g->nheap)
			break;
		if (c + 1 < g->nheap && g->heap[c + 1].until < g->heap[c].until)
			c++;
		if (g->heap[c].until >= last.until)
			break;
		g->heap[i] = g->heap[c];
		i = c;
	}
	if (g->nheap)
		g->heap[i] = last;
}

/* Remove records no longer usable at t (stale heap entries skipped). */
static void expire(struct g *g, int64_t t)
{
	while (g->nheap && g->heap[0].until <= t) {
		struct heap_ent h = g->heap[0];

		heap_pop(g);
		if (g->rec[h.user] != NIL && g->until[h.user] == h.until)
			drop(g, h.user);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Stable sort of idx[0..n) by key[idx[i]]: two 16-bit radix passes, or
 * for small n (where the 64K counters would dominate) a sort of
 * (key << 32 | position) pairs, which ties by position just the same.
 */
static int radix_idx(uint32_t *idx, size_t n, const uint32_t *key)
{
	uint32_t *tmp, *cnt;

	if (n < 16384) {
		uint64_t *kv = malloc((n ? n : 1) * sizeof(*kv));

		if (!kv)
			return ERR_NOMEM;
		for (size_t i = 0; i < n; i++)
			kv[i] = (uint64_t)key[idx[i]] << 32 | i;
		qsort(kv, n, sizeof(*kv), cmp_u64);
		for (size_t i = 0; i < n; i++)
			kv[i] = idx[(uint32_t)kv[i]];
		for (size_t i = 0; i < n; i++)
			idx[i] = (uint32_t)kv[i];
		free(kv);
		return 0;
	}
	tmp = malloc(n * sizeof(*tmp));
	cnt = malloc(65536 * sizeof(*cnt));

	if (!tmp || !cnt) {
		free(tmp);
		free(cnt);
		return ERR_NOMEM;
	}
	for (int pass = 0; pass < 2; pass++) {
		uint32_t *src = pass ? tmp : idx, *dst = pass ? idx : tmp;
		unsigned sh = pass ? 16 : 0;
		uint32_t sum = 0;

		memset(cnt, 0, 65536 * sizeof(*cnt));
		for (size_t i = 0; i < n; i++)
			cnt[(key[src[i]] >> sh) & 0xffff]++;
		for (size_t d = 0; d < 65536; d++) {
			uint32_t c = cnt[d];

			cnt[d] = sum;
			sum += c;
		}
		for (size_t i = 0; i < n; i++)
			dst[cnt[(key[src[i]] >> sh) & 0xffff]++] = src[i];
	}
	free(tmp);
	free(cnt);
	return 0;
}

static int run(const struct trace_session *ss, size_t ns, size_t nu,
	       const uint32_t *co, const uint32_t *eo, uint32_t *lin_of,
	       const struct trace_sim_params *p, const struct trace_sim_point *pt,
	       struct g *g, struct trace_sim_result *res)
{
	size_t e = 0;
	int64_t second = -1;
	uint64_t peak = 0;
	int rc;

	for (size_t u = 0; u < nu; u++) {
		g->rec[u] = NIL;
		g->prev[u] = g->next[u] = NIL;
	}
	g->head = g->tail = NIL;
	g->count = 0;
	g->nlin = 0;
	g->nheap = 0;
	for (size_t i = 0; i <= ns; i++) {
		int64_t t = i < ns ? ss[co[i]].connect : TRACE_NEVER;

		while (e < ns) {
			uint32_t pos = eo[e], j = co[pos], u = ss[j].user, l;
			int64_t w = (int64_t)ss[j].connect + ss[j].duration, until;

			if (w > t || pos >= i)
				break;
			e++;
			if (w != second) {
				if (g->count > peak)
					peak = g->count;
				second = w;
			}
			expire(g, w);
			l = lin_of[pos];
			g->le[l] += ss[j].duration;
			g->ld[l] += ss[j].bytes_in + ss[j].bytes_out;
			until = trace_sim_until(pt, p->max_age, w, g->lt0[l],
						g->le[l], g->ld[l]);
			if (until <= w) {
				if (g->rec[u] != NIL)
					drop(g, u);
				continue;
			}
			if (g->rec[u] != NIL) {
				lru_unlink(g, u);
			} else {
				if (p->capacity && g->count >= p->capacity) {
					drop(g, g->tail);
					res->evicted++;
				}
				g->count++;
			}
			lru_front(g, u);
			g->rec[u] = l;
			g->until[u] = until;
			if (until != TRACE_NEVER && (rc = heap_push(g, until, u)))
				return rc;
		}
		if (i == ns)
			break;
		if (t != second) {
			if (g->count > peak)
				peak = g->count;
			second = t;
		}
		expire(g, t);
		{
			uint32_t j = co[i], u = ss[j].user;

			if (g->rec[u] != NIL && t < g->until[u]) {
				lin_of[i] = g->rec[u];
				lru_unlink(g, u);
				lru_front(g, u);
				res->resumed++;
			} else {
				lin_of[i] = g->nlin;
				g->lt0[g->nlin] = t;
				g->le[g->nlin] = 0;
				g->ld[g->nlin] = 0;
				g->nlin++;
				res->full++;
			}
		}
	}
	if (g->count > peak)
		peak = g->count;
	res->peak_records = peak;
	res->peak_resolution = 1;
	return 0;
}

int trace_simulate_global(struct trace *t, const struct trace_sim_params *p,
			  const struct trace_sim_point *pts, size_t n,
			  struct trace_sim_result *res)
{
	const struct trace_session *ss;
	size_t ns = trace_count(t), nu = trace_user_count(t);
	uint32_t *co = NULL, *eo = NULL, *key = NULL, *lin_of = NULL;
	struct g g = { 0 };
	int rc;

	if (n > TRACE_SIM_MAX_POINTS)
		return ERR_LIMIT;
	for (size_t i = 0; i < n; i++)
		if (pts[i].strategy > TRACE_DATA)
			return ERR_INVAL;
	/* Same within-user order as the per-user engine. */
	if ((rc = trace_sort_by_user(t)) != 0)
		return rc;
	ss = trace_sessions(t);
	for (size_t i = 0; i < n; i++)
		res[i] = (struct trace_sim_result){ .point = pts[i],
						    .sessions = ns };
	if (!ns || !n)
		return 0;
	rc = ERR_NOMEM;
	co = malloc(ns * sizeof(*co));
	eo = malloc(ns * sizeof(*eo));
	key = malloc(ns * sizeof(*key));
	lin_of = malloc(ns * sizeof(*lin_of));
	g.rec = malloc(nu * sizeof(*g.rec));
	g.until = malloc(nu * sizeof(*g.until));
	g.prev = malloc(nu * sizeof(*g.prev));
	g.next = malloc(nu * sizeof(*g.next));
	g.lt0 = malloc(ns * sizeof(*g.lt0));
	g.le = malloc(ns * sizeof(*g.le));
	g.ld = malloc(ns * sizeof(*g.ld));
	if (!co || !eo || !key || !lin_of || !g.rec || !g.until || !g.prev ||
	    !g.next || !g.lt0 || !g.le || !g.ld)
		goto out;
	/* co: sessions by connect; eo: connect positions by disconnect. */
	for (size_t i = 0; i < ns; i++) {
		co[i] = (uint32_t)i;
		key[i] = ss[i].connect;
	}
	if ((rc = radix_idx(co, ns, key)) != 0)
		goto out;
	for (size_t i = 0; i < ns; i++) {
		eo[i] = (uint32_t)i;
		key[i] = ss[co[i]].connect + ss[co[i]].duration;
	}
	if ((rc = radix_idx(eo, ns, key)) != 0)
		goto out;
	for (size_t k = 0; k < n; k++)
		if ((rc = run(ss, ns, nu, co, eo, lin_of, p, &pts[k], &g,
			      &res[k])) != 0)
			goto out;
	rc = 0;
out:
	free(co);
	free(eo);
	free(key);
	free(lin_of);
	free(g.rec);
	free(g.until);
	free(g.prev);
	free(g.next);
	free(g.lt0);
	free(g.le);
	free(g.ld);
	free(g.heap);
	return rc;
}
