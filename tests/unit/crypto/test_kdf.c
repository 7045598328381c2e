/*
 * test_kdf.c - IKEv2 key derivation against its definition in RFC 7296
 * (2.14, 2.17, 2.18), rebuilt here from prf_compute()/prf_plus().  The
 * values themselves are checked against strongSwan in test_strongswan.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "common/err.h"
#include "crypto/kdf.h"
#include "crypto/prf.h"
#include "helpers.h"
#include "wire/ikev2.h"

static uint8_t ni[32], nr[24], gir[256];
static const uint8_t spii[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t spir[8] = { 9, 10, 11, 12, 13, 14, 15, 16 };

static void fill(void)
{
	memset(ni, 0xa1, sizeof(ni));
	memset(nr, 0xb2, sizeof(nr));
	for (size_t i = 0; i < sizeof(gir); i++)
		gir[i] = (uint8_t)i;
}

static void skeyseed_is_prf_of_nonces_over_gir(void **state)
{
	uint8_t key[56], want[48], got[48];
	struct prf *p;

	(void)state;
	fill();
	memcpy(key, ni, 32);
	memcpy(key + 32, nr, 24);
	p = prf_new(IKEV2_PRF_HMAC_SHA2_384, key, sizeof(key));
	assert_non_null(p);
	assert_int_equal(prf_compute1(p, gir, sizeof(gir), want), 0);
	prf_free(p);
	assert_int_equal(kdf_skeyseed(IKEV2_PRF_HMAC_SHA2_384, ni, 32, nr, 24, gir,
				      sizeof(gir), got), 0);
	assert_memory_equal(got, want, 48);
	/* Nonces outside 16..256 octets are refused. */
	assert_int_equal(kdf_skeyseed(IKEV2_PRF_HMAC_SHA2_384, ni, 15, nr, 24, gir,
				      sizeof(gir), got), ERR_INVAL);
	assert_int_equal(kdf_skeyseed(IKEV2_PRF_HMAC_SHA1, ni, 32, nr, 24, gir,
				      sizeof(gir), got), ERR_UNSUPPORTED);
}

static void ike_keys_split_prf_plus_in_order(void **state)
{
	const struct kdf_lens lens = { .encr = 16, .integ = 32 };
	uint8_t skeyseed[32], stream[3 * 32 + 2 * 32 + 2 * 16];
	struct crypto_span seed[4] = { { ni, 32 }, { nr, 24 }, { spii, 8 }, { spir, 8 } };
	struct kdf_ike_keys k;
	struct prf *p;
	size_t off = 0;

	(void)state;
	fill();
	memset(skeyseed, 0x5e, sizeof(skeyseed));
	p = prf_new(IKEV2_PRF_HMAC_SHA2_256, skeyseed, 32);
	assert_non_null(p);
	assert_int_equal(prf_plus(p, seed, 4, stream, sizeof(stream)), 0);
	prf_free(p);
	assert_int_equal(kdf_ike_keys(IKEV2_PRF_HMAC_SHA2_256, skeyseed, ni, 32, nr, 24,
				      spii, spir, &lens, &k), 0);
#define NEXT(key, n) do { assert_int_equal((key).len, n); \
	assert_memory_equal((key).b, stream + off, n); off += n; } while (0)
	NEXT(k.d, 32);
	NEXT(k.ai, 32);
	NEXT(k.ar, 32);
	NEXT(k.ei, 16);
	NEXT(k.er, 16);
	NEXT(k.pi, 32);
	NEXT(k.pr, 32);
#undef NEXT
	assert_int_equal(off, sizeof(stream));
	kdf_ike_keys_wipe(&k);
	assert_int_equal(k.d.len, 0);
}

static void rekey_skeyseed_uses_old_sk_d(void **state)
{
	struct kdf_key skd = { .len = 48 };
	uint8_t want[48], got[48];
	struct crypto_span in[3] = { { gir, 96 }, { ni, 32 }, { nr, 24 } };
	struct prf *p;

	(void)state;
	fill();
	memset(skd.b, 0x77, 48);
	p = prf_new(IKEV2_PRF_HMAC_SHA2_384, skd.b, 48);
	assert_non_null(p);
	assert_int_equal(prf_compute(p, in, 3, want), 0);
	prf_free(p);
	assert_int_equal(kdf_skeyseed_rekey(IKEV2_PRF_HMAC_SHA2_384, &skd, gir, 96,
					    ni, 32, nr, 24, got), 0);
	assert_memory_equal(got, want, 48);
}

static void child_keys_with_and_without_pfs(void **state)
{
	const struct kdf_lens lens = { .encr = 36, .integ = 0 };
	uint8_t skd[64], stream[72];
	struct crypto_span nopfs[2] = { { ni, 32 }, { nr, 24 } };
	struct crypto_span pfs[3] = { { gir, 32 }, { ni, 32 }, { nr, 24 } };
	struct kdf_child_keys k;
	struct prf *p;

	(void)state;
	fill();
	memset(skd, 0x3c, sizeof(skd));
	p = prf_new(IKEV2_PRF_HMAC_SHA2_512, skd, sizeof(skd));
	assert_non_null(p);

	assert_int_equal(prf_plus(p, nopfs, 2, stream, sizeof(stream)), 0);
	assert_int_equal(kdf_child_keys(p, NULL, 0, ni, 32, nr, 24, &lens, &k), 0);
	assert_int_equal(k.ei.len, 36);
	assert_int_equal(k.ai.len, 0);
	assert_memory_equal(k.ei.b, stream, 36);
	assert_memory_equal(k.er.b, stream + 36, 36);

	assert_int_equal(prf_plus(p, pfs, 3, stream, sizeof(stream)), 0);
	assert_int_equal(kdf_child_keys(p, gir, 32, ni, 32, nr, 24, &lens, &k), 0);
	assert_memory_equal(k.ei.b, stream, 36);
	assert_memory_equal(k.er.b, stream + 36, 36);

	/* Composed: initiator encr, initiator integ, responder encr, responder integ. */
	{
		const struct kdf_lens cl = { .encr = 16, .integ = 32 };
		uint8_t s2[96];

		assert_int_equal(prf_plus(p, nopfs, 2, s2, sizeof(s2)), 0);
		assert_int_equal(kdf_child_keys(p, NULL, 0, ni, 32, nr, 24, &cl, &k), 0);
		assert_memory_equal(k.ei.b, s2, 16);
		assert_memory_equal(k.ai.b, s2 + 16, 32);
		assert_memory_equal(k.er.b, s2 + 48, 16);
		assert_memory_equal(k.ar.b, s2 + 64, 32);
	}
	/* Key lengths above KDF_MAX_KEY are refused and the output wiped. */
	{
		const struct kdf_lens bad = { .encr = KDF_MAX_KEY + 1, .integ = 0 };

		assert_int_equal(kdf_child_keys(p, NULL, 0, ni, 32, nr, 24, &bad, &k),
				 ERR_INVAL);
		assert_int_equal(k.ei.len, 0);
	}
	kdf_child_keys_wipe(&k);
	prf_free(p);
}

int test_group_kdf(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(skeyseed_is_prf_of_nonces_over_gir),
		cmocka_unit_test(ike_keys_split_prf_plus_in_order),
		cmocka_unit_test(rekey_skeyseed_uses_old_sk_d),
		cmocka_unit_test(child_keys_with_and_without_pfs),
	};
	return cmocka_run_group_tests_name("crypto_kdf", tests, NULL, NULL);
}
