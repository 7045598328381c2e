/*
 * test_robust.c - what an unauthenticated or hostile network can do:
 * floods of IKE_SA_INIT (cookies and the half-open cap), garbage, tampered
 * and replayed messages, unknown critical payloads; and what a big message
 * needs: IKE fragmentation.  Plus additional Child SAs.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/err.h"
#include "config/proposal.h"
#include "harness.h"
#include "ike/internal.h"

#define SEC CLOCK_US_PER_SEC

static struct tnet *pair_params(const struct ike_params *pb, const char *child_b)
{
	struct tnet *n = tnet_new();
	char ba[4096], bb[4096];
	struct tconf a = { .me = "10.0.0.1", .other = "10.0.0.2", .my_id = "a.example",
			   .other_id = "b.example", .lts = "10.1.0.0/16",
			   .rts = "10.2.0.0/16" };
	struct tconf b = { .me = "10.0.0.2", .my_id = "b.example",
			   .lts = "10.2.0.0/16", .rts = "10.1.0.0/16",
			   .child_extra = child_b };

	tpeer_new(n, "a", "10.0.0.1", tconf(ba, sizeof(ba), &a), NULL, NULL, NULL, NULL);
	tpeer_new(n, "b", "10.0.0.2", tconf(bb, sizeof(bb), &b), pb, NULL, NULL, NULL);
	return n;
}

/* An IKE_SA_INIT request as an attacker would forge it. */
static size_t forge_init(uint8_t *out, size_t cap, uint64_t spi_i, uint32_t salt)
{
	struct buf_writer w;
	struct wire_builder b;
	struct wire_hdr h;
	struct proposal_list pl = { 0 };
	char err[128];
	uint8_t ke[32], nonce[32];
	struct wire_ke wk = { .group = IKEV2_DH_CURVE25519, .data = { ke, 32 } };
	struct wire_span nn = { nonce, 32 };

	for (int i = 0; i < 32; i++) {
		ke[i] = (uint8_t)(salt * 31 + (uint32_t)i * 7 + 9);
		nonce[i] = (uint8_t)(salt + (uint32_t)i);
	}
	assert_int_equal(proposal_parse(IKEV2_PROTO_IKE, "aes256gcm16-prfsha256-x25519",
					&pl.p[0], NULL, err, sizeof(err)), 0);
	pl.n = 1;
	wire_hdr_init_request(&h, spi_i, 0, IKEV2_EXCH_IKE_SA_INIT, 0, true);
	buf_writer_init_fixed(&w, out, cap);
	assert_int_equal(wire_build_init(&b, &w, &h), 0);
	assert_int_equal(negotiate_put_offer(&b, &pl, IKEV2_PROTO_IKE, 0, true), 0);
	assert_int_equal(wire_put_ke(&b, &wk), 0);
	assert_int_equal(wire_put_nonce(&b, &nn), 0);
	assert_int_equal(wire_build_finish(&b), 0);
	return w.len;
}

static void flood_engages_cookies_and_client_gets_through(void **state)
{
	struct ike_params pb;
	struct tnet *n;
	struct tpeer *a, *b;
	uint8_t msg[1024];

	(void)state;
	tnet_params(&pb);
	pb.cookie_threshold = 10;
	pb.max_half_open = 50;
	n = pair_params(&pb, NULL);
	a = n->peers[0];
	b = n->peers[1];
	for (uint32_t i = 0; i < 1000; i++) {
		struct addr src;
		size_t len = forge_init(msg, sizeof(msg), 0x1000 + i, i);

		addr_parse("198.51.100.7", &src);
		src.port = (uint16_t)(1024 + i);
		tnet_inject(n, b, &src, IKEV2_PORT, msg, len);
	}
	/* The forged requests go nowhere: drop b's answers to them. */
	for (size_t i = 0; i < n->qlen; i++)
		free(n->queue[i].data);
	n->qlen = 0;
	assert_int_equal(b->ike->stats.half_open, 10);
	assert_int_equal(b->ike->stats.cookies_sent, 990);
	/* A real client still gets in, through the cookie. */
	assert_int_equal(tpeer_up(a, "peer"), 0);
	assert_int_equal(tpeer_count_sas(a, "ESTABLISHED"), 1);
	assert_int_equal(b->ike->stats.cookies_sent, 991);
	/* The forged half-open SAs expire. */
	tnet_advance(n, 31 * SEC);
	assert_int_equal(b->ike->stats.half_open, 0);
	assert_int_equal(tpeer_count_sas(b, NULL), 1);
	tnet_free(n);
}

static void half_open_hard_cap(void **state)
{
	struct ike_params pb;
	struct tnet *n;
	struct tpeer *b;
	uint8_t msg[1024];

	(void)state;
	tnet_params(&pb);
	pb.cookie_threshold = 1000;	/* cookies off in effect */
	pb.max_half_open = 25;
	n = pair_params(&pb, NULL);
	b = n->peers[1];
	for (uint32_t i = 0; i < 100; i++) {
		struct addr src;
		size_t len = forge_init(msg, sizeof(msg), 0x5000 + i, i);

		addr_parse("198.51.100.8", &src);
		src.port = 4000;
		tnet_inject(n, b, &src, IKEV2_PORT, msg, len);
	}
	assert_int_equal(b->ike->stats.half_open, 25);
	assert_int_equal(b->ike->stats.dropped_half_open, 75);
	tnet_free(n);
}

static void garbage_is_counted_not_fatal(void **state)
{
	struct tnet *n = pair_params(NULL, NULL);
	struct tpeer *b = n->peers[1];
	struct addr src;
	uint8_t buf[600];
	size_t len;

	(void)state;
	addr_parse("198.51.100.9", &src);
	src.port = 500;
	srand(7);
	for (int i = 0; i < 200; i++) {
		size_t l = (size_t)(rand() % (int)sizeof(buf));

		for (size_t k = 0; k < l; k++)
			buf[k] = (uint8_t)rand();
		tnet_inject(n, b, &src, IKEV2_PORT, buf, l);
	}
	/* Truncations and bad lengths of a well-formed request. */
	len = forge_init(buf, sizeof(buf), 0x777, 3);
	for (size_t l = 0; l < len; l += 7)
		tnet_inject(n, b, &src, IKEV2_PORT, buf, l);
	buf[26] = 0xff;		/* header length beyond the datagram */
	tnet_inject(n, b, &src, IKEV2_PORT, buf, len);
	buf[17] = 0x30;		/* major version 3 */
	tnet_inject(n, b, &src, IKEV2_PORT, buf, len);
	assert_true(b->ike->stats.rx_invalid >= 100);
	assert_int_equal(tpeer_count_sas(b, NULL), 0);
	/* Still serving. */
	assert_int_equal(tpeer_up(n->peers[0], "peer"), 0);
	tnet_free(n);
}

/* Flip one byte of the first IKE_AUTH request from a, keep a copy of it. */
struct tamper {
	bool done;
	uint8_t copy[4096];
	size_t len;
};

static bool tamper_auth(struct tnet *n, struct tpkt *p, void *ctx)
{
	struct tamper *t = ctx;

	(void)n;
	if (p->from == 0 && p->dst.port == IKEV2_NATT_PORT && !t->done) {
		t->done = true;
		memcpy(t->copy, p->data, p->len);
		t->len = p->len;
		p->data[p->len - 3] ^= 0x40;	/* inside the ICV */
	}
	return true;
}

static void tampered_message_is_dropped_then_retransmit_works(void **state)
{
	struct tnet *n = pair_params(NULL, NULL);
	struct tamper t = { 0 };
	struct tpeer *a = n->peers[0], *b = n->peers[1];
	uint64_t before;

	(void)state;
	n->filter = tamper_auth;
	n->filter_ctx = &t;
	assert_int_equal(tpeer_up(a, "peer"), 1);
	assert_int_equal(b->ike->stats.rx_unauthenticated, 1);
	tnet_advance(n, 2 * SEC);
	assert_int_equal(a->done_rc, 0);
	assert_int_equal(tpeer_count_sas(b, "ESTABLISHED"), 1);
	/* Replaying the (genuine) IKE_AUTH request changes nothing. */
	before = b->ike->stats.rx_retransmits;
	{
		struct addr src = a->addr, dst = b->addr;

		src.port = dst.port = IKEV2_NATT_PORT;
		ike_receive(b->ike, &dst, &src, t.copy, t.len);
	}
	assert_int_equal(b->ike->stats.rx_retransmits, before + 1);
	tnet_flush(n);
	assert_int_equal(tpeer_count_sas(a, "ESTABLISHED"), 1);
	assert_int_equal(tpeer_count_sas(b, "ESTABLISHED"), 1);
	assert_int_equal(tpeer_count_children(b), 1);
	tnet_free(n);
}

static void unknown_critical_payload_answered(void **state)
{
	struct tnet *n = pair_params(NULL, NULL);
	struct tpeer *a = n->peers[0], *b = n->peers[1];
	struct ike_sa *sa;
	struct msg_out o;
	uint32_t peer_msgid;
	uint8_t body[4] = { 1, 2, 3, 4 };

	(void)state;
	assert_int_equal(tpeer_up(a, "peer"), 0);
	sa = a->ike->all;
	peer_msgid = b->ike->all->peer_msgid;
	assert_int_equal(msg_out_begin(&o, sa, IKEV2_EXCH_INFORMATIONAL, false,
				       sa->my_msgid, true), 0);
	assert_int_equal(wire_build_raw(&o.b, 200, true, body, sizeof(body)), 0);
	assert_int_equal(msg_out_send(&o, TASK_DPD, 0), 0);
	tnet_flush(n);
	/* b parsed it as authentic but malformed, answered, and moved on. */
	assert_int_equal(b->ike->all->peer_msgid, peer_msgid + 1);
	assert_true(b->ike->stats.rx_invalid >= 1);
	assert_false(sa->out.active);
	assert_int_equal(tpeer_count_sas(b, "ESTABLISHED"), 1);
	tnet_free(n);
}

static void big_messages_are_fragmented(void **state)
{
	struct ike_params p;
	struct tnet *n = tnet_new();
	char ba[4096], bb[4096];
	const char *ca[] = { "ca.pem", NULL };
	const char *ka[] = { "client-rsa.key", NULL }, *kb[] = { "gw-ecdsa.key", NULL };
	const char *ca_[] = { "client-rsa.pem", NULL }, *cb_[] = { "gw-ecdsa.pem", NULL };
	struct tconf a = { .me = "10.0.0.2", .other = "10.0.0.1", .my_id = "client.example",
			   .other_id = "gw.example", .auth = "pubkey",
			   .cert = "client-rsa.pem", .conn_extra = "  send_cert = always\n" };
	struct tconf b = { .me = "10.0.0.1", .my_id = "gw.example",
			   .other_id = "client.example", .auth = "pubkey",
			   .cert = "gw-ecdsa.pem", .conn_extra = "  send_cert = always\n" };
	struct tpeer *pa, *pb;
	uint64_t sent;

	(void)state;
	tnet_params(&p);
	p.fragment_size = 576;
	pa = tpeer_new(n, "client", "10.0.0.2", tconf(ba, sizeof(ba), &a), &p, ka, ca_, ca);
	pb = tpeer_new(n, "gw", "10.0.0.1", tconf(bb, sizeof(bb), &b), &p, kb, cb_, ca);
	assert_int_equal(tpeer_up(pa, "peer"), 0);
	assert_int_equal(tpeer_count_sas(pb, "ESTABLISHED"), 1);
	/* IKE_SA_INIT is one packet; IKE_AUTH with an RSA certificate and
	 * signature in 576-byte datagrams takes several. */
	sent = pa->sent;
	assert_true(sent >= 4);
	tnet_free(n);
}

static void second_child_by_create_child_sa(void **state)
{
	struct tnet *n = tnet_new();
	char ba[4096], bb[4096];
	const char *child2 = "   }\n   web {\n    local_ts = 10.1.9.0/24\n"
			     "    remote_ts = 10.2.9.0/24\n    esp_proposals = aes128gcm16-x25519\n";
	struct tconf a = { .me = "10.0.0.1", .other = "10.0.0.2", .my_id = "a.example",
			   .other_id = "b.example", .lts = "10.1.0.0/16",
			   .rts = "10.2.0.0/16", .child_extra = child2 };
	const char *child2b = "   }\n   web {\n    local_ts = 10.2.9.0/24\n"
			      "    remote_ts = 10.1.9.0/24\n    esp_proposals = aes128gcm16-x25519\n";
	struct tconf b = { .me = "10.0.0.2", .my_id = "b.example",
			   .lts = "10.2.0.0/16", .rts = "10.1.0.0/16",
			   .child_extra = child2b };
	struct tpeer *pa, *pb;
	struct child_sa *web;

	(void)state;
	pa = tpeer_new(n, "a", "10.0.0.1", tconf(ba, sizeof(ba), &a), NULL, NULL, NULL, NULL);
	pb = tpeer_new(n, "b", "10.0.0.2", tconf(bb, sizeof(bb), &b), NULL, NULL, NULL, NULL);
	assert_int_equal(tpeer_up(pa, "peer"), 0);
	tnet_flush(n);
	assert_int_equal(tpeer_count_children(pa), 2);
	assert_int_equal(tpeer_count_children(pb), 2);
	/* The CREATE_CHILD_SA one used PFS with X25519. */
	for (web = pa->ike->all->children; web && strcmp(web->cfg->name, "web"); web = web->next)
		;
	assert_non_null(web);
	assert_int_equal(web->suite.dh, IKEV2_DH_CURVE25519);
	assert_int_equal(web->suite.encr_keylen, 128);
	tnet_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(flood_engages_cookies_and_client_gets_through),
		cmocka_unit_test(half_open_hard_cap),
		cmocka_unit_test(garbage_is_counted_not_fatal),
		cmocka_unit_test(tampered_message_is_dropped_then_retransmit_works),
		cmocka_unit_test(unknown_critical_payload_answered),
		cmocka_unit_test(big_messages_are_fragmented),
		cmocka_unit_test(second_child_by_create_child_sa),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
