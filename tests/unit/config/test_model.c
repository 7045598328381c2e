/*
 * test_model.c - the connection model: the gateway and road-warrior
 * fixtures mapped field by field, swanctl.conf's defaults, every supported
 * key, traffic selectors, secrets and the PSK lookup, templates, warnings.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "config/config.h"
#include "test_config.h"
#include "wire/ikev2.h"

static struct config *load_text(const char *text, struct diag *d)
{
	struct config *cfg = NULL;
	int rc;

	diag_init(d);
	rc = config_load_buffer("t.conf", text, strlen(text), NULL, &cfg, d);
	if (rc) {
		diag_print(d, stderr);
		fail();
	}
	return cfg;
}

static struct config *load_fixture(const char *name, struct diag *d)
{
	struct config_opts o = { .check_files = true };
	struct config *cfg = NULL;
	char path[512];

	diag_init(d);
	snprintf(path, sizeof(path), "%s/%s/swanctl.conf", DATA_DIR, name);
	if (config_load_file(path, &o, &cfg, d)) {
		diag_print(d, stderr);
		fail();
	}
	return cfg;
}

static const char *range(const struct addr_range *r)
{
	static char buf[4][ADDR_STRLEN];
	static int i;

	i = (i + 1) % 4;
	return addr_range_fmt(r, buf[i], sizeof(buf[i]));
}

static const char *ts(const struct config_ts *t)
{
	static char buf[4][CONFIG_TS_STRLEN];
	static int i;

	i = (i + 1) % 4;
	return config_ts_fmt(t, buf[i], sizeof(buf[i]));
}

static const char *props(const struct proposal_list *l)
{
	static char buf[2048];

	return proposal_list_fmt(l, buf, sizeof(buf));
}

static const char *id(const struct ident *i)
{
	static char buf[IDENT_STRLEN];

	return ident_fmt(i, buf, sizeof(buf));
}

static void expect_path(const char *got, const char *fixture, const char *rel)
{
	char want[512];

	snprintf(want, sizeof(want), "%s/%s/%s", DATA_DIR, fixture, rel);
	assert_string_equal(got, want);
}

static void gateway_fixture(void **state)
{
	struct diag d;
	struct config *cfg = load_fixture("gateway", &d);
	struct config_conn *rw, *br;
	struct config_child *c;
	char expect[512];

	(void)state;
	assert_int_equal(d.n_errors, 0);
	assert_int_equal(d.n_warnings, 0);
	snprintf(expect, sizeof(expect), "%s/gateway", DATA_DIR);
	assert_string_equal(cfg->confdir, expect);
	assert_int_equal(cfg->n_conns, 2);
	assert_int_equal(cfg->n_files, 2);

	rw = config_conn_find(cfg, "rw");
	assert_ptr_equal(rw, &cfg->conns[0]);
	assert_non_null(strstr(rw->loc.file, "gateway/swanctl.conf"));
	assert_int_equal(rw->loc.line, 21);
	assert_int_equal(rw->version, 2);
	assert_int_equal(rw->n_local_addrs, 2);
	assert_string_equal(range(&rw->local_addrs[0]), "192.0.2.1");
	assert_string_equal(range(&rw->local_addrs[1]), "2001:db8::1");
	assert_int_equal(rw->n_remote_addrs, 1);
	assert_true(addr_range_is_any(&rw->remote_addrs[0]));
	assert_int_equal(rw->local_port, 500);
	assert_int_equal(rw->remote_port, 500);
	assert_string_equal(props(&rw->ike), "aes256gcm16-prfsha384-ecp384, "
			    "aes256-sha384-prfsha384-ecp384-modp3072");
	assert_int_equal(rw->dpd_delay, 30);
	assert_int_equal(rw->fragmentation, CONFIG_FRAG_YES);
	assert_int_equal(rw->unique, CONFIG_UNIQUE_REPLACE);
	assert_int_equal(rw->send_cert, CONFIG_SEND_CERT_ALWAYS);
	assert_int_equal(rw->rekey_time, 8 * 3600);
	assert_int_equal(rw->over_time, 2880);
	assert_int_equal(rw->rand_time, 2880);
	assert_int_equal(rw->reauth_time, 0);
	assert_int_equal(rw->n_pools, 2);
	assert_ptr_equal(rw->pools[0], &cfg->pools[0]);
	assert_ptr_equal(rw->pools[1], &cfg->pools[1]);
	assert_int_equal(rw->n_vips, 0);
	/* local round inherited from the template */
	assert_int_equal(rw->local.method, CONFIG_AUTH_PUBKEY);
	assert_true(rw->local.id_set);
	assert_int_equal(rw->local.id.type, IKEV2_ID_FQDN);
	assert_string_equal(id(&rw->local.id), "gw.example");
	assert_int_equal(rw->local.n_certs, 1);
	expect_path(rw->local.certs[0], "gateway", "x509/gw.example.pem");
	assert_int_equal(rw->local.loc.line, 13);	/* the template's line */
	assert_int_equal(rw->remote.method, CONFIG_AUTH_PUBKEY);
	assert_true(rw->remote.id.wildcard);
	assert_string_equal(id(&rw->remote.id), "*.example");
	assert_int_equal(rw->remote.n_cacerts, 1);
	expect_path(rw->remote.cacerts[0], "gateway", "x509ca/ca.pem");
	assert_int_equal(rw->n_children, 1);
	c = config_child_find(rw, "rw-net");
	assert_non_null(c);
	assert_int_equal(c->n_local_ts, 2);
	assert_string_equal(ts(&c->local_ts[0]), "10.10.0.0/16");
	assert_string_equal(ts(&c->local_ts[1]), "2001:db8:10::/48");
	assert_int_equal(c->n_remote_ts, 1);
	assert_true(c->remote_ts[0].dynamic);
	assert_string_equal(props(&c->esp), "aes256gcm16-noesn, "
			    "aes128gcm16-modp3072-noesn");
	assert_int_equal(c->rekey_time, 7200);
	assert_int_equal(c->life_time, 7920);
	assert_int_equal(c->rand_time, 720);
	assert_int_equal(c->dpd_action, CONFIG_ACTION_NONE);
	assert_int_equal(c->close_action, CONFIG_ACTION_NONE);
	assert_int_equal(c->start_action, CONFIG_ACTION_NONE);
	assert_true(rw->resumption.enabled);
	assert_int_equal(rw->resumption.policy,
			 CONFIG_RESUME_CLOCKED | CONFIG_RESUME_DATA);
	assert_int_equal(rw->resumption.lifetime, 12 * 3600);
	assert_int_equal(rw->resumption.data, 50ULL << 20);
	assert_int_equal(rw->resumption.max_age, 2 * 86400);
	assert_int_equal(rw->resumption.capacity, 50000);
	assert_false(rw->resumption.pfs);
	expect_path(rw->resumption.store, "gateway", "cache/rw.lmdb");

	br = config_conn_find(cfg, "branch");
	assert_non_null(br);
	assert_non_null(strstr(br->loc.file, "gateway/conf.d/branch.conf"));
	assert_int_equal(br->loc.line, 2);
	assert_string_equal(range(&br->remote_addrs[0]), "198.51.100.7");
	assert_int_equal(br->local.method, CONFIG_AUTH_PSK);
	assert_int_equal(br->local.n_certs, 0);	/* "certs =" cleared it */
	assert_string_equal(id(&br->local.id), "gw.example");
	assert_int_equal(br->remote.method, CONFIG_AUTH_PSK);
	assert_string_equal(id(&br->remote.id), "branch.example");
	assert_int_equal(br->rekey_time, 4 * 3600);
	assert_false(br->resumption.enabled);
	c = config_child_find(br, "lan");
	assert_non_null(c);
	assert_string_equal(ts(&c->local_ts[0]), "10.10.0.0/16");
	assert_int_equal(c->n_remote_ts, 2);
	assert_string_equal(ts(&c->remote_ts[0]), "10.30.0.0/16");
	assert_string_equal(ts(&c->remote_ts[1]), "10.31.0.0/16[tcp/1024-2048]");
	assert_int_equal(c->remote_ts[1].proto, 6);
	assert_int_equal(c->remote_ts[1].port_lo, 1024);
	assert_int_equal(c->remote_ts[1].port_hi, 2048);
	assert_string_equal(props(&c->esp),
			    "aes128gcm16-aes256gcm16-curve25519-esn-noesn");
	assert_int_equal(c->start_action, CONFIG_ACTION_TRAP);
	assert_int_equal(c->dpd_action, CONFIG_ACTION_START);
	assert_int_equal(c->rekey_time, 3600);
	assert_int_equal(c->life_time, 5400);
	assert_int_equal(c->rand_time, 1800);
	assert_int_equal(c->rekey_bytes, 1ULL << 30);
	assert_int_equal(c->life_bytes, (1ULL << 30) * 110 / 100);
	assert_int_equal(c->rand_bytes, (1ULL << 30) * 110 / 100 - (1ULL << 30));
	assert_int_equal(c->rekey_packets, 1000000);
	assert_int_equal(c->life_packets, 1100000);
	assert_int_equal(c->rand_packets, 100000);
	assert_null(config_child_find(br, "nope"));
	assert_null(config_conn_find(cfg, "nope"));

	assert_int_equal(cfg->n_pools, 2);
	assert_string_equal(cfg->pools[0].name, "rw-v4");
	assert_string_equal(range(&cfg->pools[0].addrs), "10.20.0.0/24");
	assert_int_equal(cfg->pools[0].n_dns, 2);
	assert_int_equal(cfg->pools[0].dns[1].family, ADDR_IPV4);
	assert_int_equal(cfg->pools[0].dns[1].ip[3], 54);
	assert_string_equal(range(&cfg->pools[1].addrs),
			    "2001:db8:20::10-2001:db8:20::fff");
	assert_int_equal(addr_range_size(&cfg->pools[1].addrs), 4080);
	assert_ptr_equal(config_pool_find(cfg, "rw-v6"), &cfg->pools[1]);

	assert_int_equal(cfg->n_psks, 1);
	assert_int_equal(cfg->psks[0].n_ids, 2);
	assert_int_equal(cfg->psks[0].secret_len, 21);
	assert_memory_equal(cfg->psks[0].secret, "secret-branch-key-001", 21);
	assert_int_equal(cfg->n_key_secrets, 1);
	expect_path(cfg->key_secrets[0].file, "gateway", "private/gw.example.key");
	assert_null(cfg->key_secrets[0].secret);
	config_free(cfg);
}

static void roadwarrior_fixture(void **state)
{
	struct diag d;
	struct config *cfg = load_fixture("roadwarrior", &d);
	struct config_conn *h;
	struct config_child *c;

	(void)state;
	assert_int_equal(d.n_errors, 0);
	assert_int_equal(d.n_warnings, 0);
	assert_int_equal(cfg->n_conns, 1);
	h = &cfg->conns[0];
	assert_string_equal(h->name, "home");
	assert_int_equal(h->version, 0);
	assert_string_equal(range(&h->remote_addrs[0]), "192.0.2.1");
	assert_true(addr_range_is_single(&h->remote_addrs[0]));
	assert_int_equal(h->n_vips, 2);
	assert_int_equal(h->vips[0].family, ADDR_IPV4);
	assert_int_equal(h->vips[1].family, ADDR_IPV6);
	assert_int_equal(h->ike.n, 2);	/* "default" */
	assert_int_equal(h->dpd_delay, 60);
	assert_int_equal(h->keyingtries, 0);
	assert_int_equal(h->local.method, CONFIG_AUTH_PUBKEY);
	assert_int_equal(h->local.key_type, CONFIG_KEY_ECDSA);
	assert_string_equal(id(&h->local.id), "client.example");
	expect_path(h->local.certs[0], "roadwarrior", "x509/client.example.pem");
	assert_int_equal(h->remote.id.type, IKEV2_ID_FQDN);
	assert_string_equal(id(&h->remote.id), "gw.example");
	c = &h->children[0];
	assert_true(c->local_ts[0].dynamic);
	assert_string_equal(ts(&c->remote_ts[0]), "0.0.0.0/0");
	assert_string_equal(ts(&c->remote_ts[1]), "::/0");
	assert_int_equal(c->start_action, CONFIG_ACTION_START);
	assert_int_equal(c->close_action, CONFIG_ACTION_START);
	assert_int_equal(c->dpd_action, CONFIG_ACTION_START);
	assert_true(h->resumption.enabled);
	assert_int_equal(h->resumption.policy, CONFIG_RESUME_ESTABLISHED);
	assert_int_equal(h->resumption.lifetime, 4 * 3600);
	assert_int_equal(h->resumption.data, 20ULL << 20);
	assert_int_equal(h->resumption.max_age, 86400);
	assert_int_equal(h->resumption.capacity, 10000);
	assert_null(h->resumption.store);
	assert_int_equal(cfg->n_key_secrets, 1);
	expect_path(cfg->key_secrets[0].file, "roadwarrior",
		    "ecdsa/client.example.key");
	assert_int_equal(cfg->key_secrets[0].secret_len, 14);
	assert_memory_equal(cfg->key_secrets[0].secret, "key passphrase", 14);
	config_free(cfg);
}

static void defaults(void **state)
{
	struct diag d;
	struct config *cfg;
	struct config_conn *c;
	struct config_child *ch;
	struct proposal_list ike = { 0 }, esp = { 0 };

	(void)state;
	cfg = load_text("connections {\n"
			" c {\n"
			"  local { auth = psk }\n"
			"  children { x { } }\n"
			" }\n"
			"}\n"
			"secrets { ike { secret = s } }\n", &d);
	assert_int_equal(d.n_warnings, 0);
	assert_string_equal(cfg->confdir, ".");
	c = &cfg->conns[0];
	assert_int_equal(c->version, 0);
	assert_int_equal(c->n_local_addrs, 1);
	assert_true(addr_range_is_any(&c->local_addrs[0]));
	assert_int_equal(c->n_remote_addrs, 1);
	assert_true(addr_range_is_any(&c->remote_addrs[0]));
	assert_int_equal(c->local_port, 500);
	assert_int_equal(c->remote_port, 500);
	proposal_add_defaults(IKEV2_PROTO_IKE, &ike);
	assert_int_equal(c->ike.n, ike.n);
	for (size_t i = 0; i < ike.n; i++)
		assert_true(proposal_equal(&c->ike.p[i], &ike.p[i]));
	assert_int_equal(c->n_vips, 0);
	assert_int_equal(c->n_pools, 0);
	assert_true(c->send_certreq);
	assert_int_equal(c->send_cert, CONFIG_SEND_CERT_IFASKED);
	assert_false(c->encap);
	assert_int_equal(c->fragmentation, CONFIG_FRAG_YES);
	assert_int_equal(c->dpd_delay, 0);
	assert_int_equal(c->dpd_timeout, 0);
	assert_int_equal(c->keyingtries, 1);
	assert_int_equal(c->unique, CONFIG_UNIQUE_NO);
	/* strongSwan 5.9.8 reports 14400 / 1440 / 1440 for this */
	assert_int_equal(c->rekey_time, 14400);
	assert_int_equal(c->reauth_time, 0);
	assert_int_equal(c->over_time, 1440);
	assert_int_equal(c->rand_time, 1440);
	assert_int_equal(c->local.method, CONFIG_AUTH_PSK);
	assert_false(c->local.id_set);
	assert_int_equal(c->remote.method, CONFIG_AUTH_PUBKEY);
	assert_false(c->remote.id_set);
	assert_int_equal(c->remote.id.type, IDENT_ANY);
	assert_false(c->resumption.enabled);
	ch = &c->children[0];
	assert_int_equal(ch->n_local_ts, 1);
	assert_true(ch->local_ts[0].dynamic);
	assert_int_equal(ch->local_ts[0].proto, 0);
	assert_int_equal(ch->local_ts[0].port_lo, 0);
	assert_int_equal(ch->local_ts[0].port_hi, 65535);
	assert_true(ch->remote_ts[0].dynamic);
	proposal_add_defaults(IKEV2_PROTO_ESP, &esp);
	assert_int_equal(ch->esp.n, 2);
	assert_true(proposal_equal(&ch->esp.p[0], &esp.p[0]));
	/* strongSwan 5.9.8 reports 3600 / 3960 / 360 for this */
	assert_int_equal(ch->rekey_time, 3600);
	assert_int_equal(ch->life_time, 3960);
	assert_int_equal(ch->rand_time, 360);
	assert_int_equal(ch->rekey_bytes, 0);
	assert_int_equal(ch->life_bytes, 0);
	assert_int_equal(ch->rand_bytes, 0);
	assert_int_equal(ch->rekey_packets, 0);
	assert_int_equal(ch->life_packets, 0);
	assert_int_equal(ch->rand_packets, 0);
	assert_int_equal(ch->start_action, CONFIG_ACTION_NONE);
	assert_int_equal(ch->close_action, CONFIG_ACTION_NONE);
	assert_int_equal(ch->dpd_action, CONFIG_ACTION_NONE);
	config_free(cfg);
}

static void ike_lifetime_rules(void **state)
{
	struct diag d;
	struct config *cfg;

	(void)state;
	/* only reauth: rekey defaults to 0 */
	cfg = load_text("connections { c { reauth_time = 10h\n"
			"local { auth = psk } } }\nsecrets { ike { secret = s } }\n",
			&d);
	assert_int_equal(cfg->conns[0].rekey_time, 0);
	assert_int_equal(cfg->conns[0].reauth_time, 36000);
	assert_int_equal(cfg->conns[0].over_time, 3600);
	assert_int_equal(cfg->conns[0].rand_time, 3600);
	config_free(cfg);
	/* both: over 10% of the longer, rand min(over, shorter/2) */
	cfg = load_text("connections { c { reauth_time = 10h\nrekey_time = 1h\n"
			"local { auth = psk } } }\nsecrets { ike { secret = s } }\n",
			&d);
	assert_int_equal(cfg->conns[0].over_time, 3600);
	assert_int_equal(cfg->conns[0].rand_time, 1800);
	config_free(cfg);
	/* explicit values are kept */
	cfg = load_text("connections { c { rekey_time = 2h\nover_time = 5m\n"
			"rand_time = 1m\nlocal { auth = psk } } }\n"
			"secrets { ike { secret = s } }\n", &d);
	assert_int_equal(cfg->conns[0].over_time, 300);
	assert_int_equal(cfg->conns[0].rand_time, 60);
	config_free(cfg);
}

static void every_key(void **state)
{
	struct diag d;
	struct config *cfg;
	struct config_conn *c;
	struct config_child *ch;

	(void)state;
	cfg = load_text(
		"connections {\n"
		" c {\n"
		"  version = 2\n"
		"  local_addrs = 10.0.0.1, 10.1.0.0/16, 10.2.0.1-10.2.0.9, %any6\n"
		"  remote_addrs = 2001:db8::1, %any4\n"
		"  local_port = 4500\n"
		"  remote_port = 4501\n"
		"  proposals = aes128-sha256-modp2048, default\n"
		"  vips = 10.9.9.9, ::\n"
		"  pools = p\n"
		"  send_certreq = no\n"
		"  send_cert = never\n"
		"  encap = yes\n"
		"  mobike = no\n"
		"  fragmentation = accept\n"
		"  dpd_delay = 1 m\n"
		"  dpd_timeout = 2m\n"
		"  keyingtries = 5\n"
		"  unique = keep\n"
		"  reauth_time = 1d\n"
		"  rekey_time = 2h\n"
		"  over_time = 10m\n"
		"  rand_time = 5m\n"
		"  aggressive = no\n"
		"  pull = yes\n"
		"  dscp = 000000\n"
		"  childless = never\n"
		"  ppk_required = no\n"
		"  mediation = no\n"
		"  local {\n"
		"   round = 1\n"
		"   auth = psk\n"
		"   id = 10.0.0.1\n"
		"  }\n"
		"  remote {\n"
		"   auth = rsa\n"
		"   id = C=CH, O=Org, CN=*\n"
		"   certs = /etc/peer.pem\n"
		"   cacerts = ca1.pem, /abs/ca2.pem\n"
		"   revocation = relaxed\n"
		"  }\n"
		"  children {\n"
		"   ch {\n"
		"    local_ts = 10.0.0.0/8[udp/53], dynamic[tcp]\n"
		"    remote_ts = 10.1.2.3, 10.5.0.1-10.5.0.7[icmp/opaque], "
		"::/0[ipv6-icmp/any]\n"
		"    esp_proposals = aes256-sha512-curve25519-esn\n"
		"    rekey_time = 30m\n"
		"    life_time = 40m\n"
		"    rand_time = 2m\n"
		"    rekey_bytes = 500K\n"
		"    life_bytes = 1M\n"
		"    rand_bytes = 10K\n"
		"    rekey_packets = 1000\n"
		"    life_packets = 2000\n"
		"    rand_packets = 10\n"
		"    start_action = route\n"
		"    close_action = restart\n"
		"    dpd_action = trap\n"
		"    mode = TUNNEL\n"
		"    ipcomp = no\n"
		"    hw_offload = no\n"
		"    policies = yes\n"
		"    replay_window = 32\n"
		"    copy_dscp = out\n"
		"   }\n"
		"  }\n"
		"  resumption {\n"
		"   policy = established, clocked, data\n"
		"   lifetime = 3h\n"
		"   data = 1G\n"
		"   max_age = 1w\n"
		"   capacity = 123\n"
		"   pfs = yes\n"
		"   store = /var/lib/reswan/cache\n"
		"  }\n"
		" }\n"
		"}\n"
		"pools { p { addrs = 10.99.0.0/16\n dns = 10.0.0.53 } }\n"
		"secrets {\n"
		" ike-x { id = 10.0.0.1\n id-2 = C=CH, O=Org, CN=peer\n"
		"  secret = 0x00ff10 }\n"
		"}\n", &d);
	c = &cfg->conns[0];
	assert_int_equal(c->version, 2);
	assert_int_equal(c->n_local_addrs, 4);
	assert_string_equal(range(&c->local_addrs[1]), "10.1.0.0/16");
	assert_string_equal(range(&c->local_addrs[2]), "10.2.0.1-10.2.0.9");
	assert_string_equal(range(&c->local_addrs[3]), "::/0");
	assert_string_equal(range(&c->remote_addrs[1]), "0.0.0.0/0");
	assert_int_equal(c->local_port, 4500);
	assert_int_equal(c->remote_port, 4501);
	assert_int_equal(c->ike.n, 3);
	assert_int_equal(c->n_vips, 2);
	assert_int_equal(c->vips[0].ip[3], 9);
	assert_int_equal(c->n_pools, 1);
	assert_string_equal(c->pools[0]->name, "p");
	assert_false(c->send_certreq);
	assert_int_equal(c->send_cert, CONFIG_SEND_CERT_NEVER);
	assert_true(c->encap);
	assert_int_equal(c->fragmentation, CONFIG_FRAG_ACCEPT);
	assert_int_equal(c->dpd_delay, 60);
	assert_int_equal(c->dpd_timeout, 120);
	assert_int_equal(c->keyingtries, 5);
	assert_int_equal(c->unique, CONFIG_UNIQUE_KEEP);
	assert_int_equal(c->reauth_time, 86400);
	assert_int_equal(c->rekey_time, 7200);
	assert_int_equal(c->over_time, 600);
	assert_int_equal(c->rand_time, 300);
	assert_int_equal(c->local.method, CONFIG_AUTH_PSK);
	assert_int_equal(c->local.id.type, IKEV2_ID_IPV4_ADDR);
	assert_int_equal(c->remote.method, CONFIG_AUTH_PUBKEY);
	assert_int_equal(c->remote.key_type, CONFIG_KEY_RSA);
	assert_int_equal(c->remote.id.type, IKEV2_ID_DER_ASN1_DN);
	assert_string_equal(c->remote.certs[0], "/etc/peer.pem");
	assert_string_equal(c->remote.cacerts[0], "./x509ca/ca1.pem");
	assert_string_equal(c->remote.cacerts[1], "/abs/ca2.pem");
	ch = &c->children[0];
	assert_string_equal(ts(&ch->local_ts[0]), "10.0.0.0/8[udp/53]");
	assert_string_equal(ts(&ch->local_ts[1]), "dynamic[tcp]");
	assert_true(ch->local_ts[1].dynamic);
	assert_string_equal(ts(&ch->remote_ts[0]), "10.1.2.3");
	assert_string_equal(ts(&ch->remote_ts[1]),
			    "10.5.0.1-10.5.0.7[icmp/opaque]");
	assert_int_equal(ch->remote_ts[1].port_lo, 65535);
	assert_int_equal(ch->remote_ts[1].port_hi, 0);
	assert_string_equal(ts(&ch->remote_ts[2]), "::/0[ipv6-icmp]");
	assert_string_equal(props(&ch->esp), "aes256-sha512-curve25519-esn");
	assert_int_equal(ch->rekey_time, 1800);
	assert_int_equal(ch->life_time, 2400);
	assert_int_equal(ch->rand_time, 120);
	assert_int_equal(ch->rekey_bytes, 500 << 10);
	assert_int_equal(ch->life_bytes, 1 << 20);
	assert_int_equal(ch->rand_bytes, 10 << 10);
	assert_int_equal(ch->rekey_packets, 1000);
	assert_int_equal(ch->life_packets, 2000);
	assert_int_equal(ch->rand_packets, 10);
	assert_int_equal(ch->start_action, CONFIG_ACTION_TRAP);
	assert_int_equal(ch->close_action, CONFIG_ACTION_START);
	assert_int_equal(ch->dpd_action, CONFIG_ACTION_TRAP);
	assert_string_equal(config_action_name(ch->dpd_action), "trap");
	assert_int_equal(c->resumption.policy, CONFIG_RESUME_CLOCKED |
			 CONFIG_RESUME_ESTABLISHED | CONFIG_RESUME_DATA);
	assert_int_equal(c->resumption.lifetime, 3 * 3600);
	assert_int_equal(c->resumption.data, 1ULL << 30);
	assert_int_equal(c->resumption.max_age, 7 * 86400);
	assert_int_equal(c->resumption.capacity, 123);
	assert_true(c->resumption.pfs);
	assert_string_equal(c->resumption.store, "/var/lib/reswan/cache");
	assert_int_equal(cfg->psks[0].n_ids, 2);
	assert_int_equal(cfg->psks[0].secret_len, 3);
	assert_memory_equal(cfg->psks[0].secret, "\x00\xff\x10", 3);
	assert_string_equal(range(&cfg->pools[0].addrs), "10.99.0.0/16");
	config_free(cfg);
}

static void empty_assignment_means_default(void **state)
{
	struct diag d;
	struct config *cfg;

	(void)state;
	cfg = load_text("connections { c {\n"
			"  mobike =\n  rekey_time =\n  proposals =\n"
			"  local { auth = psk }\n"
			"  children { x { mode =\n esp_proposals = } }\n"
			"} }\nsecrets { ike { secret = s } }\n", &d);
	assert_int_equal(cfg->conns[0].rekey_time, 14400);
	assert_int_equal(cfg->conns[0].ike.n, 2);
	assert_int_equal(cfg->conns[0].children[0].esp.n, 2);
	config_free(cfg);
}

static void templates(void **state)
{
	struct diag d;
	struct config *cfg;

	(void)state;
	cfg = load_text("base {\n"
			"  remote_addrs = 10.0.0.1\n"
			"  local { auth = psk\n id = a.example }\n"
			"  children { net { local_ts = 10.1.0.0/16 } }\n"
			"}\n"
			"connections {\n"
			"  one : base { }\n"
			"  two : base {\n"
			"    remote_addrs = 10.0.0.2\n"
			"    children { net { remote_ts = 10.2.0.0/16 } }\n"
			"  }\n"
			"}\n"
			"secrets { ike { secret = s } }\n", &d);
	assert_int_equal(cfg->n_conns, 2);
	assert_string_equal(range(&cfg->conns[0].remote_addrs[0]), "10.0.0.1");
	assert_string_equal(range(&cfg->conns[1].remote_addrs[0]), "10.0.0.2");
	assert_string_equal(id(&cfg->conns[1].local.id), "a.example");
	assert_string_equal(ts(&cfg->conns[1].children[0].local_ts[0]),
			    "10.1.0.0/16");
	assert_string_equal(ts(&cfg->conns[1].children[0].remote_ts[0]),
			    "10.2.0.0/16");
	assert_true(cfg->conns[0].children[0].remote_ts[0].dynamic);
	config_free(cfg);
}

static void psk_lookup(void **state)
{
	struct diag d;
	struct config *cfg;
	struct ident gw, alice;
	const struct config_psk *p;

	(void)state;
	cfg = load_text("connections { c { local { auth = psk } } }\n"
			"secrets {\n"
			" ike-any { secret = any }\n"
			" ike-gw { id = gw.example\n secret = gw-only }\n"
			" ike-domain { id-1 = gw.example\n id-2 = *@example.org\n"
			"  secret = domain }\n"
			" ike-alice { id-1 = gw.example\n id-2 = alice@example.org\n"
			"  secret = alice }\n"
			"}\n", &d);
	assert_int_equal(ident_parse("gw.example", &gw, (char[64]){0}, 64), 0);
	assert_int_equal(ident_parse("alice@example.org", &alice,
				     (char[64]){0}, 64), 0);
	/* exact beats wildcard beats any */
	p = config_psk_lookup(cfg, &gw, alice.type, alice.data, alice.len);
	assert_non_null(p);
	assert_string_equal(p->name, "ike-alice");
	p = config_psk_lookup(cfg, &gw, IKEV2_ID_RFC822_ADDR,
			      (const uint8_t *)"bob@example.org", 15);
	assert_string_equal(p->name, "ike-domain");
	/* only our side matches: strongSwan accepts that */
	p = config_psk_lookup(cfg, &gw, IKEV2_ID_FQDN,
			      (const uint8_t *)"stranger", 8);
	assert_string_equal(p->name, "ike-gw");
	/* neither side matches a named secret: the owner-less one */
	assert_int_equal(ident_parse("other.example", &alice, (char[64]){0}, 64),
			 0);
	p = config_psk_lookup(cfg, &alice, IKEV2_ID_FQDN,
			      (const uint8_t *)"stranger", 8);
	assert_string_equal(p->name, "ike-any");
	p = config_psk_lookup(cfg, NULL, IKEV2_ID_FQDN,
			      (const uint8_t *)"stranger", 8);
	assert_string_equal(p->name, "ike-any");
	config_free(cfg);
	/* no secret at all */
	cfg = load_text("connections { c { local { auth = psk } } }\n"
			"secrets { ike { id = x.example\n secret = s } }\n", &d);
	assert_null(config_psk_lookup(cfg, &gw, IKEV2_ID_FQDN,
				      (const uint8_t *)"y", 1));
	config_free(cfg);
}

static void secret_encodings_ok(void **state)
{
	struct diag d;
	struct config *cfg;

	(void)state;
	cfg = load_text("connections { c { local { auth = psk } } }\n"
			"secrets {\n"
			" ike-1 { secret = \"plain with  spaces\" }\n"
			" ike-2 { secret = 0xDEADbeef }\n"
			" ike-3 { secret = 0sAAEC/w== }\n"
			" IKEfoo { secret = 0sAAE }\n"
			" private-k { file = /keys/k.pem\n secret = pw }\n"
			" rsa-k { file = r.pem }\n"
			" pkcs8-k { file = p.pem }\n"
			"}\n", &d);
	assert_int_equal(cfg->n_psks, 4);
	assert_int_equal(cfg->psks[0].secret_len, 18);
	assert_memory_equal(cfg->psks[0].secret, "plain with  spaces", 18);
	assert_int_equal(cfg->psks[1].secret_len, 4);
	assert_memory_equal(cfg->psks[1].secret, "\xde\xad\xbe\xef", 4);
	assert_int_equal(cfg->psks[2].secret_len, 4);
	assert_memory_equal(cfg->psks[2].secret, "\x00\x01\x02\xff", 4);
	assert_int_equal(cfg->psks[3].secret_len, 2);
	assert_int_equal(cfg->n_key_secrets, 3);
	assert_string_equal(cfg->key_secrets[0].file, "/keys/k.pem");
	assert_memory_equal(cfg->key_secrets[0].secret, "pw", 2);
	assert_string_equal(cfg->key_secrets[1].file, "./rsa/r.pem");
	assert_string_equal(cfg->key_secrets[2].file, "./pkcs8/p.pem");
	config_free(cfg);
}

static void traffic_selectors(void **state)
{
	static const struct {
		const char *in, *out;
	} ok[] = {
		{ "10.0.0.0/8", "10.0.0.0/8" },
		{ "10.1.2.3/8", "10.0.0.0/8" },	/* host bits ignored */
		{ "10.0.0.1", "10.0.0.1" },
		{ "10.0.0.1-10.0.0.1", "10.0.0.1" },
		{ "10.0.0.0-10.0.0.255", "10.0.0.0/24" },
		{ "dynamic", "dynamic" },
		{ "dynamic[udp/500]", "dynamic[udp/500]" },
		{ "0.0.0.0/0[47]", "0.0.0.0/0[gre]" },
		{ "0.0.0.0/0[200/7]", "0.0.0.0/0[200/7]" },
		{ "0.0.0.0/0[/80]", "0.0.0.0/0[any/80]" },
		{ "0.0.0.0/0[%any/%opaque]", "0.0.0.0/0[any/opaque]" },
		{ "::/0[sctp/1-2]", "::/0[sctp/1-2]" },
		{ "fe80::/10[TCP]", "fe80::/10[tcp]" },
	};
	static const struct {
		const char *in, *msg;
	} bad[] = {
		{ "10.0.0.0/8[tcp/80", "must end the selector with ']'" },
		{ "10.0.0.0/8[foo]", "unknown protocol 'foo'" },
		{ "10.0.0.0/8[256]", "unknown protocol '256'" },
		{ "10.0.0.0/8[tcp/http]", "service names are not supported" },
		{ "10.0.0.0/8[tcp/70000]", "invalid port '70000'" },
		{ "10.0.0.0/8[tcp/9-8]", "invalid port '9-8'" },
		{ "%any", "use 0.0.0.0/0 or ::/0" },
		{ "vpn.example", "hostnames are not supported" },
		{ "10.0.0.0/40", "invalid traffic selector" },
		{ "10.0.0.9-10.0.0.1", "invalid traffic selector" },
		{ "10.0.0.1-::1", "invalid traffic selector" },
	};
	char buf[CONFIG_TS_STRLEN], err[256];
	struct config_ts t;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(config_ts_parse(ok[i].in, &t, err, sizeof(err)), 0);
		assert_string_equal(config_ts_fmt(&t, buf, sizeof(buf)), ok[i].out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_true(config_ts_parse(bad[i].in, &t, err, sizeof(err)) < 0);
		if (!strstr(err, bad[i].msg)) {
			fprintf(stderr, "'%s': got '%s'\n", bad[i].in, err);
			fail();
		}
	}
}

static void warnings(void **state)
{
	struct diag d;
	struct config *cfg;

	(void)state;
	cfg = load_text("connections { c { local { auth = psk } } }\n", &d);
	expect_diag(&d, "t.conf:1:", "connections.c", "no secrets.ike section "
		    "exists", NULL);
	assert_int_equal(d.n_errors, 0);
	config_free(cfg);
	cfg = load_text("connections { c {\n local { auth = psk\n id = a }\n"
			" remote { auth = psk\n id = b } } }\n"
			"secrets { ike { id = c\n secret = x } }\n", &d);
	expect_diag(&d, "no secrets.ike entry matches these identities", NULL);
	config_free(cfg);
	cfg = load_text("connections { c {\n local { auth = psk }\n"
			" children { x { esp_proposals = aes128gcm16-sha256 } } } }\n"
			"secrets { ike { secret = s } }\n", &d);
	expect_diag(&d, "t.conf:3:", "children.x.esp_proposals",
		    "integrity algorithms are ignored with AEAD", NULL);
	config_free(cfg);
	cfg = load_text("connections { c {\n local { auth = psk }\n"
			" resumption { lifetime = 2d } } }\n"
			"secrets { ike { secret = s } }\n", &d);
	expect_diag(&d, "t.conf:3:", "connections.c.resumption",
		    "max_age (86400s) is shorter than the clocked lifetime", NULL);
	config_free(cfg);
	cfg = load_text("# nothing\n", &d);
	expect_diag(&d, "t.conf:", "no connections defined", NULL);
	assert_int_equal(cfg->n_conns, 0);
	config_free(cfg);
	config_free(NULL);
}

static void psk_warning_index(void **state)
{
	struct diag d;
	struct config *cfg;

	(void)state;
	cfg = load_text("connections {\n"
			" c1 { local { auth = psk\n id = a.example }\n"
			"      remote { auth = psk\n id = zzz } }\n"
			" c2 { local { auth = psk\n id = x }\n"
			"      remote { auth = psk\n id = b.example } }\n"
			" c3 { local { auth = psk\n id = x }\n"
			"      remote { auth = psk\n id = y } }\n"
			" c4 { local { auth = psk\n id = x }\n"
			"      remote { auth = psk\n id = \"C=CH, CN=peer\" } }\n"
			" c5 { local { auth = psk\n id = x }\n"
			"      remote { auth = psk\n id = bob@example.org } }\n"
			"}\n"
			"secrets {\n"
			" ike-a { id = a.example\n id2 = B.EXAMPLE\n secret = s }\n"
			" ike-w { id = *@example.org\n secret = s }\n"
			" ike-dn { id = C=CH, CN=*\n secret = s }\n"
			"}\n", &d);
	assert_int_equal(d.n_warnings, 1);
	expect_diag(&d, "t.conf:10:", "connections.c3", "no secrets.ike entry "
		    "matches", NULL);
	config_free(cfg);
}

static void confdir_and_file_checks(void **state)
{
	struct config_opts o = { .confdir = "/etc/reswan", .check_files = false };
	struct config *cfg = NULL;
	struct diag d;
	const char *t = "connections { c { local { certs = me.pem } } }\n";

	(void)state;
	diag_init(&d);
	assert_int_equal(config_load_buffer("t.conf", t, strlen(t), &o, &cfg, &d),
			 0);
	assert_string_equal(cfg->conns[0].local.certs[0],
			    "/etc/reswan/x509/me.pem");
	config_free(cfg);
	o.check_files = true;
	diag_init(&d);
	assert_int_equal(config_load_buffer("t.conf", t, strlen(t), &o, &cfg, &d),
			 ERR_CONFIG);
	assert_null(cfg);
	expect_diag(&d, "t.conf:1:", "connections.c.local.certs",
		    "cannot read '/etc/reswan/x509/me.pem'", NULL);
}

int run_model_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gateway_fixture),
		cmocka_unit_test(roadwarrior_fixture),
		cmocka_unit_test(defaults),
		cmocka_unit_test(ike_lifetime_rules),
		cmocka_unit_test(every_key),
		cmocka_unit_test(empty_assignment_means_default),
		cmocka_unit_test(templates),
		cmocka_unit_test(psk_lookup),
		cmocka_unit_test(secret_encodings_ok),
		cmocka_unit_test(traffic_selectors),
		cmocka_unit_test(warnings),
		cmocka_unit_test(psk_warning_index),
		cmocka_unit_test(confdir_and_file_checks),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
