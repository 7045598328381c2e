/*
 * cache.h - the responder's credential cache (rs_cache).
 *
 * When an IKE SA is established the IKE engine stores a small record of it
 * here; a returning client names the record by an opaque 16-byte handle and
 * proves it knows the record's 32-byte resumption secret (src/resume), and
 * the record is then consumed and replaced by its continuation.  This
 * module holds the records, applies the per-connection lifetime policies
 * (the paper's clocked, established and data lifetimes plus a hard maximum
 * age), caps each connection's records with least-recently-used eviction
 * and, when given a store, persists them (cache_store.h).  It knows nothing
 * of sockets or of IKE messages: inputs are the plain structs below, time
 * comes from the clock seam (wall seconds, since records outlive restarts)
 * and randomness from a struct rand_src.
 *
 * Lineage: a full exchange starts a lineage (T0 = now, connected time E =
 * 0, bytes D = 0).  Every successful resumption continues it: the handle
 * and the secret change, T0, E and D carry over, so resuming never extends
 * a lifetime.  A cache_ref names the lineage, not the handle: the IKE SA
 * keeps it to report its counters when it ends, even if a resumption has
 * meanwhile replaced the handle.
 *
 * Thread safety: every function may be called from any thread; one mutex
 * serialises them (cache_flush() does its disk I/O outside it).  See
 * docs/internals/cache.md for the record layout, the policies exactly and
 * the persistence format.
 */
#ifndef RESWAN_CACHE_CACHE_H
#define RESWAN_CACHE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/addr.h"

struct clock;
struct json;
struct rand_src;
struct cache_store;
struct cache_seal;

#define CACHE_HANDLE_LEN 16
#define CACHE_SECRET_LEN 32
#define CACHE_IDENT_MAX 512		/* identification data octets */
#define CACHE_CONN_NAME_MAX 64		/* connection name octets */
#define CACHE_MAX_TS 16			/* selectors per direction (= WIRE_MAX_TS) */
#define CACHE_MAX_CONNS 1024
#define CACHE_MAX_RECORDS 16777215u	/* hard cap: slot indices are 24 bits */
#define CACHE_DEFAULT_MAX_RECORDS 1048576u

/* Lifetime policies: a set; every configured one must hold. */
enum {
	CACHE_POLICY_CLOCKED = 0x1,	/* now - T0 < lifetime */
	CACHE_POLICY_ESTABLISHED = 0x2,	/* E (connected seconds) < lifetime */
	CACHE_POLICY_DATA = 0x4,	/* D (bytes in+out) < data */
};

/* One connection's resumption settings, as the config module parses them. */
struct cache_policy {
	unsigned flags;		/* CACHE_POLICY_* set */
	uint64_t lifetime;	/* seconds: clocked and established limit */
	uint64_t data;		/* bytes: data limit */
	uint64_t max_age;	/* seconds since T0, always enforced; 0 = none */
	uint32_t capacity;	/* records kept for this connection (LRU beyond) */
	bool pfs;		/* stored only: handed back by cache_lookup() */
};

/* A peer identity in IKEv2 form: ID type (RFC 7296 3.5) and its data. */
struct cache_ident {
	uint8_t type;
	uint16_t len;
	uint8_t data[CACHE_IDENT_MAX];
};

/* Negotiated transforms (IKEv2 transform IDs; 0 = none). */
struct cache_algs {
	uint16_t ike_encr, ike_encr_bits, ike_integ, ike_prf, ike_ke;
	uint16_t child_encr, child_encr_bits, child_integ, child_ke;
	uint8_t child_proto;		/* IKEV2_PROTO_ESP */
	uint8_t child_esn;		/* 0 or 1 */
};

/* One traffic selector: type 7 (IPv4 range) or 8 (IPv6 range). */
struct cache_ts {
	uint8_t type;
	uint8_t proto;			/* IP protocol, 0 = any */
	uint16_t start_port, end_port;
	uint8_t start[16], end[16];	/* IPv4 uses the first 4 octets */
};

struct cache_ts_set {
	uint8_t n_i, n_r;
	struct cache_ts i[CACHE_MAX_TS];	/* TSi */
	struct cache_ts r[CACHE_MAX_TS];	/* TSr */
};

/* Names a lineage (slot and generation); 0 is never a valid ref. */
typedef uint64_t cache_ref;

/*
 * A record as callers see it.  cache_insert() reads secret, peer, algs, ts
 * and the virtual IPs (family ADDR_NONE = none; the port is ignored);
 * cache_lookup() fills everything.  The secret is a copy: the caller wipes
 * it (wipe()) when done.
 */
struct cache_entry {
	uint8_t secret[CACHE_SECRET_LEN];
	struct cache_ident peer;
	struct cache_algs algs;
	struct cache_ts_set ts;
	struct addr vip4, vip6;
	/* filled by cache_lookup() */
	uint8_t handle[CACHE_HANDLE_LEN];
	cache_ref ref;
	uint16_t conn;
	bool pfs;		/* the connection's policy flag */
	uint64_t t0;		/* wall seconds of the lineage's full exchange */
	uint64_t connected;	/* E: seconds */
	uint64_t bytes;		/* D: octets in + out */
	uint64_t last_use;	/* wall seconds of the last write or resumption */
};

/* Why a lookup found nothing usable (for logs; a peer never learns it). */
enum cache_miss {
	CACHE_HIT = 0,
	CACHE_MISS_UNKNOWN,		/* no such handle */
	CACHE_MISS_CLOCKED,		/* expired: clocked lifetime */
	CACHE_MISS_ESTABLISHED,		/* expired: established lifetime */
	CACHE_MISS_DATA,		/* expired: data lifetime */
	CACHE_MISS_MAX_AGE,		/* expired: maximum age */
};

const char *cache_miss_str(enum cache_miss m);

struct cache_opts {
	const struct clock *clock;	/* wall time is used */
	struct rand_src *rand;		/* check bytes of handles */
	uint32_t max_records;		/* global cap; 0 = CACHE_DEFAULT_MAX_RECORDS */
	/*
	 * Optional persistence: both or neither.  The cache borrows them
	 * (the caller frees them after cache_free()).  The seal also keys the
	 * handle mask, so handles stay valid across restarts with the same
	 * key file; without a store the mask key is random per process.
	 */
	struct cache_store *store;
	struct cache_seal *seal;
};

/* NULL on bad options or allocation failure. */
struct cache *cache_new(const struct cache_opts *o);
/* Wipes every secret.  Does not flush: call cache_flush() first. */
void cache_free(struct cache *c);

/*
 * Define or reconfigure connection `name` (1..CACHE_CONN_NAME_MAX octets).
 * ERR_LIMIT if the sum of all capacities would exceed max_records or there
 * are CACHE_MAX_CONNS connections; ERR_INVAL for a bad name or capacity 0.
 * Lowering a capacity evicts least-recently-used records at once; a
 * changed policy applies to existing records from the next check on.
 */
int cache_conn_set(struct cache *c, const char *name, const struct cache_policy *p,
		   uint16_t *id);
/* Connection id by name, or ERR_NOTFOUND. */
int cache_conn_find(struct cache *c, const char *name, uint16_t *id);

/*
 * A full exchange established an IKE SA: start a lineage (T0 = now, E = D =
 * 0).  Evicts the connection's least-recently-used record when it is at
 * capacity.  Writes the new handle and the lineage ref.  ERR_NOTFOUND for
 * an unknown connection, ERR_INVAL for malformed input (identity or
 * selectors out of range), ERR_NOMEM/ERR_CRYPTO; on error nothing changed
 * except, with ERR_NOMEM after eviction, the evicted record.
 */
int cache_insert(struct cache *c, uint16_t conn, const struct cache_entry *in,
		 uint8_t handle[CACHE_HANDLE_LEN], cache_ref *ref);

/*
 * The cheap check before any crypto: copy the record named by handle into
 * *out (secret included: the caller wipes it).  0, or ERR_NOTFOUND with
 * *why (may be NULL) saying whether the handle was unknown or the record
 * expired (an expired record is removed).  Does not count as a use.
 */
int cache_lookup(struct cache *c, const uint8_t handle[CACHE_HANDLE_LEN],
		 struct cache_entry *out, enum cache_miss *why);

/*
 * The client proved the secret: atomically retire handle and continue the
 * lineage under new_secret (derived from the new SA) and a new handle;
 * T0, E and D carry over, the record becomes most recently used.  Exactly
 * one of several callers racing for one handle gets 0; the others (and any
 * later caller) get ERR_NOTFOUND, as does a record that expired since the
 * lookup (*why says which, may be NULL).  *ref (may be NULL) is the
 * lineage ref, unchanged from before.
 */
int cache_consume(struct cache *c, const uint8_t handle[CACHE_HANDLE_LEN],
		  const uint8_t new_secret[CACHE_SECRET_LEN],
		  uint8_t new_handle[CACHE_HANDLE_LEN], cache_ref *ref,
		  enum cache_miss *why);

/*
 * An SA of this lineage ended (DELETE, DPD, replacement), or reports
 * progress: add connected seconds to E and bytes to D (saturating).  Not a
 * use.  A record that thereby exceeds its established or data lifetime is
 * removed (and 0 is still returned).  ERR_NOTFOUND if the lineage is gone.
 */
int cache_update(struct cache *c, cache_ref ref, uint64_t add_secs, uint64_t add_bytes);

/* Remove one lineage (e.g. its SA was deleted for cause).  ERR_NOTFOUND if gone. */
int cache_remove(struct cache *c, cache_ref ref);

/*
 * A full exchange of an authenticated peer replaces the lineage whose
 * handle the peer says it gives up: remove that record if it is in use,
 * belongs to connection conn and to identity id; otherwise ERR_NOTFOUND
 * (one answer for every reason).  O(1), no index: the handle names the slot.
 */
int cache_retire(struct cache *c, uint16_t conn, const uint8_t handle[CACHE_HANDLE_LEN],
		 const struct cache_ident *id);

/* Remove every record of this identity, in every connection; returns how many. */
size_t cache_revoke(struct cache *c, const struct cache_ident *id);

/*
 * Incremental purge of expired records: examine at most max_slots slots
 * from where the last call stopped (the daemon calls this from a timer).
 * Returns how many records were removed.
 */
size_t cache_purge(struct cache *c, size_t max_slots);

/*
 * Persistence (no-ops returning 0 without a store).  cache_load() reads
 * every stored record into an empty cache at startup: records that fail
 * to unseal or parse, expired ones, ones of unknown connections or beyond
 * capacity are dropped, counted in the stats and deleted from the store at
 * the next flush.  cache_flush() writes every change since the last flush
 * in transactions of up to CACHE_FLUSH_BATCH records; the daemon calls it
 * from a timer (e.g. every 100 ms) and at shutdown.  A kill -9 loses at
 * most the changes not yet flushed, never corrupts the store.
 */
#define CACHE_FLUSH_BATCH 4096
int cache_load(struct cache *c);
int cache_flush(struct cache *c);

struct cache_conn_stats {
	char name[CACHE_CONN_NAME_MAX + 1];
	uint32_t count;
	uint32_t capacity;
};

struct cache_stats {
	uint64_t count;			/* live records */
	uint64_t max_records;
	uint64_t bytes;			/* accounted memory, all structures */
	uint64_t bytes_records;		/* record slots */
	uint64_t bytes_interned;	/* identities, profiles, addresses + indexes */
	uint64_t hits, misses, expirations, evictions, inserts, consumes,
		 updates, revocations;
	uint64_t superseded;		/* lineages retired by cache_retire() */
	uint64_t dirty;			/* changes waiting for cache_flush() */
	uint64_t flushed, flush_errors;	/* records written, failed flushes */
	uint64_t loaded, load_unsealed, load_corrupt, load_expired,
		 load_orphaned, load_over_capacity;
	size_t nconns;
	struct cache_conn_stats conns[CACHE_MAX_CONNS];
};

/* Fill *s (about 80 KB: allocate it, do not put it on a small stack). */
void cache_stats(struct cache *c, struct cache_stats *s);
/* The stats as one JSON object (member `key` of the enclosing object, or NULL). */
void cache_stats_json(struct cache *c, struct json *j, const char *key);

/* What `reswan cache list` shows of a record: never the secret or handle. */
struct cache_info {
	cache_ref ref;
	const char *conn;		/* valid during the callback */
	struct cache_ident peer;
	struct addr vip4, vip6;
	uint64_t t0, connected, bytes, last_use;
	uint64_t expires;		/* wall seconds when time policies end it; 0 = none */
};

/* Return non-zero to stop; cache_list() then returns that value. */
typedef int (*cache_list_fn)(void *ctx, const struct cache_info *info);
/* Calls fn for each record, most recently used first per connection. */
int cache_list(struct cache *c, cache_list_fn fn, void *ctx);
/* At most `limit` records (0 = all) as a JSON array member `key`. */
void cache_list_json(struct cache *c, struct json *j, const char *key, size_t limit);

#endif
