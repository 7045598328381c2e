/*
 * test_sk.c - the Encrypted (SK) and Encrypted Fragment (SKF) payloads.
 *
 * A toy cipher stands in for the crypto layer: XOR with 0x5a "encrypts" in
 * place and a sum over the authenticated bytes plays the ICV.  That is
 * enough to show that what the sender seals (wire_sk_seal) and what the
 * receiver opens (wire_sk_view) are the same byte ranges.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wire_test.h"

static const struct wire_sk_params gcm = { 8, 16, 1 };
static const struct wire_sk_params cbc = { 16, 16, 16 };

static void toy_crypt(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] ^= 0x5a;
}

/* ICV over aad (AEAD) or integ (encrypt-then-MAC); 16 octets of sums. */
static void toy_icv(const uint8_t *p, size_t n, uint8_t *icv, size_t len)
{
	memset(icv, 0, len);
	for (size_t i = 0; i < n; i++)
		icv[i % len] = (uint8_t)(icv[i % len] + p[i] * (i + 1));
}

static void seal(struct wire_sk_seal *s, bool aead)
{
	for (size_t i = 0; i < s->iv_len; i++)
		s->iv[i] = (uint8_t)(0xa0 + i);
	toy_crypt(s->pt, s->pt_len);
	if (aead)
		toy_icv(s->aad, s->aad_len, s->icv, s->icv_len);
	else
		toy_icv(s->integ, s->integ_len, s->icv, s->icv_len);
}

/* Check the ICV and decrypt into out; returns the inner chain length. */
static size_t open_sk(const struct wire_msg *m, const struct wire_sk_params *sp,
		      bool aead, uint8_t *out)
{
	struct wire_sk_view v;
	uint8_t icv[64];
	size_t inner;

	assert_int_equal(wire_sk_view(m, sp, &v), 0);
	if (aead)
		toy_icv(v.aad, v.aad_len, icv, v.icv_len);
	else
		toy_icv(v.integ, v.integ_len, icv, v.icv_len);
	assert_memory_equal(icv, v.icv, v.icv_len);
	for (size_t i = 0; i < v.iv_len; i++)
		assert_int_equal(v.iv[i], 0xa0 + i);
	memcpy(out, v.ct, v.ct_len);
	toy_crypt(out, v.ct_len);
	assert_int_equal(wire_sk_unpad(out, v.ct_len, &inner), 0);
	return inner;
}

static void padding_arithmetic(void **state)
{
	uint8_t pt[4] = { 0xee, 0xee, 0x01, 0x01 };
	size_t inner = 99;

	(void)state;
	assert_int_equal(wire_sk_pad_len(0, 1), 0);
	assert_int_equal(wire_sk_pad_len(100, 1), 0);
	assert_int_equal(wire_sk_pad_len(0, 16), 15);
	assert_int_equal(wire_sk_pad_len(14, 16), 1);
	assert_int_equal(wire_sk_pad_len(15, 16), 0);
	assert_int_equal(wire_sk_pad_len(16, 16), 15);
	assert_int_equal(wire_sk_pad_len(36, 8), 3);

	assert_int_equal(wire_sk_unpad(pt, 4, &inner), 0);
	assert_int_equal(inner, 2);
	pt[3] = 3;
	assert_int_equal(wire_sk_unpad(pt, 4, &inner), 0);
	assert_int_equal(inner, 0);
	pt[3] = 4;
	inner = 99;
	assert_int_equal(wire_sk_unpad(pt, 4, &inner), ERR_SYNTAX);
	assert_int_equal(inner, 99);
	assert_int_equal(wire_sk_unpad(pt, 0, &inner), ERR_SYNTAX);
}

/* Build N(INITIAL_CONTACT) + Nonce(32) inside SK, seal, open, parse. */
static void sk_round_trip(const struct wire_sk_params *sp, bool aead,
			  bool natt)
{
	uint8_t nonce[32], pt[256];
	struct wire_span n = { nonce, sizeof(nonce) };
	struct wire_msg *m = wire_msg_new();
	struct wire_sk_seal s;
	struct wire_builder b;
	struct buf_writer w;
	struct wire_hdr h;
	const uint8_t *msg;
	size_t len, inner, start;

	memset(nonce, 0x33, sizeof(nonce));
	test_hdr(&h, IKEV2_EXCH_CREATE_CHILD_SA, false);
	buf_writer_init_dyn(&w, 4096);
	if (natt)
		assert_int_equal(wire_natt_put_marker(&w), 0);
	start = w.len;
	wire_build_init(&b, &w, &h);
	assert_int_equal(wire_sk_open(&b, sp), 0);
	wire_put_notify_data(&b, IKEV2_N_INITIAL_CONTACT, NULL, 0);
	wire_put_nonce(&b, &n);
	assert_int_equal(wire_sk_close(&b, &s), 0);

	/* Layout: header, SK header, IV, 8 + 36 inner + padding, ICV. */
	assert_ptr_equal(s.aad, w.p + start);
	assert_int_equal(s.aad_len, IKEV2_HDR_LEN + 4);
	assert_ptr_equal(s.iv, w.p + start + 32);
	assert_int_equal(s.iv_len, sp->iv_len);
	assert_ptr_equal(s.pt, s.iv + sp->iv_len);
	assert_int_equal(s.pt_len, 44 + wire_sk_pad_len(44, sp->block_len) + 1);
	assert_int_equal(s.pt_len % sp->block_len, 0);
	assert_ptr_equal(s.icv, s.pt + s.pt_len);
	assert_ptr_equal(s.icv + s.icv_len, w.p + w.len);
	assert_ptr_equal(s.integ, s.aad);
	assert_int_equal(s.integ_len, w.len - start - s.icv_len);
	/* Lengths are final before the crypto layer sees the AAD. */
	assert_int_equal(buf_load_u32(w.p + start + 24), w.len - start);
	assert_int_equal(buf_load_u16(w.p + start + 30), w.len - start - 28);
	assert_int_equal(w.p[start + 28], IKEV2_PL_NOTIFY);
	seal(&s, aead);

	msg = w.p;
	len = w.len;
	if (natt)
		assert_int_equal(wire_natt_strip(&msg, &len), 0);
	assert_int_equal(wire_msg_parse(m, msg, len, NULL), 0);
	inner = open_sk(m, sp, aead, pt);
	assert_int_equal(inner, 44);
	assert_int_equal(wire_msg_parse_inner(m, m->enc->u.enc.next, pt, inner,
					      NULL), 0);
	assert_int_equal(m->npayloads, 3);
	assert_int_equal(m->pl[1].u.notify.type, IKEV2_N_INITIAL_CONTACT);
	assert_memory_equal(m->pl[2].u.nonce.p, nonce, sizeof(nonce));
	buf_writer_free(&w);
	wire_msg_free(m);
}

static void sk_gcm_layout(void **state)
{
	(void)state;
	sk_round_trip(&gcm, true, false);
}

static void sk_cbc_layout_behind_marker(void **state)
{
	(void)state;
	sk_round_trip(&cbc, false, true);
}

/* An empty INFORMATIONAL (liveness check) still has an SK payload. */
static void empty_sk(void **state)
{
	uint8_t pt[64];
	struct wire_msg *m = wire_msg_new();
	struct wire_sk_seal s;
	struct wire_builder b;
	struct buf_writer w;
	struct wire_hdr h;
	char names[64];

	(void)state;
	test_hdr(&h, IKEV2_EXCH_INFORMATIONAL, false);
	buf_writer_init_dyn(&w, 1024);
	wire_build_init(&b, &w, &h);
	wire_sk_open(&b, &cbc);
	assert_int_equal(wire_sk_close(&b, &s), 0);
	assert_int_equal(s.pt_len, 16);
	assert_int_equal(s.pt[15], 15);
	seal(&s, false);
	assert_int_equal(wire_msg_parse(m, w.p, w.len, NULL), 0);
	assert_string_equal(wire_name_msg(m, names, sizeof(names)), "[ SK ]");
	assert_int_equal(m->enc->u.enc.next, IKEV2_PL_NONE);
	assert_int_equal(open_sk(m, &cbc, false, pt), 0);
	assert_int_equal(wire_msg_parse_inner(m, IKEV2_PL_NONE, pt, 0, NULL), 0);
	assert_string_equal(wire_name_msg(m, names, sizeof(names)), "[ ]");
	buf_writer_free(&w);
	wire_msg_free(m);
}

/* wire_sk_put() on a pre-built chain gives the same bytes as open/close. */
static void sk_put_matches_open_close(void **state)
{
	uint8_t nonce[20] = { 0 };
	struct wire_span n = { nonce, sizeof(nonce) };
	struct buf_writer chain, w1, w2;
	struct wire_sk_seal s1, s2;
	struct wire_builder b;
	struct wire_hdr h;
	uint8_t first;

	(void)state;
	test_hdr(&h, IKEV2_EXCH_INFORMATIONAL, true);
	buf_writer_init_dyn(&chain, 1024);
	wire_build_init_chain(&b, &chain);
	wire_put_nonce(&b, &n);
	wire_put_notify_data(&b, IKEV2_N_INITIAL_CONTACT, NULL, 0);
	assert_int_equal(wire_build_finish(&b), 0);
	first = wire_build_first(&b);
	assert_int_equal(first, IKEV2_PL_NONCE);

	buf_writer_init_dyn(&w1, 1024);
	wire_build_init(&b, &w1, &h);
	assert_int_equal(wire_sk_put(&b, &cbc, first, chain.p, chain.len, &s1),
			 0);
	buf_writer_init_dyn(&w2, 1024);
	wire_build_init(&b, &w2, &h);
	wire_sk_open(&b, &cbc);
	wire_put_nonce(&b, &n);
	wire_put_notify_data(&b, IKEV2_N_INITIAL_CONTACT, NULL, 0);
	assert_int_equal(wire_sk_close(&b, &s2), 0);
	assert_int_equal(w1.len, w2.len);
	assert_memory_equal(w1.p, w2.p, w1.len);
	assert_int_equal(s1.pt_len, s2.pt_len);
	buf_writer_free(&chain);
	buf_writer_free(&w1);
	buf_writer_free(&w2);
}

static void sk_state_errors(void **state)
{
	uint8_t nonce[24] = { 0 };
	struct wire_span n = { nonce, 16 };
	struct wire_sk_params bad = { 8, 16, 0 };
	struct wire_msg *m = wire_msg_new();
	struct wire_sk_view v;
	struct wire_sk_seal s;
	struct wire_builder b;
	struct buf_writer w;
	struct wire_hdr h;

	(void)state;
	test_hdr(&h, IKEV2_EXCH_INFORMATIONAL, false);
	buf_writer_init_dyn(&w, 1024);

	/* Close without open; finish while open; open twice. */
	wire_build_init(&b, &w, &h);
	assert_int_equal(wire_sk_close(&b, &s), ERR_STATE);
	buf_writer_reset(&w);
	wire_build_init(&b, &w, &h);
	wire_sk_open(&b, &gcm);
	assert_int_equal(wire_build_finish(&b), ERR_STATE);
	buf_writer_reset(&w);
	wire_build_init(&b, &w, &h);
	wire_sk_open(&b, &gcm);
	assert_int_equal(wire_sk_open(&b, &gcm), ERR_STATE);
	/* Nothing may follow a closed SK. */
	buf_writer_reset(&w);
	wire_build_init(&b, &w, &h);
	wire_sk_open(&b, &gcm);
	assert_int_equal(wire_sk_close(&b, &s), 0);
	assert_int_equal(wire_put_nonce(&b, &n), ERR_STATE);
	/* Bad parameters, chain mode. */
	buf_writer_reset(&w);
	wire_build_init(&b, &w, &h);
	assert_int_equal(wire_sk_open(&b, &bad), ERR_INVAL);
	buf_writer_reset(&w);
	wire_build_init_chain(&b, &w);
	assert_int_equal(wire_sk_open(&b, &gcm), ERR_STATE);

	/* View: no SK, bad parameters, body too short for IV + ICV. */
	buf_writer_reset(&w);
	wire_build_init(&b, &w, &h);
	wire_put_nonce(&b, &n);
	wire_build_finish(&b);
	assert_int_equal(wire_msg_parse(m, w.p, w.len, NULL), 0);
	assert_int_equal(wire_sk_view(m, &gcm, &v), ERR_MISSING);
	buf_writer_reset(&w);
	wire_build_init(&b, &w, &h);
	wire_build_raw(&b, IKEV2_PL_SK, false, nonce, sizeof(nonce));
	wire_build_finish(&b);
	assert_int_equal(wire_msg_parse(m, w.p, w.len, NULL), 0);
	assert_int_equal(wire_sk_view(m, &bad, &v), ERR_INVAL);
	assert_int_equal(wire_sk_view(m, &gcm, &v), ERR_SHORT_LENGTH);
	assert_int_equal(wire_sk_view(m, &(struct wire_sk_params){ 8, 15, 1 },
				      &v), 0);
	assert_int_equal(v.ct_len, 1);
	buf_writer_free(&w);
	wire_msg_free(m);
}

static void skf_sizes(void **state)
{
	struct wire_skf_plan plan;

	(void)state;
	assert_int_equal(wire_skf_max_msg(1280, true, true), 1228);
	assert_int_equal(wire_skf_max_msg(576, false, false), 548);
	assert_int_equal(wire_skf_max_msg(28, false, false), 0);

	/* CBC at 576: 68 fixed octets, 508 left, 496 of whole blocks. */
	assert_int_equal(wire_skf_plan(3000, 576, &cbc, &plan), 0);
	assert_int_equal(plan.chunk, 495);
	assert_int_equal(plan.total, 7);
	/* GCM at 576: 60 fixed, 516 left, no alignment. */
	assert_int_equal(wire_skf_plan(3000, 576, &gcm, &plan), 0);
	assert_int_equal(plan.chunk, 515);
	assert_int_equal(plan.total, 6);
	/* One chunk exactly, and an empty chain. */
	assert_int_equal(wire_skf_plan(515, 576, &gcm, &plan), 0);
	assert_int_equal(plan.total, 1);
	assert_int_equal(wire_skf_plan(0, 576, &gcm, &plan), 0);
	assert_int_equal(plan.total, 1);
	/* Nothing fits / too many fragments / bad block. */
	assert_int_equal(wire_skf_plan(10, 60, &gcm, &plan), ERR_INVAL);
	assert_int_equal(wire_skf_plan(10, 61, &gcm, &plan), ERR_INVAL);
	assert_int_equal(wire_skf_plan(10, 62, &gcm, &plan), 0);
	assert_int_equal(plan.chunk, 1);
	assert_int_equal(plan.total, 10);
	assert_int_equal(wire_skf_plan(10, 83, &cbc, &plan), ERR_INVAL);
	assert_int_equal(wire_skf_plan(64000, 100, &gcm, &plan), ERR_LIMIT);
	assert_int_equal(wire_skf_plan(10, 576,
				       &(struct wire_sk_params){ 8, 16, 0 },
				       &plan), ERR_INVAL);
}

/*
 * Fragment a 2.6 KB IKE_AUTH chain for a 576-octet path, send each
 * fragment through seal/parse/open and reassemble.
 */
static void skf_fragment_and_reassemble(const struct wire_sk_params *sp,
					bool aead)
{
	uint8_t cert[2500], auth[64], pt[1024];
	static uint8_t joined[4096];
	const char fqdn[] = "client.example";
	struct wire_cert c = { IKEV2_CERT_X509_SIGNATURE, { cert, sizeof(cert) } };
	struct wire_id id = { IKEV2_ID_FQDN, { (const uint8_t *)fqdn, 14 } };
	struct wire_auth a = { IKEV2_AUTH_PSK, { auth, sizeof(auth) } };
	struct wire_msg *first = wire_msg_new(), *m = wire_msg_new();
	struct wire_skf_plan plan;
	struct buf_writer chain, w;
	struct wire_builder b;
	struct wire_hdr h;
	size_t joined_len = 0;
	uint8_t first_type;
	const size_t max = 576;

	for (size_t i = 0; i < sizeof(cert); i++)
		cert[i] = (uint8_t)i;
	memset(auth, 0x77, sizeof(auth));
	buf_writer_init_dyn(&chain, 8192);
	wire_build_init_chain(&b, &chain);
	wire_put_id(&b, IKEV2_PL_IDI, &id);
	wire_put_cert(&b, &c);
	wire_put_auth(&b, &a);
	assert_int_equal(wire_build_finish(&b), 0);
	first_type = wire_build_first(&b);
	assert_int_equal(first_type, IKEV2_PL_IDI);

	assert_int_equal(wire_skf_plan(chain.len, max, sp, &plan), 0);
	assert_true(plan.total > 1);
	test_hdr(&h, IKEV2_EXCH_IKE_AUTH, false);
	buf_writer_init_dyn(&w, 2048);
	for (uint16_t num = 1; num <= plan.total; num++) {
		struct wire_span chunk;
		struct wire_sk_seal s;
		struct wire_msg *fm = num == 1 ? first : m;
		char names[32], want[32];
		size_t inner;

		assert_int_equal(wire_skf_chunk(&plan, chain.p, chain.len, num,
						&chunk), 0);
		buf_writer_reset(&w);
		wire_build_init(&b, &w, &h);
		assert_int_equal(wire_skf_put(&b, sp, first_type, num,
					      plan.total, &chunk, &s), 0);
		assert_true(w.len <= max);
		if (num < plan.total)	/* full fragments fill the limit */
			assert_true(w.len > max - sp->block_len);
		assert_int_equal(s.aad_len, IKEV2_HDR_LEN + WIRE_SKF_HDR_LEN);
		seal(&s, aead);

		/* Fragment 1's message must stay alive for parse_inner. */
		if (num == 1) {
			static uint8_t keep[2048];

			memcpy(keep, w.p, w.len);
			assert_int_equal(wire_msg_parse(fm, keep, w.len, NULL),
					 0);
		} else {
			assert_int_equal(wire_msg_parse(fm, w.p, w.len, NULL),
					 0);
		}
		assert_non_null(fm->enc);
		assert_true(fm->enc->u.enc.frag);
		assert_int_equal(fm->enc->u.enc.frag_num, num);
		assert_int_equal(fm->enc->u.enc.frag_total, plan.total);
		assert_int_equal(fm->enc->u.enc.next,
				 num == 1 ? IKEV2_PL_IDI : IKEV2_PL_NONE);
		snprintf(want, sizeof(want), "[ EF(%u/%u) ]", num, plan.total);
		assert_string_equal(wire_name_msg(fm, names, sizeof(names)),
				    want);
		/* Re-emitted verbatim, a fragment is the same bytes. */
		{
			struct buf_writer again;
			struct wire_builder b2;

			buf_writer_init_dyn(&again, 2048);
			wire_build_init(&b2, &again, &fm->hdr);
			assert_int_equal(wire_build_payload(&b2, fm->enc), 0);
			assert_int_equal(wire_build_finish(&b2), 0);
			assert_int_equal(again.len, fm->raw.len);
			assert_memory_equal(again.p, fm->raw.p, again.len);
			buf_writer_free(&again);
		}
		inner = open_sk(fm, sp, aead, pt);
		assert_int_equal(inner, chunk.len);
		memcpy(joined + joined_len, pt, inner);
		joined_len += inner;
	}
	assert_int_equal(joined_len, chain.len);
	assert_memory_equal(joined, chain.p, chain.len);
	assert_int_equal(wire_msg_parse_inner(first, first->enc->u.enc.next,
					      joined, joined_len, NULL), 0);
	assert_int_equal(first->npayloads, 4);
	assert_int_equal(first->pl[2].type, IKEV2_PL_CERT);
	assert_memory_equal(first->pl[2].u.cert.data.p, cert, sizeof(cert));
	assert_int_equal(first->pl[3].u.auth.method, IKEV2_AUTH_PSK);

	buf_writer_free(&chain);
	buf_writer_free(&w);
	wire_msg_free(first);
	wire_msg_free(m);
}

static void skf_gcm(void **state)
{
	(void)state;
	skf_fragment_and_reassemble(&gcm, true);
}

static void skf_cbc(void **state)
{
	(void)state;
	skf_fragment_and_reassemble(&cbc, false);
}

static void skf_errors(void **state)
{
	uint8_t data[32] = { 0 };
	struct wire_span chunk = { data, sizeof(data) }, got;
	struct wire_skf_plan plan = { .total = 3, .chunk = 10 };
	struct wire_sk_seal s;
	struct wire_builder b;
	struct buf_writer w;
	struct wire_hdr h;

	(void)state;
	assert_int_equal(wire_skf_chunk(&plan, data, 25, 3, &got), 0);
	assert_int_equal(got.len, 5);
	assert_ptr_equal(got.p, data + 20);
	assert_int_equal(wire_skf_chunk(&plan, data, 25, 0, &got), ERR_INVAL);
	assert_int_equal(wire_skf_chunk(&plan, data, 25, 4, &got), ERR_INVAL);
	assert_int_equal(wire_skf_chunk(&plan, data, 15, 2, &got), ERR_INVAL);

	test_hdr(&h, IKEV2_EXCH_IKE_AUTH, false);
	buf_writer_init_dyn(&w, 1024);
	wire_build_init(&b, &w, &h);
	assert_int_equal(wire_skf_put(&b, &gcm, IKEV2_PL_IDI, 0, 2, &chunk, &s),
			 ERR_INVAL);
	buf_writer_reset(&w);
	wire_build_init(&b, &w, &h);
	assert_int_equal(wire_skf_put(&b, &gcm, IKEV2_PL_IDI, 3, 2, &chunk, &s),
			 ERR_INVAL);
	/* A fragment message carries nothing but the SKF payload. */
	buf_writer_reset(&w);
	wire_build_init(&b, &w, &h);
	wire_put_notify_data(&b, IKEV2_N_INITIAL_CONTACT, NULL, 0);
	assert_int_equal(wire_skf_put(&b, &gcm, IKEV2_PL_IDI, 1, 2, &chunk, &s),
			 ERR_STATE);
	buf_writer_free(&w);
}

int test_sk_run(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(padding_arithmetic),
		cmocka_unit_test(sk_gcm_layout),
		cmocka_unit_test(sk_cbc_layout_behind_marker),
		cmocka_unit_test(empty_sk),
		cmocka_unit_test(sk_put_matches_open_close),
		cmocka_unit_test(sk_state_errors),
		cmocka_unit_test(skf_sizes),
		cmocka_unit_test(skf_gcm),
		cmocka_unit_test(skf_cbc),
		cmocka_unit_test(skf_errors),
	};

	return cmocka_run_group_tests_name("wire SK and SKF", tests, NULL, NULL);
}
