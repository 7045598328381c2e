/*
 * test_proposal.c - proposal strings: keywords to IANA numbers, strongSwan's
 * completeness rules, defaults, and rendering round trips.
 */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "config/proposal.h"
#include "test_config.h"
#include "wire/ikev2.h"

static struct proposal parse(uint8_t proto, const char *s, unsigned *notes)
{
	struct proposal p;
	char err[256] = "";
	int rc = proposal_parse(proto, s, &p, notes, err, sizeof(err));

	if (rc) {
		fprintf(stderr, "%s: %s\n", s, err);
		fail();
	}
	return p;
}

static void ike_classic(void **state)
{
	struct proposal p = parse(IKEV2_PROTO_IKE, "aes128-sha256-modp2048", NULL);

	(void)state;
	assert_int_equal(p.proto, IKEV2_PROTO_IKE);
	assert_false(p.aead);
	assert_int_equal(p.n_encr, 1);
	assert_int_equal(p.encr[0].id, IKEV2_ENCR_AES_CBC);
	assert_int_equal(p.encr[0].keylen, 128);
	assert_int_equal(p.n_integ, 1);
	assert_int_equal(p.integ[0], IKEV2_INTEG_HMAC_SHA2_256_128);
	/* no PRF given: sha256 implies prfsha256 */
	assert_int_equal(p.n_prf, 1);
	assert_int_equal(p.prf[0], IKEV2_PRF_HMAC_SHA2_256);
	assert_int_equal(p.n_dh, 1);
	assert_int_equal(p.dh[0], IKEV2_DH_MODP_2048);
	assert_int_equal(p.n_esn, 0);

	/* several of each kind, in order; explicit PRF stays explicit */
	p = parse(IKEV2_PROTO_IKE, "aes256-aes192-sha512-sha384-prfsha256-"
		  "ecp384-ecp256-modp3072-x25519", NULL);
	assert_int_equal(p.n_encr, 2);
	assert_int_equal(p.encr[0].keylen, 256);
	assert_int_equal(p.encr[1].keylen, 192);
	assert_int_equal(p.integ[0], IKEV2_INTEG_HMAC_SHA2_512_256);
	assert_int_equal(p.integ[1], IKEV2_INTEG_HMAC_SHA2_384_192);
	assert_int_equal(p.n_prf, 1);
	assert_int_equal(p.prf[0], IKEV2_PRF_HMAC_SHA2_256);
	assert_int_equal(p.n_dh, 4);
	assert_int_equal(p.dh[0], IKEV2_DH_ECP_384);
	assert_int_equal(p.dh[1], IKEV2_DH_ECP_256);
	assert_int_equal(p.dh[2], IKEV2_DH_MODP_3072);
	assert_int_equal(p.dh[3], IKEV2_DH_CURVE25519);

	/* implied PRFs follow the integrity order */
	p = parse(IKEV2_PROTO_IKE, "aes256-sha384-sha256-curve25519", NULL);
	assert_int_equal(p.n_prf, 2);
	assert_int_equal(p.prf[0], IKEV2_PRF_HMAC_SHA2_384);
	assert_int_equal(p.prf[1], IKEV2_PRF_HMAC_SHA2_256);

	/* aliases and case */
	p = parse(IKEV2_PROTO_IKE, "AES-SHA2_512-PRFSHA512-Curve25519", NULL);
	assert_int_equal(p.encr[0].keylen, 128);
	assert_int_equal(p.integ[0], IKEV2_INTEG_HMAC_SHA2_512_256);
	assert_int_equal(p.dh[0], IKEV2_DH_CURVE25519);
}

static void ike_aead(void **state)
{
	unsigned notes;
	struct proposal p;

	(void)state;
	p = parse(IKEV2_PROTO_IKE, "aes256gcm16-prfsha384-ecp384", &notes);
	assert_true(p.aead);
	assert_int_equal(p.encr[0].id, IKEV2_ENCR_AES_GCM_16);
	assert_int_equal(p.encr[0].keylen, 256);
	assert_int_equal(p.n_integ, 0);
	assert_int_equal(p.prf[0], IKEV2_PRF_HMAC_SHA2_384);
	assert_int_equal(notes, 0);

	/* the common "aes256gcm16-sha256-..." spelling: sha256 picks the PRF */
	p = parse(IKEV2_PROTO_IKE, "aes128gcm16-sha256-x25519", &notes);
	assert_true(p.aead);
	assert_int_equal(p.n_integ, 0);
	assert_int_equal(p.n_prf, 1);
	assert_int_equal(p.prf[0], IKEV2_PRF_HMAC_SHA2_256);
	assert_int_equal(notes, 0);

	/* integrity next to an explicit PRF is useless: dropped, noted */
	p = parse(IKEV2_PROTO_IKE, "aes128gcm16-sha256-prfsha512-x25519", &notes);
	assert_int_equal(p.n_integ, 0);
	assert_int_equal(p.prf[0], IKEV2_PRF_HMAC_SHA2_512);
	assert_int_equal(notes, PROPOSAL_NOTE_DROPPED_INTEG);

	p = parse(IKEV2_PROTO_IKE, "chacha20poly1305-aes256gcm128-prfsha256-"
		  "ecp256", NULL);
	assert_int_equal(p.n_encr, 2);
	assert_int_equal(p.encr[0].id, IKEV2_ENCR_CHACHA20_POLY1305);
	assert_int_equal(p.encr[0].keylen, 0);
	assert_int_equal(p.encr[1].id, IKEV2_ENCR_AES_GCM_16);
	assert_int_equal(p.encr[1].keylen, 256);
}

static void esp(void **state)
{
	unsigned notes;
	struct proposal p;

	(void)state;
	p = parse(IKEV2_PROTO_ESP, "aes128gcm16", &notes);
	assert_true(p.aead);
	assert_int_equal(p.n_prf, 0);
	assert_int_equal(p.n_dh, 0);
	assert_int_equal(p.n_esn, 1);
	assert_int_equal(p.esn[0], IKEV2_ESN_NO);	/* noesn implied */

	p = parse(IKEV2_PROTO_ESP, "aes256-sha512-modp3072-esn-noesn", &notes);
	assert_false(p.aead);
	assert_int_equal(p.integ[0], IKEV2_INTEG_HMAC_SHA2_512_256);
	assert_int_equal(p.n_prf, 0);
	assert_int_equal(p.dh[0], IKEV2_DH_MODP_3072);	/* PFS */
	assert_int_equal(p.n_esn, 2);
	assert_int_equal(p.esn[0], IKEV2_ESN_YES);
	assert_int_equal(p.esn[1], IKEV2_ESN_NO);
	assert_int_equal(notes, 0);

	/* strongSwan drops these silently; we note them */
	p = parse(IKEV2_PROTO_ESP, "aes256gcm16-sha256", &notes);
	assert_int_equal(p.n_integ, 0);
	assert_int_equal(notes, PROPOSAL_NOTE_DROPPED_INTEG);
	p = parse(IKEV2_PROTO_ESP, "aes128-sha256-prfsha256", &notes);
	assert_int_equal(p.n_prf, 0);
	assert_int_equal(p.n_integ, 1);
	assert_int_equal(notes, PROPOSAL_NOTE_DROPPED_PRF);

	/* duplicates count once */
	p = parse(IKEV2_PROTO_ESP, "aes128-aes-aes128-sha256-sha2_256", NULL);
	assert_int_equal(p.n_encr, 1);
	assert_int_equal(p.n_integ, 1);
}

struct bad {
	uint8_t proto;
	const char *s;
	int rc;
	const char *msg;
};

static void rule_violations(void **state)
{
	static const struct bad cases[] = {
		{ IKEV2_PROTO_IKE, "aes128gcm16-aes128-sha256-x25519", ERR_CONFIG,
		  "AEAD cipher 'aes128gcm16' and classic cipher 'aes128' cannot "
		  "be combined" },
		{ IKEV2_PROTO_ESP, "aes256-chacha20poly1305-sha256", ERR_CONFIG,
		  "cannot be combined" },
		{ IKEV2_PROTO_IKE, "sha256-prfsha256-x25519", ERR_CONFIG,
		  "an encryption algorithm is mandatory in IKE proposals" },
		{ IKEV2_PROTO_ESP, "sha256", ERR_CONFIG,
		  "an encryption algorithm is mandatory in ESP proposals" },
		{ IKEV2_PROTO_IKE, "aes128-prfsha256-x25519", ERR_CONFIG,
		  "an integrity algorithm is mandatory in IKE proposals" },
		{ IKEV2_PROTO_ESP, "aes128-modp2048", ERR_CONFIG,
		  "an integrity algorithm is mandatory in ESP proposals" },
		{ IKEV2_PROTO_IKE, "aes128gcm16-x25519", ERR_CONFIG,
		  "a PRF is mandatory in IKE proposals" },
		{ IKEV2_PROTO_IKE, "aes128-sha256", ERR_CONFIG,
		  "a key exchange method is mandatory in IKE proposals" },
		{ IKEV2_PROTO_IKE, "aes128-sha256-x25519-esn", ERR_CONFIG,
		  "esn/noesn are only valid in ESP proposals" },
		{ IKEV2_PROTO_IKE, "aes128-sha256-foo", ERR_SYNTAX,
		  "unknown algorithm keyword 'foo'" },
		{ IKEV2_PROTO_ESP, "3des-sha256", ERR_UNSUPPORTED,
		  "algorithm '3des' is not supported by reswan" },
		{ IKEV2_PROTO_ESP, "aes128ctr-sha256", ERR_UNSUPPORTED,
		  "'aes128ctr' is not supported" },
		{ IKEV2_PROTO_ESP, "aes192gcm16", ERR_UNSUPPORTED,
		  "'aes192gcm16' is not supported" },
		{ IKEV2_PROTO_ESP, "aes128-sha1", ERR_UNSUPPORTED,
		  "'sha1' is not supported" },
		{ IKEV2_PROTO_IKE, "aes128-sha256-modp1024", ERR_UNSUPPORTED,
		  "'modp1024' is not supported" },
		{ IKEV2_PROTO_IKE, "aes128-sha256-ecp521", ERR_UNSUPPORTED,
		  "'ecp521' is not supported" },
		{ IKEV2_PROTO_IKE, "aes128-sha256-curve448", ERR_UNSUPPORTED,
		  "'curve448' is not supported" },
		{ IKEV2_PROTO_IKE, "aes128--sha256-x25519", ERR_SYNTAX,
		  "empty algorithm keyword" },
		{ IKEV2_PROTO_IKE, "aes128-sha256-x25519-", ERR_SYNTAX,
		  "empty algorithm keyword" },
		{ IKEV2_PROTO_IKE, "", ERR_SYNTAX, "empty algorithm keyword" },
		{ IKEV2_PROTO_ESP, "default-esn", ERR_SYNTAX,
		  "'default' cannot be combined" },
		{ IKEV2_PROTO_ESP, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  ERR_SYNTAX, "unknown algorithm keyword" },
	};
	struct proposal p, untouched;

	(void)state;
	memset(&untouched, 0x5a, sizeof(untouched));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[256] = "";

		p = untouched;
		assert_int_equal(proposal_parse(cases[i].proto, cases[i].s, &p,
						NULL, err, sizeof(err)),
				 cases[i].rc);
		if (!strstr(err, cases[i].msg)) {
			fprintf(stderr, "'%s': got '%s', want '%s'\n", cases[i].s,
				err, cases[i].msg);
			fail();
		}
		/* a failing call leaves its output alone */
		assert_memory_equal(&p, &untouched, sizeof(p));
	}
	assert_int_equal(proposal_parse(IKEV2_PROTO_AH, "sha256", &p, NULL,
					(char[8]){0}, 8), ERR_INVAL);
}

static void round_trips(void **state)
{
	static const struct {
		uint8_t proto;
		const char *in, *canonical;
	} cases[] = {
		{ IKEV2_PROTO_IKE, "aes128-sha256-modp2048",
		  "aes128-sha256-prfsha256-modp2048" },
		{ IKEV2_PROTO_IKE, "aes256gcm16-sha384-x25519",
		  "aes256gcm16-prfsha384-curve25519" },
		{ IKEV2_PROTO_IKE, "AES-sha2_512-ecp384",
		  "aes128-sha512-prfsha512-ecp384" },
		{ IKEV2_PROTO_IKE, "chacha20poly1305-aes128gcm128-prfsha512-ecp256-"
		  "modp3072", "chacha20poly1305-aes128gcm16-prfsha512-ecp256-"
		  "modp3072" },
		{ IKEV2_PROTO_ESP, "aes128gcm16", "aes128gcm16-noesn" },
		{ IKEV2_PROTO_ESP, "aes192-aes256-sha384-sha512-curve25519-esn",
		  "aes192-aes256-sha384-sha512-curve25519-esn" },
		{ IKEV2_PROTO_ESP, "aes128-sha256-noesn-esn",
		  "aes128-sha256-noesn-esn" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[PROPOSAL_STRLEN];
		struct proposal a = parse(cases[i].proto, cases[i].in, NULL), b;

		assert_string_equal(proposal_fmt(&a, buf, sizeof(buf)),
				    cases[i].canonical);
		b = parse(cases[i].proto, buf, NULL);
		assert_true(proposal_equal(&a, &b));
	}
	/* every single supported keyword survives a round trip */
	{
		static const char *const enc[] = {
			"aes128", "aes192", "aes256", "aes128gcm16", "aes256gcm16",
			"chacha20poly1305",
		};
		static const char *const integ[] = { "sha256", "sha384", "sha512" };
		static const char *const dh[] = {
			"modp2048", "modp3072", "ecp256", "ecp384", "curve25519",
		};

		for (size_t e = 0; e < 6; e++)
			for (size_t g = 0; g < 3; g++)
				for (size_t k = 0; k < 5; k++) {
					char in[128], out[PROPOSAL_STRLEN];
					struct proposal a, b;

					snprintf(in, sizeof(in), "%s-%s-%s", enc[e],
						 integ[g], dh[k]);
					a = parse(IKEV2_PROTO_IKE, in, NULL);
					proposal_fmt(&a, out, sizeof(out));
					b = parse(IKEV2_PROTO_IKE, out, NULL);
					assert_true(proposal_equal(&a, &b));
				}
	}
	/* a truncated buffer stays terminated */
	{
		char small[10];
		struct proposal a = parse(IKEV2_PROTO_IKE, "aes128-sha256-x25519",
					  NULL);

		proposal_fmt(&a, small, sizeof(small));
		assert_true(strlen(small) < sizeof(small));
	}
}

static void defaults(void **state)
{
	struct proposal_list l = { 0 };
	char buf[1024];

	(void)state;
	assert_int_equal(proposal_add_defaults(IKEV2_PROTO_IKE, &l), 0);
	assert_int_equal(l.n, 2);
	assert_false(l.p[0].aead);
	assert_true(l.p[1].aead);
	assert_string_equal(proposal_list_fmt(&l, buf, sizeof(buf)),
			    "aes128-aes192-aes256-sha256-sha384-sha512-prfsha256-"
			    "prfsha384-prfsha512-curve25519-ecp256-ecp384-modp3072-"
			    "modp2048, aes128gcm16-aes256gcm16-chacha20poly1305-"
			    "prfsha256-prfsha384-prfsha512-curve25519-ecp256-ecp384-"
			    "modp3072-modp2048");
	memset(&l, 0, sizeof(l));
	assert_int_equal(proposal_add_defaults(IKEV2_PROTO_ESP, &l), 0);
	assert_true(l.p[0].aead);	/* strongSwan 5.9 lists AEAD first */
	assert_string_equal(proposal_list_fmt(&l, buf, sizeof(buf)),
			    "aes128gcm16-aes256gcm16-noesn, aes128-aes192-aes256-"
			    "sha256-sha384-sha512-noesn");
	l.n = PROPOSAL_MAX_LIST - 1;
	assert_int_equal(proposal_add_defaults(IKEV2_PROTO_ESP, &l), ERR_LIMIT);
	assert_int_equal(l.n, PROPOSAL_MAX_LIST - 1);
	assert_string_equal(proposal_keyword(IKEV2_TRANS_ENCR, IKEV2_ENCR_AES_CBC,
					     192), "aes192");
	assert_null(proposal_keyword(IKEV2_TRANS_ENCR, IKEV2_ENCR_3DES, 0));
}

int run_proposal_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ike_classic),
		cmocka_unit_test(ike_aead),
		cmocka_unit_test(esp),
		cmocka_unit_test(rule_violations),
		cmocka_unit_test(round_trips),
		cmocka_unit_test(defaults),
	};

	return cmocka_run_group_tests_name("proposal", tests, NULL, NULL);
}
