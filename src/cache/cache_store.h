/*
 * cache_store.h - where credential records persist, and how they are sealed.
 *
 * The store seam is a key-value map with batched writes: the cache hands it
 * opaque, already sealed values and never reads it except to load at
 * startup.  Two implementations: a memory map (no persistence beyond the
 * process: tests, and a daemon that wants the seam exercised) and LMDB
 * (cache_lmdb.c), whose transactions make a batch atomic and durable, so a
 * kill -9 at any moment leaves the last committed batch intact.
 *
 * Sealing: a 32-byte key from a key file (cache_key_load(), kept apart from
 * the database) seals each record with AES-256-GCM, so a copied database
 * alone reveals no secret, identity or address.  The same key derives the
 * mask that makes handles opaque (cache_handle.c).
 */
#ifndef RESWAN_CACHE_CACHE_STORE_H
#define RESWAN_CACHE_CACHE_STORE_H

#include <stddef.h>
#include <stdint.h>

struct rand_src;

/* Called for each stored pair; a non-zero return stops the iteration. */
typedef int (*cache_store_load_fn)(void *ctx, const uint8_t *key, size_t klen,
				   const uint8_t *val, size_t vlen);

struct cache_store;

struct cache_store_ops {
	/* A write batch: begin, any number of put/del, then commit or abort. */
	int (*begin)(struct cache_store *s);
	int (*put)(struct cache_store *s, const uint8_t *key, size_t klen,
		   const uint8_t *val, size_t vlen);
	/* Deleting an absent key is not an error. */
	int (*del)(struct cache_store *s, const uint8_t *key, size_t klen);
	/* Durable when it returns 0 (LMDB: the commit's fsync). */
	int (*commit)(struct cache_store *s);
	void (*abort)(struct cache_store *s);
	/* Every pair, in key order for LMDB; outside any batch. */
	int (*load)(struct cache_store *s, cache_store_load_fn fn, void *ctx);
	void (*free)(struct cache_store *s);
};

struct cache_store {
	const struct cache_store_ops *ops;
};

#define CACHE_STORE_KEY_MAX 64
#define CACHE_STORE_VAL_MAX 4096

/* x_free(NULL) is a no-op. */
void cache_store_free(struct cache_store *s);

/*
 * An in-memory map of at most max_entries pairs (ERR_LIMIT beyond).  No
 * rollback: a batch's writes apply as they are made.
 */
struct cache_store *cache_store_mem_new(size_t max_entries);

struct cache_lmdb_opts {
	uint64_t map_size;	/* octets; 0 = CACHE_LMDB_DEFAULT_MAP */
};

#define CACHE_LMDB_DEFAULT_MAP (1ULL << 30)	/* 1 GiB: ~2M records (~460 B each on disk) */

/*
 * Open (creating, mode 0600) the LMDB environment in the single file
 * `path` (MDB_NOSUBDIR; LMDB adds `path`-lock).  One open per file per
 * process.  ERR_IO with a logged reason on failure.
 */
int cache_lmdb_open(const char *path, const struct cache_lmdb_opts *o,
		    struct cache_store **out);

/*
 * The sealing key: read the 32 octets of `path`, or create the file (0600,
 * random bytes from rnd's private stream) if it does not exist.  Refuses
 * (ERR_CONFIG, logged with the path) a file that is not a regular file
 * owned by us, is readable or writable by group or others, or is not
 * exactly 32 octets.  The caller wipes key.
 */
#define CACHE_KEY_LEN 32
int cache_key_load(const char *path, struct rand_src *rnd, uint8_t key[CACHE_KEY_LEN]);

/*
 * A sealing context keyed from the file key.  Each context seals under its
 * own subkey (random 16-octet epoch, nonces from a counter: never
 * repeated) and opens records of any epoch.  Not thread-safe: the cache
 * uses it under its flush lock.  The caller wipes its copy of key.
 */
struct cache_seal *cache_seal_new(const uint8_t key[CACHE_KEY_LEN], struct rand_src *rnd);
void cache_seal_free(struct cache_seal *s);
/* The 16-octet handle mask key derived from the file key. */
const uint8_t *cache_seal_mask_key(const struct cache_seal *s);

/* Envelope size added to a plaintext: version, epoch, IV, tag. */
#define CACHE_SEAL_OVERHEAD (1 + 16 + 8 + 16)

/* Domains keep server records and client entries from being swapped. */
enum cache_seal_domain {
	CACHE_SEAL_SERVER = 1,
	CACHE_SEAL_CLIENT = 2,
};

/*
 * out = envelope(plain) with AAD binding domain and the store key; cap must
 * be at least len + CACHE_SEAL_OVERHEAD.
 */
int cache_seal_seal(struct cache_seal *s, enum cache_seal_domain dom,
		    const uint8_t *key, size_t klen, const uint8_t *plain, size_t len,
		    uint8_t *out, size_t cap, size_t *out_len);
/*
 * Parse and open an envelope.  ERR_TRUNCATED/ERR_SYNTAX for a malformed
 * envelope (*why names it), ERR_AUTH if it does not authenticate under
 * this key, domain and store key.  out (cap octets) is wiped on failure.
 */
int cache_seal_open(struct cache_seal *s, enum cache_seal_domain dom,
		    const uint8_t *key, size_t klen, const uint8_t *env, size_t len,
		    uint8_t *out, size_t cap, size_t *out_len, const char **why);

#endif
