/*
 * trace_shards.c - several threads filling one session store at once.
 *
 * A reader that parses a file in parts on several threads gives each part
 * a shard: a struct trace of its own whose sessions go straight into a
 * region of the parent's array (so no session is ever held twice) and
 * whose users are interned in a map of its own (so the threads share
 * nothing while they run).  Shard 0 uses the parent's map: its part comes
 * first, so its ids are the ones sequential reading would give.
 *
 * Merging, in shard order, makes the parent exactly what one thread
 * reading the parts one after the other would have made: each shard's
 * names are looked up in the parent's map (on all threads: users come
 * back, so most are there) and the others interned in the shard's id
 * order (new names get the next ids); the sessions' user ids are
 * translated in place (on all threads), the sessions moved down (or up)
 * next to each other, and the time span widened.  The
 * regions are sized from an estimate, so a shard may outgrow its region;
 * it then continues in an array of its own (trace.c), which is copied in
 * last.  The moves go in an order that never overwrites a region not yet
 * moved: first every region that moves down, lowest first, then every one
 * that moves up, highest first, then the shards with arrays of their own.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/err.h"
#include "trace/trace_int.h"

int trace_shards_begin(struct trace_shards *sp, struct trace *t,
		       const size_t *cap, size_t n)
{
	size_t total = 0;
	int rc;

	memset(sp, 0, sizeof(*sp));
	if (n < 1 || n > TRACE_SHARDS_MAX)
		return ERR_INVAL;
	for (size_t k = 0; k < n; k++) {
		if (cap[k] > TRACE_SESSIONS_MAX - total)
			return ERR_LIMIT;
		sp->off[k] = total;
		sp->cap[k] = cap[k];
		total += cap[k];
	}
	if (total > TRACE_SESSIONS_MAX - t->n)
		return ERR_LIMIT;
	if ((rc = trace_grow(t, t->n + total)) != 0)
		return rc;
	for (size_t k = 0; k < n; k++) {
		struct trace *sh = calloc(1, sizeof(*sh));

		if (!sh) {
			for (size_t j = 0; j < k; j++)
				trace_free(sp->sh[j]);
			memset(sp, 0, sizeof(*sp));
			return ERR_NOMEM;
		}
		trace_map_init(&sh->users, TRACE_USERS_MAX);
		sh->s = t->s + t->n + sp->off[k];
		sh->cap = cap[k];
		sh->borrowed = true;
		sp->sh[k] = sh;
	}
	/* Shard 0 interns in the parent's map (moved, and back at the end). */
	sp->sh[0]->users = t->users;
	memset(&t->users, 0, sizeof(t->users));
	sp->t = t;
	sp->n = n;
	sp->base = t->n;
	return 0;
}

/* No such name in the parent's map (yet). */
#define UNKNOWN UINT32_MAX

struct lookup_job {
	const struct trace_map *parent, *m;
	uint32_t *remap;
	unsigned nparts;
};

/*
 * Slice k of a shard's names looked up in the parent's map, which no one
 * changes meanwhile: its id, or UNKNOWN.  Names are hashed AHEAD ahead and
 * their slots prefetched, the parent's map being far larger than the
 * cache.
 */
static void lookup_slice(void *arg, unsigned k)
{
	enum { AHEAD = 16 };
	const struct lookup_job *j = arg;
	uint32_t n = j->m->count;
	uint32_t a = (uint32_t)((uint64_t)n * k / j->nparts);
	uint32_t b = (uint32_t)((uint64_t)n * (k + 1) / j->nparts);
	uint64_t h[AHEAD];

	for (uint32_t i = a; i < b && i < a + AHEAD; i++) {
		size_t len;
		const char *key = trace_map_key(j->m, i, &len);

		h[i % AHEAD] = trace_map_hash(key, len);
		trace_map_prefetch(j->parent, h[i % AHEAD]);
	}
	for (uint32_t i = a; i < b; i++) {
		size_t len;
		const char *key = trace_map_key(j->m, i, &len);
		int64_t id = trace_map_lookup(j->parent, key, len, h[i % AHEAD]);

		j->remap[i] = id >= 0 ? (uint32_t)id : UNKNOWN;
		if (i + AHEAD < b) {
			key = trace_map_key(j->m, i + AHEAD, &len);
			h[i % AHEAD] = trace_map_hash(key, len);
			trace_map_prefetch(j->parent, h[i % AHEAD]);
		}
	}
}

/*
 * Ids of a shard's users in the parent's map: most names are there
 * already (users come back), looked up on `threads` threads; the others
 * are added in the shard's id order, so new ids follow first appearance.
 */
static int translate(struct trace_map *parent, const struct trace_map *m,
		     uint32_t *remap, unsigned threads)
{
	struct lookup_job j = { parent, m, remap, threads };
	int rc;

	trace_threads_run(threads, lookup_slice, &j);
	for (uint32_t i = 0; i < m->count; i++) {
		size_t len;
		const char *key;

		if (remap[i] != UNKNOWN)
			continue;
		key = trace_map_key(m, i, &len);
		rc = trace_map_get(parent, key, len, trace_map_hash(key, len),
				   &remap[i], NULL);
		if (rc)
			return rc;
	}
	return 0;
}

struct remap_job {
	struct trace_shards *sp;
	size_t keep;
	unsigned nparts;
};

/* Slice k of every translated shard's sessions, ids made the parent's. */
static void remap_slice(void *arg, unsigned k)
{
	const struct remap_job *j = arg;

	for (size_t s = 1; s < j->keep; s++) {
		struct trace *sh = j->sp->sh[s];
		const uint32_t *remap = j->sp->remap[s];
		size_t a = sh->n * k / j->nparts, b = sh->n * (k + 1) / j->nparts;

		for (size_t i = a; i < b; i++)
			sh->s[i].user = remap[sh->s[i].user];
	}
}

/* Move n sessions from src to dst (which may overlap). */
static void move(struct trace_session *dst, const struct trace_session *src,
		 size_t n)
{
	if (dst != src && n)
		memmove(dst, src, n * sizeof(*dst));
}

/* Let the kernel take back the pages past the sessions (stale copies of
 * regions that moved down); they are zero-filled if used again. */
static void release_tail(struct trace *t)
{
	uintptr_t a = (uintptr_t)(t->s + t->n), e = (uintptr_t)(t->s + t->cap);

	a = (a + 4095) & ~(uintptr_t)4095;
	e &= ~(uintptr_t)4095;
	if (e > a && e - a >= (1u << 20))
		(void)madvise((void *)a, e - a, MADV_DONTNEED);
}

int trace_shards_end(struct trace_shards *sp, size_t keep)
{
	struct trace *t = sp->t;
	size_t fin[TRACE_SHARDS_MAX], total = 0;
	bool any = t->n > 0;
	int rc = 0;

	if (keep > sp->n)
		keep = sp->n;
	t->users = sp->sh[0]->users;
	memset(&sp->sh[0]->users, 0, sizeof(sp->sh[0]->users));
	for (size_t k = 1; k < keep; k++) {
		const struct trace_map *m = &sp->sh[k]->users;

		sp->remap[k] = malloc((m->count ? m->count : 1) * sizeof(uint32_t));
		if (!sp->remap[k])
			rc = ERR_NOMEM;
		else
			rc = translate(&t->users, m, sp->remap[k], (unsigned)sp->n);
		if (rc) {
			keep = k;
			break;
		}
	}
	{
		/* Ids made the parent's in place, on every thread. */
		struct remap_job rj = { sp, keep, (unsigned)sp->n };

		trace_threads_run(rj.nparts, remap_slice, &rj);
	}
	for (size_t k = 0; k < keep; k++) {
		fin[k] = sp->base + total;
		total += sp->sh[k]->n;
	}
	if (t->cap < sp->base + total) {
		int grc = trace_grow(t, sp->base + total);

		if (grc) {
			/* Nothing merged: even shard 0's sessions are lost. */
			rc = grc;
			keep = 0;
			total = 0;
		}
	}
	/* Regions moving down, lowest first; then up, highest first. */
	for (size_t k = 0; k < keep; k++) {
		size_t at = sp->base + sp->off[k];

		if (sp->sh[k]->borrowed && fin[k] <= at)
			move(t->s + fin[k], t->s + at, sp->sh[k]->n);
	}
	for (size_t k = keep; k-- > 0;) {
		size_t at = sp->base + sp->off[k];

		if (sp->sh[k]->borrowed && fin[k] > at)
			move(t->s + fin[k], t->s + at, sp->sh[k]->n);
	}
	for (size_t k = 0; k < keep; k++)
		if (!sp->sh[k]->borrowed)
			move(t->s + fin[k], sp->sh[k]->s, sp->sh[k]->n);
	for (size_t k = 0; k < keep; k++) {
		const struct trace *sh = sp->sh[k];

		if (!sh->n)
			continue;
		if (!any || sh->first < t->first)
			t->first = sh->first;
		if (!any || sh->last > t->last)
			t->last = sh->last;
		any = true;
	}
	t->n = sp->base + total;
	sp->kept = keep;
	release_tail(t);
	for (size_t k = 0; k < sp->n; k++) {
		trace_free(sp->sh[k]);
		sp->sh[k] = NULL;
	}
	return rc;
}

void trace_shards_release(struct trace_shards *sp)
{
	for (size_t k = 0; k < TRACE_SHARDS_MAX; k++) {
		free(sp->remap[k]);
		sp->remap[k] = NULL;
	}
}
