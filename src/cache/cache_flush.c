/*
 * cache_flush.c - write-behind of dirty slots to the store.
 *
 * The IKE engine inserts and updates records on its hot path, so those
 * calls only mark a slot dirty; cache_flush() (from the daemon's timer and
 * at shutdown) writes each dirty slot's *current* state: a sealed put if
 * the slot holds a record, a delete if it is free.  Batches of up to
 * CACHE_FLUSH_BATCH slots are serialised under the cache lock (cheap
 * copies), then sealed and written in one store transaction outside it,
 * so lookups never wait for the disk.  One flush runs at a time
 * (flush_mu), so an older state can never overwrite a newer one.
 *
 * Durability window: changes made since the last committed batch.  A kill
 * -9 loses those and nothing else; a failed commit re-queues its slots.
 */
#include <stdlib.h>
#include <string.h>

#include "cache/cache_int.h"
#include "common/buf.h"
#include "common/err.h"
#include "common/log.h"
#include "common/wipe.h"

struct op {
	uint32_t slot;
	uint32_t off, len;	/* plaintext in the batch buffer; len 0 = delete */
};

/* Caller holds mu.  Rebuild the queue from REC_DIRTY flags after a failed push. */
static void rescan(struct cache *c)
{
	c->rescan = false;
	c->ndirty = 0;
	for (uint32_t s = 0; s < c->recs.n; s++) {
		struct cache_rec *r = cache_rec_at(c, s);

		if (r->gen_flags & REC_DIRTY) {
			r->gen_flags &= ~(uint32_t)REC_DIRTY;
			cache_mark_dirty(c, s);
		}
	}
}

/* Caller holds mu.  Move up to CACHE_FLUSH_BATCH dirty slots into ops/plain. */
static size_t take_batch(struct cache *c, struct op *ops, struct buf_writer *plain)
{
	struct cache_record *rec = malloc(sizeof(*rec));
	size_t n = 0;

	if (!rec)
		return 0;
	if (c->rescan)
		rescan(c);
	while (c->ndirty && n < CACHE_FLUSH_BATCH) {
		uint32_t slot = c->dirty[--c->ndirty];
		struct cache_rec *r = cache_rec_at(c, slot);
		size_t off = plain->len;

		r->gen_flags &= ~(uint32_t)REC_DIRTY;
		ops[n].slot = slot;
		ops[n].off = (uint32_t)off;
		ops[n].len = 0;
		if (r->gen_flags & REC_INUSE) {
			cache_rec_expand(c, r, rec);
			if (cache_record_encode(plain, rec)) {
				/* Cannot happen below the writer's cap; keep it queued. */
				plain->len = off;
				plain->err = false;
				cache_mark_dirty(c, slot);
				break;
			}
			ops[n].len = (uint32_t)(plain->len - off);
		}
		n++;
	}
	wipe(rec, sizeof(*rec));
	free(rec);
	return n;
}

static int write_batch(struct cache *c, const struct op *ops, size_t n,
		       const struct buf_writer *plain)
{
	uint8_t key[4], val[CACHE_RECORD_MAX + CACHE_SEAL_OVERHEAD];
	size_t vlen;
	int ret = c->store->ops->begin(c->store);

	for (size_t i = 0; i < n && !ret; i++) {
		buf_store_u32(key, ops[i].slot);
		if (!ops[i].len) {
			ret = c->store->ops->del(c->store, key, sizeof(key));
			continue;
		}
		ret = cache_seal_seal(c->seal, CACHE_SEAL_SERVER, key, sizeof(key),
				      plain->p + ops[i].off, ops[i].len, val, sizeof(val), &vlen);
		if (!ret)
			ret = c->store->ops->put(c->store, key, sizeof(key), val, vlen);
	}
	if (ret)
		c->store->ops->abort(c->store);
	else
		ret = c->store->ops->commit(c->store);
	return ret;
}

int cache_flush(struct cache *c)
{
	struct op *ops;
	struct buf_writer plain;
	int ret = 0;

	if (!c->store)
		return 0;
	ops = malloc(CACHE_FLUSH_BATCH * sizeof(*ops));
	if (!ops)
		return ERR_NOMEM;
	buf_writer_init_dyn(&plain, (size_t)CACHE_FLUSH_BATCH * CACHE_RECORD_MAX);
	pthread_mutex_lock(&c->flush_mu);
	for (;;) {
		size_t n;

		buf_writer_reset(&plain);
		pthread_mutex_lock(&c->mu);
		n = take_batch(c, ops, &plain);
		pthread_mutex_unlock(&c->mu);
		if (!n)
			break;
		ret = write_batch(c, ops, n, &plain);
		wipe(plain.p, plain.len);
		pthread_mutex_lock(&c->mu);
		if (ret) {
			/* Re-queue: a slot changed meanwhile is already queued. */
			for (size_t i = 0; i < n; i++)
				cache_mark_dirty(c, ops[i].slot);
			c->st.flush_errors++;
		} else {
			c->st.flushed += n;
		}
		pthread_mutex_unlock(&c->mu);
		if (ret) {
			log_error("cache: flush of %zu records failed: %s", n, err_str(ret));
			break;
		}
	}
	pthread_mutex_unlock(&c->flush_mu);
	buf_writer_free(&plain);
	free(ops);
	return ret;
}
