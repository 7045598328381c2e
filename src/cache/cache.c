/*
 * cache.c - the credential cache's records: insert, lookup, consume,
 * update, revoke, expiry and least-recently-used eviction (see cache.h).
 *
 * Records live in a slab of 88-octet slots; a handle names its slot (masked,
 * cache_handle.c), so a lookup is one SipHash, one array access and a
 * constant-time comparison of 12 check octets, all before any crypto.  Each
 * connection threads its records on a doubly linked LRU list of slot
 * indices: a write (insert) or a successful resumption moves a record to
 * the head, eviction takes the tail.  A consumed record keeps its slot, so
 * a lineage ref (slot and a 24-bit generation bumped whenever the slot is
 * freed) stays valid across resumptions and never names a later occupant.
 *
 * Every change to a slot, when a store is attached, marks it dirty once
 * (REC_DIRTY) and queues its index; cache_flush() writes the slot's state
 * at flush time (a put if in use, else a delete), so a queue entry per
 * slot suffices and the queue can never outgrow the slab.
 */
#include <stdlib.h>
#include <string.h>

#include "cache/cache_int.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/err.h"
#include "common/wipe.h"
#include "crypto/crypto.h"
#include "crypto/rand.h"

#define GEN_SHIFT 8
#define GEN_MASK 0xffffffu
#define FLAG_MASK 0xffu
#define REC_SHIFT 10		/* 1024 records (88 KB) per chunk */

const char *cache_miss_str(enum cache_miss m)
{
	switch (m) {
	case CACHE_HIT: return "hit";
	case CACHE_MISS_UNKNOWN: return "unknown handle";
	case CACHE_MISS_CLOCKED: return "expired (clocked lifetime)";
	case CACHE_MISS_ESTABLISHED: return "expired (established lifetime)";
	case CACHE_MISS_DATA: return "expired (data lifetime)";
	case CACHE_MISS_MAX_AGE: return "expired (maximum age)";
	}
	return "?";
}

uint64_t cache_now(const struct cache *c)
{
	uint64_t s = clock_wall(c->clock) / CLOCK_US_PER_SEC;

	return s > UINT32_MAX ? UINT32_MAX : s;
}

static uint32_t rec_gen(const struct cache_rec *r)
{
	uint32_t g = r->gen_flags >> GEN_SHIFT;

	return g ? g : 1;
}

static cache_ref make_ref(const struct cache_rec *r, uint32_t slot)
{
	return (uint64_t)rec_gen(r) << 32 | slot;
}

/* n fresh random octets (n <= sizeof(rbuf)); caller holds c->mu. */
static int draw(struct cache *c, uint8_t *out, size_t n)
{
	if (c->rpos + n > sizeof(c->rbuf)) {
		int ret = rand_bytes(c->rand, c->rbuf, sizeof(c->rbuf));

		if (ret)
			return ret;
		c->rpos = 0;
	}
	memcpy(out, c->rbuf + c->rpos, n);
	wipe(c->rbuf + c->rpos, n);
	c->rpos += (uint32_t)n;
	return 0;
}

/* ---- construction ---- */

struct cache *cache_new(const struct cache_opts *o)
{
	struct cache *c;
	uint32_t max;

	if (!o || !o->clock || !o->rand || !o->store != !o->seal)
		return NULL;
	max = o->max_records ? o->max_records : CACHE_DEFAULT_MAX_RECORDS;
	if (max > CACHE_MAX_RECORDS)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	pthread_mutex_init(&c->mu, NULL);
	pthread_mutex_init(&c->flush_mu, NULL);
	c->clock = o->clock;
	c->rand = o->rand;
	c->store = o->store;
	c->seal = o->seal;
	c->max_records = max;
	c->rpos = sizeof(c->rbuf);	/* empty: first draw refills */
	cache_slab_init(&c->recs, sizeof(struct cache_rec), REC_SHIFT, max);
	if (o->seal)
		memcpy(c->mask_key, cache_seal_mask_key(o->seal), sizeof(c->mask_key));
	else if (rand_bytes(o->rand, c->mask_key, sizeof(c->mask_key)))
		goto fail;
	if (cache_intern_init(&c->idents, o->rand, 1 + CACHE_IDENT_MAX, max) ||
	    cache_intern_init(&c->profiles, o->rand, CACHE_PROFILE_MAX, max) ||
	    cache_intern_init(&c->vips, o->rand, CACHE_VIP_BLOB_LEN, max))
		goto fail;
	return c;
fail:
	cache_free(c);
	return NULL;
}

void cache_free(struct cache *c)
{
	if (!c)
		return;
	cache_slab_destroy(&c->recs);	/* wipes the secrets */
	cache_intern_destroy(&c->idents);
	cache_intern_destroy(&c->profiles);
	cache_intern_destroy(&c->vips);
	free(c->conns);
	free(c->dirty);
	pthread_mutex_destroy(&c->mu);
	pthread_mutex_destroy(&c->flush_mu);
	wipe(c, sizeof(*c));
	free(c);
}

/* ---- LRU lists ---- */

static void lru_unlink(struct cache *c, uint16_t conn, uint32_t slot)
{
	struct cache_conn *cc = &c->conns[conn];
	struct cache_rec *r = cache_rec_at(c, slot);

	if (r->prev != CACHE_NIL)
		cache_rec_at(c, r->prev)->next = r->next;
	else
		cc->head = r->next;
	if (r->next != CACHE_NIL)
		cache_rec_at(c, r->next)->prev = r->prev;
	else
		cc->tail = r->prev;
	r->prev = r->next = CACHE_NIL;
}

void cache_lru_push_head(struct cache *c, uint16_t conn, uint32_t slot)
{
	struct cache_conn *cc = &c->conns[conn];
	struct cache_rec *r = cache_rec_at(c, slot);

	r->prev = CACHE_NIL;
	r->next = cc->head;
	if (cc->head != CACHE_NIL)
		cache_rec_at(c, cc->head)->prev = slot;
	else
		cc->tail = slot;
	cc->head = slot;
}

/* ---- slot bookkeeping ---- */

uint16_t cache_rec_conn(const struct cache *c, const struct cache_rec *r)
{
	size_t len;
	const uint8_t *p = cache_intern_data(&c->profiles, r->profile, &len);

	return buf_load_u16(p);
}

void cache_mark_dirty(struct cache *c, uint32_t slot)
{
	struct cache_rec *r = cache_rec_at(c, slot);

	if (!c->store || (r->gen_flags & REC_DIRTY))
		return;
	r->gen_flags |= REC_DIRTY;
	if (c->ndirty == c->dirty_cap) {
		/* Each slot is queued at most once, so max slots bound the queue. */
		uint32_t cap = c->dirty_cap ? c->dirty_cap * 2 : 1024;
		uint32_t *nd;

		if (cap > c->recs.max)
			cap = c->recs.max;
		nd = realloc(c->dirty, (size_t)cap * sizeof(*nd));
		if (!nd) {
			c->rescan = true;	/* the flag is set; flush will find it */
			return;
		}
		c->dirty = nd;
		c->dirty_cap = cap;
	}
	c->dirty[c->ndirty++] = slot;
}

void cache_rec_remove(struct cache *c, uint32_t slot)
{
	struct cache_rec *r = cache_rec_at(c, slot);
	uint16_t conn = cache_rec_conn(c, r);
	uint32_t gen = rec_gen(r), keep = r->gen_flags & REC_DIRTY;

	lru_unlink(c, conn, slot);
	c->conns[conn].count--;
	cache_intern_put(&c->idents, r->ident);
	cache_intern_put(&c->profiles, r->profile);
	if (r->gen_flags & REC_VIPREF)
		cache_intern_put(&c->vips, r->vip);
	wipe(r, sizeof(*r));
	gen = (gen + 1) & GEN_MASK;
	r->gen_flags = (gen ? gen : 1) << GEN_SHIFT | keep;
	cache_mark_dirty(c, slot);
	cache_slab_release(&c->recs, slot);
	c->live--;
}

void cache_conn_trim(struct cache *c, uint16_t conn, uint32_t keep)
{
	while (c->conns[conn].count > keep) {
		cache_rec_remove(c, c->conns[conn].tail);
		c->st.evictions++;
	}
}

static int valid_vip(const struct addr *a, uint8_t family)
{
	return a->family == ADDR_NONE || a->family == family;
}

int cache_rec_fill(struct cache *c, uint16_t conn, struct cache_rec *r,
		   const struct cache_ident *peer, const struct cache_algs *algs,
		   const struct cache_ts_set *ts, const struct addr *vip4,
		   const struct addr *vip6)
{
	uint8_t prof[CACHE_PROFILE_MAX], id[1 + CACHE_IDENT_MAX], vb[CACHE_VIP_BLOB_LEN];
	struct buf_writer w;
	uint32_t ident, profile, vip = 0, flags = 0;
	int ret;

	if (peer->len > CACHE_IDENT_MAX || cache_record_check_ts(ts) ||
	    !valid_vip(vip4, ADDR_IPV4) || !valid_vip(vip6, ADDR_IPV6))
		return ERR_INVAL;
	buf_writer_init_fixed(&w, prof, sizeof(prof));
	buf_put_u16(&w, conn);
	cache_record_put_algs(&w, algs);
	cache_record_put_ts(&w, ts);
	id[0] = peer->type;
	memcpy(id + 1, peer->data, peer->len);
	if (buf_writer_error(&w))
		return ERR_INVAL;
	ret = cache_intern_get(&c->profiles, prof, w.len, &profile);
	if (ret)
		return ret;
	ret = cache_intern_get(&c->idents, id, 1 + (size_t)peer->len, &ident);
	if (ret) {
		cache_intern_put(&c->profiles, profile);
		return ret;
	}
	if (vip6->family == ADDR_IPV6) {
		memset(vb, 0, sizeof(vb));
		vb[0] = (vip4->family == ADDR_IPV4 ? 1 : 0) | 2;
		if (vip4->family == ADDR_IPV4)
			memcpy(vb + 1, vip4->ip, 4);
		memcpy(vb + 5, vip6->ip, 16);
		ret = cache_intern_get(&c->vips, vb, sizeof(vb), &vip);
		if (ret) {
			cache_intern_put(&c->profiles, profile);
			cache_intern_put(&c->idents, ident);
			return ret;
		}
		flags = REC_VIPREF;
	} else if (vip4->family == ADDR_IPV4) {
		memcpy(&vip, vip4->ip, 4);
		flags = REC_VIP4;
	}
	r->ident = ident;
	r->profile = profile;
	r->vip = vip;
	r->gen_flags = (r->gen_flags & ~(REC_VIP4 | REC_VIPREF)) | flags;
	return 0;
}

static void expand_vips(const struct cache *c, const struct cache_rec *r, struct addr *v4,
			struct addr *v6)
{
	memset(v4, 0, sizeof(*v4));
	memset(v6, 0, sizeof(*v6));
	if (r->gen_flags & REC_VIP4) {
		addr_from_bytes(v4, (const uint8_t *)&r->vip, 4, 0);
	} else if (r->gen_flags & REC_VIPREF) {
		size_t len;
		const uint8_t *vb = cache_intern_data(&c->vips, r->vip, &len);

		if (vb[0] & 1)
			addr_from_bytes(v4, vb + 1, 4, 0);
		addr_from_bytes(v6, vb + 5, 16, 0);
	}
}

static void expand_ident(const struct cache *c, uint32_t ref, struct cache_ident *id)
{
	size_t len;
	const uint8_t *p = cache_intern_data(&c->idents, ref, &len);

	id->type = p[0];
	id->len = (uint16_t)(len - 1);
	memcpy(id->data, p + 1, len - 1);
}

/* Profiles were written by cache_rec_fill(): parsing cannot fail. */
static void expand_profile(const struct cache *c, uint32_t ref, struct cache_algs *algs,
			   struct cache_ts_set *ts)
{
	struct buf_reader rd;
	size_t len;
	const uint8_t *p = cache_intern_data(&c->profiles, ref, &len);
	const char *why;

	buf_reader_init(&rd, p + 2, len - 2);
	cache_record_get_algs(&rd, algs);
	cache_record_get_ts(&rd, ts, &why);
}

void cache_rec_expand(const struct cache *c, const struct cache_rec *r, struct cache_record *out)
{
	memcpy(out->check, r->check, CACHE_CHECK_LEN);
	memcpy(out->secret, r->secret, CACHE_SECRET_LEN);
	out->t0 = r->t0;
	out->connected = r->connected;
	out->bytes = cache_rec_bytes(r);
	out->last_use = r->last_use;
	memcpy(out->conn, c->conns[cache_rec_conn(c, r)].name, sizeof(out->conn));
	expand_ident(c, r->ident, &out->peer);
	expand_profile(c, r->profile, &out->algs, &out->ts);
	expand_vips(c, r, &out->vip4, &out->vip6);
}

/* ---- connections ---- */

static int find_conn(const struct cache *c, const char *name, uint16_t *id)
{
	for (uint32_t i = 0; i < c->nconns; i++)
		if (strcmp(c->conns[i].name, name) == 0) {
			*id = (uint16_t)i;
			return 0;
		}
	return ERR_NOTFOUND;
}

int cache_conn_find(struct cache *c, const char *name, uint16_t *id)
{
	int ret;

	pthread_mutex_lock(&c->mu);
	ret = find_conn(c, name, id);
	pthread_mutex_unlock(&c->mu);
	return ret;
}

int cache_conn_set(struct cache *c, const char *name, const struct cache_policy *p,
		   uint16_t *id)
{
	size_t len = name ? strnlen(name, CACHE_CONN_NAME_MAX + 1) : 0;
	uint64_t old = 0;
	uint16_t i;
	int ret = 0;

	if (len == 0 || len > CACHE_CONN_NAME_MAX || !p)
		return ERR_INVAL;
	pthread_mutex_lock(&c->mu);
	if (find_conn(c, name, &i) == 0)
		old = c->conns[i].pol.capacity;
	else
		i = UINT16_MAX;
	if (c->capacity_sum - old + p->capacity > c->max_records) {
		ret = ERR_LIMIT;
		goto out;
	}
	if (i == UINT16_MAX) {
		struct cache_conn *nc;

		if (c->nconns >= CACHE_MAX_CONNS) {
			ret = ERR_LIMIT;
			goto out;
		}
		nc = realloc(c->conns, (c->nconns + 1) * sizeof(*nc));
		if (!nc) {
			ret = ERR_NOMEM;
			goto out;
		}
		c->conns = nc;
		i = (uint16_t)c->nconns++;
		memset(&nc[i], 0, sizeof(nc[i]));
		memcpy(nc[i].name, name, len);
		nc[i].head = nc[i].tail = CACHE_NIL;
	}
	c->capacity_sum = c->capacity_sum - old + p->capacity;
	c->conns[i].pol = *p;
	cache_conn_trim(c, i, p->capacity);
	if (id)
		*id = i;
out:
	pthread_mutex_unlock(&c->mu);
	return ret;
}

/* ---- the operations ---- */

int cache_insert(struct cache *c, uint16_t conn, const struct cache_entry *in,
		 uint8_t handle[CACHE_HANDLE_LEN], cache_ref *ref)
{
	uint8_t check[CACHE_CHECK_LEN];
	struct cache_rec tmp, *r;
	uint32_t slot;
	uint64_t now;
	int ret;

	pthread_mutex_lock(&c->mu);
	if (conn >= c->nconns) {
		ret = ERR_NOTFOUND;
		goto out;
	}
	if (c->conns[conn].pol.capacity == 0) {
		ret = ERR_LIMIT;
		goto out;
	}
	ret = draw(c, check, sizeof(check));
	if (ret)
		goto out;
	memset(&tmp, 0, sizeof(tmp));
	ret = cache_rec_fill(c, conn, &tmp, &in->peer, &in->algs, &in->ts, &in->vip4, &in->vip6);
	if (ret)
		goto out;
	cache_conn_trim(c, conn, c->conns[conn].pol.capacity - 1);
	ret = cache_slab_alloc(&c->recs, &slot);
	if (ret) {
		cache_intern_put(&c->idents, tmp.ident);
		cache_intern_put(&c->profiles, tmp.profile);
		if (tmp.gen_flags & REC_VIPREF)
			cache_intern_put(&c->vips, tmp.vip);
		goto out;
	}
	r = cache_rec_at(c, slot);
	now = cache_now(c);
	memcpy(r->check, check, sizeof(check));
	memcpy(r->secret, in->secret, CACHE_SECRET_LEN);
	r->t0 = r->last_use = (uint32_t)now;
	r->connected = r->bytes_lo = r->bytes_hi = 0;
	r->ident = tmp.ident;
	r->profile = tmp.profile;
	r->vip = tmp.vip;
	r->gen_flags = rec_gen(r) << GEN_SHIFT | (r->gen_flags & REC_DIRTY) |
		       (tmp.gen_flags & FLAG_MASK) | REC_INUSE;
	cache_lru_push_head(c, conn, slot);
	c->conns[conn].count++;
	c->live++;
	c->st.inserts++;
	cache_mark_dirty(c, slot);
	cache_handle_make(c->mask_key, slot, check, handle);
	if (ref)
		*ref = make_ref(r, slot);
out:
	wipe(check, sizeof(check));
	pthread_mutex_unlock(&c->mu);
	return ret;
}

/*
 * The record named by handle, or NULL with *why.  An expired record is
 * removed here.  Caller holds c->mu.
 */
static struct cache_rec *find(struct cache *c, const uint8_t handle[CACHE_HANDLE_LEN],
			      uint32_t *slotp, enum cache_miss *why)
{
	uint32_t slot = cache_handle_slot(c->mask_key, handle);
	struct cache_rec *r;
	uint16_t conn;

	*why = CACHE_MISS_UNKNOWN;
	if (slot >= c->recs.n)
		return NULL;
	r = cache_rec_at(c, slot);
	/* Constant time in the check octets; whether the slot is in use is not secret. */
	if (!(r->gen_flags & REC_INUSE) ||
	    !crypto_memeq(r->check, handle + 4, CACHE_CHECK_LEN))
		return NULL;
	conn = cache_rec_conn(c, r);
	*why = cache_policy_check(&c->conns[conn].pol, cache_now(c), r->t0, r->connected,
				  cache_rec_bytes(r));
	if (*why != CACHE_HIT) {
		cache_rec_remove(c, slot);
		c->st.expirations++;
		return NULL;
	}
	*slotp = slot;
	return r;
}

int cache_lookup(struct cache *c, const uint8_t handle[CACHE_HANDLE_LEN],
		 struct cache_entry *out, enum cache_miss *why)
{
	enum cache_miss m;
	struct cache_rec *r;
	uint32_t slot;
	uint16_t conn;

	pthread_mutex_lock(&c->mu);
	r = find(c, handle, &slot, &m);
	if (why)
		*why = m;
	if (!r) {
		c->st.misses++;
		pthread_mutex_unlock(&c->mu);
		return ERR_NOTFOUND;
	}
	conn = cache_rec_conn(c, r);
	memcpy(out->secret, r->secret, CACHE_SECRET_LEN);
	memcpy(out->handle, handle, CACHE_HANDLE_LEN);
	expand_ident(c, r->ident, &out->peer);
	expand_profile(c, r->profile, &out->algs, &out->ts);
	expand_vips(c, r, &out->vip4, &out->vip6);
	out->ref = make_ref(r, slot);
	out->conn = conn;
	out->pfs = c->conns[conn].pol.pfs;
	out->t0 = r->t0;
	out->connected = r->connected;
	out->bytes = cache_rec_bytes(r);
	out->last_use = r->last_use;
	c->st.hits++;
	pthread_mutex_unlock(&c->mu);
	return 0;
}

int cache_consume(struct cache *c, const uint8_t handle[CACHE_HANDLE_LEN],
		  const uint8_t new_secret[CACHE_SECRET_LEN],
		  uint8_t new_handle[CACHE_HANDLE_LEN], cache_ref *ref,
		  enum cache_miss *why)
{
	uint8_t check[CACHE_CHECK_LEN];
	enum cache_miss m;
	struct cache_rec *r;
	uint32_t slot;
	uint16_t conn;
	int ret;

	pthread_mutex_lock(&c->mu);
	r = find(c, handle, &slot, &m);
	if (why)
		*why = m;
	if (!r) {
		ret = ERR_NOTFOUND;
		goto out;
	}
	ret = draw(c, check, sizeof(check));
	if (ret)
		goto out;
	/* The old handle dies here: its check octets are gone. */
	memcpy(r->check, check, sizeof(check));
	memcpy(r->secret, new_secret, CACHE_SECRET_LEN);
	r->last_use = (uint32_t)cache_now(c);
	conn = cache_rec_conn(c, r);
	lru_unlink(c, conn, slot);
	cache_lru_push_head(c, conn, slot);
	cache_mark_dirty(c, slot);
	c->st.consumes++;
	cache_handle_make(c->mask_key, slot, check, new_handle);
	if (ref)
		*ref = make_ref(r, slot);
out:
	wipe(check, sizeof(check));
	pthread_mutex_unlock(&c->mu);
	return ret;
}

/* The record a lineage ref names, or NULL.  Caller holds c->mu. */
static struct cache_rec *by_ref(struct cache *c, cache_ref ref, uint32_t *slotp)
{
	uint32_t slot = (uint32_t)ref, gen = (uint32_t)(ref >> 32);
	struct cache_rec *r;

	if (slot >= c->recs.n)
		return NULL;
	r = cache_rec_at(c, slot);
	if (!(r->gen_flags & REC_INUSE) || rec_gen(r) != gen)
		return NULL;
	*slotp = slot;
	return r;
}

int cache_update(struct cache *c, cache_ref ref, uint64_t add_secs, uint64_t add_bytes)
{
	struct cache_rec *r;
	uint32_t slot;
	uint64_t e, d;
	uint16_t conn;
	int ret = 0;

	pthread_mutex_lock(&c->mu);
	r = by_ref(c, ref, &slot);
	if (!r) {
		ret = ERR_NOTFOUND;
		goto out;
	}
	e = (uint64_t)r->connected + add_secs;
	d = cache_rec_bytes(r) + add_bytes;
	if (e < add_secs || e > UINT32_MAX)
		e = UINT32_MAX;
	if (d < add_bytes)
		d = UINT64_MAX;
	r->connected = (uint32_t)e;
	r->bytes_lo = (uint32_t)d;
	r->bytes_hi = (uint32_t)(d >> 32);
	c->st.updates++;
	conn = cache_rec_conn(c, r);
	if (cache_policy_check(&c->conns[conn].pol, cache_now(c), r->t0, e, d) != CACHE_HIT) {
		cache_rec_remove(c, slot);
		c->st.expirations++;
	} else {
		cache_mark_dirty(c, slot);
	}
out:
	pthread_mutex_unlock(&c->mu);
	return ret;
}

int cache_remove(struct cache *c, cache_ref ref)
{
	uint32_t slot;
	int ret = 0;

	pthread_mutex_lock(&c->mu);
	if (by_ref(c, ref, &slot))
		cache_rec_remove(c, slot);
	else
		ret = ERR_NOTFOUND;
	pthread_mutex_unlock(&c->mu);
	return ret;
}

int cache_retire(struct cache *c, uint16_t conn, const uint8_t handle[CACHE_HANDLE_LEN],
		 const struct cache_ident *id)
{
	uint8_t blob[1 + CACHE_IDENT_MAX];
	struct cache_rec *r;
	enum cache_miss why;
	uint32_t slot, ref;
	int ret = ERR_NOTFOUND;

	if (id->len > CACHE_IDENT_MAX)
		return ERR_NOTFOUND;
	blob[0] = id->type;
	memcpy(blob + 1, id->data, id->len);
	pthread_mutex_lock(&c->mu);
	r = find(c, handle, &slot, &why);
	/* Identities are interned: one ref per distinct identity. */
	if (r && cache_rec_conn(c, r) == conn &&
	    cache_intern_find(&c->idents, blob, 1 + (size_t)id->len, &ref) == 0 &&
	    r->ident == ref) {
		cache_rec_remove(c, slot);
		c->st.superseded++;
		ret = 0;
	}
	pthread_mutex_unlock(&c->mu);
	return ret;
}

size_t cache_revoke(struct cache *c, const struct cache_ident *id)
{
	uint8_t blob[1 + CACHE_IDENT_MAX];
	uint32_t ref;
	size_t n = 0;

	if (id->len > CACHE_IDENT_MAX)
		return 0;
	blob[0] = id->type;
	memcpy(blob + 1, id->data, id->len);
	pthread_mutex_lock(&c->mu);
	if (cache_intern_find(&c->idents, blob, 1 + (size_t)id->len, &ref) == 0) {
		/* An admin operation: a scan of the slots (a few ms for 1M)
		 * costs less than an identity-to-records index on every record. */
		for (uint32_t s = 0; s < c->recs.n; s++) {
			struct cache_rec *r = cache_rec_at(c, s);

			if ((r->gen_flags & REC_INUSE) && r->ident == ref) {
				cache_rec_remove(c, s);
				n++;
			}
		}
	}
	c->st.revocations += n;
	pthread_mutex_unlock(&c->mu);
	return n;
}

size_t cache_purge(struct cache *c, size_t max_slots)
{
	size_t removed = 0;
	uint64_t now;

	pthread_mutex_lock(&c->mu);
	now = cache_now(c);
	for (size_t k = 0; k < max_slots && c->recs.n; k++) {
		uint32_t s = c->purge_cursor;
		struct cache_rec *r;

		if (s >= c->recs.n)
			s = 0;
		c->purge_cursor = s + 1;
		r = cache_rec_at(c, s);
		if (!(r->gen_flags & REC_INUSE))
			continue;
		if (cache_policy_check(&c->conns[cache_rec_conn(c, r)].pol, now, r->t0,
				       r->connected, cache_rec_bytes(r)) != CACHE_HIT) {
			cache_rec_remove(c, s);
			c->st.expirations++;
			removed++;
		}
	}
	pthread_mutex_unlock(&c->mu);
	return removed;
}
