/*
 * cache_list.c - walking the records for `reswan cache list`.
 *
 * What is shown is what an operator needs to find and revoke a record:
 * connection, identity, virtual addresses, the policy counters and when
 * the time policies will end it.  Never the secret, never the handle (a
 * handle is half of what a client presents to resume).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache/cache_int.h"
#include "common/err.h"
#include "common/json.h"
#include "common/wipe.h"

int cache_list(struct cache *c, cache_list_fn fn, void *ctx)
{
	struct cache_info *info = calloc(1, sizeof(*info));
	struct cache_record *rec = calloc(1, sizeof(*rec));
	int ret = 0;

	if (!info || !rec) {
		free(info);
		free(rec);
		return ERR_NOMEM;
	}
	/* The callback runs under the cache lock: it must not call the cache. */
	pthread_mutex_lock(&c->mu);
	for (uint32_t i = 0; i < c->nconns && !ret; i++) {
		for (uint32_t s = c->conns[i].head; s != CACHE_NIL && !ret;
		     s = cache_rec_at(c, s)->next) {
			struct cache_rec *r = cache_rec_at(c, s);

			cache_rec_expand(c, r, rec);
			info->ref = (uint64_t)(r->gen_flags >> 8 ? r->gen_flags >> 8 : 1) << 32 | s;
			info->conn = c->conns[i].name;
			info->peer = rec->peer;
			info->vip4 = rec->vip4;
			info->vip6 = rec->vip6;
			info->t0 = rec->t0;
			info->connected = rec->connected;
			info->bytes = rec->bytes;
			info->last_use = rec->last_use;
			info->expires = cache_policy_deadline(&c->conns[i].pol, rec->t0);
			ret = fn(ctx, info);
		}
	}
	pthread_mutex_unlock(&c->mu);
	wipe(rec, sizeof(*rec));
	free(rec);
	free(info);
	return ret;
}

struct json_ctx {
	struct json *j;
	size_t limit, n;
};

static int emit(void *ctx, const struct cache_info *info)
{
	struct json_ctx *jc = ctx;
	struct json *j = jc->j;
	char buf[ADDR_STRLEN];

	if (jc->limit && jc->n >= jc->limit)
		return 1;
	jc->n++;
	json_object_begin(j, NULL);
	snprintf(buf, sizeof(buf), "%llx", (unsigned long long)info->ref);
	json_str(j, "ref", buf);
	json_str(j, "connection", info->conn);
	json_u64(j, "id_type", info->peer.type);
	json_strn(j, "id", (const char *)info->peer.data, info->peer.len);
	if (info->vip4.family)
		json_str(j, "vip4", addr_fmt(&info->vip4, false, buf, sizeof(buf)));
	if (info->vip6.family)
		json_str(j, "vip6", addr_fmt(&info->vip6, false, buf, sizeof(buf)));
	json_u64(j, "t0", info->t0);
	json_u64(j, "connected_s", info->connected);
	json_u64(j, "bytes", info->bytes);
	json_u64(j, "last_use", info->last_use);
	json_u64(j, "expires", info->expires);
	json_object_end(j);
	return 0;
}

void cache_list_json(struct cache *c, struct json *j, const char *key, size_t limit)
{
	struct json_ctx jc = { j, limit, 0 };

	json_array_begin(j, key);
	cache_list(c, emit, &jc);
	json_array_end(j);
}
