/*
 * test_ke.c - key exchange: RFC 7748 (X25519, 5.2 and 6.1), RFC 5903 8.1
 * (ECP-256), RFC 3526 group parameters, RFC 6989 peer value validation,
 * and round trips for every group.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "common/err.h"
#include "crypto/ke.h"
#include "crypto/rand.h"
#include "helpers.h"
#include "wire/ikev2.h"

/* RFC 3526 section 3 (2048-bit MODP group 14) and 4 (3072-bit group 15). */
static const char rfc3526_2048[] =
	"FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
	"29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
	"EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
	"E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
	"EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
	"C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
	"83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
	"670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
	"E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
	"DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
	"15728E5A 8AACAA68 FFFFFFFF FFFFFFFF";
static const char rfc3526_3072[] =
	"FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1"
	"29024E08 8A67CC74 020BBEA6 3B139B22 514A0879 8E3404DD"
	"EF9519B3 CD3A431B 302B0A6D F25F1437 4FE1356D 6D51C245"
	"E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED"
	"EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D"
	"C2007CB8 A163BF05 98DA4836 1C55D39A 69163FA8 FD24CF5F"
	"83655D23 DCA3AD96 1C62F356 208552BB 9ED52907 7096966D"
	"670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B"
	"E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9"
	"DE2BCBF6 95581718 3995497C EA956AE5 15D22618 98FA0510"
	"15728E5A 8AAAC42D AD33170D 04507A33 A85521AB DF1CBA64"
	"ECFB8504 58DBEF0A 8AEA7157 5D060C7D B3970F85 A6E1E4C7"
	"ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226 1AD2EE6B"
	"F12FFA06 D98A0864 D8760273 3EC86A64 521F2B18 177B200C"
	"BBE11757 7A615D6C 770988C0 BAD946E2 08E24FA0 74E5AB31"
	"43DB5BFC E0FD108E 4B82D120 A93AD2CA FFFFFFFF FFFFFFFF";

/* Big-endian v - d (d small), in place. */
static void sub_small(uint8_t *v, size_t len, unsigned d)
{
	for (size_t i = len; i-- > 0 && d;) {
		unsigned x = v[i];

		v[i] = (uint8_t)(x - d);
		d = x < d ? 1 : 0;
	}
}

static void x25519_rfc7748_5_2(void **state)
{
	static const char *const v[2][3] = {
		{ "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
		  "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
		  "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552" },
		{ "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
		  "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
		  "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957" },
	};

	(void)state;
	for (int i = 0; i < 2; i++) {
		uint8_t k[32], u[32], want[32], got[32];
		size_t len = 0;
		struct ke *ke;

		hex2bin(v[i][0], k, 32);
		hex2bin(v[i][1], u, 32);
		hex2bin(v[i][2], want, 32);
		ke = ke_new_private(IKEV2_DH_CURVE25519, k, 32);
		assert_non_null(ke);
		assert_int_equal(ke_derive(ke, u, 32, got, &len), 0);
		assert_int_equal(len, 32);
		assert_memory_equal(got, want, 32);
		ke_free(ke);
	}
}

static void x25519_rfc7748_6_1(void **state)
{
	uint8_t a[32], b[32], apub[32], bpub[32], k[32], s1[32], s2[32];
	const uint8_t *p;
	size_t len;
	struct ke *alice, *bob;

	(void)state;
	hex2bin("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a", a, 32);
	hex2bin("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", apub, 32);
	hex2bin("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb", b, 32);
	hex2bin("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", bpub, 32);
	hex2bin("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742", k, 32);
	alice = ke_new_private(IKEV2_DH_CURVE25519, a, 32);
	bob = ke_new_private(IKEV2_DH_CURVE25519, b, 32);
	assert_non_null(alice);
	assert_non_null(bob);
	p = ke_public(alice, &len);
	assert_int_equal(len, 32);
	assert_memory_equal(p, apub, 32);
	p = ke_public(bob, &len);
	assert_memory_equal(p, bpub, 32);
	assert_int_equal(ke_derive(alice, bpub, 32, s1, &len), 0);
	assert_int_equal(ke_derive(bob, apub, 32, s2, &len), 0);
	assert_memory_equal(s1, k, 32);
	assert_memory_equal(s2, k, 32);
	ke_free(alice);
	ke_free(bob);
}

static void x25519_rejects_zero_result(void **state)
{
	uint8_t priv[32], peer[32] = { 0 }, out[32];
	size_t len = 99;
	struct ke *ke;

	(void)state;
	memset(priv, 0x42, sizeof(priv));
	memset(out, 0xee, sizeof(out));
	ke = ke_new_private(IKEV2_DH_CURVE25519, priv, 32);
	assert_non_null(ke);
	/* u = 0 and u = 1 have small order: the result would be all zero. */
	assert_int_equal(ke_derive(ke, peer, 32, out, &len), ERR_KE_PEER);
	peer[0] = 1;
	assert_int_equal(ke_derive(ke, peer, 32, out, &len), ERR_KE_PEER);
	assert_int_equal(len, 99);
	assert_int_equal(out[0], 0xee);	/* untouched */
	assert_int_equal(ke_derive(ke, peer, 31, out, &len), ERR_KE_PEER);
	ke_free(ke);
}

static void ecp256_rfc5903_8_1(void **state)
{
	uint8_t i[32], r[32], gi[64], gr[64], gir[32], out[32];
	const uint8_t *p;
	size_t len;
	struct ke *ki, *kr;

	(void)state;
	hex2bin("C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433", i, 32);
	hex2bin("DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180"
		"5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3", gi, 64);
	hex2bin("C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53", r, 32);
	hex2bin("D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
		"56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB", gr, 64);
	hex2bin("D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE", gir, 32);
	ki = ke_new_private(IKEV2_DH_ECP_256, i, 32);
	kr = ke_new_private(IKEV2_DH_ECP_256, r, 32);
	assert_non_null(ki);
	assert_non_null(kr);
	p = ke_public(ki, &len);
	assert_int_equal(len, 64);
	assert_memory_equal(p, gi, 64);
	p = ke_public(kr, &len);
	assert_memory_equal(p, gr, 64);
	assert_int_equal(ke_derive(ki, gr, 64, out, &len), 0);
	assert_int_equal(len, 32);
	assert_memory_equal(out, gir, 32);
	assert_int_equal(ke_derive(kr, gi, 64, out, &len), 0);
	assert_memory_equal(out, gir, 32);
	ke_free(ki);
	ke_free(kr);
}

static void ecp_rejects_bad_points(void **state)
{
	uint8_t i[32], gr[64], bad[64], out[32];
	size_t len;
	struct ke *ki;

	(void)state;
	hex2bin("C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433", i, 32);
	hex2bin("D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63"
		"56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB", gr, 64);
	ki = ke_new_private(IKEV2_DH_ECP_256, i, 32);
	assert_non_null(ki);
	/* Off the curve: y + 1. */
	memcpy(bad, gr, 64);
	bad[63] ^= 1;
	assert_int_equal(ke_derive(ki, bad, 64, out, &len), ERR_KE_PEER);
	assert_int_equal(ke_check_peer(IKEV2_DH_ECP_256, bad, 64), ERR_KE_PEER);
	/* (0, 0) - what an "infinity" sent as zeros looks like - is not on the curve. */
	memset(bad, 0, 64);
	assert_int_equal(ke_derive(ki, bad, 64, out, &len), ERR_KE_PEER);
	/* Coordinates not below the field prime. */
	memset(bad, 0xff, 64);
	assert_int_equal(ke_derive(ki, bad, 64, out, &len), ERR_KE_PEER);
	/* Wrong length, including the 0x04-prefixed SEC1 form. */
	assert_int_equal(ke_derive(ki, gr, 63, out, &len), ERR_KE_PEER);
	bad[0] = 0x04;
	memcpy(bad + 1, gr, 63);
	assert_int_equal(ke_check_peer(IKEV2_DH_ECP_256, bad, 65), ERR_KE_PEER);
	assert_int_equal(ke_check_peer(IKEV2_DH_ECP_256, gr, 64), 0);
	/* A P-256 point is not a P-384 point. */
	assert_int_equal(ke_check_peer(IKEV2_DH_ECP_384, gr, 64), ERR_KE_PEER);
	ke_free(ki);
}

static void modp_group(uint16_t group, const char *rfc_hex, size_t plen)
{
	uint8_t p[384], y[384], out[384], x[384];
	size_t len = 0;
	struct ke *ke;
	const uint8_t *pub;

	assert_int_equal(hex2bin(rfc_hex, p, sizeof(p)), plen);
	assert_int_equal(ke_public_len(group), plen);
	memset(x, 0, sizeof(x));
	x[plen - 1] = 3;
	ke = ke_new_private(group, x, plen);
	assert_non_null(ke);
	/* Generator 2: x = 3 gives 8, left-padded to the prime's length. */
	pub = ke_public(ke, &len);
	assert_int_equal(len, plen);
	memset(y, 0, sizeof(y));
	y[plen - 1] = 8;
	assert_memory_equal(pub, y, plen);

	/* RFC 6989 2.2: 1 < y < p-1.  p-1 rejected and p-2 accepted pins p down. */
	memcpy(y, p, plen);
	assert_int_equal(ke_derive(ke, y, plen, out, &len), ERR_KE_PEER);	/* p */
	sub_small(y, plen, 1);
	assert_int_equal(ke_derive(ke, y, plen, out, &len), ERR_KE_PEER);	/* p-1 */
	sub_small(y, plen, 1);
	assert_int_equal(ke_derive(ke, y, plen, out, &len), 0);	/* p-2 */
	memset(y, 0, plen);
	assert_int_equal(ke_derive(ke, y, plen, out, &len), ERR_KE_PEER);	/* 0 */
	y[plen - 1] = 1;
	assert_int_equal(ke_derive(ke, y, plen, out, &len), ERR_KE_PEER);	/* 1 */
	y[plen - 1] = 2;
	assert_int_equal(ke_derive(ke, y, plen, out, &len), 0);	/* 2^3 = 8 */
	assert_int_equal(len, plen);
	assert_int_equal(out[plen - 1], 8);
	assert_int_equal(ke_derive(ke, y + 1, plen - 1, out, &len), ERR_KE_PEER);
	ke_free(ke);

	/* p = 2q + 1 with 2 generating the order-q subgroup: 2^q mod p = 1. */
	memcpy(x, p, plen);
	for (size_t i = plen; i-- > 0;)
		x[i] = (uint8_t)(x[i] >> 1 | (i ? x[i - 1] << 7 : 0));
	ke = ke_new_private(group, x, plen);
	assert_non_null(ke);
	pub = ke_public(ke, &len);
	memset(y, 0, plen);
	y[plen - 1] = 1;
	assert_memory_equal(pub, y, plen);
	ke_free(ke);

	/* Private values outside 1 < x < p-1 are refused. */
	memset(x, 0, plen);
	x[plen - 1] = 1;
	assert_null(ke_new_private(group, x, plen));
}

static void modp_rfc3526_parameters_and_validation(void **state)
{
	(void)state;
	modp_group(IKEV2_DH_MODP_2048, rfc3526_2048, 256);
	modp_group(IKEV2_DH_MODP_3072, rfc3526_3072, 384);
}

static void round_trip(uint16_t group, unsigned flags, struct rand_src *rnd)
{
	uint8_t s1[KE_MAX_SECRET_LEN], s2[KE_MAX_SECRET_LEN];
	const uint8_t *p1, *p2;
	size_t l1, l2, n1 = 0, n2 = 0;
	struct ke *a = ke_new(group, rnd, flags), *b = ke_new(group, rnd, flags);

	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(ke_group(a), group);
	p1 = ke_public(a, &l1);
	p2 = ke_public(b, &l2);
	assert_int_equal(l1, ke_public_len(group));
	assert_memory_not_equal(p1, p2, l1);
	assert_int_equal(ke_check_peer(group, p2, l2), 0);
	assert_int_equal(ke_derive(a, p2, l2, s1, &n1), 0);
	assert_int_equal(ke_derive(b, p1, l1, s2, &n2), 0);
	assert_int_equal(n1, ke_secret_len(group));
	assert_int_equal(n2, n1);
	assert_memory_equal(s1, s2, n1);
	ke_free(a);
	ke_free(b);
}

static void every_group_round_trips(void **state)
{
	static const uint16_t groups[] = {
		IKEV2_DH_MODP_2048, IKEV2_DH_MODP_3072, IKEV2_DH_ECP_256,
		IKEV2_DH_ECP_384, IKEV2_DH_CURVE25519,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		assert_true(ke_supported(groups[i]));
		assert_non_null(ke_name(groups[i]));
		round_trip(groups[i], 0, rand_system());
	}
	round_trip(IKEV2_DH_MODP_2048, KE_SHORT_EXPONENT, rand_system());
	round_trip(IKEV2_DH_MODP_3072, KE_SHORT_EXPONENT, rand_system());
	assert_false(ke_supported(IKEV2_DH_MODP_1024));
	assert_int_equal(ke_public_len(IKEV2_DH_CURVE448), 0);
	assert_null(ke_new(IKEV2_DH_ECP_521, rand_system(), 0));
	ke_free(NULL);
}

static void deterministic_source_gives_same_keys(void **state)
{
	static const uint16_t groups[] = {
		IKEV2_DH_MODP_2048, IKEV2_DH_ECP_256, IKEV2_DH_ECP_384, IKEV2_DH_CURVE25519,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		struct rand_src *r1 = rand_det_new("ke", 2), *r2 = rand_det_new("ke", 2);
		struct ke *a = ke_new(groups[i], r1, 0), *b = ke_new(groups[i], r2, 0);
		const uint8_t *pa, *pb;
		size_t la, lb;

		assert_non_null(a);
		assert_non_null(b);
		pa = ke_public(a, &la);
		pb = ke_public(b, &lb);
		assert_int_equal(la, lb);
		assert_memory_equal(pa, pb, la);
		ke_free(a);
		ke_free(b);
		rand_det_free(r1);
		rand_det_free(r2);
	}
}

int test_group_ke(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(x25519_rfc7748_5_2),
		cmocka_unit_test(x25519_rfc7748_6_1),
		cmocka_unit_test(x25519_rejects_zero_result),
		cmocka_unit_test(ecp256_rfc5903_8_1),
		cmocka_unit_test(ecp_rejects_bad_points),
		cmocka_unit_test(modp_rfc3526_parameters_and_validation),
		cmocka_unit_test(every_group_round_trips),
		cmocka_unit_test(deterministic_source_gives_same_keys),
	};
	return cmocka_run_group_tests_name("crypto_ke", tests, NULL, NULL);
}
