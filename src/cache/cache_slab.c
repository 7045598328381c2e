/*
 * cache_slab.c - chunked arrays of fixed-size elements addressed by 32-bit
 * indices, with a free list threaded through released elements.
 *
 * Why not one realloc'd array: growth would copy (and briefly double) up to
 * 88 MB of records and leave copies of secrets in freed memory.  Chunks are
 * allocated once, never move, and are wiped when the slab is destroyed, so
 * the only slack is the unused tail of the last chunk.  Indices instead of
 * pointers keep references at 4 octets.
 */
#include <stdlib.h>
#include <string.h>

#include "cache/cache_int.h"
#include "common/err.h"
#include "common/wipe.h"

void cache_slab_init(struct cache_slab *s, uint32_t elem, uint32_t shift, uint32_t max)
{
	memset(s, 0, sizeof(*s));
	s->elem = elem < 4 ? 4 : elem;
	s->shift = shift;
	s->max = max;
	s->free_head = CACHE_NIL;
}

void cache_slab_destroy(struct cache_slab *s)
{
	size_t chunk = (size_t)s->elem << s->shift;

	for (uint32_t i = 0; i < s->nchunks; i++) {
		wipe(s->chunks[i], chunk);
		free(s->chunks[i]);
	}
	free(s->chunks);
	cache_slab_init(s, s->elem, s->shift, s->max);
}

/* Make sure elements [0, n) have chunks. */
static int add_chunks(struct cache_slab *s, uint32_t n)
{
	uint32_t need = (uint32_t)(((uint64_t)n + (1u << s->shift) - 1) >> s->shift);

	if (need > s->chunks_cap) {
		uint32_t cap = s->chunks_cap ? s->chunks_cap : 16;
		uint8_t **nc;

		while (cap < need)
			cap *= 2;
		nc = realloc(s->chunks, (size_t)cap * sizeof(*nc));
		if (!nc)
			return ERR_NOMEM;
		s->chunks = nc;
		s->chunks_cap = cap;
	}
	while (s->nchunks < need) {
		uint8_t *ch = calloc((size_t)1 << s->shift, s->elem);

		if (!ch)
			return ERR_NOMEM;
		s->chunks[s->nchunks++] = ch;
	}
	return 0;
}

int cache_slab_extend(struct cache_slab *s, uint32_t n)
{
	int ret;

	if (n <= s->n)
		return 0;
	if (n > s->max)
		return ERR_LIMIT;
	ret = add_chunks(s, n);
	if (ret)
		return ret;
	s->n = n;
	return 0;
}

int cache_slab_alloc(struct cache_slab *s, uint32_t *idx)
{
	int ret;

	if (s->free_head != CACHE_NIL) {
		uint8_t *e = cache_slab_at(s, s->free_head);

		*idx = s->free_head;
		memcpy(&s->free_head, e, sizeof(s->free_head));
		memset(e, 0, sizeof(uint32_t));
		return 0;
	}
	ret = cache_slab_extend(s, s->n + 1);
	if (ret)
		return ret;
	*idx = s->n - 1;
	return 0;
}

void cache_slab_release(struct cache_slab *s, uint32_t idx)
{
	memcpy(cache_slab_at(s, idx), &s->free_head, sizeof(s->free_head));
	s->free_head = idx;
}

void cache_slab_rebuild_free(struct cache_slab *s, bool (*is_free)(const void *elem))
{
	s->free_head = CACHE_NIL;
	/* Descending, so the lowest free indices are handed out first. */
	for (uint32_t i = s->n; i-- > 0;)
		if (is_free(cache_slab_at(s, i)))
			cache_slab_release(s, i);
}

size_t cache_slab_bytes(const struct cache_slab *s)
{
	return (size_t)s->nchunks * ((size_t)s->elem << s->shift) +
	       (size_t)s->chunks_cap * sizeof(*s->chunks);
}
