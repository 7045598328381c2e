/*
 * test_x509.c - certificate loading, chain verification at a given time,
 * identity matching and the accessors IKE uses.  Certificates come from
 * tests/data/crypto/pki/ (made by tests/data/crypto/gen_pki.sh).
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
#include "crypto/x509.h"
#include "helpers.h"
#include "wire/ikev2.h"

#define DAY 86400

static struct x509_cert *cert(const char *rel)
{
	char p[512];
	struct x509_cert *c = NULL;

	snprintf(p, sizeof(p), "%s/crypto/pki/%s", RESWAN_TEST_DATA, rel);
	assert_int_equal(x509_cert_load_file(p, &c), 0);
	assert_non_null(c);
	return c;
}

static struct x509_store *store_of(const char *rel)
{
	char p[512];
	struct x509_store *s = x509_store_new();

	assert_non_null(s);
	snprintf(p, sizeof(p), "%s/crypto/pki/%s", RESWAN_TEST_DATA, rel);
	assert_int_equal(x509_store_load_file(s, p), 0);
	assert_int_equal(x509_store_count(s), 1);
	return s;
}

static void chain_accept_and_reject(void **state)
{
	struct x509_cert *leaf = cert("leaf.pem"), *inter = cert("inter.pem");
	struct x509_store *root = store_of("root.pem"), *other = store_of("other.pem");
	const struct x509_cert *chain[X509_MAX_INTERMEDIATES + 1];
	const char *why = NULL;
	int64_t nb, na;

	(void)state;
	assert_int_equal(x509_cert_validity(leaf, &nb, &na), 0);
	assert_true(na - nb >= 364 * DAY);
	chain[0] = inter;
	assert_int_equal(x509_verify(root, leaf, chain, 1, nb + DAY, &why), 0);
	/* Without the intermediate the chain is incomplete. */
	assert_int_equal(x509_verify(root, leaf, NULL, 0, nb + DAY, &why), ERR_CERT);
	assert_non_null(strstr(why, "issuer"));
	/* A CA with the same name but another key. */
	assert_int_equal(x509_verify(other, leaf, chain, 1, nb + DAY, &why), ERR_CERT);
	/* Expired, and not yet valid, at the time we are given. */
	assert_int_equal(x509_verify(root, leaf, chain, 1, na + DAY, &why), ERR_CERT);
	assert_non_null(strstr(why, "expired"));
	assert_int_equal(x509_verify(root, leaf, chain, 1, nb - DAY, &why), ERR_CERT);
	assert_non_null(strstr(why, "not yet valid"));
	/* The intermediate alone is not a trust anchor. */
	{
		struct x509_store *s = x509_store_new();

		assert_int_equal(x509_store_add(s, inter), 0);
		assert_int_equal(x509_verify(s, leaf, NULL, 0, nb + DAY, &why), ERR_CERT);
		x509_store_free(s);
	}
	/* A peer cannot make us walk an unbounded chain. */
	for (int i = 0; i <= X509_MAX_INTERMEDIATES; i++)
		chain[i] = inter;
	assert_int_equal(x509_verify(root, leaf, chain, X509_MAX_INTERMEDIATES + 1,
				     nb + DAY, &why), ERR_LIMIT);
	x509_store_free(root);
	x509_store_free(other);
	x509_store_free(NULL);
	x509_cert_free(leaf);
	x509_cert_free(inter);
	x509_cert_free(NULL);
}

static void identity_matching(void **state)
{
	struct x509_cert *leaf = cert("leaf.pem"), *root = cert("root.pem");
	const uint8_t ip4[4] = { 192, 0, 2, 7 }, ip4x[4] = { 192, 0, 2, 8 };
	const uint8_t ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 7 };
	const uint8_t *dn;
	size_t dnl;

#define ID(t, s) x509_cert_match_id(leaf, t, (const uint8_t *)(s), strlen(s))
	(void)state;
	assert_int_equal(ID(IKEV2_ID_FQDN, "vpn.example"), 0);
	assert_int_equal(ID(IKEV2_ID_FQDN, "VPN.Example"), 0);
	assert_int_equal(ID(IKEV2_ID_FQDN, "vpn.exampl"), ERR_AUTH);
	assert_int_equal(ID(IKEV2_ID_FQDN, "other.example"), ERR_AUTH);
	assert_int_equal(ID(IKEV2_ID_RFC822_ADDR, "ops@vpn.example"), 0);
	assert_int_equal(ID(IKEV2_ID_RFC822_ADDR, "vpn.example"), ERR_AUTH);
	assert_int_equal(ID(IKEV2_ID_FQDN, "ops@vpn.example"), ERR_AUTH);
	assert_int_equal(ID(IKEV2_ID_KEY_ID, "vpn.example"), ERR_UNSUPPORTED);
#undef ID
	assert_int_equal(x509_cert_match_id(leaf, IKEV2_ID_IPV4_ADDR, ip4, 4), 0);
	assert_int_equal(x509_cert_match_id(leaf, IKEV2_ID_IPV4_ADDR, ip4x, 4), ERR_AUTH);
	assert_int_equal(x509_cert_match_id(leaf, IKEV2_ID_IPV6_ADDR, ip6, 16), 0);
	assert_int_equal(x509_cert_match_id(leaf, IKEV2_ID_IPV6_ADDR, ip6, 15), ERR_AUTH);
	/* The subject CN is not an FQDN identity. */
	assert_int_equal(x509_cert_match_id(root, IKEV2_ID_FQDN,
					    (const uint8_t *)"reswan test root", 16), ERR_AUTH);
	dn = x509_cert_subject_der(leaf, &dnl);
	assert_int_equal(x509_cert_match_id(leaf, IKEV2_ID_DER_ASN1_DN, dn, dnl), 0);
	assert_int_equal(x509_cert_match_id(leaf, IKEV2_ID_DER_ASN1_DN, dn, dnl - 1), ERR_SYNTAX);
	dn = x509_cert_subject_der(root, &dnl);
	assert_int_equal(x509_cert_match_id(leaf, IKEV2_ID_DER_ASN1_DN, dn, dnl), ERR_AUTH);
	assert_int_equal(x509_cert_match_id(leaf, IKEV2_ID_FQDN, NULL, 0), ERR_AUTH);
	x509_cert_free(leaf);
	x509_cert_free(root);
}

static void accessors(void **state)
{
	struct x509_cert *leaf = cert("leaf.pem"), *again = NULL;
	struct sign_key *key = NULL;
	struct sign_pub *a, *b;
	struct x509_san san;
	uint8_t sha[20], want[20], *hex;
	const uint8_t *der;
	char buf[128];
	size_t len, hl;
	int types[4];

	(void)state;
	/* DER out, DER back in: the same certificate. */
	der = x509_cert_der(leaf, &len);
	assert_true(len > 100 && der[0] == 0x30);
	assert_int_equal(x509_cert_load_mem(der, len, &again), 0);
	{
		size_t l2;
		const uint8_t *d2 = x509_cert_der(again, &l2);

		assert_int_equal(l2, len);
		assert_memory_equal(d2, der, len);
	}
	assert_int_equal(x509_cert_load_mem(der, len - 1, &again), ERR_SYNTAX);
	assert_int_equal(x509_cert_load_mem("junk", 4, &again), ERR_SYNTAX);
	x509_cert_free(again);
	/* SANs in certificate order. */
	for (size_t i = 0; i < 4; i++) {
		assert_int_equal(x509_cert_san(leaf, i, &san), 0);
		types[i] = san.type;
	}
	assert_int_equal(x509_cert_san(leaf, 4, &san), ERR_NOTFOUND);
	assert_int_equal(types[0], X509_SAN_DNS);
	assert_int_equal(types[1], X509_SAN_EMAIL);
	assert_int_equal(types[2], X509_SAN_IP);
	assert_int_equal(types[3], X509_SAN_IP);
	assert_int_equal(x509_cert_san(leaf, 3, &san), 0);
	assert_int_equal(san.len, 16);
	/* CERTREQ hash, as computed by the openssl tool in gen_pki.sh. */
	hex = data_read("crypto/pki/leaf.spki-sha1", &hl);
	hex[40] = '\0';
	hex2bin((const char *)hex, want, sizeof(want));
	free(hex);
	assert_int_equal(x509_cert_spki_sha1(leaf, sha), 0);
	assert_memory_equal(sha, want, 20);
	/* The certificate's key is the one in leaf.key. */
	snprintf(buf, sizeof(buf), "%s/crypto/pki/leaf.key", RESWAN_TEST_DATA);
	assert_int_equal(sign_key_load_file(buf, &key), 0);
	a = x509_cert_pub(leaf);
	b = sign_key_pub(key);
	assert_non_null(a);
	assert_int_equal(sign_pub_type(a), SIGN_KEY_ECDSA_P256);
	assert_true(sign_pub_equal(a, b));
	assert_non_null(strstr(x509_cert_subject_str(leaf, buf, sizeof(buf)), "CN=vpn.example"));
	sign_pub_free(a);
	sign_pub_free(b);
	sign_key_free(key);
	x509_cert_free(leaf);
}

static void bad_files_are_named(void **state)
{
	struct x509_cert *c = NULL;
	struct x509_store *s = x509_store_new();
	char p[512];

	(void)state;
	log_set_level(LOG_LVL_ERROR);
	snprintf(p, sizeof(p), "%s/crypto/pki/leaf.key", RESWAN_TEST_DATA);
	assert_int_equal(x509_cert_load_file(p, &c), ERR_SYNTAX);
	assert_int_equal(x509_store_load_file(s, p), ERR_SYNTAX);
	snprintf(p, sizeof(p), "%s/crypto/pki/absent.pem", RESWAN_TEST_DATA);
	assert_int_equal(x509_cert_load_file(p, &c), ERR_IO);
	assert_null(c);
	assert_int_equal(x509_store_count(s), 0);
	x509_store_free(s);
}

int test_group_x509(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chain_accept_and_reject),
		cmocka_unit_test(identity_matching),
		cmocka_unit_test(accessors),
		cmocka_unit_test(bad_files_are_named),
	};
	return cmocka_run_group_tests_name("crypto_x509", tests, NULL, NULL);
}
