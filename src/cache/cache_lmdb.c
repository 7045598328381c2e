/*
 * cache_lmdb.c - the store seam over LMDB (Debian's liblmdb).
 *
 * Why LMDB: a copy-on-write B+tree whose commit is one fsync of the data
 * pages followed by one write of a meta page; a crash (kill -9, power loss
 * with honest disks) at any moment leaves the last committed tree intact,
 * with no recovery step at open.  Default sync flags are kept on purpose
 * (no MDB_NOSYNC / MDB_NOMETASYNC / MDB_WRITEMAP): the cache already
 * batches many records per commit, so durability costs one fsync per
 * batch, not per record.
 *
 * One environment in one file (MDB_NOSUBDIR; LMDB adds "<path>-lock"),
 * created 0600 and tightened to 0600 if found looser; MDB_NOTLS because the
 * cache's flusher may run on any thread.  The map size bounds the file:
 * MDB_MAP_FULL is reported as ERR_LIMIT and the batch stays queued.
 */
#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cache/cache_store.h"
#include "common/err.h"
#include "common/log.h"

struct lmdb_store {
	struct cache_store base;
	MDB_env *env;
	MDB_dbi dbi;
	MDB_txn *txn;		/* the open write batch, if any */
	char *path;
};

static struct lmdb_store *ls(struct cache_store *s)
{
	return (struct lmdb_store *)s;
}

static int map_err(struct lmdb_store *l, const char *what, int rc)
{
	log_error("cache store %s: %s: %s", l->path, what, mdb_strerror(rc));
	if (rc == MDB_MAP_FULL)
		return ERR_LIMIT;
	return rc == ENOMEM ? ERR_NOMEM : ERR_IO;
}

static int l_begin(struct cache_store *s)
{
	struct lmdb_store *l = ls(s);
	int rc;

	if (l->txn)
		return ERR_STATE;
	rc = mdb_txn_begin(l->env, NULL, 0, &l->txn);
	if (rc) {
		l->txn = NULL;
		return map_err(l, "begin", rc);
	}
	return 0;
}

static int l_put(struct cache_store *s, const uint8_t *key, size_t klen,
		 const uint8_t *val, size_t vlen)
{
	struct lmdb_store *l = ls(s);
	MDB_val k = { klen, (void *)(uintptr_t)key }, v = { vlen, (void *)(uintptr_t)val };
	int rc;

	if (!l->txn)
		return ERR_STATE;
	if (klen == 0 || klen > CACHE_STORE_KEY_MAX || vlen > CACHE_STORE_VAL_MAX)
		return ERR_INVAL;
	rc = mdb_put(l->txn, l->dbi, &k, &v, 0);
	return rc ? map_err(l, "put", rc) : 0;
}

static int l_del(struct cache_store *s, const uint8_t *key, size_t klen)
{
	struct lmdb_store *l = ls(s);
	MDB_val k = { klen, (void *)(uintptr_t)key };
	int rc;

	if (!l->txn)
		return ERR_STATE;
	rc = mdb_del(l->txn, l->dbi, &k, NULL);
	return rc && rc != MDB_NOTFOUND ? map_err(l, "del", rc) : 0;
}

static int l_commit(struct cache_store *s)
{
	struct lmdb_store *l = ls(s);
	int rc;

	if (!l->txn)
		return ERR_STATE;
	rc = mdb_txn_commit(l->txn);	/* frees the txn even on failure */
	l->txn = NULL;
	return rc ? map_err(l, "commit", rc) : 0;
}

static void l_abort(struct cache_store *s)
{
	struct lmdb_store *l = ls(s);

	if (l->txn)
		mdb_txn_abort(l->txn);
	l->txn = NULL;
}

static int l_load(struct cache_store *s, cache_store_load_fn fn, void *ctx)
{
	struct lmdb_store *l = ls(s);
	MDB_txn *txn;
	MDB_cursor *cur;
	MDB_val k, v;
	int rc, ret = 0;

	rc = mdb_txn_begin(l->env, NULL, MDB_RDONLY, &txn);
	if (rc)
		return map_err(l, "read", rc);
	rc = mdb_cursor_open(txn, l->dbi, &cur);
	if (rc) {
		mdb_txn_abort(txn);
		return map_err(l, "cursor", rc);
	}
	for (rc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
		ret = fn(ctx, k.mv_data, k.mv_size, v.mv_data, v.mv_size);
		if (ret)
			break;
	}
	if (!ret && rc != MDB_NOTFOUND)
		ret = map_err(l, "iterate", rc);
	mdb_cursor_close(cur);
	mdb_txn_abort(txn);
	return ret;
}

static void l_free(struct cache_store *s)
{
	struct lmdb_store *l = ls(s);

	l_abort(s);
	if (l->env)
		mdb_env_close(l->env);
	free(l->path);
	free(l);
}

static const struct cache_store_ops lmdb_ops = {
	.begin = l_begin,
	.put = l_put,
	.del = l_del,
	.commit = l_commit,
	.abort = l_abort,
	.load = l_load,
	.free = l_free,
};

/* The file must be ours alone: tighten it (it holds only sealed values,
 * but which connections and how many records are nobody else's business). */
static void tighten(const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && (st.st_mode & 077)) {
		log_warn("cache store %s: mode %03o, setting 0600", path,
			 (unsigned)(st.st_mode & 0777));
		chmod(path, 0600);
	}
}

int cache_lmdb_open(const char *path, const struct cache_lmdb_opts *o,
		    struct cache_store **out)
{
	struct lmdb_store *l = calloc(1, sizeof(*l));
	uint64_t map = o && o->map_size ? o->map_size : CACHE_LMDB_DEFAULT_MAP;
	char lock[4096];
	MDB_txn *txn;
	int rc, ret = ERR_NOMEM;

	if (!l || !(l->path = strdup(path)))
		goto fail;
	l->base.ops = &lmdb_ops;
	rc = mdb_env_create(&l->env);
	if (!rc)
		rc = mdb_env_set_mapsize(l->env, (size_t)map);
	if (!rc)
		rc = mdb_env_open(l->env, path, MDB_NOSUBDIR | MDB_NOTLS, 0600);
	if (rc) {
		ret = map_err(l, "open", rc);
		goto fail;
	}
	tighten(path);
	if ((size_t)snprintf(lock, sizeof(lock), "%s-lock", path) < sizeof(lock))
		tighten(lock);
	rc = mdb_txn_begin(l->env, NULL, 0, &txn);
	if (!rc) {
		rc = mdb_dbi_open(txn, NULL, 0, &l->dbi);
		rc = rc ? (mdb_txn_abort(txn), rc) : mdb_txn_commit(txn);
	}
	if (rc) {
		ret = map_err(l, "open database", rc);
		goto fail;
	}
	*out = &l->base;
	return 0;
fail:
	if (l)
		l_free(&l->base);
	return ret;
}
