/*
 * dp_record.c - the recording data plane (see dp_record.h).
 *
 * Entries are indexed by Child SA id and by inbound SPI; both are chosen
 * locally (ids count up, SPIs are random), so a plain mixing hash is enough.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/hmap.h"
#include "common/wipe.h"
#include "ike/dp_record.h"

struct entry {
	struct hmap_node by_id;
	struct hmap_node by_spi;
	struct dp_child child;
	struct dp_counters cnt;
	uint64_t fp_in, fp_out;		/* key fingerprints, for tests */
};

struct dp_record {
	struct hmap ids;
	struct hmap spis;
	size_t max;
	uint64_t installs, removes;
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

struct dp_record *dp_record_new(size_t max_children)
{
	struct dp_record *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	if (hmap_init(&r->ids, 64) != 0 || hmap_init(&r->spis, 64) != 0) {
		hmap_destroy(&r->ids);
		free(r);
		return NULL;
	}
	r->max = max_children;
	return r;
}

void dp_record_free(struct dp_record *r)
{
	struct hmap_node *n, *next;
	size_t b;

	if (!r)
		return;
	for (n = hmap_iter_first(&r->ids, &b); n; n = next) {
		next = hmap_iter_next(&r->ids, &b, n);
		free(container_of(n, struct entry, by_id));
	}
	hmap_destroy(&r->ids);
	hmap_destroy(&r->spis);
	free(r);
}

static struct entry *find(const struct dp_record *r, uint64_t id)
{
	for (struct hmap_node *n = hmap_lookup(&r->ids, mix(id)); n;
	     n = hmap_next_equal(n)) {
		struct entry *e = container_of(n, struct entry, by_id);

		if (e->child.id == id)
			return e;
	}
	return NULL;
}

/* FNV-1a over a direction's keys: lets tests check that both ends
 * installed mirrored keys without keeping the keys themselves. */
static uint64_t fingerprint(const struct dp_sa_dir *d)
{
	uint64_t h = 1469598103934665603ULL;

	for (uint16_t i = 0; i < d->enc_key_len; i++)
		h = (h ^ d->enc_key[i]) * 1099511628211ULL;
	for (uint16_t i = 0; i < d->integ_key_len; i++)
		h = (h ^ d->integ_key[i]) * 1099511628211ULL;
	return h;
}

static int rec_install(void *ctx, const struct dp_child *c)
{
	struct dp_record *r = ctx;
	struct entry *e;

	if (find(r, c->id))
		return ERR_EXISTS;
	if (r->ids.count >= r->max)
		return ERR_LIMIT;
	e = calloc(1, sizeof(*e));
	if (!e)
		return ERR_NOMEM;
	e->child = *c;
	e->fp_in = fingerprint(&c->in);
	e->fp_out = fingerprint(&c->out);
	/* Only parameters are recorded; the keys are not needed. */
	wipe(e->child.in.enc_key, sizeof(e->child.in.enc_key));
	wipe(e->child.in.integ_key, sizeof(e->child.in.integ_key));
	wipe(e->child.out.enc_key, sizeof(e->child.out.enc_key));
	wipe(e->child.out.integ_key, sizeof(e->child.out.integ_key));
	hmap_insert(&r->ids, &e->by_id, mix(c->id));
	hmap_insert(&r->spis, &e->by_spi, mix(c->in.spi));
	r->installs++;
	return 0;
}

static int rec_remove(void *ctx, uint64_t id, struct dp_counters *final)
{
	struct dp_record *r = ctx;
	struct entry *e = find(r, id);

	if (!e)
		return ERR_NOTFOUND;
	if (final)
		*final = e->cnt;
	hmap_remove(&r->ids, &e->by_id);
	hmap_remove(&r->spis, &e->by_spi);
	free(e);
	r->removes++;
	return 0;
}

static int rec_counters(void *ctx, uint64_t id, struct dp_counters *out)
{
	struct entry *e = find(ctx, id);

	if (!e)
		return ERR_NOTFOUND;
	*out = e->cnt;
	return 0;
}

struct dataplane dp_record_ops(struct dp_record *r)
{
	struct dataplane dp = {
		.install = rec_install,
		.remove = rec_remove,
		.counters = rec_counters,
		.ctx = r,
	};

	return dp;
}

size_t dp_record_count(const struct dp_record *r)
{
	return r->ids.count;
}

const struct dp_child *dp_record_find(const struct dp_record *r, uint64_t id)
{
	struct entry *e = find(r, id);

	return e ? &e->child : NULL;
}

const struct dp_child *dp_record_find_spi(const struct dp_record *r, uint32_t spi)
{
	struct hmap_node *n;
	size_t b;

	for (n = hmap_lookup(&r->spis, mix(spi)); n; n = hmap_next_equal(n)) {
		struct entry *e = container_of(n, struct entry, by_spi);

		if (e->child.in.spi == spi)
			return &e->child;
	}
	/* Outbound SPIs are the peer's: not indexed, rarely asked. */
	for (n = hmap_iter_first(&r->ids, &b); n; n = hmap_iter_next(&r->ids, &b, n)) {
		struct entry *e = container_of(n, struct entry, by_id);

		if (e->child.out.spi == spi)
			return &e->child;
	}
	return NULL;
}

int dp_record_add_traffic(struct dp_record *r, uint64_t id, uint64_t bytes_in,
			  uint64_t bytes_out, uint64_t mono_us)
{
	struct entry *e = find(r, id);

	if (!e)
		return ERR_NOTFOUND;
	e->cnt.bytes_in += bytes_in;
	e->cnt.bytes_out += bytes_out;
	e->cnt.packets_in += bytes_in ? 1 : 0;
	e->cnt.packets_out += bytes_out ? 1 : 0;
	if (bytes_in)
		e->cnt.last_in_mono_us = mono_us;
	return 0;
}

uint64_t dp_record_installs(const struct dp_record *r)
{
	return r->installs;
}

uint64_t dp_record_removes(const struct dp_record *r)
{
	return r->removes;
}

int dp_record_key_fp(const struct dp_record *r, uint64_t id, uint64_t *in,
		     uint64_t *out)
{
	struct entry *e = find(r, id);

	if (!e)
		return ERR_NOTFOUND;
	*in = e->fp_in;
	*out = e->fp_out;
	return 0;
}
