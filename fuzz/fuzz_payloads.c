/*
 * fuzz_payloads.c - libFuzzer harness for payload chains.
 *
 * The first input byte chooses the type of the first payload (below 0x80
 * an index into the known types, so the fuzzer spends its time in the
 * body decoders; from 0x80 the byte itself, so unknown types and the
 * critical bit are exercised too); the rest is a chain as it would appear
 * inside a decrypted SK payload.  It is parsed, rebuilt with the chain
 * builder and checked as described in fuzz_wire.h.
 */
#include "fuzz_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t known[] = {
	IKEV2_PL_SA, IKEV2_PL_KE, IKEV2_PL_IDI, IKEV2_PL_IDR, IKEV2_PL_CERT,
	IKEV2_PL_CERTREQ, IKEV2_PL_AUTH, IKEV2_PL_NONCE, IKEV2_PL_NOTIFY,
	IKEV2_PL_DELETE, IKEV2_PL_VENDOR, IKEV2_PL_TSI, IKEV2_PL_TSR,
	IKEV2_PL_CP, IKEV2_PL_EAP,
};

static void rebuild_chain(const struct wire_msg *m, struct buf_writer *w,
			  uint8_t *first)
{
	struct wire_builder b;

	buf_writer_reset(w);
	wire_build_init_chain(&b, w);
	fuzz_put_range(&b, m, 0, m->npayloads);
	FUZZ_CHECK(wire_build_finish(&b) == 0);
	*first = wire_build_first(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wire_msg m1, m2;
	static struct buf_writer w1, w2;
	static bool init;
	struct wire_where where = { .index = -2 };
	uint8_t type, first1, first2;
	int rc;

	if (!init) {
		buf_writer_init_dyn(&w1, 2 * IKEV2_MAX_MESSAGE);
		buf_writer_init_dyn(&w2, 2 * IKEV2_MAX_MESSAGE);
		init = true;
	}
	if (size < 1)
		return 0;
	type = data[0] < 0x80 ? known[data[0] % sizeof(known)] : data[0];

	wire_msg_init(&m1);
	rc = wire_msg_parse_inner(&m1, type, data + 1, size - 1, &where);
	if (rc) {
		FUZZ_CHECK(where.inner && where.off <= size - 1);
		FUZZ_CHECK(where.index >= -1 && where.index <= WIRE_MAX_PAYLOADS);
		FUZZ_CHECK(m1.npayloads == 0);
		if (rc == ERR_CRITICAL)
			FUZZ_CHECK(where.type != 0);
		return 0;
	}
	fuzz_touch(&m1);
	rebuild_chain(&m1, &w1, &first1);
	FUZZ_CHECK(first1 == (m1.npayloads ? type : 0));

	wire_msg_init(&m2);
	FUZZ_CHECK(wire_msg_parse_inner(&m2, first1, w1.p, w1.len, NULL) == 0);
	fuzz_same_shape(&m1, &m2);
	rebuild_chain(&m2, &w2, &first2);
	FUZZ_CHECK(first2 == first1);
	FUZZ_CHECK(w1.len == w2.len && memcmp(w1.p, w2.p, w1.len) == 0);
	return 0;
}
