/*
 * test_prf.c - HMAC-SHA2 PRFs against RFC 4231 and prf+ against its
 * definition (RFC 7296 2.13).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "common/err.h"
#include "crypto/hash.h"
#include "crypto/prf.h"
#include "helpers.h"
#include "wire/ikev2.h"

/* RFC 4231 section 4: test cases 1-7 (key, data, then SHA-256/384/512). */
static const char *const long_data =
	"This is a test using a larger than block-size key and a larger than "
	"block-size data. The key needs to be hashed before being used by the "
	"HMAC algorithm.";

struct hmac_case {
	uint8_t key_byte;	/* repeated key_len times; 0: 0x01..0x19 (case 4) */
	size_t key_len;
	const char *key_str;	/* overrides key_byte (case 2) */
	uint8_t data_byte;
	size_t data_len;
	const char *data_str;	/* overrides data_byte */
	const char *mac[3];
};

static const struct hmac_case cases[] = {
	{ 0x0b, 20, NULL, 0, 0, "Hi There", {
	  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
	  "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
	  "faea9ea9076ede7f4af152e8b2fa9cb6",
	  "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	  "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" } },
	{ 0, 0, "Jefe", 0, 0, "what do ya want for nothing?", {
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
	  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
	  "8e2240ca5e69e2c78b3239ecfab21649",
	  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" } },
	{ 0xaa, 20, NULL, 0xdd, 50, NULL, {
	  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
	  "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
	  "2a5ab39dc13814b94e3ab6e101a34f27",
	  "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
	  "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb" } },
	{ 0, 25, NULL, 0xcd, 50, NULL, {
	  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
	  "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e"
	  "6801dd23c4a7d679ccf8a386c674cffb",
	  "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
	  "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd" } },
	/* Case 5: truncated to 128 bits, as IKE's INTEG_HMAC_SHA2_*_128 do. */
	{ 0x0c, 20, NULL, 0, 0, "Test With Truncation", {
	  "a3b6167473100ee06e0c796c2955552b",
	  "3abf34c3503b2a23a46efc619baef897",
	  "415fad6271580a531d4179bc891d87a6" } },
	{ 0xaa, 131, NULL, 0, 0, "Test Using Larger Than Block-Size Key - Hash Key First", {
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
	  "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
	  "0c2ef6ab4030fe8296248df163f44952",
	  "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
	  "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598" } },
	{ 0xaa, 131, NULL, 0, 0, NULL /* long_data */, {
	  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
	  "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
	  "a678cc31e799176d3860e6110c46523e",
	  "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
	  "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58" } },
};

static const uint16_t prf_ids[3] = {
	IKEV2_PRF_HMAC_SHA2_256, IKEV2_PRF_HMAC_SHA2_384, IKEV2_PRF_HMAC_SHA2_512,
};

static void rfc4231_all_cases(void **state)
{
	(void)state;
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const struct hmac_case *hc = &cases[c];
		uint8_t key[131], data[200], want[64], got[64];
		size_t klen, dlen;

		if (hc->key_str) {
			klen = strlen(hc->key_str);
			memcpy(key, hc->key_str, klen);
		} else {
			klen = hc->key_len;
			for (size_t i = 0; i < klen; i++)
				key[i] = hc->key_byte ? hc->key_byte : (uint8_t)(i + 1);
		}
		if (c == 6) {
			dlen = strlen(long_data);
			memcpy(data, long_data, dlen);
		} else if (hc->data_str) {
			dlen = strlen(hc->data_str);
			memcpy(data, hc->data_str, dlen);
		} else {
			dlen = hc->data_len;
			memset(data, hc->data_byte, dlen);
		}
		for (int h = 0; h < 3; h++) {
			struct prf *p = prf_new(prf_ids[h], key, klen);
			size_t wlen = hex2bin(hc->mac[h], want, sizeof(want));

			assert_non_null(p);
			assert_int_equal(prf_len(p), prf_out_len(prf_ids[h]));
			assert_int_equal(prf_compute1(p, data, dlen, got), 0);
			if (memcmp(got, want, wlen) != 0)
				fail_msg("RFC 4231 case %zu, prf %u differs", c + 1, prf_ids[h]);
			/* Reuse of the keyed context gives the same answer again. */
			memset(got, 0, sizeof(got));
			assert_int_equal(prf_compute1(p, data, dlen, got), 0);
			assert_memory_equal(got, want, wlen);
			prf_free(p);
		}
	}
}

static void scatter_equals_concatenation(void **state)
{
	struct prf *p = prf_new(IKEV2_PRF_HMAC_SHA2_256, (const uint8_t *)"k", 1);
	struct crypto_span s[3] = {
		{ (const uint8_t *)"Hi", 2 }, { NULL, 0 }, { (const uint8_t *)" There", 6 },
	};
	uint8_t a[32], b[32];

	(void)state;
	assert_non_null(p);
	assert_int_equal(prf_compute(p, s, 3, a), 0);
	assert_int_equal(prf_compute1(p, "Hi There", 8, b), 0);
	assert_memory_equal(a, b, 32);
	prf_free(p);
	prf_free(NULL);
}

static void unsupported_prfs_are_refused(void **state)
{
	(void)state;
	assert_false(prf_supported(IKEV2_PRF_HMAC_SHA1));
	assert_int_equal(prf_out_len(IKEV2_PRF_AES128_XCBC), 0);
	assert_null(prf_new(IKEV2_PRF_HMAC_MD5, (const uint8_t *)"k", 1));
	assert_string_equal(prf_name(IKEV2_PRF_HMAC_SHA2_384), "prfsha384");
}

static void empty_key_matches_known_value(void **state)
{
	/* HMAC-SHA256("", "") (FIPS 198-1 definition; widely published). */
	uint8_t want[32], got[32];
	struct prf *p = prf_new(IKEV2_PRF_HMAC_SHA2_256, NULL, 0);

	(void)state;
	hex2bin("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad",
		want, sizeof(want));
	assert_non_null(p);
	assert_int_equal(prf_compute(p, NULL, 0, got), 0);
	assert_memory_equal(got, want, 32);
	prf_free(p);
}

/* prf+ from its definition, one block at a time with prf_compute(). */
static void prf_plus_matches_definition(void **state)
{
	static const uint8_t key[] = "prf+ key";
	struct prf *p = prf_new(IKEV2_PRF_HMAC_SHA2_384, key, sizeof(key) - 1);
	uint8_t seed1[40], seed2[9], want[48 * 5], got[48 * 5 - 7], t[48];
	struct crypto_span seed[2] = { { seed1, sizeof(seed1) }, { seed2, sizeof(seed2) } };

	(void)state;
	assert_non_null(p);
	memset(seed1, 0x11, sizeof(seed1));
	memset(seed2, 0x22, sizeof(seed2));
	for (uint8_t k = 1; k <= 5; k++) {
		struct crypto_span in[4] = {
			{ t, k > 1 ? 48 : 0 }, { seed1, sizeof(seed1) },
			{ seed2, sizeof(seed2) }, { &k, 1 },
		};

		assert_int_equal(prf_compute(p, in, 4, t), 0);
		memcpy(want + 48 * (k - 1), t, 48);
	}
	assert_int_equal(prf_plus(p, seed, 2, got, sizeof(got)), 0);
	assert_memory_equal(got, want, sizeof(got));
	/* A shorter request is a prefix. */
	assert_int_equal(prf_plus(p, seed, 2, got, 20), 0);
	assert_memory_equal(got, want, 20);
	prf_free(p);
}

static void prf_plus_caps_at_255_blocks(void **state)
{
	struct prf *p = prf_new(IKEV2_PRF_HMAC_SHA2_256, (const uint8_t *)"k", 1);
	static uint8_t out[255 * 32 + 1];

	(void)state;
	assert_non_null(p);
	assert_int_equal(prf_plus(p, NULL, 0, out, sizeof(out)), ERR_INVAL);
	assert_int_equal(prf_plus(p, NULL, 0, out, sizeof(out) - 1), 0);
	prf_free(p);
}

/* prf_once must equal a keyed context, for every PRF, long keys included. */
static void prf_once_equals_keyed(void **state)
{
	static const uint16_t ids[] = { IKEV2_PRF_HMAC_SHA2_256, IKEV2_PRF_HMAC_SHA2_384,
					IKEV2_PRF_HMAC_SHA2_512 };
	uint8_t key[200], data[300], a[PRF_MAX_LEN], b[PRF_MAX_LEN];
	struct crypto_span in[2] = { { data, 100 }, { data + 100, 200 } };

	(void)state;
	for (size_t i = 0; i < sizeof(key); i++)
		key[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 13 + 5);
	for (size_t k = 0; k < 3; k++) {
		for (size_t klen = 0; klen <= sizeof(key); klen += 50) {
			struct prf *p = prf_new(ids[k], key, klen);

			assert_non_null(p);
			assert_int_equal(prf_compute(p, in, 2, a), 0);
			assert_int_equal(prf_once(ids[k], key, klen, in, 2, b), 0);
			assert_memory_equal(a, b, prf_out_len(ids[k]));
			/* Twice in a row: the reused context is re-keyed. */
			assert_int_equal(prf_once(ids[k], key, klen, in, 2, b), 0);
			assert_memory_equal(a, b, prf_out_len(ids[k]));
			prf_free(p);
		}
	}
	assert_int_equal(prf_once(999, key, 10, in, 2, b), ERR_UNSUPPORTED);
}

/* FIPS 180-4 examples: "abc" split across spans, and the empty message. */
static void hash_fips180_vectors(void **state)
{
	static const uint8_t a[] = "a", bc[] = "bc";
	const struct crypto_span abc[] = { { a, 1 }, { NULL, 0 }, { bc, 2 } };
	uint8_t out[HASH_MAX_LEN], want[HASH_MAX_LEN];

	(void)state;
	assert_int_equal(hash_compute(HASH_SHA1, abc, 3, out), 0);
	hex2bin("a9993e364706816aba3e25717850c26c9cd0d89d", want, sizeof(want));
	assert_memory_equal(out, want, 20);
	assert_int_equal(hash_compute(HASH_SHA256, abc, 3, out), 0);
	hex2bin("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
		want, sizeof(want));
	assert_memory_equal(out, want, 32);
	assert_int_equal(hash_compute(HASH_SHA256, NULL, 0, out), 0);
	hex2bin("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		want, sizeof(want));
	assert_memory_equal(out, want, 32);
	assert_int_equal(hash_len(HASH_SHA1), 20);
	assert_int_equal(hash_compute((enum hash_alg)7, abc, 3, out), ERR_INVAL);
}

int test_group_prf(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc4231_all_cases),
		cmocka_unit_test(scatter_equals_concatenation),
		cmocka_unit_test(unsupported_prfs_are_refused),
		cmocka_unit_test(empty_key_matches_known_value),
		cmocka_unit_test(prf_plus_matches_definition),
		cmocka_unit_test(prf_plus_caps_at_255_blocks),
		cmocka_unit_test(hash_fips180_vectors),
		cmocka_unit_test(prf_once_equals_keyed),
	};
	return cmocka_run_group_tests_name("crypto_prf", tests, NULL, NULL);
}
