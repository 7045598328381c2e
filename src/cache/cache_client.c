/*
 * cache_client.c - the initiator's credential store (see cache_client.h).
 *
 * A client has a handful of connections, so entries sit in one small
 * array searched by name.  Changes mark an entry dirty; a removed entry
 * keeps its name (and the dirty mark) until the flush has deleted it from
 * the store.  Stored pairs are key = connection name, value = the entry
 * sealed in the client domain, so a server record cannot be replayed as
 * a client entry or the reverse.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "cache/cache_client.h"
#include "cache/cache_int.h"
#include "common/buf.h"
#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/wipe.h"

struct slot {
	char name[CACHE_CONN_NAME_MAX + 1];
	bool used;		/* holds a credential */
	bool dirty;		/* differs from the store; !used && dirty = delete pending */
	struct cache_client_entry e;
};

struct cache_client {
	pthread_mutex_t mu;
	const struct clock *clock;
	struct cache_store *store;
	struct cache_seal *seal;
	uint32_t max;
	uint64_t dropped;
	struct slot *slots;
};

struct cache_client *cache_client_new(const struct cache_client_opts *o)
{
	struct cache_client *cl;
	uint32_t max;

	if (!o || !o->clock || !o->store != !o->seal)
		return NULL;
	max = o->max_entries ? o->max_entries : 64;
	if (max > CACHE_CLIENT_MAX)
		return NULL;
	cl = calloc(1, sizeof(*cl));
	if (!cl)
		return NULL;
	cl->slots = calloc(max, sizeof(*cl->slots));
	if (!cl->slots) {
		free(cl);
		return NULL;
	}
	pthread_mutex_init(&cl->mu, NULL);
	cl->clock = o->clock;
	cl->store = o->store;
	cl->seal = o->seal;
	cl->max = max;
	return cl;
}

void cache_client_free(struct cache_client *cl)
{
	if (!cl)
		return;
	wipe(cl->slots, (size_t)cl->max * sizeof(*cl->slots));
	free(cl->slots);
	pthread_mutex_destroy(&cl->mu);
	free(cl);
}

/* The slot named conn (used or pending delete), else NULL. */
static struct slot *find(struct cache_client *cl, const char *conn)
{
	for (uint32_t i = 0; i < cl->max; i++)
		if ((cl->slots[i].used || cl->slots[i].dirty) &&
		    strcmp(cl->slots[i].name, conn) == 0)
			return &cl->slots[i];
	return NULL;
}

static struct slot *find_free(struct cache_client *cl)
{
	for (uint32_t i = 0; i < cl->max; i++)
		if (!cl->slots[i].used && !cl->slots[i].dirty)
			return &cl->slots[i];
	return NULL;
}

static bool valid_name(const char *conn)
{
	size_t len = conn ? strnlen(conn, CACHE_CONN_NAME_MAX + 1) : 0;

	return len > 0 && len <= CACHE_CONN_NAME_MAX;
}

static void forget(struct cache_client *cl, struct slot *s)
{
	wipe(&s->e, sizeof(s->e));
	s->used = false;
	s->dirty = cl->store != NULL;
	if (!s->dirty)
		memset(s->name, 0, sizeof(s->name));
}

int cache_client_put(struct cache_client *cl, const char *conn,
		     const struct cache_client_entry *e)
{
	struct slot *s;
	int ret = 0;

	if (!valid_name(conn) || e->peer.len > CACHE_IDENT_MAX)
		return ERR_INVAL;
	pthread_mutex_lock(&cl->mu);
	s = find(cl, conn);
	if (!s)
		s = find_free(cl);
	if (!s) {
		ret = ERR_LIMIT;
		goto out;
	}
	strcpy(s->name, conn);
	s->e = *e;
	s->used = true;
	s->dirty = cl->store != NULL;
out:
	pthread_mutex_unlock(&cl->mu);
	return ret;
}

int cache_client_get(struct cache_client *cl, const char *conn,
		     struct cache_client_entry *out)
{
	uint64_t now = clock_wall(cl->clock) / CLOCK_US_PER_SEC;
	struct slot *s;
	int ret = ERR_NOTFOUND;

	if (!valid_name(conn))
		return ERR_NOTFOUND;
	pthread_mutex_lock(&cl->mu);
	s = find(cl, conn);
	if (s && s->used) {
		if (s->e.expires && now >= s->e.expires) {
			forget(cl, s);
		} else {
			*out = s->e;
			ret = 0;
		}
	}
	pthread_mutex_unlock(&cl->mu);
	return ret;
}

int cache_client_del(struct cache_client *cl, const char *conn)
{
	struct slot *s;
	int ret = ERR_NOTFOUND;

	if (!valid_name(conn))
		return ERR_NOTFOUND;
	pthread_mutex_lock(&cl->mu);
	s = find(cl, conn);
	if (s && s->used) {
		forget(cl, s);
		ret = 0;
	}
	pthread_mutex_unlock(&cl->mu);
	return ret;
}

size_t cache_client_count(struct cache_client *cl)
{
	size_t n = 0;

	pthread_mutex_lock(&cl->mu);
	for (uint32_t i = 0; i < cl->max; i++)
		n += cl->slots[i].used;
	pthread_mutex_unlock(&cl->mu);
	return n;
}

uint64_t cache_client_dropped(struct cache_client *cl)
{
	return cl->dropped;
}

int cache_client_flush(struct cache_client *cl)
{
	uint8_t plain[CACHE_RECORD_MAX], val[CACHE_RECORD_MAX + CACHE_SEAL_OVERHEAD];
	struct buf_writer w;
	size_t vlen;
	int ret;

	if (!cl->store)
		return 0;
	/* A client's store is tiny: write it under the lock. */
	pthread_mutex_lock(&cl->mu);
	ret = cl->store->ops->begin(cl->store);
	for (uint32_t i = 0; i < cl->max && !ret; i++) {
		struct slot *s = &cl->slots[i];
		size_t klen = strlen(s->name);

		if (!s->dirty)
			continue;
		if (!s->used) {
			ret = cl->store->ops->del(cl->store, (const uint8_t *)s->name, klen);
			continue;
		}
		buf_writer_init_fixed(&w, plain, sizeof(plain));
		ret = cache_record_encode_client(&w, s->name, &s->e);
		if (!ret)
			ret = cache_seal_seal(cl->seal, CACHE_SEAL_CLIENT, (const uint8_t *)s->name,
					      klen, plain, w.len, val, sizeof(val), &vlen);
		if (!ret)
			ret = cl->store->ops->put(cl->store, (const uint8_t *)s->name, klen, val,
						  vlen);
	}
	if (ret)
		cl->store->ops->abort(cl->store);
	else
		ret = cl->store->ops->commit(cl->store);
	if (!ret)
		for (uint32_t i = 0; i < cl->max; i++) {
			struct slot *s = &cl->slots[i];

			if (s->dirty && !s->used)
				memset(s->name, 0, sizeof(s->name));
			s->dirty = false;
		}
	pthread_mutex_unlock(&cl->mu);
	wipe(plain, sizeof(plain));
	if (ret)
		log_error("cache client: flush failed: %s", err_str(ret));
	return ret;
}

struct load_ctx {
	struct cache_client *cl;
	uint8_t plain[CACHE_RECORD_MAX];
	char name[CACHE_CONN_NAME_MAX + 1];
	struct cache_client_entry e;
};

static int load_one(void *ctx, const uint8_t *key, size_t klen, const uint8_t *val,
		    size_t vlen)
{
	struct load_ctx *l = ctx;
	struct cache_client *cl = l->cl;
	const char *why = NULL;
	struct slot *s;
	size_t plen;
	int ret;

	ret = cache_seal_open(cl->seal, CACHE_SEAL_CLIENT, key, klen, val, vlen, l->plain,
			      sizeof(l->plain), &plen, &why);
	if (!ret) {
		ret = cache_record_decode_client(l->plain, plen, l->name, &l->e, &why);
		wipe(l->plain, plen);
	}
	/* The key must be the name inside the sealed body (bound by the AAD too). */
	if (!ret && (klen != strlen(l->name) || memcmp(key, l->name, klen) != 0)) {
		why = "key does not match the entry's name";
		ret = ERR_SYNTAX;
	}
	if (!ret && !(s = find_free(cl))) {
		why = "more entries than max_entries";
		ret = ERR_LIMIT;
	}
	if (ret) {
		cl->dropped++;
		log_warn("cache client: dropping a stored entry: %s", why ? why : err_str(ret));
	} else {
		strcpy(s->name, l->name);
		s->e = l->e;
		s->used = true;
	}
	wipe(&l->e, sizeof(l->e));
	return 0;
}

int cache_client_load(struct cache_client *cl)
{
	struct load_ctx *l;
	int ret;

	if (!cl->store)
		return 0;
	l = calloc(1, sizeof(*l));
	if (!l)
		return ERR_NOMEM;
	l->cl = cl;
	pthread_mutex_lock(&cl->mu);
	ret = cl->store->ops->load(cl->store, load_one, l);
	pthread_mutex_unlock(&cl->mu);
	wipe(l, sizeof(*l));
	free(l);
	return ret;
}
