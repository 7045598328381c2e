/*
 * certcache.c - verified peer certificate chains (see certcache.h).
 *
 * A hash table by key for lookups and a doubly linked list for LRU order;
 * at CERTCACHE_MAX the least recently used entry makes room.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/hmap.h"
#include "crypto/sign.h"
#include "crypto/x509.h"
#include "ike/certcache.h"

struct entry {
	struct hmap_node node;
	struct entry *prev, *next;	/* LRU: head is most recent */
	uint8_t key[CERTCACHE_KEY_LEN];
	uint64_t gen;
	const void *store;
	int64_t not_after;
	struct x509_cert *leaf;
	struct sign_pub *pub;
};

struct certcache {
	struct hmap map;
	struct entry *head, *tail;
};

static uint64_t key_hash(const uint8_t *key)
{
	uint64_t h;

	/* The key is a SHA-256: any 8 octets of it are a fine hash. */
	memcpy(&h, key, sizeof(h));
	return h;
}

struct certcache *certcache_new(void)
{
	struct certcache *cc = calloc(1, sizeof(*cc));

	if (!cc || hmap_init(&cc->map, 64) != 0) {
		free(cc);
		return NULL;
	}
	return cc;
}

static void unlink_lru(struct certcache *cc, struct entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		cc->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		cc->tail = e->prev;
	e->prev = e->next = NULL;
}

static void push_front(struct certcache *cc, struct entry *e)
{
	e->prev = NULL;
	e->next = cc->head;
	if (cc->head)
		cc->head->prev = e;
	cc->head = e;
	if (!cc->tail)
		cc->tail = e;
}

static void drop(struct certcache *cc, struct entry *e)
{
	unlink_lru(cc, e);
	hmap_remove(&cc->map, &e->node);
	x509_cert_free(e->leaf);
	sign_pub_free(e->pub);
	free(e);
}

void certcache_clear(struct certcache *cc)
{
	while (cc && cc->head)
		drop(cc, cc->head);
}

void certcache_free(struct certcache *cc)
{
	if (!cc)
		return;
	certcache_clear(cc);
	hmap_destroy(&cc->map);
	free(cc);
}

size_t certcache_count(const struct certcache *cc)
{
	return cc->map.count;
}

int certcache_find(struct certcache *cc, const uint8_t key[CERTCACHE_KEY_LEN],
		   uint64_t gen, const void *store, int64_t now,
		   const struct x509_cert **leaf, const struct sign_pub **pub)
{
	for (struct hmap_node *n = hmap_lookup(&cc->map, key_hash(key)); n;
	     n = hmap_next_equal(n)) {
		struct entry *e = container_of(n, struct entry, node);

		if (memcmp(e->key, key, CERTCACHE_KEY_LEN) != 0 || e->gen != gen ||
		    e->store != store)
			continue;
		if (now >= e->not_after) {
			drop(cc, e);
			return ERR_NOTFOUND;
		}
		unlink_lru(cc, e);
		push_front(cc, e);
		*leaf = e->leaf;
		*pub = e->pub;
		return 0;
	}
	return ERR_NOTFOUND;
}

void certcache_add(struct certcache *cc, const uint8_t key[CERTCACHE_KEY_LEN],
		   uint64_t gen, const void *store, int64_t not_after,
		   struct x509_cert *leaf, struct sign_pub *pub)
{
	struct entry *e;

	while (cc->map.count >= CERTCACHE_MAX && cc->tail)
		drop(cc, cc->tail);
	e = calloc(1, sizeof(*e));
	if (!e) {
		/* Not caching is always safe. */
		x509_cert_free(leaf);
		sign_pub_free(pub);
		return;
	}
	memcpy(e->key, key, CERTCACHE_KEY_LEN);
	e->gen = gen;
	e->store = store;
	e->not_after = not_after;
	e->leaf = leaf;
	e->pub = pub;
	hmap_insert(&cc->map, &e->node, key_hash(key));
	push_front(cc, e);
}
