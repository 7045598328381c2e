/*
 * cache_client.h - the initiator's side: its own resumption credentials,
 * one per connection name.
 *
 * After a full exchange (or a resumption) the responder hands the
 * initiator a handle; the initiator keeps it with the resumption secret,
 * the algorithms and the responder's identity, and presents it on its
 * next connection.  The store is small (a client has few connections) and
 * persists exactly like the server cache: sealed values in a cache_store,
 * written by cache_client_flush().
 */
#ifndef RESWAN_CACHE_CACHE_CLIENT_H
#define RESWAN_CACHE_CACHE_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "cache/cache.h"

#define CACHE_CLIENT_MAX 4096

struct cache_client_entry {
	uint8_t handle[CACHE_HANDLE_LEN];
	uint8_t secret[CACHE_SECRET_LEN];
	struct cache_algs algs;
	struct cache_ident peer;	/* the responder */
	uint64_t expires;		/* wall seconds, a hint; 0 = none */
};

struct cache_client_opts {
	const struct clock *clock;
	uint32_t max_entries;		/* 0 = 64; at most CACHE_CLIENT_MAX */
	struct cache_store *store;	/* optional, with seal; borrowed */
	struct cache_seal *seal;
};

struct cache_client *cache_client_new(const struct cache_client_opts *o);
/* Wipes every secret; does not flush. */
void cache_client_free(struct cache_client *cl);

/* Store or replace conn's credential.  ERR_LIMIT when full, ERR_INVAL for a bad name. */
int cache_client_put(struct cache_client *cl, const char *conn,
		     const struct cache_client_entry *e);
/*
 * Copy conn's credential (the caller wipes out->secret).  ERR_NOTFOUND if
 * there is none or its expiry hint has passed (it is then removed).
 */
int cache_client_get(struct cache_client *cl, const char *conn,
		     struct cache_client_entry *out);
/* Forget conn's credential (e.g. the responder refused it).  ERR_NOTFOUND if none. */
int cache_client_del(struct cache_client *cl, const char *conn);
size_t cache_client_count(struct cache_client *cl);

/* As cache_load()/cache_flush(); values that fail to open are dropped and counted. */
int cache_client_load(struct cache_client *cl);
int cache_client_flush(struct cache_client *cl);
/* Entries dropped by cache_client_load() (unsealable or malformed). */
uint64_t cache_client_dropped(struct cache_client *cl);

#endif
