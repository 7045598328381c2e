/*
 * fuzz_message.c - libFuzzer harness for whole IKE messages.
 *
 * The input is what arrives on port 500 (or 4500, when it starts with the
 * non-ESP marker).  It is parsed as the daemon would; an SK payload's
 * content is taken as plaintext (identity cipher: no IV, no ICV, block 1)
 * and parsed as the inner chain; then the message is rebuilt from the
 * structs and the round trip checked as described in fuzz_wire.h.  SKF
 * payloads are re-emitted verbatim (reassembly is the IKE layer's).
 */
#include "fuzz_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Open SK with the identity cipher and parse the inner chain. */
static int parse_inner(struct wire_msg *m)
{
	struct wire_where where = { .index = -2 };
	struct wire_sk_view v;
	size_t inner;
	int rc;

	if (!m->enc || m->enc->type != IKEV2_PL_SK)
		return ERR_MISSING;
	/* The real layouts only have to be checked, not to fit. */
	wire_sk_view(m, &(struct wire_sk_params){ 8, 16, 1 }, &v);
	wire_sk_view(m, &(struct wire_sk_params){ 16, 16, 16 }, &v);
	if ((rc = wire_sk_view(m, &fuzz_sk_identity, &v)) != 0)
		return rc;
	FUZZ_CHECK(v.aad == m->raw.p);
	FUZZ_CHECK(v.icv + v.icv_len == m->raw.p + m->raw.len);
	if ((rc = wire_sk_unpad(v.ct, v.ct_len, &inner)) != 0)
		return rc;
	rc = wire_msg_parse_inner(m, m->enc->u.enc.next, v.ct, inner, &where);
	if (rc) {
		/* Blamed inside the plaintext; the outer parse survives. */
		FUZZ_CHECK(where.inner && where.off <= inner);
		FUZZ_CHECK(m->npayloads == m->nouter && !m->inner_parsed);
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wire_msg m1, m2;
	static struct buf_writer w1, w2;
	static bool init;
	struct wire_where where = { .index = -2 };
	const uint8_t *p = data;
	size_t len = size;

	if (!init) {
		buf_writer_init_dyn(&w1, 2 * IKEV2_MAX_MESSAGE);
		buf_writer_init_dyn(&w2, 2 * IKEV2_MAX_MESSAGE);
		init = true;
	}
	if (wire_natt_classify(p, len, NULL) == WIRE_NATT_IKE)
		FUZZ_CHECK(wire_natt_strip(&p, &len) == 0);

	if (wire_msg_parse(&m1, p, len, &where)) {
		/* A failure always says where, inside the input. */
		FUZZ_CHECK(where.index >= -1 && where.index <= WIRE_MAX_PAYLOADS);
		FUZZ_CHECK(where.off <= len && !where.inner);
		return 0;
	}
	FUZZ_CHECK(m1.hdr.length == len && m1.nouter == m1.npayloads);
	parse_inner(&m1);
	fuzz_touch(&m1);

	/* Rebuild, re-parse, compare, rebuild again: a fixed point. */
	fuzz_rebuild_msg(&m1, &w1);
	FUZZ_CHECK(wire_msg_parse(&m2, w1.p, w1.len, NULL) == 0);
	if (m1.inner_parsed)
		FUZZ_CHECK(parse_inner(&m2) == 0);
	fuzz_same_shape(&m1, &m2);
	FUZZ_CHECK(m2.hdr.spi_i == m1.hdr.spi_i && m2.hdr.spi_r == m1.hdr.spi_r);
	FUZZ_CHECK(m2.hdr.msg_id == m1.hdr.msg_id);
	FUZZ_CHECK(m2.hdr.exchange == m1.hdr.exchange);
	FUZZ_CHECK(m2.hdr.flags == m1.hdr.flags);
	fuzz_rebuild_msg(&m2, &w2);
	FUZZ_CHECK(w1.len == w2.len && memcmp(w1.p, w2.p, w1.len) == 0);
	return 0;
}
