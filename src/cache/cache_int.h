/*
 * cache_int.h - the credential cache's internals, shared by its files and
 * by its tests and fuzzer: compact storage (slabs, interning), handles,
 * policy evaluation, the record serialisation, and struct cache itself.
 *
 * Memory layout in brief (docs/internals/cache.md has it byte by byte):
 * records are 88-octet slots in a chunked array indexed by a 24-bit slot
 * number; the handle carries the slot number masked under a key, so
 * finding a record needs no index at all; what many records share
 * (connection + algorithms + selectors = a "profile", identities, IPv6 or
 * dual-stack virtual addresses) is interned behind 32-bit references with
 * reference counts.
 */
#ifndef RESWAN_CACHE_CACHE_INT_H
#define RESWAN_CACHE_CACHE_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cache/cache.h"
#include "cache/cache_store.h"

#define CACHE_NIL UINT32_MAX

/* ---- slab: chunked array of fixed-size elements with a free list ---- */

struct cache_slab {
	uint32_t elem;		/* element size, >= 4 */
	uint32_t shift;		/* log2 of elements per chunk */
	uint32_t n;		/* high-water mark: elements [0, n) exist */
	uint32_t max;		/* cap on n */
	uint32_t free_head;	/* CACHE_NIL if none; link in an element's first 4 octets */
	uint32_t nchunks, chunks_cap;
	uint8_t **chunks;
};

void cache_slab_init(struct cache_slab *s, uint32_t elem, uint32_t shift, uint32_t max);
/* Wipes and frees every chunk. */
void cache_slab_destroy(struct cache_slab *s);
/* An element index (from the free list, else a new one); ERR_LIMIT/ERR_NOMEM. */
int cache_slab_alloc(struct cache_slab *s, uint32_t *idx);
/* Return idx to the free list (its first 4 octets are overwritten). */
void cache_slab_release(struct cache_slab *s, uint32_t idx);
/* Grow the high-water mark to at least n (new elements are zero, not on the free list). */
int cache_slab_extend(struct cache_slab *s, uint32_t n);
/* Rebuild the free list from a predicate (after cache_slab_extend loading). */
void cache_slab_rebuild_free(struct cache_slab *s, bool (*is_free)(const void *elem));
size_t cache_slab_bytes(const struct cache_slab *s);

static inline void *cache_slab_at(const struct cache_slab *s, uint32_t idx)
{
	return s->chunks[idx >> s->shift] +
	       (size_t)(idx & ((1u << s->shift) - 1)) * s->elem;
}

/* ---- intern pool: byte strings behind refcounted 32-bit references ---- */

#define CACHE_INTERN_MAX_LEN 2047	/* 11-bit length field */
#define CACHE_INTERN_CLASSES (CACHE_INTERN_MAX_LEN / 4 + 2)

struct cache_intern {
	uint8_t key[16];		/* SipHash key of the index */
	uint32_t max_len;
	uint32_t count;			/* distinct strings */
	uint32_t *index;		/* open addressing, linear probing; 0 = empty */
	uint8_t *tags;			/* 8 hash bits per index slot: skip most compares */
	uint32_t mask;			/* index size - 1 */
	struct cache_slab cls[CACHE_INTERN_CLASSES];
};

int cache_intern_init(struct cache_intern *p, struct rand_src *rnd, uint32_t max_len,
		      uint32_t max_count);
void cache_intern_destroy(struct cache_intern *p);
/* Find or add (refcount + 1).  ERR_INVAL for len 0 or > max_len. */
int cache_intern_get(struct cache_intern *p, const void *data, size_t len, uint32_t *ref);
/* Find without taking a reference; ERR_NOTFOUND. */
int cache_intern_find(const struct cache_intern *p, const void *data, size_t len,
		      uint32_t *ref);
/* Take one more reference to an existing string. */
void cache_intern_hold(struct cache_intern *p, uint32_t ref);
/* Drop a reference; the string is freed (wiped) at zero. */
void cache_intern_put(struct cache_intern *p, uint32_t ref);
const uint8_t *cache_intern_data(const struct cache_intern *p, uint32_t ref, size_t *len);
size_t cache_intern_bytes(const struct cache_intern *p);

/* ---- handles ---- */

#define CACHE_CHECK_LEN 12

/* handle = (slot XOR H(check)) | check, H keyed SipHash truncated to 32 bits. */
void cache_handle_make(const uint8_t mask_key[16], uint32_t slot,
		       const uint8_t check[CACHE_CHECK_LEN], uint8_t handle[CACHE_HANDLE_LEN]);
uint32_t cache_handle_slot(const uint8_t mask_key[16], const uint8_t handle[CACHE_HANDLE_LEN]);

/* ---- policies ---- */

/* CACHE_HIT if the record may be resumed now, else which policy ended it. */
enum cache_miss cache_policy_check(const struct cache_policy *p, uint64_t now,
				   uint64_t t0, uint64_t connected, uint64_t bytes);
/* Wall second at which time-based policies end a lineage begun at t0; 0 = never. */
uint64_t cache_policy_deadline(const struct cache_policy *p, uint64_t t0);

/* ---- record serialisation (memory profiles and stored values) ---- */

#define CACHE_ALGS_LEN 20
#define CACHE_TS_SET_MAX (2 + 2 * CACHE_MAX_TS * (6 + 32))
#define CACHE_PROFILE_MAX (2 + CACHE_ALGS_LEN + CACHE_TS_SET_MAX)
#define CACHE_VIP_BLOB_LEN 21		/* flags, IPv4, IPv6 */
#define CACHE_RECORD_VERSION 1
#define CACHE_RECORD_KIND_SERVER 1
#define CACHE_RECORD_KIND_CLIENT 2
#define CACHE_RECORD_MAX 2048		/* plaintext body bound */

struct buf_writer;
struct buf_reader;

void cache_record_put_algs(struct buf_writer *w, const struct cache_algs *a);
int cache_record_get_algs(struct buf_reader *r, struct cache_algs *a);
/* ERR_INVAL for counts beyond CACHE_MAX_TS or types other than 7/8. */
int cache_record_check_ts(const struct cache_ts_set *ts);
void cache_record_put_ts(struct buf_writer *w, const struct cache_ts_set *ts);
int cache_record_get_ts(struct buf_reader *r, struct cache_ts_set *ts, const char **why);
int cache_record_get_ident(struct buf_reader *r, struct cache_ident *id, const char **why);

/* A server record's stored body (plaintext, before sealing). */
struct cache_record {
	uint8_t check[CACHE_CHECK_LEN];
	uint8_t secret[CACHE_SECRET_LEN];
	uint64_t t0, connected, bytes, last_use;
	char conn[CACHE_CONN_NAME_MAX + 1];
	struct cache_ident peer;
	struct cache_algs algs;
	struct cache_ts_set ts;
	struct addr vip4, vip6;
};

/* Serialise (0, or ERR_LIMIT if w's cap is too small: it never is at CACHE_RECORD_MAX). */
int cache_record_encode(struct buf_writer *w, const struct cache_record *rec);
/*
 * Parse a body with the bounded reader; every field is range-checked and
 * nothing may follow.  ERR_TRUNCATED, ERR_SYNTAX, ERR_LENGTH or
 * ERR_TRAILING, with *why naming the field.  rec is wiped on failure.
 */
int cache_record_decode(const uint8_t *p, size_t len, struct cache_record *rec,
			const char **why);

struct cache_client_entry;

/* A client entry's body: version, kind 2, u8 name length, name, handle,
 * secret, algorithms, identity, u64 expiry hint.  Same contract as above;
 * name has room for CACHE_CONN_NAME_MAX + 1 octets. */
int cache_record_encode_client(struct buf_writer *w, const char *name,
			       const struct cache_client_entry *e);
int cache_record_decode_client(const uint8_t *p, size_t len, char *name,
			       struct cache_client_entry *e, const char **why);

/* ---- the cache ---- */

/* Record flags (low 8 bits of gen_flags); the generation is the high 24. */
enum {
	REC_INUSE = 0x01,
	REC_DIRTY = 0x02,	/* in the flush queue */
	REC_VIP4 = 0x04,	/* vip holds an inline IPv4 address */
	REC_VIPREF = 0x08,	/* vip is a vip-pool reference */
};

/*
 * One record slot: 88 octets, 4-aligned (no 64-bit fields, so no padding).
 * A free slot keeps its generation and DIRTY flag; its first 4 octets link
 * the free list.
 */
struct cache_rec {
	uint8_t check[CACHE_CHECK_LEN];	/* handle octets 4..15 */
	uint8_t secret[CACHE_SECRET_LEN];
	uint32_t t0;			/* wall seconds (until 2106) */
	uint32_t connected;		/* E, seconds */
	uint32_t bytes_lo, bytes_hi;	/* D */
	uint32_t last_use;		/* wall seconds */
	uint32_t ident;			/* ident pool ref */
	uint32_t profile;		/* profile pool ref: conn, algs, selectors */
	uint32_t vip;			/* IPv4 (REC_VIP4) or vip pool ref (REC_VIPREF) */
	uint32_t gen_flags;
	uint32_t prev, next;		/* LRU within the connection; CACHE_NIL ends */
};

struct cache_conn {
	char name[CACHE_CONN_NAME_MAX + 1];
	struct cache_policy pol;
	uint32_t count;
	uint32_t head, tail;		/* most / least recently used */
};

struct cache {
	pthread_mutex_t mu;		/* everything below */
	pthread_mutex_t flush_mu;	/* one flush at a time; taken before mu */
	const struct clock *clock;
	struct rand_src *rand;
	struct cache_store *store;
	struct cache_seal *seal;
	uint8_t mask_key[16];
	uint32_t max_records;
	uint64_t capacity_sum;

	/* Check octets are drawn from here: OpenSSL's RAND_bytes costs ~1.6 µs
	 * per call, a refill of the whole buffer about as much.  Used octets
	 * are wiped; the cache must not be used across fork(). */
	uint8_t rbuf[1020];
	uint32_t rpos;

	struct cache_slab recs;
	uint32_t live;
	uint32_t purge_cursor;
	struct cache_intern idents, profiles, vips;

	struct cache_conn *conns;
	uint32_t nconns;

	uint32_t *dirty;		/* slots to write or delete */
	uint32_t ndirty, dirty_cap;
	bool rescan;			/* a dirty push failed: scan for REC_DIRTY */

	struct cache_stats_ctr {
		uint64_t hits, misses, expirations, evictions, inserts, consumes,
			 updates, revocations, superseded, flushed, flush_errors;
		uint64_t loaded, load_unsealed, load_corrupt, load_expired,
			 load_orphaned, load_over_capacity;
	} st;
};

static inline struct cache_rec *cache_rec_at(const struct cache *c, uint32_t slot)
{
	return cache_slab_at(&c->recs, slot);
}

static inline uint64_t cache_rec_bytes(const struct cache_rec *r)
{
	return (uint64_t)r->bytes_hi << 32 | r->bytes_lo;
}

/* Helpers for cache_load/flush/list (caller holds c->mu). */
uint64_t cache_now(const struct cache *c);
uint16_t cache_rec_conn(const struct cache *c, const struct cache_rec *r);
void cache_rec_remove(struct cache *c, uint32_t slot);
void cache_mark_dirty(struct cache *c, uint32_t slot);
void cache_lru_push_head(struct cache *c, uint16_t conn, uint32_t slot);
/* Evict least-recently-used records until the connection is below its capacity. */
void cache_conn_trim(struct cache *c, uint16_t conn, uint32_t keep);
/* Expand a record's interned parts into a cache_record (secret included). */
void cache_rec_expand(const struct cache *c, const struct cache_rec *r, struct cache_record *out);
/* Intern a decoded record's parts into slot r (refs taken; ERR_* on failure, nothing held). */
int cache_rec_fill(struct cache *c, uint16_t conn, struct cache_rec *r,
		   const struct cache_ident *peer, const struct cache_algs *algs,
		   const struct cache_ts_set *ts, const struct addr *vip4,
		   const struct addr *vip6);

#endif
