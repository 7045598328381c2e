/*
 * resumption.c - the daemon's credential cache, ticket store and flush
 * timer, and the resumption extension attached to the engine (see
 * resumption.h).
 */
#include <errno.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cache/cache.h"
#include "cache/cache_client.h"
#include "cache/cache_store.h"
#include "common/clock.h"
#include "common/err.h"
#include "common/json.h"
#include "common/log.h"
#include "common/wipe.h"
#include "config/config.h"
#include "crypto/rand.h"
#include "daemon/daemon.h"
#include "daemon/resumption.h"
#include "resume/resume.h"

struct resumption {
	struct daemon *d;
	struct cache *cache;
	struct cache_client *client;
	struct cache_store *store, *client_store;
	struct cache_seal *seal;
	struct resume *resume;
	struct event *ev_flush;
	char *dir;
	uint64_t flush_errors;
};

/* The store directory: the first connection naming one. */
static const char *store_dir(const struct config *cfg)
{
	for (size_t i = 0; i < cfg->n_conns; i++) {
		const struct config_resumption *r = &cfg->conns[i].resumption;

		if (r->enabled && r->store)
			return r->store;
	}
	return NULL;
}

static uint32_t capacity_sum(const struct config *cfg)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < cfg->n_conns; i++)
		if (cfg->conns[i].resumption.enabled)
			sum += cfg->conns[i].resumption.capacity;
	if (sum < CACHE_DEFAULT_MAX_RECORDS)
		sum = CACHE_DEFAULT_MAX_RECORDS;
	return sum > CACHE_MAX_RECORDS ? CACHE_MAX_RECORDS : (uint32_t)sum;
}

static void flush_now(struct resumption *rs)
{
	if (cache_flush(rs->cache) != 0)
		rs->flush_errors++;
	if (cache_client_flush(rs->client) != 0)
		rs->flush_errors++;
}

static void on_flush(evutil_socket_t fd, short what, void *arg)
{
	struct resumption *rs = arg;

	(void)fd;
	(void)what;
	cache_purge(rs->cache, RESUMPTION_PURGE_SLOTS);
	flush_now(rs);
}

static int open_stores(struct resumption *rs, const char *dir, char *err,
		       size_t errlen)
{
	uint8_t key[CACHE_KEY_LEN];
	char path[4096];
	int rc;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "resumption store %s: %s", dir, strerror(errno));
		return ERR_IO;
	}
	snprintf(path, sizeof(path), "%s/cache.key", dir);
	if ((rc = cache_key_load(path, rand_system(), key)) != 0) {
		snprintf(err, errlen, "resumption key %s: %s (it must be 0600 and "
			 "%d bytes)", path, err_str(rc), CACHE_KEY_LEN);
		return rc;
	}
	rs->seal = cache_seal_new(key, rand_system());
	wipe(key, sizeof(key));
	if (!rs->seal) {
		snprintf(err, errlen, "resumption key %s: cannot set up", path);
		return ERR_CRYPTO;
	}
	snprintf(path, sizeof(path), "%s/cache.mdb", dir);
	if ((rc = cache_lmdb_open(path, NULL, &rs->store)) != 0) {
		snprintf(err, errlen, "resumption store %s: %s", path, err_str(rc));
		return rc;
	}
	snprintf(path, sizeof(path), "%s/client.mdb", dir);
	if ((rc = cache_lmdb_open(path, NULL, &rs->client_store)) != 0) {
		snprintf(err, errlen, "resumption store %s: %s", path, err_str(rc));
		return rc;
	}
	return 0;
}

struct resumption *resumption_new(struct daemon *d, const struct config *cfg,
				  char *err, size_t errlen)
{
	struct resumption *rs = calloc(1, sizeof(*rs));
	struct cache_opts co = { .clock = clock_system(), .rand = rand_system() };
	struct cache_client_opts clo = { .clock = clock_system(),
					 .max_entries = CACHE_CLIENT_MAX };
	struct resume_opts ro = { .attempt_timeout_us = RESUME_DEFAULT_ATTEMPT_US };
	struct timeval tv = { 0, RESUMPTION_FLUSH_MS * 1000 };
	const char *dir = store_dir(cfg);

	if (!rs) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	rs->d = d;
	if (dir) {
		if (open_stores(rs, dir, err, errlen) != 0)
			goto fail;
		if (!(rs->dir = strdup(dir)))
			goto nomem;
		co.store = rs->store;
		co.seal = rs->seal;
		clo.store = rs->client_store;
		clo.seal = rs->seal;
	}
	co.max_records = capacity_sum(cfg);
	if (!(rs->cache = cache_new(&co)) || !(rs->client = cache_client_new(&clo)))
		goto nomem;
	ro.cache = rs->cache;
	ro.client = rs->client;
	if (!(rs->resume = resume_new(d->ike, &ro)))
		goto nomem;
	/* Policies first: loading drops records of unknown connections. */
	if (resume_sync_config(rs->resume, cfg) != 0) {
		snprintf(err, errlen, "resumption: the connections' capacities "
			 "exceed the cache");
		goto fail;
	}
	if (dir) {
		if (cache_load(rs->cache) != 0 || cache_client_load(rs->client) != 0) {
			snprintf(err, errlen, "resumption store %s: cannot load", dir);
			goto fail;
		}
		log_info("resumption: %s: loaded %zu ticket(s) held as client",
			 dir, cache_client_count(rs->client));
	}
	if (!(rs->ev_flush = event_new(d->base, -1, EV_PERSIST, on_flush, rs)) ||
	    event_add(rs->ev_flush, &tv) != 0)
		goto nomem;
	return rs;
nomem:
	snprintf(err, errlen, "out of memory");
fail:
	resumption_free(rs);
	return NULL;
}

void resumption_flush(struct resumption *rs)
{
	if (rs)
		flush_now(rs);
}

void resumption_free(struct resumption *rs)
{
	if (!rs)
		return;
	if (rs->ev_flush)
		event_free(rs->ev_flush);
	if (rs->cache && rs->client)
		flush_now(rs);
	resume_free(rs->resume);
	cache_free(rs->cache);
	cache_client_free(rs->client);
	cache_store_free(rs->store);
	cache_store_free(rs->client_store);
	cache_seal_free(rs->seal);
	free(rs->dir);
	free(rs);
}

int resumption_reload(struct resumption *rs, const struct config *cfg)
{
	const char *dir = store_dir(cfg);

	if (dir && (!rs->dir || strcmp(dir, rs->dir) != 0))
		log_warn("resumption: store %s takes effect at the next start "
			 "(%s stays in use)", dir, rs->dir ? rs->dir : "memory");
	return resume_sync_config(rs->resume, cfg);
}

struct cache *resumption_cache(struct resumption *rs)
{
	return rs ? rs->cache : NULL;
}

void resumption_get_stats(struct resumption *rs, struct resume_stats *out)
{
	resume_get_stats(rs->resume, out);
}

void resumption_stats_json(struct resumption *rs, struct json *j, const char *key)
{
	json_object_begin(j, key);
	resume_stats_json(rs->resume, j, "exchange");
	cache_stats_json(rs->cache, j, "cache");
	json_u64(j, "client-tickets", cache_client_count(rs->client));
	json_u64(j, "flush-errors", rs->flush_errors);
	json_str(j, "store", rs->dir ? rs->dir : "memory");
	json_object_end(j);
}
