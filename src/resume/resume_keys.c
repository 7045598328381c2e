/*
 * resume_keys.c - the resumption key schedule and proofs.
 *
 * The cached credential is a 32-octet resumption secret RS derived from
 * the finished SA's SK_d under its own label, so it is used for nothing
 * else.  A resumed IKE SA gets entirely fresh keys (the same idea as RFC
 * 5723 5.1): new SPIs, new nonces and
 *     SKEYSEED' = prf(RS, "Resumption" | [g^ir] | Ni | Nr)
 *     {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
 *                = prf+(SKEYSEED', Ni | Nr | SPIi | SPIr)
 * with the PRF of the cached suite.  Each side proves knowledge of RS by
 * a MAC over the other's message under SK_p*, which only a holder of RS
 * can derive.
 */
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "resume/internal.h"

static const char label_secret[] = "reswan resumption secret";
static const char label_skeyseed[] = "Resumption";
static const char label_mac_r[] = "reswan resume R";
static const char label_mac_i[] = "reswan resume I";

int resume_secret(struct ike_sa *sa, uint8_t out[CACHE_SECRET_LEN])
{
	struct crypto_span in = { (const uint8_t *)label_secret,
				  sizeof(label_secret) - 1 };

	if (!sa->prf_d)
		return ERR_STATE;
	return prf_plus(sa->prf_d, &in, 1, out, CACHE_SECRET_LEN);
}

int resume_keys(struct ike_sa *sa, const uint8_t rs[CACHE_SECRET_LEN],
		const uint8_t *gir, size_t gir_len)
{
	uint8_t skeyseed[PRF_MAX_LEN];
	struct crypto_span in[4] = {
		{ (const uint8_t *)label_skeyseed, sizeof(label_skeyseed) - 1 },
		{ gir, gir ? gir_len : 0 },
		{ sa->ni, sa->ni_len },
		{ sa->nr, sa->nr_len },
	};
	int rc = prf_once(sa->suite.prf, rs, CACHE_SECRET_LEN, in, 4, skeyseed);

	if (rc == 0)
		rc = sa_keys_from_skeyseed(sa, skeyseed);
	wipe(skeyseed, sizeof(skeyseed));
	return rc;
}

static int mac(uint16_t prf_id, const struct kdf_key *k,
	       const struct crypto_span *in, size_t n, uint8_t *out, size_t *len)
{
	*len = prf_out_len(prf_id);
	return prf_once(prf_id, k->b, k->len, in, n, out);
}

int resume_mac_r(struct ike_sa *sa, uint8_t *out, size_t *len)
{
	struct crypto_span in[3] = {
		{ (const uint8_t *)label_mac_r, sizeof(label_mac_r) - 1 },
		{ sa->init_i, sa->init_i_len },
		{ sa->nr, sa->nr_len },
	};

	if (!sa->init_i)
		return ERR_STATE;
	return mac(sa->suite.prf, &sa->sk_pr, in, 3, out, len);
}

int resume_mac_i(struct ike_sa *sa, const uint8_t *id_body, size_t id_len,
		 uint8_t *out, size_t *len)
{
	struct crypto_span in[4] = {
		{ (const uint8_t *)label_mac_i, sizeof(label_mac_i) - 1 },
		{ sa->init_r, sa->init_r_len },
		{ sa->ni, sa->ni_len },
		{ id_body, id_len },
	};

	if (!sa->init_r)
		return ERR_STATE;
	return mac(sa->suite.prf, &sa->sk_pi, in, 4, out, len);
}
