/*
 * test_exchange.c - IKE_SA_INIT and IKE_AUTH between two engines, each
 * case run with either engine as the initiator.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "common/err.h"
#include "crypto/rand.h"
#include "harness.h"
#include "ike/internal.h"

/* A symmetric PSK pair: each side's connection "peer" points at the other. */
static const char *psk_conf(char *buf, size_t len, const char *me,
			    const char *other, const char *my_id,
			    const char *other_id, const char *ike,
			    const char *esp, const char *lts, const char *rts,
			    const char *psk)
{
	snprintf(buf, len,
		 "connections {\n"
		 " peer {\n"
		 "  local_addrs = %s\n"
		 "  remote_addrs = %s\n"
		 "  proposals = %s\n"
		 "  local {\n   auth = psk\n   id = %s\n  }\n"
		 "  remote {\n   auth = psk\n   id = %s\n  }\n"
		 "  children {\n   net {\n    local_ts = %s\n    remote_ts = %s\n"
		 "    esp_proposals = %s\n   }\n  }\n"
		 " }\n"
		 "}\n"
		 "secrets {\n ike-1 {\n  id-1 = %s\n  id-2 = %s\n  secret = \"%s\"\n }\n}\n",
		 me, other, ike, my_id, other_id, lts, rts, esp, my_id, other_id, psk);
	return buf;
}

struct pair {
	struct tnet *net;
	struct tpeer *a, *b;
};

static void pair_psk(struct pair *p, const char *ike_a, const char *ike_b,
		     const char *esp, const char *psk_a, const char *psk_b)
{
	char ca[2048], cb[2048];

	p->net = tnet_new();
	p->a = tpeer_new(p->net, "a", "10.0.0.1",
			 psk_conf(ca, sizeof(ca), "10.0.0.1", "10.0.0.2", "a.example",
				  "b.example", ike_a, esp, "10.1.0.0/16", "10.2.0.0/16",
				  psk_a), NULL, NULL, NULL, NULL);
	p->b = tpeer_new(p->net, "b", "10.0.0.2",
			 psk_conf(cb, sizeof(cb), "10.0.0.2", "10.0.0.1", "b.example",
				  "a.example", ike_b, esp, "10.2.0.0/16", "10.1.0.0/16",
				  psk_b), NULL, NULL, NULL, NULL);
}

static struct ike_sa *only_sa(struct tpeer *p)
{
	assert_int_equal(tpeer_count_sas(p, NULL), 1);
	return p->ike->all;
}

/* Both sides agree on SPIs, algorithms, and mirrored Child SAs. */
static void assert_consistent(struct tpeer *i, struct tpeer *r)
{
	struct ike_sa *si = only_sa(i), *sr = only_sa(r);
	struct child_sa *ci, *cr;

	assert_string_equal(sa_state_name(si->state), "ESTABLISHED");
	assert_string_equal(sa_state_name(sr->state), "ESTABLISHED");
	assert_true(si->initiator);
	assert_false(sr->initiator);
	assert_int_equal(si->spi_i, sr->spi_i);
	assert_int_equal(si->spi_r, sr->spi_r);
	assert_memory_equal(&si->suite, &sr->suite, sizeof(si->suite));
	ci = si->children;
	cr = sr->children;
	assert_non_null(ci);
	assert_non_null(cr);
	assert_int_equal(ci->spi_in, cr->spi_out);
	assert_int_equal(ci->spi_out, cr->spi_in);
	assert_memory_equal(&ci->suite, &cr->suite, sizeof(ci->suite));
	assert_int_equal(ci->n_local_ts, cr->n_remote_ts);
	assert_memory_equal(ci->local_ts, cr->remote_ts,
			    ci->n_local_ts * sizeof(ci->local_ts[0]));
	assert_memory_equal(ci->remote_ts, cr->local_ts,
			    ci->n_remote_ts * sizeof(ci->remote_ts[0]));
	assert_int_equal(tpeer_count_children(i), 1);
	assert_int_equal(tpeer_count_children(r), 1);
	/* Both installed the same keys, each direction mirrored. */
	{
		uint64_t iin, iout, rin, rout;

		assert_int_equal(dp_record_key_fp(i->dp, ci->id, &iin, &iout), 0);
		assert_int_equal(dp_record_key_fp(r->dp, cr->id, &rin, &rout), 0);
		assert_int_equal(iin, rout);
		assert_int_equal(iout, rin);
		assert_int_not_equal(iin, iout);
	}
}

static void psk_both_roles(void **state)
{
	(void)state;
	for (int role = 0; role < 2; role++) {
		struct pair p;
		struct tpeer *ini, *res;

		pair_psk(&p, "aes256gcm16-prfsha256-x25519",
			 "aes256gcm16-prfsha256-x25519", "aes256gcm16", "s3cret", "s3cret");
		ini = role ? p.b : p.a;
		res = role ? p.a : p.b;
		assert_int_equal(tpeer_up(ini, "peer"), 0);
		assert_consistent(ini, res);
		assert_int_equal(tpeer_count_events(ini, true), 1);
		assert_int_equal(tpeer_count_events(res, true), 1);
		assert_string_equal(res->events[0].peer_id, role ? "b.example" : "a.example");
		tnet_free(p.net);
	}
}

static void cbc_modp_suite(void **state)
{
	struct pair p;

	(void)state;
	pair_psk(&p, "aes128-sha256-modp2048", "aes256-aes128-sha384-sha256-modp3072-modp2048",
		 "aes128-sha256", "k", "k");
	assert_int_equal(tpeer_up(p.a, "peer"), 0);
	assert_consistent(p.a, p.b);
	assert_int_equal(p.a->ike->all->suite.encr, IKEV2_ENCR_AES_CBC);
	assert_int_equal(p.a->ike->all->suite.encr_keylen, 128);
	assert_int_equal(p.a->ike->all->suite.integ, IKEV2_INTEG_HMAC_SHA2_256_128);
	assert_int_equal(p.a->ike->all->suite.dh, IKEV2_DH_MODP_2048);
	assert_int_equal(p.a->ike->all->children->suite.integ,
			 IKEV2_INTEG_HMAC_SHA2_256_128);
	tnet_free(p.net);
}

/* The largest private random draw each of two sources was asked for. */
static struct rand_src *spied[2];
static size_t spied_max[2];
static int (*spied_orig[2])(struct rand_src *r, void *out, size_t n);

static int spy_priv(struct rand_src *r, void *out, size_t n)
{
	int i = r == spied[1];

	if (n > spied_max[i])
		spied_max[i] = n;
	return spied_orig[i](r, out, n);
}

static void spy(int i, struct rand_src *r)
{
	spied[i] = r;
	spied_max[i] = 0;
	spied_orig[i] = r->priv_bytes;
	r->priv_bytes = spy_priv;
}

/*
 * The engine's exponent policy reaches the key exchange: by default its
 * private value is drawn as 40 octets (320 bits, RFC 3526 for group 14);
 * with modp_short_exponent off (--modp-exponent full) as 256 + 8 octets.
 * The handshake completes between the two policies, in both roles.
 */
static void modp_short_exponent(void **state)
{
	char ca[2048], cb[2048];
	struct ike_params pa, pb;

	(void)state;
	for (int role = 0; role < 2; role++) {
		struct tnet *n = tnet_new();
		struct tpeer *a, *b;

		tnet_params(&pa);
		tnet_params(&pb);
		assert_true(pb.modp_short_exponent);
		pa.modp_short_exponent = false;
		a = tpeer_new(n, "a", "10.0.0.1",
			      psk_conf(ca, sizeof(ca), "10.0.0.1", "10.0.0.2",
				       "a.example", "b.example", "aes128-sha256-modp2048",
				       "aes128gcm16", "10.1.0.0/16", "10.2.0.0/16", "k"),
			      &pa, NULL, NULL, NULL);
		b = tpeer_new(n, "b", "10.0.0.2",
			      psk_conf(cb, sizeof(cb), "10.0.0.2", "10.0.0.1",
				       "b.example", "a.example", "aes128-sha256-modp2048",
				       "aes128gcm16", "10.2.0.0/16", "10.1.0.0/16", "k"),
			      &pb, NULL, NULL, NULL);
		spy(0, a->rand);
		spy(1, b->rand);
		assert_int_equal(tpeer_up(role ? b : a, "peer"), 0);
		assert_consistent(role ? b : a, role ? a : b);
		assert_int_equal(a->ike->all->suite.dh, IKEV2_DH_MODP_2048);
		assert_int_equal(spied_max[0], 256 + 8);
		assert_int_equal(spied_max[1], 40);
		tnet_free(n);
	}
}

static void wrong_psk_fails_cleanly(void **state)
{
	struct pair p;

	(void)state;
	pair_psk(&p, "aes256gcm16-prfsha256-x25519", "aes256gcm16-prfsha256-x25519",
		 "aes256gcm16", "right", "wrong");
	assert_int_not_equal(tpeer_up(p.a, "peer"), 0);
	assert_int_equal(tpeer_count_sas(p.a, NULL), 0);
	assert_int_equal(tpeer_count_sas(p.b, NULL), 0);
	assert_int_equal(tpeer_count_children(p.a), 0);
	assert_int_equal(tpeer_count_children(p.b), 0);
	assert_true(p.b->ike->stats.rx_unauthenticated >= 1);
	tnet_free(p.net);
}

static void no_proposal_chosen(void **state)
{
	struct pair p;

	(void)state;
	pair_psk(&p, "aes256gcm16-prfsha256-x25519", "aes128-sha256-modp2048",
		 "aes256gcm16", "k", "k");
	assert_int_not_equal(tpeer_up(p.a, "peer"), 0);
	assert_non_null(strstr(p.a->done_msg, "NO_PROP"));
	assert_int_equal(tpeer_count_sas(p.a, NULL), 0);
	assert_int_equal(tpeer_count_sas(p.b, NULL), 0);
	tnet_free(p.net);
}

static void invalid_ke_retry(void **state)
{
	struct pair p;

	(void)state;
	/* a sends x25519 first; b allows only modp2048 of a's groups. */
	pair_psk(&p, "aes128-sha256-x25519-modp2048", "aes128-sha256-modp2048",
		 "aes128-sha256", "k", "k");
	assert_int_equal(tpeer_up(p.a, "peer"), 0);
	assert_consistent(p.a, p.b);
	assert_int_equal(p.a->ike->all->suite.dh, IKEV2_DH_MODP_2048);
	tnet_free(p.net);
}

static void ipv6_both_roles(void **state)
{
	(void)state;
	for (int role = 0; role < 2; role++) {
		struct tnet *n = tnet_new();
		char ba[4096], bb[4096];
		struct tconf a = { .me = "fd00::1", .other = "fd00::2",
				   .my_id = "a.example", .other_id = "b.example",
				   .lts = "fd01::/64", .rts = "fd02::/64" };
		struct tconf b = { .me = "fd00::2", .other = "fd00::1",
				   .my_id = "b.example", .other_id = "a.example",
				   .lts = "fd02::/64", .rts = "fd01::/64" };
		struct tpeer *pa = tpeer_new(n, "a", "fd00::1", tconf(ba, sizeof(ba), &a),
					     NULL, NULL, NULL, NULL);
		struct tpeer *pb = tpeer_new(n, "b", "fd00::2", tconf(bb, sizeof(bb), &b),
					     NULL, NULL, NULL, NULL);
		char buf[128];

		assert_int_equal(tpeer_up(role ? pb : pa, "peer"), 0);
		assert_consistent(role ? pb : pa, role ? pa : pb);
		assert_int_equal(pa->ike->all->remote.family, ADDR_IPV6);
		assert_int_equal(pa->ike->all->remote.port, IKEV2_NATT_PORT);
		assert_string_equal(ts_fmt(&pa->ike->all->children->remote_ts[0], buf,
					   sizeof(buf)), "fd02::/64");
		tnet_free(n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(psk_both_roles),
		cmocka_unit_test(cbc_modp_suite),
		cmocka_unit_test(modp_short_exponent),
		cmocka_unit_test(wrong_psk_fails_cleanly),
		cmocka_unit_test(no_proposal_chosen),
		cmocka_unit_test(invalid_ke_retry),
		cmocka_unit_test(ipv6_both_roles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
