/*
 * resumption.h - reswand's credential cache and session resumption.
 *
 * If any connection has a `resumption { }` block, the daemon keeps one
 * credential cache for all of them (each with its own policy and
 * capacity), a store of the tickets it holds as a client, and attaches the
 * resumption exchange (src/resume) to the engine.  With `store = DIR` the
 * cache lives in DIR/cache.mdb and DIR/client.mdb (LMDB, 0600), sealed
 * under DIR/cache.key (0600, created on first use); without it, in memory.
 * Changes are flushed every RESUMPTION_FLUSH_MS (a kill -9 loses at most
 * that much) and expired records are purged in bounded steps.
 */
#ifndef RESWAN_DAEMON_RESUMPTION_H
#define RESWAN_DAEMON_RESUMPTION_H

#include <stdbool.h>

struct config;
struct daemon;
struct json;
struct cache;
struct cache_client;

#define RESUMPTION_FLUSH_MS 100
#define RESUMPTION_PURGE_SLOTS 4096	/* slots examined per flush tick */
#define RESUMPTION_MIN_RECORDS 1024

struct resumption;

/*
 * Set up for cfg (which the engine owns by now) and attach to d->ike.
 * Returns NULL with a message in err on failure (bad store directory,
 * key file with loose permissions, ...).
 */
struct resumption *resumption_new(struct daemon *d, const struct config *cfg,
				  char *err, size_t errlen);
/* Flush, detach and free.  NULL is a no-op. */
void resumption_free(struct resumption *rs);
/* A new configuration: register its connections' policies. */
int resumption_reload(struct resumption *rs, const struct config *cfg);
/* Write pending changes now (shutdown, tests). */
void resumption_flush(struct resumption *rs);

struct cache *resumption_cache(struct resumption *rs);
struct resume_stats;
void resumption_get_stats(struct resumption *rs, struct resume_stats *out);
void resumption_stats_json(struct resumption *rs, struct json *j, const char *key);

#endif
