/*
 * test_sign.c - key loading, RFC 7427 AUTH data (AlgorithmIdentifier
 * encodings from RFC 7427 Appendix A and RFC 8420), signature round trips
 * for every key type, tampering, and the legacy AUTH methods.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "crypto/sign.h"
#include "helpers.h"
#include "wire/ikev2.h"

static const char *path(const char *rel)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s/crypto/pki/%s", RESWAN_TEST_DATA, rel);
	return buf;
}

static struct sign_key *load(const char *rel, enum sign_key_type want)
{
	struct sign_key *k = NULL;

	assert_int_equal(sign_key_load_file(path(rel), &k), 0);
	assert_non_null(k);
	assert_int_equal(sign_key_type(k), want);
	return k;
}

static void loads_every_key_format(void **state)
{
	struct sign_key *a = load("rsa-pkcs8.pem", SIGN_KEY_RSA);
	struct sign_key *b = load("rsa-trad.pem", SIGN_KEY_RSA);
	struct sign_key *c = load("leaf.key", SIGN_KEY_ECDSA_P256);
	struct sign_key *d = load("ec384-pkcs8.der", SIGN_KEY_ECDSA_P384);
	struct sign_key *e = load("ed25519.pem", SIGN_KEY_ED25519);
	struct sign_pub *pa = sign_key_pub(a), *pb = sign_key_pub(b), *pf = NULL;
	uint8_t *mem;
	size_t len;

	(void)state;
	assert_non_null(pa);
	assert_non_null(pb);
	/* PKCS#8 and PKCS#1 files of the same key give the same public key. */
	assert_true(sign_pub_equal(pa, pb));
	mem = data_read("crypto/pki/rsa-pub.pem", &len);
	assert_int_equal(sign_pub_load_mem(mem, len, &pf), 0);
	assert_true(sign_pub_equal(pa, pf));
	assert_int_equal(sign_pub_type(pf), SIGN_KEY_RSA);
	free(mem);
	sign_pub_free(pa);
	sign_pub_free(pb);
	sign_pub_free(pf);
	sign_key_free(a);
	sign_key_free(b);
	sign_key_free(c);
	sign_key_free(d);
	sign_key_free(e);
	sign_key_free(NULL);
	sign_pub_free(NULL);
}

static char last_log[512];

static void capture(void *ctx, enum log_level lvl, const char *line)
{
	(void)ctx;
	(void)lvl;
	snprintf(last_log, sizeof(last_log), "%s", line);
}

/* A refused file is reported with its path and the reason. */
static void refused(const char *rel, int want, const char *why)
{
	struct sign_key *k = NULL;

	last_log[0] = '\0';
	assert_int_equal(sign_key_load_file(path(rel), &k), want);
	assert_null(k);
	if (!strstr(last_log, rel) || !strstr(last_log, why))
		fail_msg("log line for %s lacks path or '%s': %s", rel, why, last_log);
}

static void refuses_bad_key_files(void **state)
{
	struct sign_key *k = NULL;
	uint8_t *mem;
	size_t len;

	(void)state;
	log_set_sink(capture, NULL);
	refused("rsa-enc.pem", ERR_SYNTAX, "not an unencrypted private key");
	refused("rsa-1024.pem", ERR_UNSUPPORTED, "1024 bits");
	refused("rsa-pub.pem", ERR_SYNTAX, "private key");
	refused("leaf.pem", ERR_SYNTAX, "private key");
	refused("no-such-file.pem", ERR_IO, "cannot open");
	assert_int_equal(sign_key_load_mem("garbage", 7, &k), ERR_SYNTAX);
	assert_int_equal(sign_key_load_mem("", 0, &k), ERR_SYNTAX);
	/* A truncated PEM key. */
	mem = data_read("crypto/pki/rsa-pkcs8.pem", &len);
	assert_int_equal(sign_key_load_mem(mem, len / 2, &k), ERR_SYNTAX);
	free(mem);
	assert_null(k);
	log_set_sink(NULL, NULL);
}

/* RFC 7427 Appendix A (A.1.2-A.1.4, A.3.1-A.3.3, A.4.3) and RFC 8420 3. */
static const struct {
	enum sign_alg alg;
	const char *der;
} rfc_der[] = {
	{ SIGN_ALG_RSA_PKCS1_SHA256, "300d06092a864886f70d01010b0500" },
	{ SIGN_ALG_RSA_PKCS1_SHA384, "300d06092a864886f70d01010c0500" },
	{ SIGN_ALG_RSA_PKCS1_SHA512, "300d06092a864886f70d01010d0500" },
	{ SIGN_ALG_ECDSA_SHA256, "300a06082a8648ce3d040302" },
	{ SIGN_ALG_ECDSA_SHA384, "300a06082a8648ce3d040303" },
	{ SIGN_ALG_ECDSA_SHA512, "300a06082a8648ce3d040304" },
	{ SIGN_ALG_RSA_PSS_SHA256,
	  "304106092a864886f70d01010a3034a00f300d06096086480165030402010500"
	  "a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120" },
	{ SIGN_ALG_ED25519, "300506032b6570" },
};

static void algorithm_identifiers_match_rfc7427(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rfc_der) / sizeof(rfc_der[0]); i++) {
		uint8_t want[128];
		size_t wl = hex2bin(rfc_der[i].der, want, sizeof(want)), len = 0;
		const uint8_t *der = sign_alg_der(rfc_der[i].alg, &len);
		enum sign_alg got = SIGN_ALG_NONE;

		assert_non_null(der);
		assert_int_equal(len, wl);
		assert_memory_equal(der, want, wl);
		assert_int_equal(sign_alg_from_der(want, wl, &got), 0);
		assert_int_equal(got, rfc_der[i].alg);
	}
	/* Every whitelisted encoding round-trips. */
	for (int a = SIGN_ALG_NONE + 1; a < SIGN_ALG_COUNT; a++) {
		size_t len = 0;
		const uint8_t *der = sign_alg_der((enum sign_alg)a, &len);
		enum sign_alg got = SIGN_ALG_NONE;

		assert_non_null(der);
		assert_true(len <= SIGN_MAX_ALGID_LEN);
		assert_int_equal(sign_alg_from_der(der, len, &got), 0);
		assert_int_equal(got, a);
	}
}

static void off_whitelist_identifiers_are_refused(void **state)
{
	static const char *const bad[] = {
		"300d06092a864886f70d0101050500",	/* A.1.1 sha1WithRSAEncryption */
		"300b06092a864886f70d01010b",		/* sha256WithRSA, parameters absent */
		"300b06092a864886f70d01010a3000",	/* A.4.1 PSS, empty parameters */
		"300906072a8648ce3d0401",		/* ecdsa-with-SHA1 */
		"300d06092a864886f70d01010b0501",	/* trailing garbage inside */
	};
	enum sign_alg a = SIGN_ALG_RSA_PKCS1_SHA256;
	uint8_t der[64];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t n = hex2bin(bad[i], der, sizeof(der));

		assert_int_equal(sign_alg_from_der(der, n, &a), ERR_UNSUPPORTED);
	}
	assert_int_equal(a, SIGN_ALG_RSA_PKCS1_SHA256);
}

static void auth_parser_is_bounded(void **state)
{
	uint8_t buf[64] = { 0 };
	const uint8_t *sig = NULL;
	size_t sl = 0, n;
	enum sign_alg a = SIGN_ALG_NONE;

	(void)state;
	assert_int_equal(sign_auth_parse(buf, 0, &a, &sig, &sl), ERR_TRUNCATED);
	buf[0] = 0;
	assert_int_equal(sign_auth_parse(buf, 1, &a, &sig, &sl), ERR_SYNTAX);
	/* Declared AlgorithmIdentifier longer than what follows. */
	n = hex2bin("0c300a06082a8648ce3d0403", buf, sizeof(buf));
	assert_int_equal(sign_auth_parse(buf, n, &a, &sig, &sl), ERR_TRUNCATED);
	/* Complete identifier but no signature. */
	n = hex2bin("0c300a06082a8648ce3d040302", buf, sizeof(buf));
	assert_int_equal(sign_auth_parse(buf, n, &a, &sig, &sl), ERR_SYNTAX);
	buf[n] = 0x30;
	assert_int_equal(sign_auth_parse(buf, n + 1, &a, &sig, &sl), 0);
	assert_int_equal(a, SIGN_ALG_ECDSA_SHA256);
	assert_ptr_equal(sig, buf + n);
	assert_int_equal(sl, 1);
	/* Length octet past the cap. */
	buf[0] = SIGN_MAX_ALGID_LEN + 1;
	assert_int_equal(sign_auth_parse(buf, sizeof(buf), &a, &sig, &sl), ERR_SYNTAX);
}

static void round_trip_key(struct sign_key *k, struct sign_key *other)
{
	static const uint8_t octets[] = "IKE_SA_INIT message | Nr | prf(SK_pi, IDi')";
	struct sign_pub *pub = sign_key_pub(k), *wrong = sign_key_pub(other);
	int tried = 0;

	assert_non_null(pub);
	assert_non_null(wrong);
	for (int a = SIGN_ALG_NONE + 1; a < SIGN_ALG_COUNT; a++) {
		uint8_t auth[SIGN_MAX_AUTH_LEN];
		size_t len = 0;
		enum sign_alg got = SIGN_ALG_NONE;

		if (!sign_alg_fits((enum sign_alg)a, sign_key_type(k))) {
			assert_int_equal(sign_auth_build(k, (enum sign_alg)a, octets,
							 sizeof(octets), auth, sizeof(auth), &len),
					 ERR_INVAL);
			continue;
		}
		tried++;
		assert_int_equal(sign_auth_build(k, (enum sign_alg)a, octets, sizeof(octets),
						 auth, sizeof(auth), &len), 0);
		assert_int_equal(sign_auth_verify(pub, auth, len, octets, sizeof(octets), &got), 0);
		assert_int_equal(got, a);
		/* Another key, other octets, a flipped signature bit: all refused. */
		assert_int_equal(sign_auth_verify(wrong, auth, len, octets, sizeof(octets), NULL),
				 ERR_AUTH);
		assert_int_equal(sign_auth_verify(pub, auth, len, octets, sizeof(octets) - 1, NULL),
				 ERR_AUTH);
		auth[len - 5] ^= 0x10;
		assert_int_equal(sign_auth_verify(pub, auth, len, octets, sizeof(octets), NULL),
				 ERR_AUTH);
		auth[len - 5] ^= 0x10;
		/* Too small an output buffer. */
		assert_int_equal(sign_auth_build(k, (enum sign_alg)a, octets, sizeof(octets),
						 auth, 10, &len), ERR_LIMIT);
	}
	assert_true(tried > 0);
	sign_pub_free(pub);
	sign_pub_free(wrong);
}

static void every_key_type_round_trips(void **state)
{
	struct sign_key *rsa = load("rsa-pkcs8.pem", SIGN_KEY_RSA);
	struct sign_key *p256 = sign_key_generate(SIGN_KEY_ECDSA_P256);
	struct sign_key *p384 = load("ec384-pkcs8.der", SIGN_KEY_ECDSA_P384);
	struct sign_key *ed = sign_key_generate(SIGN_KEY_ED25519);
	struct sign_key *rsa2 = sign_key_generate(SIGN_KEY_RSA);

	(void)state;
	assert_non_null(p256);
	assert_non_null(ed);
	assert_non_null(rsa2);
	round_trip_key(rsa, rsa2);
	round_trip_key(p256, p384);
	round_trip_key(p384, p256);
	round_trip_key(ed, p256);
	sign_key_free(rsa);
	sign_key_free(rsa2);
	sign_key_free(p256);
	sign_key_free(p384);
	sign_key_free(ed);
}

static void algorithm_must_fit_the_key(void **state)
{
	static const uint8_t octets[] = "octets";
	struct sign_key *ec = load("leaf.key", SIGN_KEY_ECDSA_P256);
	struct sign_key *ed = load("ed25519.pem", SIGN_KEY_ED25519);
	struct sign_pub *ecpub = sign_key_pub(ec);
	uint8_t auth[SIGN_MAX_AUTH_LEN];
	size_t len, dl;
	const uint8_t *der;

	(void)state;
	/* An Ed25519 signature relabelled as ECDSA is refused before any math. */
	assert_int_equal(sign_auth_build(ed, SIGN_ALG_ED25519, octets, sizeof(octets),
					 auth, sizeof(auth), &len), 0);
	assert_int_equal(sign_auth_verify(ecpub, auth, len, octets, sizeof(octets), NULL),
			 ERR_AUTH);
	der = sign_alg_der(SIGN_ALG_RSA_PKCS1_SHA256, &dl);
	auth[0] = (uint8_t)dl;
	memcpy(auth + 1, der, dl);
	memset(auth + 1 + dl, 0x42, 256);
	assert_int_equal(sign_auth_verify(ecpub, auth, 1 + dl + 256, octets,
					  sizeof(octets), NULL), ERR_AUTH);
	assert_int_equal(sign_alg_choose(SIGN_KEY_RSA, IKEV2_HASH_SHA2_384, true),
			 SIGN_ALG_RSA_PSS_SHA384);
	assert_int_equal(sign_alg_choose(SIGN_KEY_RSA, IKEV2_HASH_SHA2_256, false),
			 SIGN_ALG_RSA_PKCS1_SHA256);
	assert_int_equal(sign_alg_choose(SIGN_KEY_ECDSA_P384, IKEV2_HASH_SHA2_384, false),
			 SIGN_ALG_ECDSA_SHA384);
	assert_int_equal(sign_alg_choose(SIGN_KEY_ED25519, IKEV2_HASH_IDENTITY, false),
			 SIGN_ALG_ED25519);
	assert_int_equal(sign_alg_choose(SIGN_KEY_ED25519, IKEV2_HASH_SHA2_256, false),
			 SIGN_ALG_NONE);
	assert_int_equal(sign_alg_choose(SIGN_KEY_RSA, IKEV2_HASH_SHA1, false), SIGN_ALG_NONE);
	sign_pub_free(ecpub);
	sign_key_free(ec);
	sign_key_free(ed);
}

static void legacy_methods(void **state)
{
	static const uint8_t octets[] = "legacy octets";
	struct sign_key *p256 = load("leaf.key", SIGN_KEY_ECDSA_P256);
	struct sign_key *p384 = load("ec384-pkcs8.der", SIGN_KEY_ECDSA_P384);
	struct sign_key *rsa = load("rsa-pkcs8.pem", SIGN_KEY_RSA);
	struct sign_pub *pub256 = sign_key_pub(p256), *pub384 = sign_key_pub(p384);
	struct sign_pub *pubrsa = sign_key_pub(rsa);
	uint8_t sig[128], *msg, *rsasig;
	size_t len = 0, mlen, slen;

	(void)state;
	/* RFC 4754: ECDSA_256 is r | s, 64 octets. */
	assert_int_equal(sign_legacy_build(p256, IKEV2_AUTH_ECDSA_256, octets, sizeof(octets),
					   sig, sizeof(sig), &len), 0);
	assert_int_equal(len, 64);
	assert_int_equal(sign_legacy_verify(pub256, IKEV2_AUTH_ECDSA_256, sig, len, octets,
					    sizeof(octets)), 0);
	sig[10] ^= 1;
	assert_int_equal(sign_legacy_verify(pub256, IKEV2_AUTH_ECDSA_256, sig, len, octets,
					    sizeof(octets)), ERR_AUTH);
	assert_int_equal(sign_legacy_verify(pub256, IKEV2_AUTH_ECDSA_256, sig, 63, octets,
					    sizeof(octets)), ERR_AUTH);
	/* The method fixes the curve. */
	assert_int_equal(sign_legacy_verify(pub384, IKEV2_AUTH_ECDSA_256, sig, len, octets,
					    sizeof(octets)), ERR_AUTH);
	assert_int_equal(sign_legacy_build(p256, IKEV2_AUTH_ECDSA_384, octets, sizeof(octets),
					   sig, sizeof(sig), &len), ERR_INVAL);
	assert_int_equal(sign_legacy_build(p384, IKEV2_AUTH_ECDSA_384, octets, sizeof(octets),
					   sig, sizeof(sig), &len), 0);
	assert_int_equal(len, 96);
	assert_int_equal(sign_legacy_verify(pub384, IKEV2_AUTH_ECDSA_384, sig, len, octets,
					    sizeof(octets)), 0);
	/* RSA_SIG: verify a SHA-1 signature made by the openssl tool; never sign. */
	assert_int_equal(sign_legacy_build(rsa, IKEV2_AUTH_RSA_SIG, octets, sizeof(octets),
					   sig, sizeof(sig), &len), ERR_UNSUPPORTED);
	msg = data_read("crypto/pki/legacy.txt", &mlen);
	rsasig = data_read("crypto/pki/legacy-rsa-sha1.sig", &slen);
	assert_int_equal(sign_legacy_verify(pubrsa, IKEV2_AUTH_RSA_SIG, rsasig, slen, msg, mlen), 0);
	assert_int_equal(sign_legacy_verify(pubrsa, IKEV2_AUTH_RSA_SIG, rsasig, slen, msg,
					    mlen - 1), ERR_AUTH);
	assert_int_equal(sign_legacy_verify(pubrsa, IKEV2_AUTH_DSS_SIG, rsasig, slen, msg, mlen),
			 ERR_UNSUPPORTED);
	free(msg);
	free(rsasig);
	sign_pub_free(pub256);
	sign_pub_free(pub384);
	sign_pub_free(pubrsa);
	sign_key_free(p256);
	sign_key_free(p384);
	sign_key_free(rsa);
}

static void pem_export_reloads(void **state)
{
	struct sign_key *k = sign_key_generate(SIGN_KEY_ECDSA_P384), *k2 = NULL;
	struct sign_pub *a, *b;
	char pem[4096];
	size_t len = 0;

	(void)state;
	assert_non_null(k);
	assert_int_equal(sign_key_to_pem(k, pem, sizeof(pem), &len), 0);
	assert_int_equal(sign_key_to_pem(k, pem, 10, &len), ERR_LIMIT);
	assert_int_equal(sign_key_to_pem(k, pem, sizeof(pem), &len), 0);
	assert_int_equal(sign_key_load_mem(pem, len, &k2), 0);
	a = sign_key_pub(k);
	b = sign_key_pub(k2);
	assert_true(sign_pub_equal(a, b));
	sign_pub_free(a);
	sign_pub_free(b);
	sign_key_free(k);
	sign_key_free(k2);
}

int test_group_sign(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_every_key_format),
		cmocka_unit_test(refuses_bad_key_files),
		cmocka_unit_test(algorithm_identifiers_match_rfc7427),
		cmocka_unit_test(off_whitelist_identifiers_are_refused),
		cmocka_unit_test(auth_parser_is_bounded),
		cmocka_unit_test(every_key_type_round_trips),
		cmocka_unit_test(algorithm_must_fit_the_key),
		cmocka_unit_test(legacy_methods),
		cmocka_unit_test(pem_export_reloads),
	};
	return cmocka_run_group_tests_name("crypto_sign", tests, NULL, NULL);
}
