/*
 * hmap.c - intrusive chained hash table and SipHash-2-4 (see hmap.h).
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/hmap.h"

int hmap_init(struct hmap *m, size_t initial_buckets)
{
	size_t n = 16;

	while (n < initial_buckets && n < ((size_t)1 << 40))
		n <<= 1;
	m->buckets = calloc(n, sizeof(*m->buckets));
	if (!m->buckets)
		return ERR_NOMEM;
	m->mask = n - 1;
	m->count = 0;
	return 0;
}

void hmap_destroy(struct hmap *m)
{
	free(m->buckets);
	m->buckets = NULL;
	m->mask = 0;
	m->count = 0;
}

static int grow(struct hmap *m)
{
	size_t n = (m->mask + 1) * 2;
	struct hmap_node **nb = calloc(n, sizeof(*nb));

	if (!nb)
		return ERR_NOMEM;
	for (size_t i = 0; i <= m->mask; i++) {
		struct hmap_node *node = m->buckets[i], *next;

		for (; node; node = next) {
			next = node->next;
			node->next = nb[node->hash & (n - 1)];
			nb[node->hash & (n - 1)] = node;
		}
	}
	free(m->buckets);
	m->buckets = nb;
	m->mask = n - 1;
	return 0;
}

int hmap_insert(struct hmap *m, struct hmap_node *node, uint64_t hash)
{
	struct hmap_node **b = &m->buckets[hash & m->mask];

	node->hash = hash;
	node->next = *b;
	*b = node;
	m->count++;
	if (m->count > m->mask + 1)
		return grow(m);
	return 0;
}

void hmap_remove(struct hmap *m, struct hmap_node *node)
{
	struct hmap_node **pp = &m->buckets[node->hash & m->mask];

	for (; *pp; pp = &(*pp)->next) {
		if (*pp == node) {
			*pp = node->next;
			node->next = NULL;
			m->count--;
			return;
		}
	}
}

struct hmap_node *hmap_lookup(const struct hmap *m, uint64_t hash)
{
	struct hmap_node *n = m->buckets[hash & m->mask];

	while (n && n->hash != hash)
		n = n->next;
	return n;
}

struct hmap_node *hmap_next_equal(const struct hmap_node *node)
{
	struct hmap_node *n = node->next;

	while (n && n->hash != node->hash)
		n = n->next;
	return n;
}

struct hmap_node *hmap_iter_first(const struct hmap *m, size_t *bucket)
{
	for (*bucket = 0; *bucket <= m->mask; (*bucket)++)
		if (m->buckets[*bucket])
			return m->buckets[*bucket];
	return NULL;
}

struct hmap_node *hmap_iter_next(const struct hmap *m, size_t *bucket,
				 const struct hmap_node *node)
{
	if (node->next)
		return node->next;
	for ((*bucket)++; *bucket <= m->mask; (*bucket)++)
		if (m->buckets[*bucket])
			return m->buckets[*bucket];
	return NULL;
}

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                       \
	do {                                                           \
		v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32); \
		v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                 \
		v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                 \
		v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32); \
	} while (0)

static uint64_t load_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

uint64_t hmap_siphash(const uint8_t key[16], const void *data, size_t len)
{
	const uint8_t *in = data;
	uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
	uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
	uint64_t v3 = 0x7465646279746573ULL ^ k1;
	uint64_t b = (uint64_t)len << 56, m;
	size_t i, left = len & 7;

	for (i = 0; i + 8 <= len; i += 8) {
		m = load_le64(in + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	for (size_t j = 0; j < left; j++)
		b |= (uint64_t)in[i + j] << (8 * j);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}
