/*
 * hmap.h - intrusive chained hash table.
 *
 * Objects embed a struct hmap_node; the table never allocates or frees
 * them, it only links them (the owner frees through its own destructor).
 * The caller computes hashes: use hmap_siphash() with a per-table random
 * key for anything a peer can choose (initiator SPIs, addresses), so a
 * flood of crafted keys cannot degrade lookups to a list walk.  Lookup
 * walks the nodes with an equal hash; the caller compares keys.
 *
 * The bucket array grows (doubling, load factor 1) and never shrinks; the
 * number of nodes is the owner's to cap.
 */
#ifndef RESWAN_COMMON_HMAP_H
#define RESWAN_COMMON_HMAP_H

#include <stddef.h>
#include <stdint.h>

#define container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

struct hmap_node {
	struct hmap_node *next;
	uint64_t hash;
};

struct hmap {
	struct hmap_node **buckets;
	size_t mask;		/* nbuckets - 1; nbuckets is a power of two */
	size_t count;
};

int hmap_init(struct hmap *m, size_t initial_buckets);
/* Frees the bucket array only; the nodes belong to their owners. */
void hmap_destroy(struct hmap *m);
/* Links node under hash; fails only with ERR_NOMEM when growth fails,
 * in which case the node is still linked (the table is just fuller). */
int hmap_insert(struct hmap *m, struct hmap_node *node, uint64_t hash);
void hmap_remove(struct hmap *m, struct hmap_node *node);
/* First node with this hash, then hmap_next_equal() for the others. */
struct hmap_node *hmap_lookup(const struct hmap *m, uint64_t hash);
struct hmap_node *hmap_next_equal(const struct hmap_node *node);

/* Iterate all nodes: for (n = hmap_iter_first(m, &i); n; n = hmap_iter_next(m, &i, n)).
 * Removing the current node during iteration is not allowed; collect first. */
struct hmap_node *hmap_iter_first(const struct hmap *m, size_t *bucket);
struct hmap_node *hmap_iter_next(const struct hmap *m, size_t *bucket,
				 const struct hmap_node *node);

/* SipHash-2-4 of data under a 16-byte key. */
uint64_t hmap_siphash(const uint8_t key[16], const void *data, size_t len);

#endif
