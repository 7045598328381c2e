/*
 * test_misc.c - the small pieces: header helpers, NAT-T demultiplexing,
 * notify data helpers, names, builder errors.
 */
#include <string.h>

#include "wire_test.h"

static void header_helpers(void **state)
{
	struct wire_hdr req, resp, back;
	struct buf_writer w;
	uint8_t mem[IKEV2_HDR_LEN];

	(void)state;
	wire_hdr_init_request(&req, 0x1122334455667788ULL, 0, IKEV2_EXCH_IKE_SA_INIT,
			      0, true);
	assert_int_equal(req.flags, IKEV2_FLAG_INITIATOR);
	assert_true(wire_hdr_is_initiator(&req));
	assert_false(wire_hdr_is_response(&req));

	/* The responder answers: R set, I clear, same SPIs and ID. */
	wire_hdr_init_response(&resp, &req, false);
	resp.spi_r = 0x99aabbccddeeff00ULL;
	assert_int_equal(resp.flags, IKEV2_FLAG_RESPONSE);
	assert_int_equal(resp.spi_i, req.spi_i);
	assert_int_equal(resp.exchange, IKEV2_EXCH_IKE_SA_INIT);
	assert_int_equal(resp.msg_id, 0);
	assert_true(wire_hdr_is_response(&resp));
	assert_false(wire_hdr_is_initiator(&resp));

	/* The original initiator answering a responder's request. */
	wire_hdr_init_request(&req, 1, 2, IKEV2_EXCH_INFORMATIONAL, 7, false);
	wire_hdr_init_response(&resp, &req, true);
	assert_int_equal(resp.flags, IKEV2_FLAG_INITIATOR | IKEV2_FLAG_RESPONSE);
	assert_int_equal(resp.msg_id, 7);

	/* Put and parse agree; version is always written as 2.0. */
	resp.major = 9;
	resp.length = IKEV2_HDR_LEN;
	buf_writer_init_fixed(&w, mem, sizeof(mem));
	assert_int_equal(wire_hdr_put(&w, &resp), 0);
	assert_int_equal(mem[17], 0x20);
	assert_int_equal(wire_hdr_parse(&back, mem, sizeof(mem)), 0);
	assert_int_equal(back.spi_i, 1);
	assert_int_equal(back.spi_r, 2);
	assert_int_equal(back.flags, resp.flags);
	assert_int_equal(back.msg_id, 7);
	/* No room: the writer's error comes back. */
	buf_writer_init_fixed(&w, mem, 10);
	assert_int_equal(wire_hdr_put(&w, &resp), ERR_LIMIT);
}

static void natt_demux(void **state)
{
	const uint8_t ka[1] = { 0xff };
	const uint8_t ike[8] = { 0, 0, 0, 0, 0xaa, 0xbb, 0xcc, 0xdd };
	const uint8_t esp[8] = { 0xc2, 0x9d, 0xcb, 0x59, 0, 0, 0, 1 };
	const uint8_t *p;
	size_t len, off = 0;

	(void)state;
	assert_int_equal(wire_natt_classify(ka, 1, NULL), WIRE_NATT_KEEPALIVE);
	assert_int_equal(wire_natt_classify(ike, 8, &off), WIRE_NATT_IKE);
	assert_int_equal(off, IKEV2_NON_ESP_MARKER_LEN);
	assert_int_equal(wire_natt_classify(esp, 8, NULL), WIRE_NATT_ESP);
	assert_int_equal(wire_natt_classify(esp, 7, NULL), WIRE_NATT_INVALID);
	assert_int_equal(wire_natt_classify(ike, 3, NULL), WIRE_NATT_INVALID);
	assert_int_equal(wire_natt_classify(ike, 0, NULL), WIRE_NATT_INVALID);

	p = ike;
	len = sizeof(ike);
	assert_int_equal(wire_natt_strip(&p, &len), 0);
	assert_ptr_equal(p, ike + 4);
	assert_int_equal(len, 4);
	p = esp;
	len = sizeof(esp);
	assert_int_equal(wire_natt_strip(&p, &len), ERR_SYNTAX);
	assert_ptr_equal(p, esp);
	assert_int_equal(len, sizeof(esp));
}

static void notify_helpers_check_type_and_data(void **state)
{
	uint8_t d[40] = { 0, 31 };
	struct wire_notify n = { .type = IKEV2_N_COOKIE, .data = { d, 2 } };
	struct wire_span s;
	uint16_t group, algs[2];
	uint32_t spi;
	uint8_t proto;
	size_t cnt;

	(void)state;
	/* Each helper refuses the wrong notify type. */
	assert_int_equal(wire_notify_natd(&n, &s), ERR_INVAL);
	assert_int_equal(wire_notify_invalid_ke(&n, &group), ERR_INVAL);
	assert_int_equal(wire_notify_rekey_sa(&n, &proto, &spi), ERR_INVAL);
	assert_int_equal(wire_notify_hash_algs(&n, algs, 2, &cnt), ERR_INVAL);
	n.type = IKEV2_N_NAT_DETECTION_SOURCE_IP;
	assert_int_equal(wire_notify_cookie(&n, &s), ERR_INVAL);
	/* ... and data of the wrong size. */
	assert_int_equal(wire_notify_natd(&n, &s), ERR_SYNTAX);
	n.type = IKEV2_N_COOKIE;
	n.data.len = 0;
	assert_int_equal(wire_notify_cookie(&n, &s), ERR_SYNTAX);
	n.type = IKEV2_N_INVALID_KE_PAYLOAD;
	n.data.len = 2;
	assert_int_equal(wire_notify_invalid_ke(&n, &group), 0);
	assert_int_equal(group, 31);
	n.data.len = 1;
	assert_int_equal(wire_notify_invalid_ke(&n, &group), ERR_SYNTAX);
	/* More algorithms than the caller has room for. */
	n.type = IKEV2_N_SIGNATURE_HASH_ALGORITHMS;
	n.data.len = 6;
	assert_int_equal(wire_notify_hash_algs(&n, algs, 2, &cnt), ERR_NESTING);
	n.data.len = 4;
	assert_int_equal(wire_notify_hash_algs(&n, algs, 2, &cnt), 0);
	assert_int_equal(cnt, 2);
	assert_int_equal(algs[0], 31);
	/* REKEY_SA names an ESP/AH SA. */
	n = (struct wire_notify){ .proto = IKEV2_PROTO_IKE, .spi_size = 8,
				  .type = IKEV2_N_REKEY_SA, .spi = 1 };
	assert_int_equal(wire_notify_rekey_sa(&n, &proto, &spi), ERR_SYNTAX);
	assert_int_equal(wire_notify_check(&n), ERR_SYNTAX);
	/* A host-side SPI wider than its size. */
	n = (struct wire_notify){ .proto = IKEV2_PROTO_ESP, .spi_size = 4,
				  .type = IKEV2_N_INITIAL_CONTACT,
				  .spi = 0x100000000ULL };
	assert_int_equal(wire_notify_check(&n), ERR_SYNTAX);
}

static void ke_lengths(void **state)
{
	(void)state;
	assert_int_equal(wire_ke_len(IKEV2_DH_CURVE25519), 32);
	assert_int_equal(wire_ke_len(IKEV2_DH_CURVE448), 56);
	assert_int_equal(wire_ke_len(IKEV2_DH_ECP_256), 64);
	assert_int_equal(wire_ke_len(IKEV2_DH_ECP_521), 132);
	assert_int_equal(wire_ke_len(IKEV2_DH_MODP_2048), 256);
	assert_int_equal(wire_ke_len(IKEV2_DH_MODP_8192), 1024);
	assert_int_equal(wire_ke_len(999), 0);
}

static void names(void **state)
{
	uint8_t msg[256], body[8] = { 1, 0, 0, 0 };
	struct wire_msg *m = wire_msg_new();
	struct wire_builder b;
	struct buf_writer w;
	struct wire_hdr h;
	char s[64], tiny[8];

	(void)state;
	assert_string_equal(wire_name_payload(IKEV2_PL_NONCE), "No");
	assert_string_equal(wire_name_payload(IKEV2_PL_SKF), "EF");
	assert_null(wire_name_payload(99));
	assert_string_equal(wire_name_exchange(IKEV2_EXCH_IKE_AUTH), "IKE_AUTH");
	assert_string_equal(wire_name_exchange(IKEV2_EXCH_RESWAN_RESUME),
			    "RESWAN_RESUME");
	assert_null(wire_name_exchange(1));
	assert_string_equal(wire_name_notify(IKEV2_N_COOKIE), "COOKIE");
	assert_string_equal(wire_name_notify(IKEV2_N_RESWAN_RESUME_TICKET),
			    "RESUME_TICKET");
	assert_null(wire_name_notify(54321));

	test_hdr(&h, IKEV2_EXCH_IKE_AUTH, false);
	buf_writer_init_fixed(&w, msg, sizeof(msg));
	wire_build_init(&b, &w, &h);
	wire_build_raw(&b, IKEV2_PL_CP, false, body, 4);
	wire_put_notify_data(&b, 54321, NULL, 0);
	wire_build_raw(&b, 99, false, NULL, 0);
	wire_put_notify_data(&b, IKEV2_N_AUTHENTICATION_FAILED, NULL, 0);
	assert_int_equal(wire_build_finish(&b), 0);
	assert_int_equal(wire_msg_parse(m, msg, w.len, NULL), 0);
	assert_string_equal(wire_name_msg(m, s, sizeof(s)),
			    "[ CPRQ N(54321) UNKNOWN(99) N(AUTH_FAILED) ]");
	/* A short buffer is truncated and terminated. */
	assert_string_equal(wire_name_msg(m, tiny, sizeof(tiny)), "[ CPRQ ");
	assert_ptr_equal(wire_name_msg(m, tiny, 0), tiny);
	assert_int_equal(wire_msg_count(m, IKEV2_PL_NOTIFY), 2);
	assert_null(wire_msg_first(m, IKEV2_PL_SA));
	assert_null(wire_msg_notify(m, IKEV2_N_COOKIE));
	assert_int_equal(wire_msg_error_notify(m)->type,
			 IKEV2_N_AUTHENTICATION_FAILED);
	wire_msg_free(m);
	wire_msg_free(NULL);
}

static void transform_key_length(void **state)
{
	struct wire_attr a[2] = { { .type = 99, .tv = true, .value = 1 },
				  { .type = IKEV2_ATTR_KEY_LENGTH, .tv = false } };
	struct wire_transform t = { IKEV2_TRANS_ENCR, IKEV2_ENCR_AES_CBC, 2, a };
	uint16_t bits = 7;

	(void)state;
	/* Only the TV form is the Key Length attribute. */
	assert_int_equal(wire_transform_key_len(&t, &bits), ERR_NOTFOUND);
	assert_int_equal(bits, 7);
	a[1].tv = true;
	a[1].value = 192;
	assert_int_equal(wire_transform_key_len(&t, &bits), 0);
	assert_int_equal(bits, 192);
}

/* Every put refuses what the parser would refuse; errors are sticky. */
static void builder_refuses_bad_structs(void **state)
{
	uint8_t d[64] = { 0 };
	struct wire_span short_nonce = { d, 8 }, nonce = { d, 16 };
	struct wire_transform t = { IKEV2_TRANS_ENCR, IKEV2_ENCR_AES_CBC, 0, NULL };
	struct wire_proposal p = { .num = 1, .proto = IKEV2_PROTO_ESP,
				   .spi_size = 8, .ntransforms = 1,
				   .transforms = &t };
	struct wire_sa sa = { 1, &p };
	struct wire_delete del = { IKEV2_PROTO_ESP, 4, 2, { d, 4 } };
	struct wire_cp_attr cpa = { 0x8001, { NULL, 0 } };
	struct wire_cp cp = { IKEV2_CFG_REQUEST, 1, &cpa };
	struct wire_ts_sel sel = { .type = 10 };
	struct wire_ts ts = { 1, &sel };
	struct wire_id id = { IKEV2_ID_FQDN, { d, 3 } };
	struct wire_ke ke = { IKEV2_DH_CURVE25519, { d, 31 } };
	uint16_t algs[WIRE_MAX_HASH_ALGS + 1] = { 0 };
	struct wire_builder b;
	struct buf_writer w;
	struct wire_hdr h;
	uint8_t small[40];

	(void)state;
	test_hdr(&h, IKEV2_EXCH_IKE_SA_INIT, false);
	buf_writer_init_dyn(&w, 1 << 17);

#define REFUSED(call, code)					\
	do {							\
		buf_writer_reset(&w);				\
		wire_build_init(&b, &w, &h);			\
		assert_int_equal((call), (code));		\
		assert_int_equal(wire_put_nonce(&b, &nonce), (code)); \
		assert_int_equal(wire_build_finish(&b), (code));	\
	} while (0)

	REFUSED(wire_put_nonce(&b, &short_nonce), ERR_INVAL);
	REFUSED(wire_put_sa(&b, &sa), ERR_INVAL);
	p.spi_size = 9;
	REFUSED(wire_put_sa(&b, &sa), ERR_INVAL);
	REFUSED(wire_put_delete(&b, &del), ERR_INVAL);
	REFUSED(wire_put_cp(&b, &cp), ERR_INVAL);
	REFUSED(wire_put_ts(&b, IKEV2_PL_TSI, &ts), ERR_INVAL);
	REFUSED(wire_put_ts(&b, IKEV2_PL_IDI, &ts), ERR_INVAL);
	REFUSED(wire_put_id(&b, IKEV2_PL_TSI, &id), ERR_INVAL);
	REFUSED(wire_put_ke(&b, &ke), ERR_INVAL);
	REFUSED(wire_put_notify_hash_algs(&b, algs, 0), ERR_INVAL);
	REFUSED(wire_put_notify_hash_algs(&b, algs, WIRE_MAX_HASH_ALGS + 1),
		ERR_INVAL);
	REFUSED(wire_put_notify_data(&b, IKEV2_N_NAT_DETECTION_SOURCE_IP, d, 19),
		ERR_INVAL);
	{
		/* An attribute type with the AF bit, a TLV value too long
		 * for its length field, a payload too long for its own. */
		static uint8_t big[70000];
		struct wire_attr at = { .type = 0x800e, .tv = true, .value = 1 };
		struct wire_transform tt = { 1, 12, 1, &at };
		struct wire_proposal pp = { .num = 1, .proto = IKEV2_PROTO_IKE,
					    .ntransforms = 1, .transforms = &tt };
		struct wire_sa s2 = { 1, &pp };
		struct wire_cert huge = { 4, { big, sizeof(big) } };

		REFUSED(wire_put_sa(&b, &s2), ERR_INVAL);
		at = (struct wire_attr){ .type = 99, .data = { big, 70000 } };
		REFUSED(wire_put_sa(&b, &s2), ERR_INVAL);
		REFUSED(wire_put_cert(&b, &huge), ERR_LIMIT);
	}
#undef REFUSED

	/* After finish, nothing more. */
	buf_writer_reset(&w);
	wire_build_init(&b, &w, &h);
	assert_int_equal(wire_build_finish(&b), 0);
	assert_int_equal(wire_put_nonce(&b, &nonce), ERR_STATE);
	buf_writer_free(&w);

	/* A full writer: ERR_LIMIT, and the builder stays failed. */
	buf_writer_init_fixed(&w, small, sizeof(small));
	assert_int_equal(wire_build_init(&b, &w, &h), 0);
	assert_int_equal(wire_put_nonce(&b, &nonce), ERR_LIMIT);
	assert_int_equal(wire_build_finish(&b), ERR_LIMIT);
	buf_writer_init_fixed(&w, small, 10);
	assert_int_equal(wire_build_init(&b, &w, &h), ERR_LIMIT);
	assert_int_equal(wire_build_finish(&b), ERR_LIMIT);
}

/* Only the parsed types dispatch; SK/SKF must end a message. */
static void build_payload_dispatch(void **state)
{
	uint8_t body[16] = { 0 };
	struct wire_payload sk = { .type = IKEV2_PL_SK, .known = true,
				   .u.enc = { .next = IKEV2_PL_IDI,
					      .body = { body, 16 } } };
	struct wire_payload bogus = { .type = 99, .known = true };
	struct wire_builder b;
	struct buf_writer w;
	struct wire_hdr h;

	(void)state;
	test_hdr(&h, IKEV2_EXCH_IKE_AUTH, false);
	buf_writer_init_dyn(&w, 1024);
	wire_build_init(&b, &w, &h);
	assert_int_equal(wire_build_payload(&b, &bogus), ERR_INVAL);
	buf_writer_reset(&w);
	wire_build_init_chain(&b, &w);
	assert_int_equal(wire_build_payload(&b, &sk), ERR_STATE);
	buf_writer_reset(&w);
	wire_build_init(&b, &w, &h);
	assert_int_equal(wire_build_payload(&b, &sk), 0);
	assert_int_equal(w.p[IKEV2_HDR_LEN], IKEV2_PL_IDI);
	assert_int_equal(buf_load_u32(w.p + 24), w.len);
	assert_int_equal(wire_build_payload(&b, &sk), ERR_STATE);
	buf_writer_free(&w);
}

int test_misc_run(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_helpers),
		cmocka_unit_test(natt_demux),
		cmocka_unit_test(notify_helpers_check_type_and_data),
		cmocka_unit_test(ke_lengths),
		cmocka_unit_test(names),
		cmocka_unit_test(transform_key_length),
		cmocka_unit_test(builder_refuses_bad_structs),
		cmocka_unit_test(build_payload_dispatch),
	};

	return cmocka_run_group_tests_name("wire helpers", tests, NULL, NULL);
}
