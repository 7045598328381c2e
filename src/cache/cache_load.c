/*
 * cache_load.c - reading the stored records into an empty cache at startup.
 *
 * Each stored pair is key = slot (u32, big-endian) and value = a sealed
 * record body.  A record goes back into the slot it came from, so the
 * handles clients hold stay valid.  Anything that does not come back whole
 * is dropped, counted by reason, and its slot queued for deletion at the
 * next flush: values that do not authenticate (wrong key, tampering,
 * moved to another key), bodies that do not parse, records of connections
 * no longer configured, expired records, and, once the LRU order is
 * rebuilt from the stored last-use times, records beyond a connection's
 * capacity.  Nothing in a stored value can make the loader crash or
 * allocate beyond the configured caps.
 */
#include <stdlib.h>
#include <string.h>

#include "cache/cache_int.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/log.h"
#include "common/wipe.h"

#define LOG_FIRST 8	/* drop reasons logged individually, then only counted */

struct load_ctx {
	struct cache *c;
	struct cache_record rec;
	uint8_t plain[CACHE_RECORD_MAX];
	uint64_t now;
	unsigned logged;
	uint16_t last_conn;
	int err;		/* fatal (allocation) */
};

static void drop(struct load_ctx *l, uint32_t slot, uint64_t *ctr, const char *what,
		 const char *why)
{
	struct cache *c = l->c;

	(*ctr)++;
	if (l->logged++ < LOG_FIRST)
		log_warn("cache: dropping stored record %u: %s%s%s", slot, what,
			 why ? ": " : "", why ? why : "");
	/* Queue the slot's deletion (a free, dirty slot). */
	if (slot < c->max_records && cache_slab_extend(&c->recs, slot + 1) == 0 &&
	    !(cache_rec_at(c, slot)->gen_flags & REC_INUSE))
		cache_mark_dirty(c, slot);
}

static int conn_by_name(struct load_ctx *l, const char *name, uint16_t *id)
{
	struct cache *c = l->c;

	if (l->last_conn < c->nconns && strcmp(c->conns[l->last_conn].name, name) == 0) {
		*id = l->last_conn;
		return 0;
	}
	for (uint32_t i = 0; i < c->nconns; i++)
		if (strcmp(c->conns[i].name, name) == 0) {
			*id = l->last_conn = (uint16_t)i;
			return 0;
		}
	return ERR_NOTFOUND;
}

static int load_one(void *ctx, const uint8_t *key, size_t klen, const uint8_t *val,
		    size_t vlen)
{
	struct load_ctx *l = ctx;
	struct cache *c = l->c;
	struct cache_record *rec = &l->rec;
	struct cache_rec *r;
	const char *why = NULL;
	size_t plen;
	uint32_t slot;
	uint16_t conn;
	int ret;

	if (klen != 4) {
		c->st.load_corrupt++;
		if (l->logged++ < LOG_FIRST)
			log_warn("cache: ignoring a stored key of %zu octets (want 4)", klen);
		return 0;
	}
	slot = buf_load_u32(key);
	if (slot >= c->max_records) {
		drop(l, slot, &c->st.load_corrupt, "slot beyond max_records", NULL);
		return 0;
	}
	ret = cache_seal_open(c->seal, CACHE_SEAL_SERVER, key, klen, val, vlen, l->plain,
			      sizeof(l->plain), &plen, &why);
	if (ret) {
		drop(l, slot, ret == ERR_AUTH ? &c->st.load_unsealed : &c->st.load_corrupt,
		     "cannot unseal", why);
		return 0;
	}
	ret = cache_record_decode(l->plain, plen, rec, &why);
	wipe(l->plain, plen);
	if (ret) {
		drop(l, slot, &c->st.load_corrupt, "malformed", why);
		return 0;
	}
	if (conn_by_name(l, rec->conn, &conn)) {
		drop(l, slot, &c->st.load_orphaned, "connection no longer configured", NULL);
		goto out;
	}
	if (cache_policy_check(&c->conns[conn].pol, l->now, rec->t0, rec->connected,
			       rec->bytes) != CACHE_HIT) {
		drop(l, slot, &c->st.load_expired, "expired", NULL);
		goto out;
	}
	ret = cache_slab_extend(&c->recs, slot + 1);
	if (ret) {
		l->err = ret;
		goto out;
	}
	r = cache_rec_at(c, slot);
	if (r->gen_flags & REC_INUSE) {
		drop(l, slot, &c->st.load_corrupt, "duplicate slot", NULL);
		goto out;
	}
	ret = cache_rec_fill(c, conn, r, &rec->peer, &rec->algs, &rec->ts, &rec->vip4,
			     &rec->vip6);
	if (ret == ERR_NOMEM) {
		l->err = ret;
		goto out;
	}
	if (ret) {
		drop(l, slot, &c->st.load_corrupt, "fields out of range", NULL);
		goto out;
	}
	memcpy(r->check, rec->check, CACHE_CHECK_LEN);
	memcpy(r->secret, rec->secret, CACHE_SECRET_LEN);
	r->t0 = (uint32_t)rec->t0;
	r->connected = (uint32_t)rec->connected;
	r->bytes_lo = (uint32_t)rec->bytes;
	r->bytes_hi = (uint32_t)(rec->bytes >> 32);
	r->last_use = (uint32_t)rec->last_use;
	r->gen_flags |= REC_INUSE;
	r->prev = r->next = CACHE_NIL;
	c->conns[conn].count++;
	c->live++;
	c->st.loaded++;
out:
	wipe(rec, sizeof(*rec));
	return l->err;
}

static bool slot_free(const void *e)
{
	return !(((const struct cache_rec *)e)->gen_flags & REC_INUSE);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Rebuild every connection's LRU list from the stored last-use times. */
static int rebuild_lru(struct cache *c)
{
	uint64_t *order = malloc(((size_t)c->live + 1) * sizeof(*order));
	size_t n = 0;

	if (!order)
		return ERR_NOMEM;
	for (uint32_t s = 0; s < c->recs.n; s++) {
		struct cache_rec *r = cache_rec_at(c, s);

		if (r->gen_flags & REC_INUSE)
			order[n++] = (uint64_t)r->last_use << 32 | s;
	}
	qsort(order, n, sizeof(*order), cmp_u64);
	/* Oldest first, each pushed to the head: the newest ends up there. */
	for (size_t i = 0; i < n; i++) {
		uint32_t s = (uint32_t)order[i];

		cache_lru_push_head(c, cache_rec_conn(c, cache_rec_at(c, s)), s);
	}
	free(order);
	for (uint32_t i = 0; i < c->nconns; i++) {
		uint64_t before = c->st.evictions;

		cache_conn_trim(c, (uint16_t)i, c->conns[i].pol.capacity);
		c->st.load_over_capacity += c->st.evictions - before;
		c->st.evictions = before;
	}
	return 0;
}

int cache_load(struct cache *c)
{
	struct load_ctx *l;
	int ret;

	if (!c->store)
		return 0;
	l = calloc(1, sizeof(*l));
	if (!l)
		return ERR_NOMEM;
	l->c = c;
	pthread_mutex_lock(&c->flush_mu);
	pthread_mutex_lock(&c->mu);
	if (c->recs.n) {
		ret = ERR_STATE;	/* only into an empty cache */
		goto out;
	}
	l->now = cache_now(c);
	ret = c->store->ops->load(c->store, load_one, l);
	if (!ret)
		ret = l->err;
	cache_slab_rebuild_free(&c->recs, slot_free);
	if (!ret)
		ret = rebuild_lru(c);
	log_info("cache: loaded %llu records; dropped %llu unsealable, %llu malformed, "
		 "%llu expired, %llu of unknown connections, %llu over capacity",
		 (unsigned long long)c->st.loaded, (unsigned long long)c->st.load_unsealed,
		 (unsigned long long)c->st.load_corrupt, (unsigned long long)c->st.load_expired,
		 (unsigned long long)c->st.load_orphaned,
		 (unsigned long long)c->st.load_over_capacity);
out:
	pthread_mutex_unlock(&c->mu);
	pthread_mutex_unlock(&c->flush_mu);
	wipe(l, sizeof(*l));
	free(l);
	return ret;
}
