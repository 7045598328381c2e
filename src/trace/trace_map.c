/*
 * trace_map.c - string -> dense id map for interning users and parser keys.
 *
 * Open addressing with linear probing.  A slot holds the top 32 bits of
 * the key's hash next to the id, so a probe rejects almost every mismatch
 * without touching the key bytes; keys live in one growing arena.  The
 * table doubles at 50% load.  The entry cap is set at init (users, or the
 * open sessions a parser may track) so input cannot grow it without bound.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "trace/trace_int.h"

#define MAP_INIT_SLOTS 1024

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

uint64_t trace_map_hash(const char *s, size_t n)
{
	uint64_t h = 0x243f6a8885a308d3ULL ^ ((uint64_t)n * 0xff51afd7ed558ccdULL);
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	if (i < n) {
		uint64_t w = 0;

		memcpy(&w, s + i, n - i);
		h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 32;
	return h;
}

static int grow_slots(struct trace_map *m)
{
	size_t n = m->nslots ? m->nslots * 2 : MAP_INIT_SLOTS;
	uint64_t *s = calloc(n, sizeof(*s));

	if (!s)
		return ERR_NOMEM;
	for (size_t i = 0; i < m->nslots; i++) {
		uint64_t v = m->slots[i];
		uint32_t id;
		size_t j;

		if (!v)
			continue;
		id = (uint32_t)v - 1;
		/* Rehash from the key: the slot keeps only the top half. */
		j = trace_map_hash(m->arena + (m->offs[id] >> 8),
				   m->offs[id] & 0xff) & (n - 1);
		while (s[j])
			j = (j + 1) & (n - 1);
		s[j] = v;
	}
	free(m->slots);
	m->slots = s;
	m->nslots = n;
	return 0;
}

static bool key_eq(const struct trace_map *m, uint32_t id, const char *s,
		   size_t n)
{
	uint64_t o = m->offs[id];

	return (o & 0xff) == n && memcmp(m->arena + (o >> 8), s, n) == 0;
}

int64_t trace_map_find(const struct trace_map *m, const char *s, size_t n)
{
	uint64_t h;
	size_t j;

	if (!m->nslots || n > 255)
		return -1;
	h = trace_map_hash(s, n);
	j = h & (m->nslots - 1);
	for (;;) {
		uint64_t v = m->slots[j];

		if (!v)
			return -1;
		if ((v >> 32) == (h >> 32) && key_eq(m, (uint32_t)v - 1, s, n))
			return (uint32_t)v - 1;
		j = (j + 1) & (m->nslots - 1);
	}
}

int trace_map_get(struct trace_map *m, const char *s, size_t n, uint64_t h,
		  uint32_t *id, bool *added)
{
	size_t j;

	if (n > 255)
		return ERR_INVAL;
	if (m->nslots) {
		j = h & (m->nslots - 1);
		for (;;) {
			uint64_t v = m->slots[j];

			if (!v)
				break;
			if ((v >> 32) == (h >> 32) &&
			    key_eq(m, (uint32_t)v - 1, s, n)) {
				*id = (uint32_t)v - 1;
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
	j = h & (m->nslots - 1);
	while (m->slots[j])
		j = (j + 1) & (m->nslots - 1);
	if (n)
		memcpy(m->arena + m->arena_len, s, n);
	m->offs[m->count] = ((uint64_t)m->arena_len << 8) | n;
	m->arena_len += n;
	m->slots[j] = (h & 0xffffffff00000000ULL) | ((uint64_t)m->count + 1);
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
