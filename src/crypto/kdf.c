/*
 * kdf.c - IKEv2 key derivation on top of prf.h (RFC 7296 2.14, 2.17, 2.18).
 *
 * Every intermediate (SKEYSEED inside kdf_ike_keys' callers, the KEYMAT
 * stream before it is split) lives in a stack buffer that is wiped before
 * return; keyed contexts are freed (and so cleansed) on every path.
 */
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "crypto/kdf.h"
#include "crypto/prf.h"

/* Longest prf+ output: 7 IKE keys, each at most KDF_MAX_KEY. */
#define KDF_MAX_STREAM (7 * KDF_MAX_KEY)

static bool nonce_ok(const uint8_t *n, size_t len)
{
	return n && len >= KDF_NONCE_MIN && len <= KDF_NONCE_MAX;
}

static bool lens_ok(const struct kdf_lens *l)
{
	return l->encr <= KDF_MAX_KEY && l->integ <= KDF_MAX_KEY;
}

int kdf_skeyseed(uint16_t prf_id, const uint8_t *ni, size_t ni_len,
		 const uint8_t *nr, size_t nr_len,
		 const uint8_t *gir, size_t gir_len, uint8_t *out)
{
	uint8_t key[2 * KDF_NONCE_MAX];
	struct crypto_span in = { gir, gir_len };
	int ret = ERR_INVAL;

	if (!nonce_ok(ni, ni_len) || !nonce_ok(nr, nr_len) || !gir || !gir_len)
		goto out;
	ret = ERR_UNSUPPORTED;
	if (!prf_supported(prf_id))
		goto out;
	/* The key is Ni | Nr: HMAC takes any key length, so no truncation. */
	memcpy(key, ni, ni_len);
	memcpy(key + ni_len, nr, nr_len);
	ret = prf_once(prf_id, key, ni_len + nr_len, &in, 1, out);
out:
	wipe(key, sizeof(key));
	return ret;
}

int kdf_skeyseed_rekey(uint16_t old_prf_id, const struct kdf_key *old_sk_d,
		       const uint8_t *gir, size_t gir_len,
		       const uint8_t *ni, size_t ni_len,
		       const uint8_t *nr, size_t nr_len, uint8_t *out)
{
	struct crypto_span in[3] = { { gir, gir_len }, { ni, ni_len }, { nr, nr_len } };

	if (!old_sk_d || !nonce_ok(ni, ni_len) || !nonce_ok(nr, nr_len) ||
	    !gir || !gir_len)
		return ERR_INVAL;
	if (!prf_supported(old_prf_id))
		return ERR_UNSUPPORTED;
	return prf_once(old_prf_id, old_sk_d->b, old_sk_d->len, in, 3, out);
}

/* Take the next len octets of the stream into k. */
static void take(struct kdf_key *k, const uint8_t *stream, size_t *off, size_t len)
{
	memcpy(k->b, stream + *off, len);
	k->len = len;
	*off += len;
}

int kdf_ike_keys(uint16_t prf_id, const uint8_t *skeyseed,
		 const uint8_t *ni, size_t ni_len,
		 const uint8_t *nr, size_t nr_len,
		 const uint8_t spi_i[8], const uint8_t spi_r[8],
		 const struct kdf_lens *lens, struct kdf_ike_keys *out)
{
	struct crypto_span seed[4] = {
		{ ni, ni_len }, { nr, nr_len }, { spi_i, 8 }, { spi_r, 8 },
	};
	uint8_t stream[KDF_MAX_STREAM];
	size_t plen = prf_out_len(prf_id), total, off = 0;
	struct prf *p = NULL;
	int ret = ERR_INVAL;

	if (!skeyseed || !nonce_ok(ni, ni_len) || !nonce_ok(nr, nr_len) ||
	    !spi_i || !spi_r || !lens || !lens_ok(lens))
		goto out;
	ret = ERR_UNSUPPORTED;
	if (!plen)
		goto out;
	total = 3 * plen + 2 * lens->integ + 2 * lens->encr;
	ret = ERR_CRYPTO;
	p = prf_new(prf_id, skeyseed, plen);
	if (!p)
		goto out;
	ret = prf_plus(p, seed, 4, stream, total);
	if (ret)
		goto out;
	take(&out->d, stream, &off, plen);
	take(&out->ai, stream, &off, lens->integ);
	take(&out->ar, stream, &off, lens->integ);
	take(&out->ei, stream, &off, lens->encr);
	take(&out->er, stream, &off, lens->encr);
	take(&out->pi, stream, &off, plen);
	take(&out->pr, stream, &off, plen);
out:
	if (ret && out)
		kdf_ike_keys_wipe(out);
	wipe(stream, sizeof(stream));
	prf_free(p);
	return ret;
}

int kdf_child_keys(const struct prf *sk_d, const uint8_t *gir, size_t gir_len,
		   const uint8_t *ni, size_t ni_len,
		   const uint8_t *nr, size_t nr_len,
		   const struct kdf_lens *lens, struct kdf_child_keys *out)
{
	struct crypto_span seed[3] = { { gir, gir_len }, { ni, ni_len }, { nr, nr_len } };
	uint8_t stream[4 * KDF_MAX_KEY];
	size_t off = 0;
	int ret = ERR_INVAL;

	if (!sk_d || (gir_len && !gir) || !nonce_ok(ni, ni_len) ||
	    !nonce_ok(nr, nr_len) || !lens || !lens_ok(lens))
		goto out;
	ret = prf_plus(sk_d, seed, 3, stream, 2 * (lens->encr + lens->integ));
	if (ret)
		goto out;
	take(&out->ei, stream, &off, lens->encr);
	take(&out->ai, stream, &off, lens->integ);
	take(&out->er, stream, &off, lens->encr);
	take(&out->ar, stream, &off, lens->integ);
out:
	if (ret && out)
		kdf_child_keys_wipe(out);
	wipe(stream, sizeof(stream));
	return ret;
}

void kdf_key_wipe(struct kdf_key *k)
{
	wipe(k, sizeof(*k));
}

void kdf_ike_keys_wipe(struct kdf_ike_keys *k)
{
	wipe(k, sizeof(*k));
}

void kdf_child_keys_wipe(struct kdf_child_keys *k)
{
	wipe(k, sizeof(*k));
}
