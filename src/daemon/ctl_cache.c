/*
 * ctl_cache.c - the `cache` control command.
 *
 *   cache list [json]    records, most recently used first per connection
 *                        (never a secret or a handle)
 *   cache stats [json]   counts, memory, hits and misses, the exchange's
 *                        counters
 *   cache revoke ID      remove every record of identity ID (swanctl
 *                        syntax: fqdn, user@fqdn, address, DN ...)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache/cache.h"
#include "common/json.h"
#include "config/ident.h"
#include "daemon/ctl.h"
#include "daemon/ctl_cache.h"
#include "daemon/daemon.h"
#include "daemon/resumption.h"

#define LIST_TEXT_MAX 100000	/* records a text listing shows */

static const char *iso(uint64_t secs, char *buf, size_t len)
{
	time_t t = (time_t)secs;
	struct tm tm;

	if (!secs || !gmtime_r(&t, &tm))
		return "-";
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

struct list_ctx {
	FILE *f;
	size_t n;
};

static int list_one(void *ctx, const struct cache_info *in)
{
	struct list_ctx *l = ctx;
	char id[IDENT_STRLEN], t0[32], ex[32], vip[ADDR_STRLEN];

	if (l->n++ >= LIST_TEXT_MAX)
		return 1;
	ident_fmt_wire(in->peer.type, in->peer.data, in->peer.len, id, sizeof(id));
	if (in->vip4.family)
		addr_fmt(&in->vip4, false, vip, sizeof(vip));
	else if (in->vip6.family)
		addr_fmt(&in->vip6, false, vip, sizeof(vip));
	else
		snprintf(vip, sizeof(vip), "-");
	fprintf(l->f, "%-12s %-32s %-15s full %s  up %" PRIu64 "s  %" PRIu64
		" bytes  expires %s\n", in->conn, id, vip, iso(in->t0, t0, sizeof(t0)),
		in->connected, in->bytes, iso(in->expires, ex, sizeof(ex)));
	return 0;
}

static void reply_stream(struct ctl_req *r, FILE *f, char **buf, size_t *len)
{
	if (fclose(f) != 0 || !*buf) {
		free(*buf);
		ctl_replyf(r, false, "out of memory building the reply\n");
		return;
	}
	ctl_reply(r, true, *buf, *len);
	free(*buf);
}

void ctl_cache(struct daemon *d, struct ctl_req *r, int argc, char **argv)
{
	struct cache *c = resumption_cache(d->resumption);
	bool json = argc > 2 && strcmp(argv[2], "json") == 0;
	char *buf = NULL;
	size_t len = 0;
	struct json j;
	FILE *f;

	if (!c) {
		ctl_replyf(r, false, "no credential cache\n");
		return;
	}
	if (strcmp(argv[1], "revoke") == 0) {
		struct ident id;
		struct cache_ident ci;
		char err[256], name[1024] = "";
		size_t off = 0;

		if (argc < 3) {
			ctl_replyf(r, false, "usage: cache revoke ID\n");
			return;
		}
		/* A DN has spaces: the words after "revoke" are the identity. */
		for (int i = 2; i < argc && off < sizeof(name); i++)
			off += (size_t)snprintf(name + off, sizeof(name) - off, "%s%s",
						i > 2 ? " " : "", argv[i]);
		if (off >= sizeof(name)) {
			ctl_replyf(r, false, "identity too long\n");
			return;
		}
		if (ident_parse(name, &id, err, sizeof(err)) != 0) {
			ctl_replyf(r, false, "'%.128s' is not an identity: %s\n",
				   name, err);
			return;
		}
		if (id.wildcard || id.type == IDENT_ANY || id.len > CACHE_IDENT_MAX) {
			ctl_replyf(r, false, "'%.128s': name one identity, without "
				   "wildcards\n", name);
			return;
		}
		memset(&ci, 0, sizeof(ci));
		ci.type = id.type;
		ci.len = id.len;
		memcpy(ci.data, id.data, id.len);
		ctl_replyf(r, true, "revoked %zu record(s) of %s\n",
			   cache_revoke(c, &ci), name);
		resumption_flush(d->resumption);
		return;
	}
	if ((strcmp(argv[1], "list") != 0 && strcmp(argv[1], "stats") != 0) ||
	    (argc > 2 && !json)) {
		ctl_replyf(r, false, "usage: cache list [json] | stats [json] | "
			   "revoke ID\n");
		return;
	}
	if (!(f = open_memstream(&buf, &len))) {
		ctl_replyf(r, false, "out of memory\n");
		return;
	}
	if (json) {
		json_init(&j, f, true);
		if (strcmp(argv[1], "list") == 0) {
			json_object_begin(&j, NULL);
			cache_list_json(c, &j, "records", 0);
			json_object_end(&j);
		} else {
			resumption_stats_json(d->resumption, &j, NULL);
		}
		json_finish(&j);
	} else if (strcmp(argv[1], "list") == 0) {
		struct list_ctx l = { f, 0 };

		fprintf(f, "%-12s %-32s %-15s %s\n", "connection", "identity",
			"virtual IP", "lineage");
		if (cache_list(c, list_one, &l) != 0)
			fprintf(f, "(first %d records shown; use json for all)\n",
				LIST_TEXT_MAX);
	} else {
		json_init(&j, f, true);
		resumption_stats_json(d->resumption, &j, NULL);
		json_finish(&j);
	}
	reply_stream(r, f, &buf, &len);
}
