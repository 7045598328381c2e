/*
 * ke.c - IKEv2 Diffie-Hellman: MODP (RFC 3526), ECP (RFC 5903) and
 * Curve25519 (RFC 8031), with peer value validation (RFC 6989).
 *
 * MODP is computed with OpenSSL's constant-time Montgomery exponentiation
 * on BIGNUMs rather than EVP_PKEY_derive: for these safe-prime groups
 * RFC 6989 2.2 needs only 1 < y < p-1, while the EVP path also raises y to
 * the subgroup order q on every derive, doubling the cost of the most
 * expensive operation a responder performs for an unauthenticated peer.
 * ECP and X25519 use EVP_PKEY keys and EVP_PKEY_derive; the ECP public
 * value is computed with EC_POINT_mul because the private scalar comes
 * from our RNG seam, not OpenSSL's key generator.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "crypto/crypto.h"
#include "crypto/internal.h"
#include "crypto/ke.h"
#include "crypto/rand.h"
#include "wire/ikev2.h"

enum ke_kind { KE_MODP, KE_ECP, KE_X25519 };

struct ke_group {
	uint16_t id;
	enum ke_kind kind;
	const char *name;
	size_t pub_len;
	size_t secret_len;
	const char *prime_hex;	/* MODP: RFC 3526 prime, generator 2 */
	unsigned short_exp_bits;	/* MODP: RFC 3526 upper exponent size */
	int nid;		/* ECP: curve */
	const char *ossl_group;	/* ECP: OpenSSL group name */
};

static const char modp2048_hex[] =
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
	"020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
	"4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
	"98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
	"9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
	"3995497CEA956AE515D2261898FA051015728E5A8AACAA68FFFFFFFFFFFFFFFF";

static const char modp3072_hex[] =
	"FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
	"020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
	"4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
	"EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
	"98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
	"9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
	"E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
	"3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33"
	"A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
	"ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864"
	"D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
	"08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF";

static const struct ke_group groups[] = {
	{ IKEV2_DH_MODP_2048, KE_MODP, "modp2048", 256, 256, modp2048_hex, 320, 0, NULL },
	{ IKEV2_DH_MODP_3072, KE_MODP, "modp3072", 384, 384, modp3072_hex, 420, 0, NULL },
	{ IKEV2_DH_ECP_256, KE_ECP, "ecp256", 64, 32, NULL, 0, NID_X9_62_prime256v1, "prime256v1" },
	{ IKEV2_DH_ECP_384, KE_ECP, "ecp384", 96, 48, NULL, 0, NID_secp384r1, "secp384r1" },
	{ IKEV2_DH_CURVE25519, KE_X25519, "curve25519", 32, 32, NULL, 0, 0, NULL },
};

#define X25519_LEN 32

struct ke {
	const struct ke_group *g;
	BIGNUM *x;		/* MODP private exponent (BN_clear_free) */
	EVP_PKEY *pkey;		/* ECP / X25519 key pair */
	size_t pub_len;
	uint8_t pub[KE_MAX_PUBLIC_LEN];
};

static const struct ke_group *find(uint16_t id)
{
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (groups[i].id == id)
			return &groups[i];
	return NULL;
}

bool ke_supported(uint16_t group)
{
	return find(group) != NULL;
}

size_t ke_public_len(uint16_t group)
{
	const struct ke_group *g = find(group);

	return g ? g->pub_len : 0;
}

size_t ke_secret_len(uint16_t group)
{
	const struct ke_group *g = find(group);

	return g ? g->secret_len : 0;
}

const char *ke_name(uint16_t group)
{
	const struct ke_group *g = find(group);

	return g ? g->name : NULL;
}

uint16_t ke_group(const struct ke *ke)
{
	return ke->g->id;
}

const uint8_t *ke_public(const struct ke *ke, size_t *len)
{
	*len = ke->pub_len;
	return ke->pub;
}

void ke_free(struct ke *ke)
{
	if (!ke)
		return;
	BN_clear_free(ke->x);
	EVP_PKEY_free(ke->pkey);	/* providers cleanse private keys */
	wipe(ke, sizeof(*ke));
	free(ke);
}

/* ---- MODP ------------------------------------------------------------- */

static BIGNUM *modp_prime(const struct ke_group *g)
{
	BIGNUM *p = NULL;

	if (!BN_hex2bn(&p, g->prime_hex))
		return NULL;
	return p;
}

/* 1 < v < p-1, the RFC 6989 2.2 range for both private and public values. */
static bool modp_in_range(const BIGNUM *v, const BIGNUM *p, BIGNUM *tmp)
{
	if (BN_cmp(v, BN_value_one()) <= 0)
		return false;
	if (!BN_sub(tmp, p, BN_value_one()))
		return false;
	return BN_cmp(v, tmp) < 0;
}

/* ke->pub = 2^x mod p, left-padded. */
static int modp_set_public(struct ke *ke, const BIGNUM *p, BN_CTX *bn)
{
	BIGNUM *gen = BN_CTX_get(bn), *y = BN_CTX_get(bn);

	if (!y || !BN_set_word(gen, 2))
		return ERR_CRYPTO;
	BN_set_flags(ke->x, BN_FLG_CONSTTIME);
	if (!BN_mod_exp_mont_consttime(y, gen, ke->x, p, bn, NULL))
		return ERR_CRYPTO;
	if (BN_bn2binpad(y, ke->pub, (int)ke->g->pub_len) < 0)
		return ERR_CRYPTO;
	ke->pub_len = ke->g->pub_len;
	return 0;
}

/* Private exponent from priv (NULL: draw one from rnd). */
static int modp_init(struct ke *ke, const uint8_t *priv, size_t len,
		     struct rand_src *rnd, unsigned flags)
{
	BN_CTX *bn = BN_CTX_secure_new();
	BIGNUM *p = modp_prime(ke->g), *t;
	uint8_t buf[KE_MAX_SECRET_LEN + 8];
	size_t n = 0;
	bool started = false;
	int ret = ERR_CRYPTO;

	if (!bn || !p)
		goto out;
	BN_CTX_start(bn);
	started = true;
	t = BN_CTX_get(bn);
	ke->x = BN_secure_new();
	if (!t || !ke->x)
		goto out;
	if (priv) {
		ret = ERR_INVAL;
		if (len == 0 || len > ke->g->secret_len ||
		    !BN_bin2bn(priv, (int)len, ke->x) || !modp_in_range(ke->x, p, t))
			goto out;
	} else if (flags & KE_SHORT_EXPONENT) {
		/* Exactly short_exp_bits long: top bit forced, so x > 1. */
		n = (ke->g->short_exp_bits + 7) / 8;
		if (rand_priv_bytes(rnd, buf, n))
			goto out;
		/* BN_mask_bits fails on a number already shorter than the mask. */
		if (!BN_bin2bn(buf, (int)n, ke->x) ||
		    (BN_num_bits(ke->x) > (int)ke->g->short_exp_bits &&
		     !BN_mask_bits(ke->x, (int)ke->g->short_exp_bits)) ||
		    !BN_set_bit(ke->x, (int)ke->g->short_exp_bits - 1))
			goto out;
	} else {
		/* Uniform in [2, p-2]: 64 extra bits make the modulo bias negligible. */
		n = ke->g->secret_len + 8;
		if (rand_priv_bytes(rnd, buf, n))
			goto out;
		if (!BN_bin2bn(buf, (int)n, ke->x) || !BN_sub(t, p, BN_value_one()) ||
		    !BN_sub_word(t, 2) || !BN_mod(ke->x, ke->x, t, bn) ||
		    !BN_add_word(ke->x, 2))
			goto out;
	}
	ret = modp_set_public(ke, p, bn);
out:
	wipe(buf, sizeof(buf));
	if (started)
		BN_CTX_end(bn);
	BN_CTX_free(bn);
	BN_free(p);
	return ret;
}

static int modp_check(const struct ke_group *g, const uint8_t *peer, BIGNUM **y_out)
{
	BIGNUM *p = modp_prime(g), *y = BN_new(), *t = BN_new();
	int ret = ERR_CRYPTO;

	if (!p || !y || !t || !BN_bin2bn(peer, (int)g->pub_len, y))
		goto out;
	ret = ERR_KE_PEER;
	if (!modp_in_range(y, p, t))
		goto out;
	ret = 0;
	if (y_out) {
		*y_out = y;
		y = NULL;
	}
out:
	BN_free(p);
	BN_free(y);
	BN_free(t);
	return ret;
}

static int modp_derive(const struct ke *ke, const uint8_t *peer, uint8_t *out)
{
	BN_CTX *bn = BN_CTX_secure_new();
	BIGNUM *p = modp_prime(ke->g), *y = NULL, *z;
	bool started = false;
	int ret;

	ret = modp_check(ke->g, peer, &y);
	if (ret)
		goto out;
	ret = ERR_CRYPTO;
	if (!bn || !p)
		goto out;
	BN_CTX_start(bn);
	started = true;
	z = BN_CTX_get(bn);
	if (!z || !BN_mod_exp_mont_consttime(z, y, ke->x, p, bn, NULL) ||
	    BN_bn2binpad(z, out, (int)ke->g->secret_len) < 0)
		goto out;
	ret = 0;
out:
	if (started)
		BN_CTX_end(bn);	/* a secure context clears z */
	BN_CTX_free(bn);
	BN_free(p);
	BN_free(y);
	return ret;
}

/* ---- ECP -------------------------------------------------------------- */

/* An EVP_PKEY for the curve from an encoded point (0x04 | x | y) and scalar. */
static EVP_PKEY *ecp_pkey(const struct ke_group *g, const uint8_t *pt, size_t pt_len,
			  const BIGNUM *d)
{
	OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *pkey = NULL;

	if (!b ||
	    !OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, g->ossl_group, 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, pt, pt_len) ||
	    (d && !OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_PRIV_KEY, d)))
		goto out;
	params = OSSL_PARAM_BLD_to_param(b);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
			      params) != 1)
		pkey = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);	/* the builder copied d: clear_free'd */
	OSSL_PARAM_BLD_free(b);
	return pkey;
}

static int ecp_init(struct ke *ke, const uint8_t *priv, size_t len, struct rand_src *rnd)
{
	EC_GROUP *grp = EC_GROUP_new_by_curve_name(ke->g->nid);
	BN_CTX *bn = BN_CTX_secure_new();
	BIGNUM *d = BN_secure_new(), *t = BN_new();
	EC_POINT *q = NULL;
	uint8_t buf[KE_MAX_SECRET_LEN + 8];
	uint8_t pt[1 + KE_MAX_PUBLIC_LEN];
	size_t plen = ke->g->pub_len, n;
	const BIGNUM *order;
	int ret = ERR_CRYPTO;

	if (!grp || !bn || !d || !t)
		goto out;
	order = EC_GROUP_get0_order(grp);
	if (priv) {
		ret = ERR_INVAL;
		if (len == 0 || len > ke->g->secret_len || !BN_bin2bn(priv, (int)len, d) ||
		    BN_is_zero(d) || BN_cmp(d, order) >= 0)
			goto out;
		ret = ERR_CRYPTO;
	} else {
		/* d = (c mod (n-1)) + 1 with c 64 bits longer than n (FIPS 186-4 B.4.1). */
		n = ke->g->secret_len + 8;
		if (rand_priv_bytes(rnd, buf, n) || !BN_bin2bn(buf, (int)n, d) ||
		    !BN_sub(t, order, BN_value_one()) || !BN_mod(d, d, t, bn) ||
		    !BN_add_word(d, 1))
			goto out;
	}
	BN_set_flags(d, BN_FLG_CONSTTIME);
	q = EC_POINT_new(grp);
	if (!q || !EC_POINT_mul(grp, q, d, NULL, NULL, bn) ||
	    EC_POINT_point2oct(grp, q, POINT_CONVERSION_UNCOMPRESSED, pt, sizeof(pt), bn) !=
		    plen + 1)
		goto out;
	ke->pkey = ecp_pkey(ke->g, pt, plen + 1, d);
	if (!ke->pkey)
		goto out;
	memcpy(ke->pub, pt + 1, plen);
	ke->pub_len = plen;
	ret = 0;
out:
	wipe(buf, sizeof(buf));
	EC_POINT_free(q);
	EC_GROUP_free(grp);
	BN_clear_free(d);
	BN_free(t);
	BN_CTX_free(bn);
	return ret;
}

/*
 * x || y must be field elements and the point on the curve (x || y cannot
 * encode infinity).  The prime curves here have cofactor 1, so every point
 * on the curve is in the prime-order group and no order check is needed.
 */
static int ecp_check(const struct ke_group *g, const uint8_t *peer)
{
	EC_GROUP *grp = EC_GROUP_new_by_curve_name(g->nid);
	BN_CTX *bn = BN_CTX_new();
	BIGNUM *x = BN_new(), *y = BN_new(), *p = BN_new();
	EC_POINT *q = NULL;
	size_t half = g->pub_len / 2;
	int ret = ERR_CRYPTO;

	if (!grp || !bn || !x || !y || !p || !(q = EC_POINT_new(grp)) ||
	    !EC_GROUP_get_curve(grp, p, NULL, NULL, bn) ||
	    !BN_bin2bn(peer, (int)half, x) || !BN_bin2bn(peer + half, (int)half, y))
		goto out;
	ret = ERR_KE_PEER;
	if (BN_cmp(x, p) >= 0 || BN_cmp(y, p) >= 0)
		goto out;
	/* set_affine_coordinates refuses points not on the curve. */
	if (!EC_POINT_set_affine_coordinates(grp, q, x, y, bn) ||
	    EC_POINT_is_on_curve(grp, q, bn) != 1 || EC_POINT_is_at_infinity(grp, q))
		goto out;
	ret = 0;
out:
	ERR_clear_error();
	EC_POINT_free(q);
	EC_GROUP_free(grp);
	BN_free(x);
	BN_free(y);
	BN_free(p);
	BN_CTX_free(bn);
	return ret;
}

/* ---- shared EVP derive (ECP, X25519) ------------------------------------ */

static int evp_derive(EVP_PKEY *own, EVP_PKEY *peer, uint8_t *out, size_t len)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, own, NULL);
	size_t got = len;
	int ret = ERR_CRYPTO;

	if (!ctx || EVP_PKEY_derive_init(ctx) != 1 ||
	    EVP_PKEY_derive_set_peer_ex(ctx, peer, 0) != 1 ||
	    EVP_PKEY_derive(ctx, out, &got) != 1 || got != len)
		goto out;
	ret = 0;
out:
	EVP_PKEY_CTX_free(ctx);
	return ret;
}

static int ecp_derive(const struct ke *ke, const uint8_t *peer, uint8_t *out)
{
	uint8_t pt[1 + KE_MAX_PUBLIC_LEN];
	EVP_PKEY *pp;
	int ret;

	ret = ecp_check(ke->g, peer);
	if (ret)
		return ret;
	pt[0] = POINT_CONVERSION_UNCOMPRESSED;
	memcpy(pt + 1, peer, ke->g->pub_len);
	pp = ecp_pkey(ke->g, pt, ke->g->pub_len + 1, NULL);
	if (!pp)
		return ERR_CRYPTO;
	ret = evp_derive(ke->pkey, pp, out, ke->g->secret_len);
	EVP_PKEY_free(pp);
	return ret;
}

/* ---- X25519 ----------------------------------------------------------- */

/*
 * An X25519 key from raw octets.  EVP_PKEY_new_raw_*_key() looks the key
 * manager up by name on every call (name-map walks and string compares:
 * ~8% of a PSK handshake's responder CPU); a per-thread EVP_PKEY_CTX made
 * once for "X25519" skips that.  The import derives the public half of a
 * private key (RFC 7748 5, clamping included).
 */
static EVP_PKEY *x25519_key(const uint8_t *octets, bool private_key)
{
	static __thread EVP_PKEY_CTX *ctx;
	OSSL_PARAM params[2];
	EVP_PKEY *pkey = NULL;

	if (!ctx && !(ctx = EVP_PKEY_CTX_new_from_name(NULL, "X25519", NULL)))
		return NULL;
	params[0] = OSSL_PARAM_construct_octet_string(
		private_key ? OSSL_PKEY_PARAM_PRIV_KEY : OSSL_PKEY_PARAM_PUB_KEY,
		(void *)(uintptr_t)octets, X25519_LEN);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_PKEY_fromdata_init(ctx) != 1 ||
	    EVP_PKEY_fromdata(ctx, &pkey, private_key ? EVP_PKEY_KEYPAIR
						      : EVP_PKEY_PUBLIC_KEY,
			      params) != 1)
		return NULL;
	return pkey;
}

static int x25519_init(struct ke *ke, const uint8_t *priv, size_t len, struct rand_src *rnd)
{
	uint8_t buf[X25519_LEN];
	size_t plen = X25519_LEN;
	int ret = ERR_CRYPTO;

	if (priv) {
		if (len != X25519_LEN)
			return ERR_INVAL;
		memcpy(buf, priv, X25519_LEN);
	} else if (rand_priv_bytes(rnd, buf, X25519_LEN)) {
		goto out;
	}
	/* The backend clamps the scalar as RFC 7748 5 says. */
	ke->pkey = x25519_key(buf, true);
	if (!ke->pkey || EVP_PKEY_get_raw_public_key(ke->pkey, ke->pub, &plen) != 1 ||
	    plen != X25519_LEN)
		goto out;
	ke->pub_len = X25519_LEN;
	ret = 0;
out:
	wipe(buf, sizeof(buf));
	return ret;
}

static int x25519_derive(const struct ke *ke, const uint8_t *peer, uint8_t *out)
{
	static const uint8_t zero[X25519_LEN];
	EVP_PKEY *pp = x25519_key(peer, false);
	int ret;

	if (!pp)
		return ERR_CRYPTO;
	ret = evp_derive(ke->pkey, pp, out, X25519_LEN);
	EVP_PKEY_free(pp);
	/*
	 * Any 32 octets are a valid u coordinate; the one input-dependent
	 * failure is a small-order point, which makes the result all zero
	 * (RFC 7748 6.1, RFC 8031 2.3).  The backend refuses to return that, and
	 * we check again so the rule holds whatever the backend does.
	 */
	if (ret == 0 && crypto_memeq(out, zero, X25519_LEN)) {
		wipe(out, X25519_LEN);
		ret = ERR_KE_PEER;
	}
	if (ret == ERR_CRYPTO)
		ret = ERR_KE_PEER;
	return ret;
}

/* ---- API -------------------------------------------------------------- */

static struct ke *ke_make(uint16_t group, const uint8_t *priv, size_t len,
			  struct rand_src *rnd, unsigned flags)
{
	const struct ke_group *g = find(group);
	struct ke *ke;
	int ret = ERR_UNSUPPORTED;

	if (!g)
		return NULL;
	ke = calloc(1, sizeof(*ke));
	if (!ke)
		return NULL;
	ke->g = g;
	switch (g->kind) {
	case KE_MODP:
		ret = modp_init(ke, priv, len, rnd, flags);
		break;
	case KE_ECP:
		ret = ecp_init(ke, priv, len, rnd);
		break;
	case KE_X25519:
		ret = x25519_init(ke, priv, len, rnd);
		break;
	}
	if (ret) {
		crypto_log_errors("ke_new");
		ke_free(ke);
		return NULL;
	}
	return ke;
}

struct ke *ke_new(uint16_t group, struct rand_src *rnd, unsigned flags)
{
	if (!rnd)
		return NULL;
	return ke_make(group, NULL, 0, rnd, flags);
}

struct ke *ke_new_private(uint16_t group, const uint8_t *priv, size_t len)
{
	if (!priv)
		return NULL;
	return ke_make(group, priv, len, NULL, 0);
}

int ke_check_peer(uint16_t group, const uint8_t *peer, size_t peer_len)
{
	const struct ke_group *g = find(group);

	if (!g)
		return ERR_UNSUPPORTED;
	if (!peer || peer_len != g->pub_len)
		return ERR_KE_PEER;
	switch (g->kind) {
	case KE_MODP:
		return modp_check(g, peer, NULL);
	case KE_ECP:
		return ecp_check(g, peer);
	case KE_X25519:
		return 0;	/* only the result can be checked */
	}
	return ERR_UNSUPPORTED;
}

int ke_derive(const struct ke *ke, const uint8_t *peer, size_t peer_len,
	      uint8_t *out, size_t *out_len)
{
	uint8_t tmp[KE_MAX_SECRET_LEN];
	int ret = ERR_UNSUPPORTED;

	if (!peer || peer_len != ke->g->pub_len)
		return ERR_KE_PEER;
	/* Derive into tmp so a failure leaves out untouched. */
	switch (ke->g->kind) {
	case KE_MODP:
		ret = modp_derive(ke, peer, tmp);
		break;
	case KE_ECP:
		ret = ecp_derive(ke, peer, tmp);
		break;
	case KE_X25519:
		ret = x25519_derive(ke, peer, tmp);
		break;
	}
	if (ret == 0) {
		memcpy(out, tmp, ke->g->secret_len);
		*out_len = ke->g->secret_len;
	} else {
		crypto_log_errors("ke_derive");
	}
	wipe(tmp, sizeof(tmp));
	return ret;
}
