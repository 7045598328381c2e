/*
 * fuzz_sk_decrypt.c - libFuzzer harness for the decrypt-then-parse path
 * with a fixed key.
 *
 * Authentication stops random bytes at the ICV, so the harness plays the
 * sender too: the input's first octet picks the suite (AES-GCM-256 or
 * AES-CBC-128 + HMAC-SHA2-256-128) and the inner first-payload type, the
 * rest is the plaintext inner chain.  It is sealed into an SK message
 * under a fixed key exactly as the engine sends, then received exactly as
 * the engine receives: header, outer parse, ICV check and decryption,
 * padding, inner parse.  A flipped bit after sealing must always fail the
 * ICV.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "crypto/aead.h"
#include "wire/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { if (!(x)) abort(); } while (0)

static struct aead *suite(int cbc)
{
	static struct aead *gcm, *cbcs;
	static const uint8_t ek[36] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 };
	static const uint8_t ak[32] = { 42, 43, 44, 45 };

	if (!gcm) {
		gcm = aead_new(IKEV2_ENCR_AES_GCM_16, 256, IKEV2_INTEG_NONE, ek, 36,
			       NULL, 0);
		cbcs = aead_new(IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA2_256_128,
				ek, 16, ak, 32);
		CHECK(gcm && cbcs);
	}
	return cbc ? cbcs : gcm;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct wire_msg m;
	static uint8_t pt[IKEV2_MAX_MESSAGE];
	struct wire_sk_params sp;
	struct wire_builder b;
	struct wire_sk_seal s;
	struct wire_sk_view v;
	struct wire_hdr h;
	struct buf_writer w;
	struct aead *a;
	size_t inner;
	uint8_t first;
	int rc;

	if (size < 1 || size > 8192)
		return 0;
	a = suite(data[0] & 1);
	first = (uint8_t)(data[0] >> 1) | 0x20;		/* 32..127 */
	sp.iv_len = aead_iv_len(a);
	sp.icv_len = aead_icv_len(a);
	sp.block_len = aead_block_size(a);

	wire_hdr_init_request(&h, 0x1122334455667788ULL, 0x99aabbccddeeff00ULL,
			      IKEV2_EXCH_INFORMATIONAL, 7, true);
	buf_writer_init_dyn(&w, 2 * IKEV2_MAX_MESSAGE);
	if (wire_build_init(&b, &w, &h) != 0 ||
	    wire_sk_put(&b, &sp, first, data + 1, size - 1, &s) != 0) {
		buf_writer_free(&w);
		return 0;
	}
	memset(s.iv, 0x5a, s.iv_len);
	CHECK(aead_seal(a, s.iv, s.aad, s.aad_len, s.pt, s.pt_len, s.pt, s.icv) == 0);

	/* Receive. */
	CHECK(wire_msg_parse(&m, w.p, w.len, NULL) == 0);
	CHECK(wire_sk_view(&m, &sp, &v) == 0);
	CHECK(aead_open(a, v.iv, v.aad, v.aad_len, v.ct, v.ct_len, pt, v.icv) == 0);
	CHECK(wire_sk_unpad(pt, v.ct_len, &inner) == 0);
	CHECK(inner == size - 1 && memcmp(pt, data + 1, inner) == 0);
	rc = wire_msg_parse_inner(&m, m.enc->u.enc.next, pt, inner, NULL);
	(void)rc;

	/* Any single flipped bit is caught by the ICV. */
	w.p[(data[size - 1] * 131u + size) % w.len] ^= (uint8_t)(1u << (data[0] % 8));
	if (wire_msg_parse(&m, w.p, w.len, NULL) == 0 &&
	    wire_sk_view(&m, &sp, &v) == 0)
		CHECK(aead_open(a, v.iv, v.aad, v.aad_len, v.ct, v.ct_len, pt,
				v.icv) != 0);
	buf_writer_free(&w);
	return 0;
}
