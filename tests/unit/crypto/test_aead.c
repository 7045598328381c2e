/*
 * test_aead.c - seal/open against published vectors and tamper tests.
 *
 * Vectors: AES-GCM test cases 4 and 16 of McGrew & Viega, "The Galois/
 * Counter Mode of Operation (GCM)" (2005), read in RFC 4106 form: the first
 * 4 octets of the 96-bit IV are the salt (appended to the key material)
 * and the last 8 the explicit IV.
 * ChaCha20-Poly1305: RFC 8439 2.8.2, in RFC 7634 form (salt 07000000,
 * IV 4041424344454647).  AES-CBC: RFC 3602 4 case #2 for the cipher, with
 * the HMAC-SHA2-256-128 ICV recomputed from its definition.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "common/err.h"
#include "crypto/aead.h"
#include "crypto/prf.h"
#include "crypto/rand.h"
#include "helpers.h"
#include "wire/ikev2.h"

struct kat {
	uint16_t encr, bits;
	const char *key;	/* with salt */
	const char *iv, *aad, *pt, *ct, *tag;
};

static const char gcm_pt60[] =
	"d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";

static const struct kat kats[] = {
	{ IKEV2_ENCR_AES_GCM_16, 128, "feffe9928665731c6d6a8f9467308308" "cafebabe",
	  "facedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2", gcm_pt60,
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
	  "5bc94fbc3221a5db94fae95ae7121a47" },
	{ IKEV2_ENCR_AES_GCM_16, 256,
	  "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308" "cafebabe",
	  "facedbaddecaf888", "feedfacedeadbeeffeedfacedeadbeefabaddad2", gcm_pt60,
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	  "76fc6ece0f4e1768cddf8853bb2d551b" },
	{ IKEV2_ENCR_CHACHA20_POLY1305, 0,
	  "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f" "07000000",
	  "4041424344454647", "50515253c0c1c2c3c4c5c6c7",
	  /* "Ladies and Gentlemen of the class of '99: If I could offer you
	   * only one tip for the future, sunscreen would be it." */
	  "4c616469657320616e642047656e746c656d656e206f662074686520636c6173"
	  "73206f66202739393a204966204920636f756c64206f6666657220796f75206f"
	  "6e6c79206f6e652074697020666f7220746865206675747572652c2073756e73"
	  "637265656e20776f756c642062652069742e",
	  "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
	  "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
	  "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
	  "3ff4def08e4b7a9de576d26586cec64b6116",
	  "1ae10b594f09e26a7e902ecbd0600691" },
};

static void combined_mode_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
		const struct kat *k = &kats[i];
		uint8_t key[40], iv[8], aad[32], pt[128], ct[128], tag[16], out[128], icv[16];
		size_t kl = hex2bin(k->key, key, sizeof(key));
		size_t al = hex2bin(k->aad, aad, sizeof(aad));
		size_t pl = hex2bin(k->pt, pt, sizeof(pt));
		size_t ekl = 0, ikl = 99;
		struct aead *a;

		hex2bin(k->iv, iv, sizeof(iv));
		assert_int_equal(hex2bin(k->ct, ct, sizeof(ct)), pl);
		hex2bin(k->tag, tag, sizeof(tag));
		assert_int_equal(aead_key_lens(k->encr, k->bits, IKEV2_INTEG_NONE, &ekl, &ikl), 0);
		assert_int_equal(ekl, kl);
		assert_int_equal(ikl, 0);
		a = aead_new(k->encr, k->bits, IKEV2_INTEG_NONE, key, kl, NULL, 0);
		assert_non_null(a);
		assert_int_equal(aead_iv_len(a), 8);
		assert_int_equal(aead_icv_len(a), 16);
		assert_int_equal(aead_block_size(a), 1);
		assert_int_equal(aead_seal(a, iv, aad, al, pt, pl, out, icv), 0);
		assert_memory_equal(out, ct, pl);
		assert_memory_equal(icv, tag, 16);
		memset(out, 0, sizeof(out));
		assert_int_equal(aead_open(a, iv, aad, al, ct, pl, out, tag), 0);
		assert_memory_equal(out, pt, pl);
		/* In place, as the ESP hot path does it. */
		memcpy(out, pt, pl);
		assert_int_equal(aead_seal(a, iv, aad, al, out, pl, out, icv), 0);
		assert_memory_equal(out, ct, pl);
		assert_int_equal(aead_open(a, iv, aad, al, out, pl, out, icv), 0);
		assert_memory_equal(out, pt, pl);
		aead_free(a);
	}
}

static void cbc_hmac_composition(void **state)
{
	uint8_t key[16], iv[16], pt[32], ct[32], out[32], icv[16], ikey[32], mac[32];
	uint8_t aad[8] = { 0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 1 };
	struct crypto_span in[3] = { { aad, 8 }, { iv, 16 }, { ct, 32 } };
	struct prf *h;
	struct aead *a;
	size_t ekl, ikl;

	(void)state;
	hex2bin("c286696d887c9aa0611bbb3e2025a45a", key, 16);
	hex2bin("562e17996d093d28ddb3ba695a2e6f58", iv, 16);
	hex2bin("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", pt, 32);
	hex2bin("d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1", ct, 32);
	memset(ikey, 0x4b, sizeof(ikey));
	assert_int_equal(aead_key_lens(IKEV2_ENCR_AES_CBC, 128,
				       IKEV2_INTEG_HMAC_SHA2_256_128, &ekl, &ikl), 0);
	assert_int_equal(ekl, 16);
	assert_int_equal(ikl, 32);
	a = aead_new(IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA2_256_128, key, 16, ikey, 32);
	assert_non_null(a);
	assert_int_equal(aead_iv_len(a), 16);
	assert_int_equal(aead_icv_len(a), 16);
	assert_int_equal(aead_block_size(a), 16);
	assert_int_equal(aead_seal(a, iv, aad, 8, pt, 32, out, icv), 0);
	assert_memory_equal(out, ct, 32);
	/* ICV = first 128 bits of HMAC-SHA-256(aad | IV | ciphertext). */
	h = prf_new(IKEV2_PRF_HMAC_SHA2_256, ikey, 32);
	assert_non_null(h);
	assert_int_equal(prf_compute(h, in, 3, mac), 0);
	assert_memory_equal(icv, mac, 16);
	prf_free(h);
	/* Twice more: the keyed HMAC restarts cleanly each message. */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(aead_seal(a, iv, aad, 8, pt, 32, out, icv), 0);
		assert_memory_equal(icv, mac, 16);
		assert_int_equal(aead_open(a, iv, aad, 8, out, 32, out, icv), 0);
		assert_memory_equal(out, pt, 32);
	}
	/* Not a multiple of the block size: refused, padding is the caller's. */
	assert_int_equal(aead_seal(a, iv, aad, 8, pt, 31, out, icv), ERR_INVAL);
	assert_int_equal(aead_open(a, iv, aad, 8, ct, 17, out, icv), ERR_INVAL);
	aead_free(a);
}

struct suite {
	uint16_t encr, bits, integ;
	size_t icv;
};

static const struct suite suites[] = {
	{ IKEV2_ENCR_AES_GCM_16, 128, IKEV2_INTEG_NONE, 16 },
	{ IKEV2_ENCR_AES_GCM_16, 256, IKEV2_INTEG_NONE, 16 },
	{ IKEV2_ENCR_CHACHA20_POLY1305, 0, IKEV2_INTEG_NONE, 16 },
	{ IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA2_256_128, 16 },
	{ IKEV2_ENCR_AES_CBC, 256, IKEV2_INTEG_HMAC_SHA2_384_192, 24 },
	{ IKEV2_ENCR_AES_CBC, 256, IKEV2_INTEG_HMAC_SHA2_512_256, 32 },
};

static void tamper_everything_fails(void **state)
{
	struct rand_src *rnd = rand_det_new("aead", 4);

	(void)state;
	assert_non_null(rnd);
	for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		const struct suite *su = &suites[s];
		uint8_t ek[64], ik[64], iv[16], aad[12], pt[64], ct[64], icv[32], out[64];
		size_t ekl, ikl, ivl;
		struct aead *a;
		int which;

		assert_int_equal(aead_key_lens(su->encr, su->bits, su->integ, &ekl, &ikl), 0);
		assert_int_equal(rand_bytes(rnd, ek, sizeof(ek)), 0);
		assert_int_equal(rand_bytes(rnd, ik, sizeof(ik)), 0);
		assert_int_equal(rand_bytes(rnd, iv, sizeof(iv)), 0);
		assert_int_equal(rand_bytes(rnd, aad, sizeof(aad)), 0);
		assert_int_equal(rand_bytes(rnd, pt, sizeof(pt)), 0);
		a = aead_new(su->encr, su->bits, su->integ, ek, ekl, ikl ? ik : NULL, ikl);
		assert_non_null(a);
		assert_non_null(aead_name(a));
		assert_int_equal(aead_icv_len(a), su->icv);
		ivl = aead_iv_len(a);
		assert_int_equal(aead_seal(a, iv, aad, sizeof(aad), pt, 64, ct, icv), 0);
		assert_memory_not_equal(ct, pt, 64);
		for (which = 0; which < 4; which++) {
			uint8_t *t = which == 0 ? ct : which == 1 ? icv : which == 2 ? aad : iv;
			size_t bit = which == 0 ? 64 * 8 - 1 : which == 1 ? su->icv * 8 - 1 :
				     which == 2 ? 3 : ivl * 8 - 1;

			t[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			memset(out, 0x99, sizeof(out));
			if (aead_open(a, iv, aad, sizeof(aad), ct, 64, out, icv) != ERR_AUTH)
				fail_msg("%s: flipped bit in %s accepted", aead_name(a),
					 (const char *[]){ "ct", "icv", "aad", "iv" }[which]);
			/* Nothing unauthenticated is released. */
			for (size_t i = 0; i < 64; i++)
				assert_true(out[i] == 0x99 || out[i] == 0);
			t[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		assert_int_equal(aead_open(a, iv, aad, sizeof(aad), ct, 64, out, icv), 0);
		assert_memory_equal(out, pt, 64);
		/* Truncated message: the ICV no longer matches. */
		assert_int_equal(aead_open(a, iv, aad, sizeof(aad), ct, 48, out, icv), ERR_AUTH);
		aead_free(a);
	}
	rand_det_free(rnd);
}

static void bad_parameters_are_refused(void **state)
{
	uint8_t k[64] = { 0 };
	size_t e, i;

	(void)state;
	/* GCM with an integrity algorithm, CBC without one, unknown sizes. */
	assert_int_equal(aead_key_lens(IKEV2_ENCR_AES_GCM_16, 128,
				       IKEV2_INTEG_HMAC_SHA2_256_128, &e, &i), ERR_UNSUPPORTED);
	assert_int_equal(aead_key_lens(IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_NONE, &e, &i),
			 ERR_UNSUPPORTED);
	assert_int_equal(aead_key_lens(IKEV2_ENCR_AES_GCM_16, 192, IKEV2_INTEG_NONE, &e, &i),
			 ERR_UNSUPPORTED);
	assert_int_equal(aead_key_lens(IKEV2_ENCR_3DES, 0, IKEV2_INTEG_HMAC_SHA1_96, &e, &i),
			 ERR_UNSUPPORTED);
	assert_int_equal(aead_key_lens(IKEV2_ENCR_AES_GCM_16, 256, IKEV2_INTEG_NONE, &e, &i), 0);
	assert_int_equal(e, 36);
	/* Wrong key lengths. */
	assert_null(aead_new(IKEV2_ENCR_AES_GCM_16, 128, IKEV2_INTEG_NONE, k, 16, NULL, 0));
	assert_null(aead_new(IKEV2_ENCR_AES_CBC, 128, IKEV2_INTEG_HMAC_SHA2_256_128,
			     k, 16, k, 16));
	aead_free(NULL);
}

int test_group_aead(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(combined_mode_vectors),
		cmocka_unit_test(cbc_hmac_composition),
		cmocka_unit_test(tamper_everything_fails),
		cmocka_unit_test(bad_parameters_are_refused),
	};
	return cmocka_run_group_tests_name("crypto_aead", tests, NULL, NULL);
}
