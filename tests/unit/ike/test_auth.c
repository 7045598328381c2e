/*
 * test_auth.c - certificate authentication, identities, virtual IPs and
 * INITIAL_CONTACT, each authentication case run in both roles.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/err.h"
#include "harness.h"
#include "config/diag.h"
#include "crypto/x509.h"
#include "ike/certcache.h"
#include "ike/internal.h"

static const char *const ca[] = { "ca.pem", NULL };

struct side {
	const char *ip, *id, *cert, *key;
};

/* Two pubkey peers; returns the net with peers a (first) and b. */
static struct tnet *cert_pair(const struct side *a, const struct side *b,
			      const char *a_expects, const char *b_expects)
{
	struct tnet *n = tnet_new();
	char ca_buf[4096], cb_buf[4096];
	struct tconf x = { .me = a->ip, .other = b->ip, .my_id = a->id,
			   .other_id = a_expects, .auth = "pubkey", .cert = a->cert };
	struct tconf y = { .me = b->ip, .other = a->ip, .my_id = b->id,
			   .other_id = b_expects, .auth = "pubkey", .cert = b->cert };
	const char *ka[] = { a->key, NULL }, *kb[] = { b->key, NULL };
	const char *ca_certs[] = { a->cert, NULL }, *cb_certs[] = { b->cert, NULL };

	tpeer_new(n, "a", a->ip, tconf(ca_buf, sizeof(ca_buf), &x), NULL, ka,
		  ca_certs, ca);
	tpeer_new(n, "b", b->ip, tconf(cb_buf, sizeof(cb_buf), &y), NULL, kb,
		  cb_certs, ca);
	return n;
}

static const struct side gw = { "10.0.0.1", "gw.example", "gw-ecdsa.pem", "gw-ecdsa.key" };
static const struct side rsa = { "10.0.0.2", "client.example", "client-rsa.pem", "client-rsa.key" };
static const struct side ed = { "10.0.0.2", "ed.example", "client-ed.pem", "client-ed.key" };
static const struct side stranger = { "10.0.0.2", "client.example", "stranger.pem", "stranger.key" };

static void established_both(struct tnet *n)
{
	for (int i = 0; i < 2; i++) {
		assert_int_equal(tpeer_count_sas(n->peers[i], "ESTABLISHED"), 1);
		assert_int_equal(tpeer_count_children(n->peers[i]), 1);
	}
}

static void ecdsa_and_rsa_both_roles(void **state)
{
	(void)state;
	for (int role = 0; role < 2; role++) {
		struct tnet *n = cert_pair(&gw, &rsa, "client.example", "gw.example");

		assert_int_equal(tpeer_up(n->peers[role], "peer"), 0);
		established_both(n);
		/* Each side saw the other's identity from its certificate. */
		assert_string_equal(n->peers[0]->events[0].peer_id, "client.example");
		assert_string_equal(n->peers[1]->events[0].peer_id, "gw.example");
		tnet_free(n);
	}
}

static void ed25519_both_roles(void **state)
{
	(void)state;
	for (int role = 0; role < 2; role++) {
		struct tnet *n = cert_pair(&gw, &ed, "ed.example", "gw.example");

		assert_int_equal(tpeer_up(n->peers[role], "peer"), 0);
		established_both(n);
		tnet_free(n);
	}
}

static void untrusted_chain_rejected(void **state)
{
	struct tnet *n = cert_pair(&gw, &stranger, "client.example", "gw.example");

	(void)state;
	assert_int_not_equal(tpeer_up(n->peers[1], "peer"), 0);
	assert_int_equal(tpeer_count_sas(n->peers[0], NULL), 0);
	assert_int_equal(tpeer_count_sas(n->peers[1], NULL), 0);
	tnet_free(n);
}

static void identity_not_in_certificate(void **state)
{
	/* The client claims another name than its certificate holds. */
	struct side liar = rsa;
	struct tnet *n;

	(void)state;
	liar.id = "admin.example";
	n = cert_pair(&gw, &liar, "%any", "gw.example");
	assert_int_not_equal(tpeer_up(n->peers[1], "peer"), 0);
	assert_int_equal(tpeer_count_sas(n->peers[0], NULL), 0);
	tnet_free(n);
}

static void responder_identity_checked(void **state)
{
	/* The initiator expects someone else than the gateway proves. */
	struct tnet *n = cert_pair(&gw, &rsa, "client.example", "vpn.example");

	(void)state;
	assert_int_not_equal(tpeer_up(n->peers[1], "peer"), 0);
	assert_int_equal(tpeer_count_sas(n->peers[1], NULL), 0);
	tnet_free(n);
}

static void verified_chains_are_cached(void **state)
{
	struct tnet *n = cert_pair(&gw, &rsa, "client.example", "gw.example");
	struct tpeer *g = n->peers[0], *c = n->peers[1];

	(void)state;
	assert_int_equal(tpeer_up(c, "peer"), 0);
	assert_int_equal(certcache_count(g->ike->certs), 1);
	assert_int_equal(certcache_count(c->ike->certs), 1);
	assert_int_equal(tpeer_down(c, "peer"), 0);
	/* Again: the same chains, found in the caches. */
	assert_int_equal(tpeer_up(c, "peer"), 0);
	assert_int_equal(certcache_count(g->ike->certs), 1);
	assert_int_equal(tpeer_count_sas(g, "ESTABLISHED"), 1);
	/* A reload empties them (the trust stores may have changed). */
	{
		struct config *cfg;
		struct diag d;
		char buf[4096];
		struct tconf x = { .me = gw.ip, .other = rsa.ip, .my_id = gw.id,
				   .other_id = "client.example", .auth = "pubkey",
				   .cert = gw.cert };
		struct creds *cr = creds_new();
		struct x509_cert *ca_cert;

		diag_init(&d);
		tconf(buf, sizeof(buf), &x);
		assert_int_equal(config_load_buffer("reload", buf, strlen(buf), NULL,
						    &cfg, &d), 0);
		assert_int_equal(x509_cert_load_file(pki("ca.pem"), &ca_cert), 0);
		assert_int_equal(creds_add_ca(cr, pki("ca.pem"), ca_cert), 0);
		assert_int_equal(ike_set_config(g->ike, cfg, cr), 0);
		assert_int_equal(certcache_count(g->ike->certs), 0);
	}
	tnet_free(n);
}

static void cached_chain_still_checks_identity(void **state)
{
	struct tnet *n = cert_pair(&gw, &rsa, "%any", "gw.example");
	struct side liar = rsa;
	struct tpeer *l;
	char buf[4096];
	const char *k[] = { "client-rsa.key", NULL }, *cc[] = { "client-rsa.pem", NULL };
	const char *ca_[] = { "ca.pem", NULL };
	struct tconf y = { .me = "10.0.0.3", .other = gw.ip, .my_id = "admin.example",
			   .other_id = "gw.example", .auth = "pubkey", .cert = rsa.cert };

	(void)state;
	assert_int_equal(tpeer_up(n->peers[1], "peer"), 0);
	assert_int_equal(certcache_count(n->peers[0]->ike->certs), 1);
	/* The same certificate chain (cached) with a name it does not hold. */
	liar.ip = "10.0.0.3";
	l = tpeer_new(n, "liar", liar.ip, tconf(buf, sizeof(buf), &y), NULL, k, cc, ca_);
	assert_int_not_equal(tpeer_up(l, "peer"), 0);
	assert_int_equal(tpeer_count_sas(n->peers[0], "ESTABLISHED"), 1);
	tnet_free(n);
}

/* ---- virtual IPs ---- */

static struct tpeer *rw_client(struct tnet *n, const char *name, const char *ip,
			       const char *id)
{
	char buf[4096];
	struct tconf c = { .me = ip, .other = "10.0.0.1", .my_id = id,
			   .other_id = "gw.example", .rts = "10.1.0.0/16",
			   .conn_extra = "  vips = 0.0.0.0\n" };

	return tpeer_new(n, name, ip, tconf(buf, sizeof(buf), &c), NULL, NULL,
			 NULL, NULL);
}

static struct tpeer *rw_gateway(struct tnet *n)
{
	char buf[4096];
	struct tconf g = { .me = "10.0.0.1", .my_id = "gw.example",
			   .lts = "10.1.0.0/16",
			   .conn_extra = "  pools = p\n",
			   .top_extra = "pools {\n p {\n  addrs = 10.3.0.0/24\n"
					"  dns = 10.1.0.53\n }\n}\n" };

	return tpeer_new(n, "gw", "10.0.0.1", tconf(buf, sizeof(buf), &g), NULL,
			 NULL, NULL, NULL);
}

static void assert_vip(struct tpeer *client, struct tpeer *gwp, const char *ip)
{
	struct addr want;
	struct ike_sa *cs = client->ike->all, *gs;
	char buf[ADDR_STRLEN], want_ts[ADDR_STRLEN];

	assert_int_equal(addr_parse(ip, &want), 0);
	assert_non_null(cs);
	assert_true(cs->has_vip);
	assert_true(addr_eq(&cs->vip, &want, false));
	/* The client's inner selector is exactly the leased address. */
	snprintf(want_ts, sizeof(want_ts), "%s/32", ip);
	assert_string_equal(ts_fmt(&cs->children->local_ts[0], buf, sizeof(buf)), want_ts);
	for (gs = gwp->ike->all; gs; gs = gs->next)
		if (gs->has_vip && addr_eq(&gs->vip, &want, false))
			break;
	assert_non_null(gs);
	assert_string_equal(ts_fmt(&gs->children->remote_ts[0], buf, sizeof(buf)), want_ts);
}

static void road_warriors_get_pool_addresses(void **state)
{
	struct tnet *n = tnet_new();
	struct tpeer *g = rw_gateway(n);
	struct tpeer *c1 = rw_client(n, "c1", "10.0.0.2", "c1.example");
	struct tpeer *c2 = rw_client(n, "c2", "10.0.0.3", "c2.example");

	(void)state;
	assert_int_equal(tpeer_up(c1, "peer"), 0);
	assert_vip(c1, g, "10.3.0.1");
	assert_int_equal(tpeer_up(c2, "peer"), 0);
	assert_vip(c2, g, "10.3.0.2");
	/* c1 leaves and comes back: same address again. */
	assert_int_equal(tpeer_down(c1, "peer"), 0);
	assert_int_equal(tpeer_count_sas(c1, NULL), 0);
	assert_int_equal(tpeer_count_sas(g, NULL), 1);
	assert_int_equal(tpeer_up(c1, "peer"), 0);
	assert_vip(c1, g, "10.3.0.1");
	tnet_free(n);
}

static void pool_exhausted(void **state)
{
	struct tnet *n = tnet_new();
	char buf[4096];
	struct tconf gc = { .me = "10.0.0.1", .my_id = "gw.example",
			    .lts = "10.1.0.0/16", .conn_extra = "  pools = p\n",
			    .top_extra = "pools {\n p {\n  addrs = 10.3.0.5-10.3.0.5\n }\n}\n" };
	struct tpeer *g = tpeer_new(n, "gw", "10.0.0.1", tconf(buf, sizeof(buf), &gc),
				    NULL, NULL, NULL, NULL);
	struct tpeer *c1 = rw_client(n, "c1", "10.0.0.2", "c1.example");
	struct tpeer *c2 = rw_client(n, "c2", "10.0.0.3", "c2.example");

	(void)state;
	assert_int_equal(tpeer_up(c1, "peer"), 0);
	assert_vip(c1, g, "10.3.0.5");
	/* The IKE SA comes up, the Child SA cannot: no address left. */
	assert_int_not_equal(tpeer_up(c2, "peer"), 0);
	assert_non_null(strstr(c2->done_msg, "INT_ADDR_FAIL"));
	assert_int_equal(tpeer_count_children(c2), 0);
	tnet_free(n);
}

static void initial_contact_replaces_old_sa(void **state)
{
	struct tnet *n = tnet_new();
	struct tpeer *g = rw_gateway(n);
	struct tpeer *c1 = rw_client(n, "c1", "10.0.0.2", "c1.example");
	struct tpeer *again;

	(void)state;
	assert_int_equal(tpeer_up(c1, "peer"), 0);
	/* The same user, rebooted, from another address. */
	again = rw_client(n, "c1b", "10.0.0.9", "c1.example");
	assert_int_equal(tpeer_up(again, "peer"), 0);
	assert_int_equal(tpeer_count_sas(g, NULL), 1);
	assert_true(addr_eq(&g->ike->all->remote, &again->addr, false));
	assert_int_equal(tpeer_count_events(g, false), 1);
	for (size_t i = 0; i < g->nevents; i++)
		if (!g->events[i].up)
			assert_int_equal(g->events[i].reason, IKE_DOWN_REPLACED);
	/* And it keeps its address. */
	assert_vip(again, g, "10.3.0.1");
	tnet_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ecdsa_and_rsa_both_roles),
		cmocka_unit_test(ed25519_both_roles),
		cmocka_unit_test(untrusted_chain_rejected),
		cmocka_unit_test(identity_not_in_certificate),
		cmocka_unit_test(responder_identity_checked),
		cmocka_unit_test(verified_chains_are_cached),
		cmocka_unit_test(cached_chain_still_checks_identity),
		cmocka_unit_test(road_warriors_get_pool_addresses),
		cmocka_unit_test(pool_exhausted),
		cmocka_unit_test(initial_contact_replaces_old_sa),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
