/*
 * cache_stats.c - counters and memory accounting for `reswan cache stats`.
 *
 * The byte figures are the cache's own allocation accounting: every chunk,
 * index and table it holds, at their allocated (not used) sizes, so
 * bytes / count is an honest per-record cost including slack.  malloc's
 * own per-allocation overhead is not included (chunks are few and large).
 */
#include <string.h>

#include "cache/cache_int.h"
#include "common/json.h"

static void fill(struct cache *c, struct cache_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->count = c->live;
	s->max_records = c->max_records;
	s->bytes_records = cache_slab_bytes(&c->recs);
	s->bytes_interned = cache_intern_bytes(&c->idents) + cache_intern_bytes(&c->profiles) +
			    cache_intern_bytes(&c->vips);
	s->bytes = sizeof(*c) + s->bytes_records + s->bytes_interned +
		   (uint64_t)c->nconns * sizeof(*c->conns) +
		   (uint64_t)c->dirty_cap * sizeof(*c->dirty);
	s->hits = c->st.hits;
	s->misses = c->st.misses;
	s->expirations = c->st.expirations;
	s->evictions = c->st.evictions;
	s->inserts = c->st.inserts;
	s->consumes = c->st.consumes;
	s->updates = c->st.updates;
	s->revocations = c->st.revocations;
	s->superseded = c->st.superseded;
	s->dirty = c->ndirty;
	s->flushed = c->st.flushed;
	s->flush_errors = c->st.flush_errors;
	s->loaded = c->st.loaded;
	s->load_unsealed = c->st.load_unsealed;
	s->load_corrupt = c->st.load_corrupt;
	s->load_expired = c->st.load_expired;
	s->load_orphaned = c->st.load_orphaned;
	s->load_over_capacity = c->st.load_over_capacity;
	s->nconns = c->nconns;
	for (uint32_t i = 0; i < c->nconns; i++) {
		memcpy(s->conns[i].name, c->conns[i].name, sizeof(s->conns[i].name));
		s->conns[i].count = c->conns[i].count;
		s->conns[i].capacity = c->conns[i].pol.capacity;
	}
}

void cache_stats(struct cache *c, struct cache_stats *s)
{
	pthread_mutex_lock(&c->mu);
	fill(c, s);
	pthread_mutex_unlock(&c->mu);
}

void cache_stats_json(struct cache *c, struct json *j, const char *key)
{
	static struct cache_stats s;	/* ~80 KB; guarded by c->mu while filled */
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

	pthread_mutex_lock(&mu);
	cache_stats(c, &s);
	json_object_begin(j, key);
	json_u64(j, "count", s.count);
	json_u64(j, "max_records", s.max_records);
	json_u64(j, "bytes", s.bytes);
	json_u64(j, "bytes_records", s.bytes_records);
	json_u64(j, "bytes_interned", s.bytes_interned);
	json_double(j, "bytes_per_record", s.count ? (double)s.bytes / (double)s.count : 0);
	json_u64(j, "hits", s.hits);
	json_u64(j, "misses", s.misses);
	json_u64(j, "expirations", s.expirations);
	json_u64(j, "evictions", s.evictions);
	json_u64(j, "inserts", s.inserts);
	json_u64(j, "consumes", s.consumes);
	json_u64(j, "updates", s.updates);
	json_u64(j, "revocations", s.revocations);
	json_u64(j, "superseded", s.superseded);
	json_u64(j, "dirty", s.dirty);
	json_u64(j, "flushed", s.flushed);
	json_u64(j, "flush_errors", s.flush_errors);
	json_object_begin(j, "load");
	json_u64(j, "loaded", s.loaded);
	json_u64(j, "unsealed", s.load_unsealed);
	json_u64(j, "corrupt", s.load_corrupt);
	json_u64(j, "expired", s.load_expired);
	json_u64(j, "orphaned", s.load_orphaned);
	json_u64(j, "over_capacity", s.load_over_capacity);
	json_object_end(j);
	json_array_begin(j, "connections");
	for (size_t i = 0; i < s.nconns; i++) {
		json_object_begin(j, NULL);
		json_str(j, "name", s.conns[i].name);
		json_u64(j, "count", s.conns[i].count);
		json_u64(j, "capacity", s.conns[i].capacity);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
	pthread_mutex_unlock(&mu);
}
