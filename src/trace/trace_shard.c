/*
 * trace_shard.c - several threads filling one session store at once.
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
 * names, in its id order, are interned in the parent's map (new names get
 * the next ids), the sessions are moved down (or up) next to each other
 * with their user ids translated, and the time span is widened.  The
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

/* Ids of shard k's users in the parent's map, new names added in order. */
static int translate(struct trace_map *parent, const struct trace_map *m,
		     uint32_t *remap)
{
	enum { AHEAD = 16 };
	uint64_t h[AHEAD];
	uint32_t n = m->count;
	int rc;

	/* Hash AHEAD names ahead and prefetch their slots: the parent's map
	 * is far larger than the cache. */
	for (uint32_t i = 0; i < n && i < AHEAD; i++) {
		size_t len;
		const char *key = trace_map_key(m, i, &len);

		h[i] = trace_map_hash(key, len);
		trace_map_prefetch(parent, h[i]);
	}
	for (uint32_t i = 0; i < n; i++) {
		size_t len;
		const char *key = trace_map_key(m, i, &len);

		rc = trace_map_get(parent, key, len, h[i % AHEAD], &remap[i], NULL);
		if (rc)
			return rc;
		if (i + AHEAD < n) {
			key = trace_map_key(m, i + AHEAD, &len);
			h[i % AHEAD] = trace_map_hash(key, len);
			trace_map_prefetch(parent, h[i % AHEAD]);
		}
	}
	return 0;
}

/* Copy n sessions from src to dst (which may overlap), translating ids. */
static void move(struct trace_session *dst, const struct trace_session *src,
		 size_t n, const uint32_t *remap)
{
	if (dst == src && !remap)
		return;
	if (!remap) {
		memmove(dst, src, n * sizeof(*dst));
	} else if (dst <= src) {
		for (size_t i = 0; i < n; i++) {
			struct trace_session x = src[i];

			x.user = remap[x.user];
			dst[i] = x;
		}
	} else {
		for (size_t i = n; i-- > 0;) {
			struct trace_session x = src[i];

			x.user = remap[x.user];
			dst[i] = x;
		}
	}
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
			rc = translate(&t->users, m, sp->remap[k]);
		if (rc) {
			keep = k;
			break;
		}
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
			move(t->s + fin[k], t->s + at, sp->sh[k]->n, sp->remap[k]);
	}
	for (size_t k = keep; k-- > 0;) {
		size_t at = sp->base + sp->off[k];

		if (sp->sh[k]->borrowed && fin[k] > at)
			move(t->s + fin[k], t->s + at, sp->sh[k]->n, sp->remap[k]);
	}
	for (size_t k = 0; k < keep; k++)
		if (!sp->sh[k]->borrowed)
			move(t->s + fin[k], sp->sh[k]->s, sp->sh[k]->n, sp->remap[k]);
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
