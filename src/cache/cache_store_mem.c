/*
 * cache_store_mem.c - the store seam over an in-memory map.
 *
 * Nothing survives the process, but everything the cache does with a real
 * store (sealing, batching, reloading into a fresh cache, dropping values
 * that fail to open) can be exercised without a disk; tests also use it to
 * tamper with stored values.  Keys and values are bounded by the seam's
 * limits and the number of pairs by max_entries.
 */
#include <stdlib.h>
#include <string.h>

#include "cache/cache_store.h"
#include "common/err.h"
#include "common/hmap.h"
#include "common/wipe.h"

struct pair {
	struct hmap_node node;
	size_t klen, vlen;
	uint8_t data[];		/* key, then value */
};

struct mem_store {
	struct cache_store base;
	struct hmap map;
	size_t max;
	uint8_t hkey[16];	/* keys are the cache's own: a fixed key will do */
};

static struct mem_store *ms(struct cache_store *s)
{
	return (struct mem_store *)s;
}

static struct pair *find(struct mem_store *m, const uint8_t *key, size_t klen, uint64_t h)
{
	for (struct hmap_node *n = hmap_lookup(&m->map, h); n; n = hmap_next_equal(n)) {
		struct pair *p = container_of(n, struct pair, node);

		if (p->klen == klen && memcmp(p->data, key, klen) == 0)
			return p;
	}
	return NULL;
}

static void drop(struct mem_store *m, struct pair *p)
{
	hmap_remove(&m->map, &p->node);
	wipe(p->data, p->klen + p->vlen);
	free(p);
}

static int nop(struct cache_store *s)
{
	(void)s;
	return 0;
}

static void nop_abort(struct cache_store *s)
{
	(void)s;
}

static int mem_put(struct cache_store *s, const uint8_t *key, size_t klen,
		   const uint8_t *val, size_t vlen)
{
	struct mem_store *m = ms(s);
	uint64_t h = hmap_siphash(m->hkey, key, klen);
	struct pair *old = find(m, key, klen, h), *p;

	if (klen == 0 || klen > CACHE_STORE_KEY_MAX || vlen > CACHE_STORE_VAL_MAX)
		return ERR_INVAL;
	if (!old && m->map.count >= m->max)
		return ERR_LIMIT;
	p = malloc(sizeof(*p) + klen + vlen);
	if (!p)
		return ERR_NOMEM;
	p->klen = klen;
	p->vlen = vlen;
	memcpy(p->data, key, klen);
	memcpy(p->data + klen, val, vlen);
	if (old)
		drop(m, old);
	hmap_insert(&m->map, &p->node, h);	/* ERR_NOMEM here still links p */
	return 0;
}

static int mem_del(struct cache_store *s, const uint8_t *key, size_t klen)
{
	struct mem_store *m = ms(s);
	struct pair *p = find(m, key, klen, hmap_siphash(m->hkey, key, klen));

	if (p)
		drop(m, p);
	return 0;
}

static int mem_load(struct cache_store *s, cache_store_load_fn fn, void *ctx)
{
	struct mem_store *m = ms(s);
	size_t b;

	for (struct hmap_node *n = hmap_iter_first(&m->map, &b); n;
	     n = hmap_iter_next(&m->map, &b, n)) {
		struct pair *p = container_of(n, struct pair, node);
		int ret = fn(ctx, p->data, p->klen, p->data + p->klen, p->vlen);

		if (ret)
			return ret;
	}
	return 0;
}

static void mem_free(struct cache_store *s)
{
	struct mem_store *m = ms(s);
	size_t b;
	struct hmap_node *n;

	while ((n = hmap_iter_first(&m->map, &b)))
		drop(m, container_of(n, struct pair, node));
	hmap_destroy(&m->map);
	free(m);
}

static const struct cache_store_ops mem_ops = {
	.begin = nop,
	.put = mem_put,
	.del = mem_del,
	.commit = nop,
	.abort = nop_abort,
	.load = mem_load,
	.free = mem_free,
};

struct cache_store *cache_store_mem_new(size_t max_entries)
{
	struct mem_store *m = calloc(1, sizeof(*m));

	if (!m)
		return NULL;
	if (hmap_init(&m->map, 64)) {
		free(m);
		return NULL;
	}
	m->base.ops = &mem_ops;
	m->max = max_entries;
	return &m->base;
}

void cache_store_free(struct cache_store *s)
{
	if (s)
		s->ops->free(s);
}
