/*
 * test_resume.c - the resumption exchange between two engines: tickets
 * from full handshakes, resumption, every lifetime policy against a fake
 * clock, fallback on reject, tampering and replay in both directions,
 * single-use handles, identities, capacity, persistence and races.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cache/cache.h"
#include "cache/cache_client.h"
#include "cache/cache_store.h"
#include "common/err.h"
#include "crypto/rand.h"
#include "harness.h"
#include "ike/internal.h"
#include "resume/internal.h"

#define SEC CLOCK_US_PER_SEC
#define HOUR (3600 * SEC)

struct rpeer {
	struct tpeer *p;
	struct cache *cache;
	struct cache_client *cl;
	struct resume *r;
	struct cache_store *store;
	struct cache_seal *seal;
};

struct world {
	struct tnet *n;
	struct rpeer gw;
	struct rpeer c[4];
	int nc;
};

static void attach(struct tnet *n, struct rpeer *rp, const char *store_dir)
{
	struct cache_opts co = { .clock = &n->clock.clock, .rand = rp->p->rand };
	struct cache_client_opts clo = { .clock = &n->clock.clock };
	struct resume_opts ro = { .attempt_timeout_us = RESUME_DEFAULT_ATTEMPT_US };

	if (store_dir) {
		char db[512], key[512];

		snprintf(db, sizeof(db), "%s/cache.mdb", store_dir);
		snprintf(key, sizeof(key), "%s/cache.key", store_dir);
		uint8_t k[CACHE_KEY_LEN];

		assert_int_equal(cache_lmdb_open(db, NULL, &rp->store), 0);
		assert_int_equal(cache_key_load(key, rand_system(), k), 0);
		rp->seal = cache_seal_new(k, rand_system());
		assert_non_null(rp->seal);
		co.store = rp->store;
		co.seal = rp->seal;
	}
	rp->cache = cache_new(&co);
	rp->cl = cache_client_new(&clo);
	assert_non_null(rp->cache);
	assert_non_null(rp->cl);
	ro.cache = rp->cache;
	ro.client = rp->cl;
	rp->r = resume_new(rp->p->ike, &ro);
	assert_non_null(rp->r);
	assert_int_equal(resume_sync_config(rp->r, rp->p->ike->cfg->cfg), 0);
	if (store_dir)
		assert_int_equal(cache_load(rp->cache), 0);
}

static void detach(struct rpeer *rp)
{
	/* The engine goes first (its SAs report to the cache). */
	ike_free(rp->p->ike);
	rp->p->ike = NULL;
	resume_free(rp->r);
	if (rp->cache)
		cache_flush(rp->cache);
	cache_free(rp->cache);
	cache_client_free(rp->cl);
	cache_store_free(rp->store);
	cache_seal_free(rp->seal);
	{
		struct tpeer *p = rp->p;

		memset(rp, 0, sizeof(*rp));
		rp->p = p;	/* the harness frees peers */
	}
}

static const char *gw_conf(char *buf, size_t len, const char *resumption)
{
	char extra[512];
	struct tconf g = { .me = "10.0.0.1", .my_id = "gw.example",
			   .lts = "10.1.0.0/16", .conn_extra = extra };

	snprintf(extra, sizeof(extra), "  resumption {\n%s  }\n",
		 resumption ? resumption : "");
	return tconf(buf, len, &g);
}

/* A road warrior with the same resumption block as the gateway (its
 * max_age is the client's hint of when its ticket expires). */
static struct tpeer *client_peer(struct tnet *n, const char *name, const char *ip,
				 const char *id, const char *resumption)
{
	char buf[4096], extra[512];
	struct tconf c = { .me = ip, .other = "10.0.0.1", .my_id = id,
			   .other_id = "gw.example", .rts = "10.1.0.0/16",
			   .conn_extra = extra };

	snprintf(extra, sizeof(extra), "  resumption {\n%s  }\n",
		 resumption ? resumption : "");

	return tpeer_new(n, name, ip, tconf(buf, sizeof(buf), &c), NULL, NULL,
			 NULL, NULL);
}

static void world_init(struct world *w, const char *policy, int clients,
		       const char *store_dir)
{
	char buf[4096];
	char name[16], ip[16], id[32];

	memset(w, 0, sizeof(*w));
	w->n = tnet_new();
	w->gw.p = tpeer_new(w->n, "gw", "10.0.0.1", gw_conf(buf, sizeof(buf), policy),
			    NULL, NULL, NULL, NULL);
	attach(w->n, &w->gw, store_dir);
	for (int i = 0; i < clients; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		snprintf(ip, sizeof(ip), "10.0.0.%d", 10 + i);
		snprintf(id, sizeof(id), "c%d.example", i);
		w->c[i].p = client_peer(w->n, name, ip, id, policy);
		attach(w->n, &w->c[i], NULL);
	}
	w->nc = clients;
}

static void world_free(struct world *w)
{
	for (int i = 0; i < w->nc; i++)
		detach(&w->c[i]);
	if (w->gw.p && w->gw.p->ike)
		detach(&w->gw);
	tnet_free(w->n);
}

static struct ike_sa *sa_of(struct tpeer *p)
{
	assert_int_equal(tpeer_count_sas(p, "ESTABLISHED"), 1);
	return p->ike->all;
}

/* Connect, carry some traffic, stay `secs`, disconnect. */
static void session(struct world *w, int i, uint64_t secs, uint64_t bytes)
{
	struct tpeer *c = w->c[i].p;

	assert_int_equal(tpeer_up(c, "peer"), 0);
	if (bytes)
		dp_record_add_traffic(c->dp, sa_of(c)->children->id, bytes / 2,
				      bytes - bytes / 2, 0);
	/* The gateway counts the session's bytes from its own data plane. */
	for (struct ike_sa *g = w->gw.p->ike->all; g; g = g->next)
		if (g->peer_id_set && g->children && bytes &&
		    strstr((const char *)g->peer_id.data, "c") &&
		    memcmp(g->peer_id.data, c->name, strlen(c->name)) == 0)
			dp_record_add_traffic(w->gw.p->dp, g->children->id, bytes / 2,
					      bytes - bytes / 2, 0);
	tnet_advance(w->n, secs * SEC);
	assert_int_equal(tpeer_down(c, "peer"), 0);
}

/* The client's SA and the gateway's end of it were both set up by
 * resumption. */
static bool last_resumed(struct world *w, int i)
{
	struct ike_sa *c = sa_of(w->c[i].p);

	for (struct ike_sa *g = w->gw.p->ike->all; g; g = g->next)
		if (g->spi_i == c->spi_i && g->spi_r == c->spi_r)
			return c->resumed && g->resumed;
	return false;
}

static void full_then_resumed(void **state)
{
	struct world w;
	uint64_t fp1_in, fp1_out, fp2_in, fp2_out, spi1;
	struct ike_sa *sa;
	struct resume_stats gs, cs;

	(void)state;
	world_init(&w, NULL, 1, NULL);
	assert_int_equal(tpeer_up(w.c[0].p, "peer"), 0);
	sa = sa_of(w.c[0].p);
	assert_false(sa->resumed);
	spi1 = sa->spi_i;
	dp_record_key_fp(w.c[0].p->dp, sa->children->id, &fp1_in, &fp1_out);
	assert_int_equal(cache_client_count(w.c[0].cl), 1);
	assert_int_equal(tpeer_down(w.c[0].p, "peer"), 0);

	assert_int_equal(tpeer_up(w.c[0].p, "peer"), 0);
	assert_true(last_resumed(&w, 0));
	sa = sa_of(w.c[0].p);
	/* Fresh SPIs and fresh keys, mirrored on both ends. */
	assert_int_not_equal(sa->spi_i, spi1);
	dp_record_key_fp(w.c[0].p->dp, sa->children->id, &fp2_in, &fp2_out);
	assert_int_not_equal(fp1_in, fp2_in);
	assert_int_not_equal(fp1_out, fp2_out);
	{
		uint64_t gi, go;
		struct ike_sa *g = sa_of(w.gw.p);

		dp_record_key_fp(w.gw.p->dp, g->children->id, &gi, &go);
		assert_int_equal(gi, fp2_out);
		assert_int_equal(go, fp2_in);
		assert_string_equal(g->children->cfg->name, "net");
	}
	resume_get_stats(w.gw.r, &gs);
	resume_get_stats(w.c[0].r, &cs);
	assert_int_equal(gs.tickets_issued, 1);
	assert_int_equal(gs.resumed, 1);
	assert_int_equal(cs.attempts, 1);
	assert_int_equal(cs.resumed, 1);
	assert_int_equal(cs.fallbacks, 0);
	/* The session events say how each session was set up. */
	assert_true(w.gw.p->events[w.gw.p->nevents - 1].resumed);
	/* And again: each resumption leaves the next ticket. */
	assert_int_equal(tpeer_down(w.c[0].p, "peer"), 0);
	assert_int_equal(tpeer_up(w.c[0].p, "peer"), 0);
	assert_true(last_resumed(&w, 0));
	world_free(&w);
}

static void pfs_mode(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, "   pfs = yes\n", 1, NULL);
	session(&w, 0, 10, 0);
	assert_int_equal(tpeer_up(w.c[0].p, "peer"), 0);
	assert_true(last_resumed(&w, 0));
	world_free(&w);
}

static void resume_for(struct world *w, int i, bool expect)
{
	struct resume_stats before, after;

	resume_get_stats(w->c[i].r, &before);
	assert_int_equal(tpeer_up(w->c[i].p, "peer"), 0);
	resume_get_stats(w->c[i].r, &after);
	if (expect) {
		assert_true(last_resumed(w, i));
		assert_int_equal(after.fallbacks, before.fallbacks);
	} else {
		assert_false(sa_of(w->c[i].p)->resumed);
		assert_int_equal(after.fallbacks, before.fallbacks + 1);
	}
}

static void clocked_policy(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, "   policy = clocked\n   lifetime = 8h\n", 1, NULL);
	session(&w, 0, 2 * 3600, 0);		/* full at T0, up 2 h */
	tnet_advance(w.n, 3 * HOUR);		/* back 5 h after T0 */
	resume_for(&w, 0, true);
	assert_int_equal(tpeer_down(w.c[0].p, "peer"), 0);
	/* Resuming did not extend the lineage: 9 h after T0 it is over. */
	tnet_advance(w.n, 4 * HOUR);
	resume_for(&w, 0, false);
	world_free(&w);
}

static void established_policy(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, "   policy = established\n   lifetime = 1h\n   max_age = 30d\n",
		   1, NULL);
	session(&w, 0, 40 * 60, 0);		/* E = 40 min */
	tnet_advance(w.n, 20 * HOUR);		/* idle time does not count */
	resume_for(&w, 0, true);
	tnet_advance(w.n, 30 * 60 * SEC);	/* E = 70 min after this one */
	assert_int_equal(tpeer_down(w.c[0].p, "peer"), 0);
	resume_for(&w, 0, false);
	world_free(&w);
}

static void data_policy(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, "   policy = data\n   data = 1MB\n", 1, NULL);
	session(&w, 0, 60, 300 * 1024);		/* D = 300 KB */
	resume_for(&w, 0, true);
	dp_record_add_traffic(w.gw.p->dp, sa_of(w.gw.p)->children->id, 512 * 1024,
			      512 * 1024, 0);	/* D = 1.3 MB */
	assert_int_equal(tpeer_down(w.c[0].p, "peer"), 0);
	resume_for(&w, 0, false);
	world_free(&w);
}

static void max_age(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, "   policy = established\n   lifetime = 10h\n   max_age = 2d\n",
		   1, NULL);
	session(&w, 0, 60, 0);
	tnet_advance(w.n, 47 * HOUR);
	resume_for(&w, 0, true);
	assert_int_equal(tpeer_down(w.c[0].p, "peer"), 0);
	tnet_advance(w.n, 2 * HOUR);		/* 49 h after the full handshake */
	resume_for(&w, 0, false);
	world_free(&w);
}

static void revoked_record_falls_back(void **state)
{
	struct world w;
	struct cache_ident id = { .type = IKEV2_ID_FQDN, .len = 10 };
	struct resume_stats gs;

	(void)state;
	world_init(&w, NULL, 1, NULL);
	session(&w, 0, 10, 0);
	memcpy(id.data, "c0.example", 10);
	assert_int_equal(cache_revoke(w.gw.cache, &id), 1);
	resume_for(&w, 0, false);
	resume_get_stats(w.gw.r, &gs);
	assert_int_equal(gs.rejected, 1);
	/* The full handshake left a new ticket: next time it resumes. */
	assert_int_equal(tpeer_down(w.c[0].p, "peer"), 0);
	resume_for(&w, 0, true);
	world_free(&w);
}

/* Drops every resumption request (message 1): a gateway too busy to answer. */
static bool drop_msg1(struct tnet *n, struct tpkt *p, void *ctx)
{
	struct wire_hdr h;

	(void)n;
	(void)ctx;
	return wire_hdr_parse(&h, p->data, p->len) != 0 ||
	       h.exchange != IKEV2_EXCH_RESWAN_RESUME || wire_hdr_is_response(&h) ||
	       h.msg_id != 0;
}

/*
 * A client whose resumption goes unanswered comes back in full and names
 * the ticket it gives up: its old record goes at once, so a dead record
 * takes no other client's place.  Message 1 was sent three times first.
 */
static void full_handshake_retires_given_up_record(void **state)
{
	struct world w;
	struct cache_stats *st = calloc(1, sizeof(*st));
	uint64_t dropped;

	(void)state;
	assert_non_null(st);
	world_init(&w, NULL, 2, NULL);
	session(&w, 0, 10, 0);
	session(&w, 1, 10, 0);
	w.n->filter = drop_msg1;
	dropped = w.n->dropped;
	assert_int_equal(ike_initiate(w.c[0].p->ike, "peer", NULL, NULL), 0);
	tnet_flush(w.n);
	tnet_advance(w.n, 3 * SEC);	/* sent at 0, 0.5 s and 1.5 s */
	assert_int_equal(tpeer_count_sas(w.c[0].p, "ESTABLISHED"), 0);
	tnet_advance(w.n, 1 * SEC);	/* fallback at 3.5 s */
	w.n->filter = NULL;
	assert_int_equal(w.n->dropped - dropped, 1 + RESUME_RETRIES);
	assert_false(sa_of(w.c[0].p)->resumed);
	cache_stats(w.gw.cache, st);
	assert_int_equal(st->count, 2);
	assert_int_equal(st->superseded, 1);
	assert_int_equal(tpeer_down(w.c[0].p, "peer"), 0);
	resume_for(&w, 0, true);
	assert_int_equal(tpeer_down(w.c[0].p, "peer"), 0);
	resume_for(&w, 1, true);
	/* Without a ticket to give up, a full handshake retires nothing. */
	assert_int_equal(tpeer_down(w.c[1].p, "peer"), 0);
	assert_int_equal(cache_client_del(w.c[1].cl, "peer"), 0);
	session(&w, 1, 10, 0);
	cache_stats(w.gw.cache, st);
	assert_int_equal(st->count, 3);
	assert_int_equal(st->superseded, 1);
	free(st);
	world_free(&w);
}

/* ---- tampering ---- */

struct flip {
	uint8_t exchange;
	bool response;
	int offset;		/* from the end if negative */
	bool done;
};

static bool flip_one(struct tnet *n, struct tpkt *p, void *ctx)
{
	struct flip *f = ctx;
	struct wire_hdr h;

	(void)n;
	if (f->done || wire_hdr_parse(&h, p->data, p->len) != 0 ||
	    h.exchange != f->exchange || wire_hdr_is_response(&h) != f->response ||
	    h.msg_id != 0)
		return true;
	f->done = true;
	p->data[f->offset >= 0 ? (size_t)f->offset : p->len - (size_t)-f->offset] ^= 0x01;
	return true;
}

static void tampered_mac_r(void **state)
{
	struct world w;
	struct flip f = { IKEV2_EXCH_RESWAN_RESUME, true, -1, false };
	struct resume_stats cs;

	(void)state;
	world_init(&w, NULL, 1, NULL);
	session(&w, 0, 10, 0);
	w.n->filter = flip_one;		/* last octet of msg 2: inside MAC_R */
	w.n->filter_ctx = &f;
	resume_for(&w, 0, false);
	assert_true(f.done);
	resume_get_stats(w.c[0].r, &cs);
	assert_int_equal(cs.auth_failed, 1);
	world_free(&w);
}

static void tampered_transcript_fails_mac_i(void **state)
{
	struct world w;
	/* Minor version nibble of msg 2: ignored by parsers and not under
	 * MAC_R, but MAC_I covers the whole of msg 2 as received. */
	struct flip f = { IKEV2_EXCH_RESWAN_RESUME, true, 17, false };
	struct resume_stats gs;

	(void)state;
	world_init(&w, NULL, 1, NULL);
	session(&w, 0, 10, 0);
	w.n->filter = flip_one;
	w.n->filter_ctx = &f;
	resume_for(&w, 0, false);
	resume_get_stats(w.gw.r, &gs);
	assert_int_equal(gs.auth_failed, 1);
	assert_int_equal(gs.resumed, 0);
	world_free(&w);
}

/* ---- replay and single use ---- */

struct recorder {
	uint8_t exchange;
	bool response;
	uint32_t msgid;
	uint8_t data[2048];
	size_t len;
	struct addr src, dst;
};

static bool record(struct tnet *n, struct tpkt *p, void *ctx)
{
	struct recorder *r = ctx;
	struct wire_hdr h;

	(void)n;
	if (!r->len && wire_hdr_parse(&h, p->data, p->len) == 0 &&
	    h.exchange == r->exchange && wire_hdr_is_response(&h) == r->response &&
	    h.msg_id == r->msgid && p->len <= sizeof(r->data)) {
		memcpy(r->data, p->data, p->len);
		r->len = p->len;
		r->src = p->src;
		r->dst = p->dst;
	}
	return true;
}

static void replayed_request_and_proof(void **state)
{
	struct world w;
	struct recorder m1 = { .exchange = IKEV2_EXCH_RESWAN_RESUME, .msgid = 0 };
	struct recorder m3 = { .exchange = IKEV2_EXCH_RESWAN_RESUME, .msgid = 1 };
	struct resume_stats gs;
	struct tpeer *g;

	(void)state;
	world_init(&w, NULL, 1, NULL);
	g = w.gw.p;
	session(&w, 0, 10, 0);
	w.n->filter = record;
	w.n->filter_ctx = &m1;
	resume_for(&w, 0, true);
	w.n->filter_ctx = &m3;
	assert_int_equal(tpeer_down(w.c[0].p, "peer"), 0);
	resume_for(&w, 0, true);
	w.n->filter = NULL;
	assert_true(m1.len && m3.len);
	/* Message 1 again: its handle was used, so it is refused. */
	ike_receive(g->ike, &m1.dst, &m1.src, m1.data, m1.len);
	tnet_flush(w.n);
	resume_get_stats(w.gw.r, &gs);
	assert_int_equal(gs.rejected, 1);
	/* Message 3 again: an answered request, answered from the cache. */
	{
		uint64_t before = g->ike->stats.rx_retransmits;

		ike_receive(g->ike, &m3.dst, &m3.src, m3.data, m3.len);
		assert_int_equal(g->ike->stats.rx_retransmits, before + 1);
	}
	tnet_flush(w.n);
	resume_get_stats(w.gw.r, &gs);
	assert_int_equal(gs.resumed, 2);
	assert_int_equal(tpeer_count_sas(g, "ESTABLISHED"), 1);
	world_free(&w);
}

static void handle_reused_after_success(void **state)
{
	struct world w;
	struct cache_client_entry old;

	(void)state;
	world_init(&w, NULL, 1, NULL);
	session(&w, 0, 10, 0);
	assert_int_equal(cache_client_get(w.c[0].cl, "peer", &old), 0);
	resume_for(&w, 0, true);
	assert_int_equal(tpeer_down(w.c[0].p, "peer"), 0);
	/* Put the used ticket back, as a client with a stale store would. */
	assert_int_equal(cache_client_put(w.c[0].cl, "peer", &old), 0);
	resume_for(&w, 0, false);
	world_free(&w);
}

static void handle_with_another_identity(void **state)
{
	struct world w;
	struct cache_client_entry stolen;
	struct resume_stats gs;

	(void)state;
	world_init(&w, NULL, 2, NULL);
	session(&w, 0, 10, 0);
	/* c1 somehow holds c0's ticket and secret. */
	assert_int_equal(cache_client_get(w.c[0].cl, "peer", &stolen), 0);
	assert_int_equal(cache_client_put(w.c[1].cl, "peer", &stolen), 0);
	resume_for(&w, 1, false);
	resume_get_stats(w.gw.r, &gs);
	assert_int_equal(gs.auth_failed, 1);
	/* c0's own ticket is untouched by the attempt. */
	resume_for(&w, 0, true);
	world_free(&w);
}

static void eviction_at_capacity(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, "   capacity = 2\n", 3, NULL);
	session(&w, 0, 10, 0);
	session(&w, 1, 10, 0);
	session(&w, 2, 10, 0);		/* evicts c0's record (LRU) */
	resume_for(&w, 0, false);
	assert_int_equal(tpeer_down(w.c[0].p, "peer"), 0);
	resume_for(&w, 2, true);
	world_free(&w);
}

static void racing_for_one_handle(void **state)
{
	struct world w;
	struct cache_client_entry e;
	struct resume_stats gs;
	int won = 0;

	(void)state;
	world_init(&w, NULL, 2, NULL);
	session(&w, 0, 10, 0);
	/* A clone of c0 (same identity, same ticket) at another address. */
	detach(&w.c[1]);
	w.c[1].p = client_peer(w.n, "c0-clone", "10.0.0.77", "c0.example", NULL);
	attach(w.n, &w.c[1], NULL);
	assert_int_equal(cache_client_get(w.c[0].cl, "peer", &e), 0);
	assert_int_equal(cache_client_put(w.c[1].cl, "peer", &e), 0);
	/* Both send message 1 before either is answered. */
	assert_int_equal(ike_initiate(w.c[0].p->ike, "peer", NULL, NULL), 0);
	assert_int_equal(ike_initiate(w.c[1].p->ike, "peer", NULL, NULL), 0);
	tnet_flush(w.n);
	tnet_advance(w.n, 3 * SEC);
	resume_get_stats(w.gw.r, &gs);
	assert_int_equal(gs.resumed, 1);
	assert_int_equal(gs.races_lost, 1);
	for (int i = 0; i < 2; i++)
		if (tpeer_count_sas(w.c[i].p, "ESTABLISHED") &&
		    w.c[i].p->ike->all->resumed)
			won++;
	assert_int_equal(won, 1);
	world_free(&w);
}

static void resumption_replaces_a_living_sa(void **state)
{
	struct world w;
	struct cache_client_entry e;

	(void)state;
	world_init(&w, NULL, 2, NULL);
	session(&w, 0, 10, 0);
	assert_int_equal(tpeer_up(w.c[0].p, "peer"), 0);	/* resumed, stays up */
	/* c0 crashes: a new instance with its store comes from elsewhere. */
	assert_int_equal(cache_client_get(w.c[0].cl, "peer", &e), 0);
	detach(&w.c[1]);
	w.c[1].p = client_peer(w.n, "c0-again", "10.0.0.78", "c0.example", NULL);
	attach(w.n, &w.c[1], NULL);
	assert_int_equal(cache_client_put(w.c[1].cl, "peer", &e), 0);
	resume_for(&w, 1, true);
	/* The gateway holds exactly one SA for c0: the new one. */
	assert_int_equal(tpeer_count_sas(w.gw.p, NULL), 1);
	assert_true(addr_eq(&w.gw.p->ike->all->remote, &w.c[1].p->addr, false));
	world_free(&w);
}

static void survives_gateway_restart(void **state)
{
	struct world w;
	char dir[] = "/tmp/reswan-resume-XXXXXX", buf[4096];

	(void)state;
	assert_non_null(mkdtemp(dir));
	world_init(&w, NULL, 1, dir);
	session(&w, 0, 10, 0);
	/* The gateway restarts: new engine, cache reloaded from LMDB. */
	detach(&w.gw);
	{
		struct tpeer *old = w.gw.p;
		struct ike_env env;

		(void)env;
		w.gw.p = tpeer_new(w.n, "gw2", "10.0.0.2", gw_conf(buf, sizeof(buf), NULL),
				   NULL, NULL, NULL, NULL);
		/* Same address as before. */
		w.gw.p->addr = old->addr;
		old->addr.family = ADDR_NONE;
	}
	attach(w.n, &w.gw, dir);
	resume_for(&w, 0, true);
	world_free(&w);
	{
		char cmd[600];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_then_resumed),
		cmocka_unit_test(pfs_mode),
		cmocka_unit_test(clocked_policy),
		cmocka_unit_test(established_policy),
		cmocka_unit_test(data_policy),
		cmocka_unit_test(max_age),
		cmocka_unit_test(revoked_record_falls_back),
		cmocka_unit_test(full_handshake_retires_given_up_record),
		cmocka_unit_test(tampered_mac_r),
		cmocka_unit_test(tampered_transcript_fails_mac_i),
		cmocka_unit_test(replayed_request_and_proof),
		cmocka_unit_test(handle_reused_after_success),
		cmocka_unit_test(handle_with_another_identity),
		cmocka_unit_test(eviction_at_capacity),
		cmocka_unit_test(racing_for_one_handle),
		cmocka_unit_test(resumption_replaces_a_living_sa),
		cmocka_unit_test(survives_gateway_restart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
