/*
 * trace_map.c - string -> dense id map for interning users and parser keys.
 *
 * Open addressing with linear probing over 32-byte slots indexed by the
 * top bits of a 64-bit hash.  A slot keeps the hash's top 32 bits, the id
 * and the key's first 23 bytes, so a lookup of a short key (user names
 * almost always are) reads one cache line, which the CSV reader prefetches
 * a batch ahead; longer keys are compared in the arena.  The table doubles
 * at 50% load and rehashes from the stored bits alone.  (At 75% a
 * 752K-user table is 32 MiB instead of 64, but reading the 10M-session
 * bench trace took 0.2 s more CPU on two threads for the longer probe
 * runs: 1.79-1.90 s against 1.62-1.66 s user.)  The entry cap is
 * set at init (users, or the open sessions a parser may track) so input
 * cannot grow it without bound.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/err.h"
#include "trace/trace_int.h"

#define MAP_INIT_BITS 10
/* Tables this large are backed by huge pages where the kernel allows:
 * lookups land on random slots, and 4 KiB pages would make nearly every
 * one a TLB miss. */
#define HUGE_FROM (4u << 20)
#define HUGE_ALIGN (2u << 20)

static struct trace_map_slot *slots_alloc(size_t n)
{
	size_t bytes = n * sizeof(struct trace_map_slot);
	void *p;

	if (bytes < HUGE_FROM)
		return calloc(n, sizeof(struct trace_map_slot));
	p = aligned_alloc(HUGE_ALIGN, bytes);
	if (!p)
		return NULL;
	(void)madvise(p, bytes, MADV_HUGEPAGE);
	memset(p, 0, bytes);
	return p;
}

void trace_map_init(struct trace_map *m, uint32_t max)
{
	memset(m, 0, sizeof(*m));
	m->max = max;
}

void trace_map_release(struct trace_map *m)
{
	if (!m)
		return;
	free(m->slots);
	free(m->offs);
	free(m->arena);
	memset(m, 0, sizeof(*m));
}

int trace_map_ensure_u32(uint32_t **a, size_t *cap, uint32_t id)
{
	size_t c;
	uint32_t *n;

	if (id < *cap)
		return 0;
	c = *cap ? *cap * 2 : 256;
	while (c <= id)
		c *= 2;
	n = realloc(*a, c * sizeof(*n));
	if (!n)
		return ERR_NOMEM;
	for (size_t i = *cap; i < c; i++)
		n[i] = UINT32_MAX;
	*a = n;
	*cap = c;
	return 0;
}

uint64_t trace_map_hash_long(const char *s, size_t n, uint64_t h)
{
	uint64_t a, b;

	for (size_t i = 0; i + 16 < n; i += 16)
		h = trace_fold(trace_rd64(s + i) ^ TRACE_HASH_K1,
			       trace_rd64(s + i + 8) ^ h);
	a = trace_rd64(s + n - 16);
	b = trace_rd64(s + n - 8);
	return trace_fold(h ^ TRACE_HASH_K2, trace_fold(a ^ TRACE_HASH_K1, b ^ h));
}

static int grow_slots(struct trace_map *m)
{
	unsigned bits = m->bits ? m->bits + 1 : MAP_INIT_BITS;
	size_t n = (size_t)1 << bits;
	struct trace_map_slot *s;

	if (bits > 32)
		return ERR_LIMIT;
	s = slots_alloc(n);
	if (!s)
		return ERR_NOMEM;
	for (size_t i = 0; i < m->nslots; i++) {
		size_t j;

		if (!m->slots[i].id1)
			continue;
		j = m->slots[i].hi >> (32 - bits);
		while (s[j].id1)
			j = (j + 1) & (n - 1);
		s[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = s;
	m->nslots = n;
	m->bits = bits;
	return 0;
}

static bool slot_eq(const struct trace_map *m, const struct trace_map_slot *sl,
		    uint32_t hi, const char *s, size_t n)
{
	uint64_t o;

	if (sl->hi != hi || sl->len != n)
		return false;
	if (n <= TRACE_MAP_INLINE)
		return trace_short_eq(sl->key, s, n);
	o = m->offs[sl->id1 - 1];
	return memcmp(m->arena + (o >> 8), s, n) == 0;
}

int64_t trace_map_find(const struct trace_map *m, const char *s, size_t n)
{
	uint64_t h;
	size_t j;

	if (!m->nslots || n > 255)
		return -1;
	h = trace_map_hash(s, n);
	j = h >> (64 - m->bits);
	for (;;) {
		const struct trace_map_slot *sl = &m->slots[j];

		if (!sl->id1)
			return -1;
		if (slot_eq(m, sl, (uint32_t)(h >> 32), s, n))
			return sl->id1 - 1;
		j = (j + 1) & (m->nslots - 1);
	}
}

int trace_map_get(struct trace_map *m, const char *s, size_t n, uint64_t h,
		  uint32_t *id, bool *added)
{
	uint32_t hi = (uint32_t)(h >> 32);
	struct trace_map_slot *sl;
	size_t j;

	if (n > 255)
		return ERR_INVAL;
	if (m->nslots) {
		j = h >> (64 - m->bits);
		for (;;) {
			sl = &m->slots[j];
			if (!sl->id1)
				break;
			if (slot_eq(m, sl, hi, s, n)) {
				*id = sl->id1 - 1;
				if (added)
					*added = false;
				return 0;
			}
			j = (j + 1) & (m->nslots - 1);
		}
	}
	if (m->count >= m->max)
		return ERR_LIMIT;
	/* Make room first so that a failure leaves the map unchanged. */
	if (m->count == m->offs_cap) {
		size_t c = m->offs_cap ? m->offs_cap * 2 : 256;
		uint64_t *o = realloc(m->offs, c * sizeof(*o));

		if (!o)
			return ERR_NOMEM;
		m->offs = o;
		m->offs_cap = c;
	}
	if (m->arena_len + n > m->arena_cap) {
		size_t c = m->arena_cap ? m->arena_cap * 2 : 4096;
		char *a;

		while (c < m->arena_len + n)
			c *= 2;
		if (c >= (1ULL << 56))
			return ERR_LIMIT;
		a = realloc(m->arena, c);
		if (!a)
			return ERR_NOMEM;
		m->arena = a;
		m->arena_cap = c;
	}
	if ((size_t)(m->count + 1) * 2 > m->nslots) {
		int rc = grow_slots(m);

		if (rc)
			return rc;
	}
	j = h >> (64 - m->bits);
	while (m->slots[j].id1)
		j = (j + 1) & (m->nslots - 1);
	sl = &m->slots[j];
	if (n)
		memcpy(m->arena + m->arena_len, s, n);
	m->offs[m->count] = ((uint64_t)m->arena_len << 8) | n;
	m->arena_len += n;
	sl->hi = hi;
	sl->id1 = m->count + 1;
	sl->len = (uint8_t)n;
	memcpy(sl->key, s, n < TRACE_MAP_INLINE ? n : TRACE_MAP_INLINE);
	*id = m->count++;
	if (added)
		*added = true;
	return 0;
}

const char *trace_map_key(const struct trace_map *m, uint32_t id, size_t *n)
{
	if (id >= m->count)
		return NULL;
	*n = m->offs[id] & 0xff;
	return m->arena + (m->offs[id] >> 8);
}
