/*
 * sign_auth.c - IKEv2 AUTH payload signatures: RFC 7427 Digital Signature
 * data (build, bounded parse, verify) and the legacy RSA_SIG / ECDSA_256 /
 * ECDSA_384 methods.
 *
 * Verification refuses before any public-key operation when the algorithm
 * does not fit the key, so a peer cannot make us run RSA arithmetic with an
 * EC key's parameters or vice versa.
 */
#include <string.h>

#include "common/buf.h"
#include "common/err.h"
#include "common/wipe.h"
#include "crypto/internal.h"
#include "crypto/sign.h"
#include "wire/ikev2.h"

static enum crypto_alg_id md_of_hash(uint16_t hash)
{
	switch (hash) {
	case IKEV2_HASH_SHA1: return CRYPTO_MD_SHA1;
	case IKEV2_HASH_SHA2_256: return CRYPTO_MD_SHA256;
	case IKEV2_HASH_SHA2_384: return CRYPTO_MD_SHA384;
	case IKEV2_HASH_SHA2_512: return CRYPTO_MD_SHA512;
	default: return CRYPTO_ALG_COUNT;	/* none: Ed25519 signs the message */
	}
}

/*
 * Set up a DigestSign/DigestVerify context for hash (IKEV2_HASH_*) and
 * padding (RSA only).  Returns the context or NULL.
 */
static EVP_MD_CTX *md_ctx(EVP_PKEY *pkey, uint16_t hash, bool pss, bool sign)
{
	enum crypto_alg_id md = md_of_hash(hash);
	const char *mdname = md == CRYPTO_ALG_COUNT ? NULL : crypto_md_name(md);
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = NULL;
	int ok;

	if (!m)
		return NULL;
	ok = sign ? EVP_DigestSignInit_ex(m, &pctx, mdname, NULL, NULL, pkey, NULL)
		  : EVP_DigestVerifyInit_ex(m, &pctx, mdname, NULL, NULL, pkey, NULL);
	if (ok != 1)
		goto fail;
	if (EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA) {
		if (EVP_PKEY_CTX_set_rsa_padding(pctx, pss ? RSA_PKCS1_PSS_PADDING
							   : RSA_PKCS1_PADDING) != 1)
			goto fail;
		/* PSS as on the whitelist: MGF1 with the same hash, salt = hash length. */
		if (pss && (EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, crypto_md(md)) != 1 ||
			    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1))
			goto fail;
	}
	return m;
fail:
	EVP_MD_CTX_free(m);
	return NULL;
}

/* Raw signature (DER for ECDSA) of octets into sig (cap octets). */
static int do_sign(EVP_PKEY *pkey, uint16_t hash, bool pss, const uint8_t *octets,
		   size_t olen, uint8_t *sig, size_t cap, size_t *sig_len)
{
	EVP_MD_CTX *m = md_ctx(pkey, hash, pss, true);
	size_t need = 0;
	int ret = ERR_CRYPTO;

	if (!m || EVP_DigestSign(m, NULL, &need, octets, olen) != 1)
		goto out;
	ret = ERR_LIMIT;
	if (need > cap)
		goto out;
	ret = ERR_CRYPTO;
	if (EVP_DigestSign(m, sig, &need, octets, olen) != 1)
		goto out;
	*sig_len = need;
	ret = 0;
out:
	if (ret)
		crypto_log_errors("sign");
	EVP_MD_CTX_free(m);
	return ret;
}

static int do_verify(EVP_PKEY *pkey, uint16_t hash, bool pss, const uint8_t *octets,
		     size_t olen, const uint8_t *sig, size_t sig_len)
{
	EVP_MD_CTX *m = md_ctx(pkey, hash, pss, false);
	int ret = ERR_CRYPTO;

	if (m)
		ret = EVP_DigestVerify(m, sig, sig_len, octets, olen) == 1 ? 0 : ERR_AUTH;
	ERR_clear_error();	/* a bad signature is the peer's error, not ours */
	EVP_MD_CTX_free(m);
	return ret;
}

int sign_auth_parse(const uint8_t *auth, size_t len, enum sign_alg *alg,
		    const uint8_t **sig, size_t *sig_len)
{
	struct buf_reader r;
	const uint8_t *der;
	enum sign_alg a;
	uint8_t n;
	int ret;

	buf_reader_init(&r, auth, len);
	ret = buf_get_u8(&r, &n);
	if (ret)
		return ret;
	if (n == 0 || n > SIGN_MAX_ALGID_LEN)
		return ERR_SYNTAX;
	ret = buf_get_ref(&r, &der, n);
	if (ret)
		return ret;
	ret = sign_alg_from_der(der, n, &a);
	if (ret)
		return ret;
	if (buf_remaining(&r) == 0 || buf_remaining(&r) > SIGN_MAX_SIG_LEN)
		return ERR_SYNTAX;
	*alg = a;
	*sig = buf_cursor(&r);
	*sig_len = buf_remaining(&r);
	return 0;
}

int sign_auth_build(const struct sign_key *k, enum sign_alg alg,
		    const uint8_t *octets, size_t octets_len,
		    uint8_t *out, size_t cap, size_t *out_len)
{
	const uint8_t *der;
	size_t der_len = 0, sig_len = 0;
	int ret;

	if (!sign_alg_fits(alg, k->type) || !(der = sign_alg_der(alg, &der_len)))
		return ERR_INVAL;
	if (cap < 1 + der_len)
		return ERR_LIMIT;
	ret = do_sign(k->pkey, sign_alg_hash(alg), sign_alg_is_pss(alg), octets,
		      octets_len, out + 1 + der_len, cap - 1 - der_len, &sig_len);
	if (ret)
		return ret;
	out[0] = (uint8_t)der_len;
	memcpy(out + 1, der, der_len);
	*out_len = 1 + der_len + sig_len;
	return 0;
}

int sign_auth_verify(const struct sign_pub *p, const uint8_t *auth, size_t len,
		     const uint8_t *octets, size_t octets_len, enum sign_alg *alg)
{
	const uint8_t *sig;
	size_t sig_len;
	enum sign_alg a;
	int ret;

	ret = sign_auth_parse(auth, len, &a, &sig, &sig_len);
	if (ret)
		return ret;
	if (!sign_alg_fits(a, p->type))
		return ERR_AUTH;
	ret = do_verify(p->pkey, sign_alg_hash(a), sign_alg_is_pss(a), octets,
			octets_len, sig, sig_len);
	if (ret == 0 && alg)
		*alg = a;
	return ret;
}

/* ---- legacy methods --------------------------------------------------- */

/* RFC 4754: the method fixes curve and hash. */
static int legacy_params(uint8_t method, enum sign_key_type t, uint16_t *hash,
			 size_t *half)
{
	switch (method) {
	case IKEV2_AUTH_RSA_SIG:
		*hash = IKEV2_HASH_SHA1;
		*half = 0;
		return t == SIGN_KEY_RSA ? 0 : ERR_AUTH;
	case IKEV2_AUTH_ECDSA_256:
		*hash = IKEV2_HASH_SHA2_256;
		*half = 32;
		return t == SIGN_KEY_ECDSA_P256 ? 0 : ERR_AUTH;
	case IKEV2_AUTH_ECDSA_384:
		*hash = IKEV2_HASH_SHA2_384;
		*half = 48;
		return t == SIGN_KEY_ECDSA_P384 ? 0 : ERR_AUTH;
	default:
		return ERR_UNSUPPORTED;
	}
}

int sign_legacy_build(const struct sign_key *k, uint8_t method,
		      const uint8_t *octets, size_t octets_len,
		      uint8_t *out, size_t cap, size_t *out_len)
{
	uint8_t der[2 * 48 + 16];
	const unsigned char *q = der;
	ECDSA_SIG *es = NULL;
	const BIGNUM *r, *s;
	size_t half, der_len = 0;
	uint16_t hash;
	int ret;

	/* reswan never makes SHA-1 signatures: RSA_SIG is verify-only. */
	if (method == IKEV2_AUTH_RSA_SIG)
		return ERR_UNSUPPORTED;
	ret = legacy_params(method, k->type, &hash, &half);
	if (ret)
		return ret == ERR_AUTH ? ERR_INVAL : ret;
	if (cap < 2 * half)
		return ERR_LIMIT;
	ret = do_sign(k->pkey, hash, false, octets, octets_len, der, sizeof(der), &der_len);
	if (ret)
		return ret;
	ret = ERR_CRYPTO;
	es = d2i_ECDSA_SIG(NULL, &q, (long)der_len);
	if (!es)
		goto out;
	ECDSA_SIG_get0(es, &r, &s);
	if (BN_bn2binpad(r, out, (int)half) < 0 || BN_bn2binpad(s, out + half, (int)half) < 0)
		goto out;
	*out_len = 2 * half;
	ret = 0;
out:
	ECDSA_SIG_free(es);
	return ret;
}

int sign_legacy_verify(const struct sign_pub *p, uint8_t method,
		       const uint8_t *sig, size_t sig_len,
		       const uint8_t *octets, size_t octets_len)
{
	ECDSA_SIG *es = NULL;
	BIGNUM *r = NULL, *s = NULL;
	unsigned char *der = NULL;
	size_t half;
	uint16_t hash;
	int der_len, ret;

	ret = legacy_params(method, p->type, &hash, &half);
	if (ret)
		return ret;
	if (!sig || sig_len == 0 || sig_len > SIGN_MAX_SIG_LEN)
		return ERR_SYNTAX;
	if (method == IKEV2_AUTH_RSA_SIG)
		return do_verify(p->pkey, hash, false, octets, octets_len, sig, sig_len);
	/* RFC 4754 7: r | s, each exactly the group size. */
	if (sig_len != 2 * half)
		return ERR_AUTH;
	ret = ERR_CRYPTO;
	es = ECDSA_SIG_new();
	r = BN_bin2bn(sig, (int)half, NULL);
	s = BN_bin2bn(sig + half, (int)half, NULL);
	if (!es || !r || !s || ECDSA_SIG_set0(es, r, s) != 1)
		goto out;
	r = s = NULL;	/* owned by es now */
	der_len = i2d_ECDSA_SIG(es, &der);
	if (der_len <= 0)
		goto out;
	ret = do_verify(p->pkey, hash, false, octets, octets_len, der, (size_t)der_len);
out:
	BN_free(r);
	BN_free(s);
	ECDSA_SIG_free(es);
	OPENSSL_free(der);
	return ret;
}
