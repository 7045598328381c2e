/*
 * test_strongswan.c - cross-check against a real peer.
 *
 * tests/data/strongswan/ holds two exchanges captured from Debian
 * strongSwan 5.9.8 (capture.sh there); gen_strongswan_vectors.sh in
 * tests/data/crypto/ turned each into a vector file with the nonces, SPIs,
 * g^ir and every key strongSwan logged.  Here we
 *  1. derive SKEYSEED, the seven SK_* and the Child SA keys and compare;
 *  2. decrypt both captured IKE_AUTH messages with our AEAD and the derived
 *     SK_e / SK_a (AES-256-GCM for "psk", AES-128-CBC + HMAC-SHA2-256-128
 *     for "cert") - the ICV must verify and the padding must be sane;
 *  3. check the AUTH payloads inside: the PSK AUTH value recomputed with
 *     our PRF, and strongSwan's ECDSA signatures verified with our RFC 7427
 *     parser and the peer certificates (chained to the capture's CA).
 * A minimal payload walk stands in for the wire codec, written elsewhere.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "crypto/aead.h"
#include "crypto/kdf.h"
#include "crypto/prf.h"
#include "crypto/sign.h"
#include "crypto/x509.h"
#include "helpers.h"
#include "wire/ikev2.h"

#define DAY 86400

struct scenario {
	const char *name;
	struct vec *v;
	uint16_t prf;
	uint8_t ni[256], nr[256], spii[8], spir[8];
	size_t ni_len, nr_len;
	struct kdf_ike_keys keys;
	struct aead *in_i, *in_r;	/* SK_ei/SK_ai and SK_er/SK_ar */
};

static void expect_key(const struct scenario *s, const char *name, const struct kdf_key *k)
{
	uint8_t want[KDF_MAX_KEY];
	size_t n = vec_hex(s->v, name, want, sizeof(want));

	if (k->len != n || memcmp(k->b, want, n) != 0)
		fail_msg("%s: %s differs from strongSwan's (%zu vs %zu octets)", s->name,
			 name, k->len, n);
}

static void load(struct scenario *s, const char *name)
{
	char rel[128];

	memset(s, 0, sizeof(*s));
	s->name = name;
	snprintf(rel, sizeof(rel), "crypto/strongswan-%s.vec", name);
	s->v = vec_load(rel);
	s->prf = (uint16_t)vec_num(s->v, "prf");
	s->ni_len = vec_hex(s->v, "ni", s->ni, sizeof(s->ni));
	s->nr_len = vec_hex(s->v, "nr", s->nr, sizeof(s->nr));
	assert_int_equal(vec_hex(s->v, "spii", s->spii, 8), 8);
	assert_int_equal(vec_hex(s->v, "spir", s->spir, 8), 8);
}

static void derive_ike(struct scenario *s)
{
	uint8_t gir[512], want[64], skeyseed[64];
	size_t gl = vec_hex(s->v, "gir", gir, sizeof(gir));
	size_t sl = vec_hex(s->v, "skeyseed", want, sizeof(want));
	struct kdf_lens lens;
	uint16_t encr = (uint16_t)vec_num(s->v, "ike_encr");
	uint16_t bits = (uint16_t)vec_num(s->v, "ike_key_bits");
	uint16_t integ = (uint16_t)vec_num(s->v, "ike_integ");

	assert_int_equal(sl, prf_out_len(s->prf));
	assert_int_equal(kdf_skeyseed(s->prf, s->ni, s->ni_len, s->nr, s->nr_len, gir, gl,
				      skeyseed), 0);
	if (memcmp(skeyseed, want, sl) != 0)
		fail_msg("%s: SKEYSEED differs from strongSwan's", s->name);
	assert_int_equal(aead_key_lens(encr, bits, integ, &lens.encr, &lens.integ), 0);
	assert_int_equal(kdf_ike_keys(s->prf, skeyseed, s->ni, s->ni_len, s->nr, s->nr_len,
				      s->spii, s->spir, &lens, &s->keys), 0);
	expect_key(s, "sk_d", &s->keys.d);
	expect_key(s, "sk_ai", &s->keys.ai);
	expect_key(s, "sk_ar", &s->keys.ar);
	expect_key(s, "sk_ei", &s->keys.ei);
	expect_key(s, "sk_er", &s->keys.er);
	expect_key(s, "sk_pi", &s->keys.pi);
	expect_key(s, "sk_pr", &s->keys.pr);
	s->in_i = aead_new(encr, bits, integ, s->keys.ei.b, s->keys.ei.len,
			   s->keys.ai.len ? s->keys.ai.b : NULL, s->keys.ai.len);
	s->in_r = aead_new(encr, bits, integ, s->keys.er.b, s->keys.er.len,
			   s->keys.ar.len ? s->keys.ar.b : NULL, s->keys.ar.len);
	assert_non_null(s->in_i);
	assert_non_null(s->in_r);
}

static void derive_child(struct scenario *s)
{
	struct kdf_lens lens;
	struct kdf_child_keys ck;
	struct prf *skd = prf_new(s->prf, s->keys.d.b, s->keys.d.len);

	assert_non_null(skd);
	assert_int_equal(aead_key_lens((uint16_t)vec_num(s->v, "esp_encr"),
				       (uint16_t)vec_num(s->v, "esp_key_bits"),
				       (uint16_t)vec_num(s->v, "esp_integ"),
				       &lens.encr, &lens.integ), 0);
	/* IKE_AUTH's Child SA has no PFS: KEYMAT = prf+(SK_d, Ni | Nr). */
	assert_int_equal(kdf_child_keys(skd, NULL, 0, s->ni, s->ni_len, s->nr, s->nr_len,
					&lens, &ck), 0);
	expect_key(s, "child_ei", &ck.ei);
	expect_key(s, "child_ai", &ck.ai);
	expect_key(s, "child_er", &ck.er);
	expect_key(s, "child_ar", &ck.ar);
	kdf_child_keys_wipe(&ck);
	prf_free(skd);
}

static void cleanup(struct scenario *s)
{
	aead_free(s->in_i);
	aead_free(s->in_r);
	kdf_ike_keys_wipe(&s->keys);
	vec_free(s->v);
}

static void keys_equal_strongswans_psk(void **state)
{
	struct scenario s;

	(void)state;
	load(&s, "psk");
	derive_ike(&s);
	derive_child(&s);
	cleanup(&s);
}

static void keys_equal_strongswans_cert(void **state)
{
	struct scenario s;

	(void)state;
	load(&s, "cert");
	derive_ike(&s);
	derive_child(&s);
	cleanup(&s);
}

/* ---- IKE_AUTH decryption ------------------------------------------------ */

struct decrypted {
	uint8_t *msg;		/* whole message (after the non-ESP marker) */
	size_t msg_len;
	uint8_t first;		/* first inner payload type */
	uint8_t pt[2048];	/* inner payloads, padding removed */
	size_t pt_len;
};

static void open_auth(struct scenario *s, const char *file, bool from_initiator,
		      struct decrypted *d)
{
	struct aead *a = from_initiator ? s->in_i : s->in_r;
	char rel[128];
	uint8_t *raw, *m, icv_bad[32];
	size_t raw_len, ivl = aead_iv_len(a), icvl = aead_icv_len(a), sk_len, ct_len;
	const uint8_t *iv, *ct, *icv;
	uint8_t pad;

	snprintf(rel, sizeof(rel), "strongswan/%s/%s", s->name, file);
	raw = data_read(rel, &raw_len);
	/* Port 4500: four zero octets (RFC 3948) before the IKE header. */
	assert_true(raw_len > 4 + IKEV2_HDR_LEN + IKEV2_GENERIC_HDR_LEN);
	assert_int_equal(buf_load_u32(raw), 0);
	m = raw + 4;
	d->msg_len = raw_len - 4;
	assert_memory_equal(m, s->spii, 8);
	assert_memory_equal(m + 8, s->spir, 8);
	assert_int_equal(m[16], IKEV2_PL_SK);
	assert_int_equal(m[18], IKEV2_EXCH_IKE_AUTH);
	assert_int_equal(buf_load_u32(m + 24), d->msg_len);
	sk_len = buf_load_u16(m + IKEV2_HDR_LEN + 2);
	assert_int_equal(IKEV2_HDR_LEN + sk_len, d->msg_len);
	assert_true(sk_len > IKEV2_GENERIC_HDR_LEN + ivl + icvl);
	d->first = m[IKEV2_HDR_LEN];
	iv = m + IKEV2_HDR_LEN + IKEV2_GENERIC_HDR_LEN;
	ct = iv + ivl;
	ct_len = sk_len - IKEV2_GENERIC_HDR_LEN - ivl - icvl;
	icv = ct + ct_len;
	assert_true(ct_len <= sizeof(d->pt));
	/* AAD: IKE header and SK generic header (RFC 5282 5.1 / RFC 7296 3.14). */
	assert_int_equal(aead_open(a, iv, m, IKEV2_HDR_LEN + IKEV2_GENERIC_HDR_LEN,
				   ct, ct_len, d->pt, icv), 0);
	pad = d->pt[ct_len - 1];
	if ((size_t)pad + 1 > ct_len || pad >= aead_block_size(a) + 16)
		fail_msg("%s/%s: pad length %u of %zu is not sane", s->name, file, pad, ct_len);
	d->pt_len = ct_len - pad - 1;
	/* One flipped ICV bit and nothing opens. */
	memcpy(icv_bad, icv, icvl);
	icv_bad[0] ^= 0x01;
	assert_int_equal(aead_open(a, iv, m, IKEV2_HDR_LEN + IKEV2_GENERIC_HDR_LEN,
				   ct, ct_len, d->pt + 1024, icv_bad), ERR_AUTH);
	d->msg = malloc(d->msg_len);
	assert_non_null(d->msg);
	memcpy(d->msg, m, d->msg_len);
	free(raw);
}

/* Body (after the generic header) of the first inner payload of type t. */
static const uint8_t *find_payload(const struct decrypted *d, uint8_t t, size_t *len)
{
	struct buf_reader r;
	uint8_t next = d->first, np, crit;
	uint16_t plen;

	buf_reader_init(&r, d->pt, d->pt_len);
	while (next != IKEV2_PL_NONE) {
		const uint8_t *body;

		assert_int_equal(buf_get_u8(&r, &np), 0);
		assert_int_equal(buf_get_u8(&r, &crit), 0);
		assert_int_equal(buf_get_u16(&r, &plen), 0);
		assert_true(plen >= IKEV2_GENERIC_HDR_LEN);
		assert_int_equal(buf_get_ref(&r, &body, plen - IKEV2_GENERIC_HDR_LEN), 0);
		if (next == t) {
			*len = plen - IKEV2_GENERIC_HDR_LEN;
			return body;
		}
		next = np;
	}
	fail_msg("no payload %u in the decrypted message", t);
	return NULL;
}

/* RFC 7296 2.15: message | peer nonce | prf(SK_p, ID body). */
static uint8_t *signed_octets(struct scenario *s, bool initiator, const struct decrypted *d,
			      size_t *len)
{
	char rel[128];
	uint8_t *init, *out, mac[PRF_MAX_LEN];
	size_t init_len, idl;
	const uint8_t *id = find_payload(d, initiator ? IKEV2_PL_IDI : IKEV2_PL_IDR, &idl);
	const struct kdf_key *skp = initiator ? &s->keys.pi : &s->keys.pr;
	struct prf *p = prf_new(s->prf, skp->b, skp->len);
	const uint8_t *nonce = initiator ? s->nr : s->ni;
	size_t nlen = initiator ? s->nr_len : s->ni_len, plen = prf_out_len(s->prf);

	assert_non_null(p);
	assert_int_equal(prf_compute1(p, id, idl, mac), 0);
	prf_free(p);
	snprintf(rel, sizeof(rel), "strongswan/%s/msg1-ike_sa_init-%s.bin", s->name,
		 initiator ? "req" : "resp");
	init = data_read(rel, &init_len);
	out = malloc(init_len + nlen + plen);
	assert_non_null(out);
	memcpy(out, init, init_len);
	memcpy(out + init_len, nonce, nlen);
	memcpy(out + init_len + nlen, mac, plen);
	*len = init_len + nlen + plen;
	free(init);
	return out;
}

static void psk_auth(struct scenario *s, bool initiator, const struct decrypted *d)
{
	static const char keypad[] = "Key Pad for IKEv2";
	static const char psk[] = "interop-test-psk";	/* capture.sh's secret */
	uint8_t inner[PRF_MAX_LEN], auth[PRF_MAX_LEN], *octets;
	size_t alen, olen, plen = prf_out_len(s->prf);
	const uint8_t *a = find_payload(d, IKEV2_PL_AUTH, &alen);
	struct prf *p = prf_new(s->prf, (const uint8_t *)psk, strlen(psk)), *q;

	assert_int_equal(a[0], IKEV2_AUTH_PSK);
	assert_int_equal(alen, 4 + plen);
	octets = signed_octets(s, initiator, d, &olen);
	/* AUTH = prf(prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>) */
	assert_int_equal(prf_compute1(p, keypad, strlen(keypad), inner), 0);
	q = prf_new(s->prf, inner, plen);
	assert_non_null(q);
	assert_int_equal(prf_compute1(q, octets, olen, auth), 0);
	if (memcmp(auth, a + 4, plen) != 0)
		fail_msg("%s: %s PSK AUTH differs from strongSwan's", s->name,
			 initiator ? "initiator" : "responder");
	prf_free(p);
	prf_free(q);
	free(octets);
}

static void cert_auth(struct scenario *s, bool initiator, const struct decrypted *d)
{
	const char *own = initiator ? "client.example" : "gw.example";
	char rel[128];
	uint8_t *pem, *octets;
	size_t alen, clen, idl, plen, olen, fl;
	const uint8_t *a = find_payload(d, IKEV2_PL_AUTH, &alen);
	const uint8_t *c = find_payload(d, IKEV2_PL_CERT, &clen);
	const uint8_t *id = find_payload(d, initiator ? IKEV2_PL_IDI : IKEV2_PL_IDR, &idl);
	struct x509_cert *peer = NULL, *file = NULL, *ca = NULL;
	struct x509_store *store = x509_store_new();
	struct sign_pub *pub;
	const char *why = NULL;
	int64_t nb, na;
	enum sign_alg alg = SIGN_ALG_NONE;
	const uint8_t *fd, *pd;

	/* CERT payload: encoding 4 (X.509 signature), then the DER. */
	assert_int_equal(c[0], IKEV2_CERT_X509_SIGNATURE);
	assert_int_equal(x509_cert_load_mem(c + 1, clen - 1, &peer), 0);
	snprintf(rel, sizeof(rel), "strongswan/cert/%s.pem", own);
	pem = data_read(rel, &plen);
	assert_int_equal(x509_cert_load_mem(pem, plen, &file), 0);
	free(pem);
	pd = x509_cert_der(peer, &clen);
	fd = x509_cert_der(file, &fl);
	assert_int_equal(clen, fl);
	assert_memory_equal(pd, fd, fl);
	/* Chains to the capture's CA while valid, and the ID matches it. */
	pem = data_read("strongswan/cert/ca.pem", &plen);
	assert_int_equal(x509_cert_load_mem(pem, plen, &ca), 0);
	free(pem);
	assert_int_equal(x509_store_add(store, ca), 0);
	assert_int_equal(x509_cert_validity(peer, &nb, &na), 0);
	assert_int_equal(x509_verify(store, peer, NULL, 0, nb + DAY, &why), 0);
	assert_int_equal(x509_verify(store, peer, NULL, 0, na + DAY, &why), ERR_CERT);
	assert_int_equal(x509_cert_match_id(peer, id[0], id + 4, idl - 4), 0);
	/* The signature over the octets, as RFC 7427 AUTH data (method 14). */
	assert_int_equal(a[0], IKEV2_AUTH_DIGITAL_SIGNATURE);
	pub = x509_cert_pub(peer);
	assert_non_null(pub);
	octets = signed_octets(s, initiator, d, &olen);
	assert_int_equal(sign_auth_verify(pub, a + 4, alen - 4, octets, olen, &alg), 0);
	assert_true(alg == SIGN_ALG_ECDSA_SHA256 || alg == SIGN_ALG_ECDSA_SHA384 ||
		    alg == SIGN_ALG_ECDSA_SHA512);
	octets[olen - 1] ^= 1;
	assert_int_equal(sign_auth_verify(pub, a + 4, alen - 4, octets, olen, NULL), ERR_AUTH);
	free(octets);
	sign_pub_free(pub);
	x509_store_free(store);
	x509_cert_free(ca);
	x509_cert_free(peer);
	x509_cert_free(file);
}

static void ike_auth(const char *name)
{
	struct scenario s;
	struct decrypted req, resp;

	load(&s, name);
	derive_ike(&s);
	open_auth(&s, "msg2-ike_auth-req.bin", true, &req);
	open_auth(&s, "msg2-ike_auth-resp.bin", false, &resp);
	if (strcmp(name, "psk") == 0) {
		psk_auth(&s, true, &req);
		psk_auth(&s, false, &resp);
	} else {
		cert_auth(&s, true, &req);
		cert_auth(&s, false, &resp);
	}
	free(req.msg);
	free(resp.msg);
	cleanup(&s);
}

static void ike_auth_gcm_decrypts_and_psk_auth_matches(void **state)
{
	(void)state;
	ike_auth("psk");
}

static void ike_auth_cbc_hmac_decrypts_and_ecdsa_verifies(void **state)
{
	(void)state;
	ike_auth("cert");
}

int test_group_strongswan(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keys_equal_strongswans_psk),
		cmocka_unit_test(keys_equal_strongswans_cert),
		cmocka_unit_test(ike_auth_gcm_decrypts_and_psk_auth_matches),
		cmocka_unit_test(ike_auth_cbc_hmac_decrypts_and_ecdsa_verifies),
	};
	return cmocka_run_group_tests_name("crypto_strongswan", tests, NULL, NULL);
}
