/*
 * cache_intern.c - byte strings that many records share (connection +
 * algorithms + selectors, identities, virtual addresses), stored once and
 * named by a refcounted 32-bit reference.
 *
 * Storage: one slab per size class (4-octet granularity), each element a
 * 4-octet header (length in the low 11 bits, reference count in the high
 * 21) followed by the string.  A reference is class << 24 | index, never 0.
 * A count that reaches its maximum saturates: the string is then pinned
 * until the pool is destroyed rather than ever freed while still in use.
 *
 * Index: open addressing with linear probing over the references, keyed
 * SipHash with a random key (strings come from peers: identities), load
 * at most 4/5, backward-shift deletion so no tombstones accumulate.  A
 * parallel array of 8 hash bits per slot lets a probe skip almost every
 * non-matching string without touching it (each would be a cache miss).
 * Only inserts and revocation search it; record lookups never do.
 */
#include <stdlib.h>
#include <string.h>

#include "cache/cache_int.h"
#include "common/err.h"
#include "common/hmap.h"
#include "common/wipe.h"
#include "crypto/rand.h"

#define LEN_BITS 11
#define LEN_MASK ((1u << LEN_BITS) - 1)
#define REFS_MAX ((1u << (32 - LEN_BITS)) - 1)
#define REF_IDX_BITS 24
#define MIN_INDEX 16

static uint32_t class_of(size_t len)
{
	return (uint32_t)((len + 3) / 4);
}

static uint32_t *entry(const struct cache_intern *p, uint32_t ref)
{
	return cache_slab_at(&p->cls[ref >> REF_IDX_BITS], ref & ((1u << REF_IDX_BITS) - 1));
}

int cache_intern_init(struct cache_intern *p, struct rand_src *rnd, uint32_t max_len,
		      uint32_t max_count)
{
	int ret;

	memset(p, 0, sizeof(*p));
	if (max_len == 0 || max_len > CACHE_INTERN_MAX_LEN || max_count >= (1u << REF_IDX_BITS))
		return ERR_INVAL;
	ret = rand_bytes(rnd, p->key, sizeof(p->key));
	if (ret)
		return ret;
	p->max_len = max_len;
	for (uint32_t k = 1; k <= class_of(max_len); k++) {
		uint32_t elem = 4 + 4 * k, shift = 4;

		/* Chunks of about 32 KB: little slack per class in use. */
		while (shift < 12 && ((size_t)elem << (shift + 1)) <= 32768)
			shift++;
		cache_slab_init(&p->cls[k], elem, shift, max_count);
	}
	p->index = calloc(MIN_INDEX, sizeof(*p->index));
	p->tags = calloc(MIN_INDEX, sizeof(*p->tags));
	if (!p->index || !p->tags)
		return ERR_NOMEM;
	p->mask = MIN_INDEX - 1;
	return 0;
}

void cache_intern_destroy(struct cache_intern *p)
{
	for (uint32_t k = 0; k < CACHE_INTERN_CLASSES; k++)
		if (p->cls[k].nchunks)
			cache_slab_destroy(&p->cls[k]);
	free(p->index);
	free(p->tags);
	p->index = NULL;
	p->tags = NULL;
	p->count = 0;
}

const uint8_t *cache_intern_data(const struct cache_intern *p, uint32_t ref, size_t *len)
{
	const uint32_t *e = entry(p, ref);

	*len = *e & LEN_MASK;
	return (const uint8_t *)(e + 1);
}

static uint64_t hash(const struct cache_intern *p, const void *data, size_t len)
{
	return hmap_siphash(p->key, data, len);
}

static uint8_t tag_of(uint64_t h)
{
	return (uint8_t)(h >> 56);
}

static uint64_t hash_ref(const struct cache_intern *p, uint32_t ref)
{
	size_t len;
	const uint8_t *d = cache_intern_data(p, ref, &len);

	return hash(p, d, len);
}

/* Position of data in the index, or of the empty slot where it would go. */
static uint32_t probe(const struct cache_intern *p, const void *data, size_t len,
		      uint64_t h, bool *found)
{
	uint32_t i = (uint32_t)h & p->mask;
	uint8_t tag = tag_of(h);

	for (;; i = (i + 1) & p->mask) {
		uint32_t ref = p->index[i];
		size_t elen;
		const uint8_t *d;

		if (!ref) {
			*found = false;
			return i;
		}
		if (p->tags[i] != tag)
			continue;
		d = cache_intern_data(p, ref, &elen);
		if (elen == len && memcmp(d, data, len) == 0) {
			*found = true;
			return i;
		}
	}
}

static int grow(struct cache_intern *p)
{
	uint32_t n = (p->mask + 1) * 2, *ni;
	uint8_t *nt;

	ni = calloc(n, sizeof(*ni));
	nt = calloc(n, sizeof(*nt));
	if (!ni || !nt) {
		free(ni);
		free(nt);
		return ERR_NOMEM;
	}
	for (uint32_t i = 0; i <= p->mask; i++) {
		uint32_t ref = p->index[i], j;
		uint64_t h;

		if (!ref)
			continue;
		h = hash_ref(p, ref);
		for (j = (uint32_t)h & (n - 1); ni[j]; j = (j + 1) & (n - 1))
			;
		ni[j] = ref;
		nt[j] = tag_of(h);
	}
	free(p->index);
	free(p->tags);
	p->index = ni;
	p->tags = nt;
	p->mask = n - 1;
	return 0;
}

int cache_intern_find(const struct cache_intern *p, const void *data, size_t len,
		      uint32_t *ref)
{
	bool found;
	uint32_t i;

	if (len == 0 || len > p->max_len)
		return ERR_NOTFOUND;
	i = probe(p, data, len, hash(p, data, len), &found);
	if (!found)
		return ERR_NOTFOUND;
	*ref = p->index[i];
	return 0;
}

void cache_intern_hold(struct cache_intern *p, uint32_t ref)
{
	uint32_t *e = entry(p, ref), refs = *e >> LEN_BITS;

	if (refs < REFS_MAX)
		*e += 1u << LEN_BITS;
}

int cache_intern_get(struct cache_intern *p, const void *data, size_t len, uint32_t *ref)
{
	uint64_t h;
	uint32_t i, k, idx, *e;
	bool found;
	int ret;

	if (len == 0 || len > p->max_len)
		return ERR_INVAL;
	h = hash(p, data, len);
	i = probe(p, data, len, h, &found);
	if (found) {
		*ref = p->index[i];
		cache_intern_hold(p, *ref);
		return 0;
	}
	if ((uint64_t)(p->count + 1) * 5 > (uint64_t)(p->mask + 1) * 4) {
		ret = grow(p);
		if (ret)
			return ret;
		i = probe(p, data, len, h, &found);
	}
	k = class_of(len);
	ret = cache_slab_alloc(&p->cls[k], &idx);
	if (ret)
		return ret;
	e = cache_slab_at(&p->cls[k], idx);
	*e = (uint32_t)len | 1u << LEN_BITS;
	memcpy(e + 1, data, len);
	*ref = k << REF_IDX_BITS | idx;
	p->index[i] = *ref;
	p->tags[i] = tag_of(h);
	p->count++;
	return 0;
}

/* Remove index position i, shifting later members of the run back. */
static void index_delete(struct cache_intern *p, uint32_t i)
{
	uint32_t j = i;

	p->index[i] = 0;
	for (;;) {
		uint32_t home;

		j = (j + 1) & p->mask;
		if (!p->index[j])
			return;
		home = (uint32_t)hash_ref(p, p->index[j]) & p->mask;
		/* Move j back to i unless its home lies cyclically in (i, j]. */
		if (((j - home) & p->mask) >= ((j - i) & p->mask)) {
			p->index[i] = p->index[j];
			p->tags[i] = p->tags[j];
			p->index[j] = 0;
			i = j;
		}
	}
}

void cache_intern_put(struct cache_intern *p, uint32_t ref)
{
	uint32_t *e = entry(p, ref), refs = *e >> LEN_BITS, len = *e & LEN_MASK, i;
	bool found;

	if (refs == REFS_MAX)
		return;		/* saturated: pinned */
	if (refs > 1) {
		*e -= 1u << LEN_BITS;
		return;
	}
	i = probe(p, e + 1, len, hash(p, e + 1, len), &found);
	if (found)
		index_delete(p, i);
	wipe(e, 4 + len);
	cache_slab_release(&p->cls[ref >> REF_IDX_BITS], ref & ((1u << REF_IDX_BITS) - 1));
	p->count--;
}

size_t cache_intern_bytes(const struct cache_intern *p)
{
	size_t n = (size_t)(p->mask + 1) * (sizeof(*p->index) + sizeof(*p->tags));

	for (uint32_t k = 0; k < CACHE_INTERN_CLASSES; k++)
		n += cache_slab_bytes(&p->cls[k]);
	return n;
}
