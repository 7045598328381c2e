/*
 * prf.c - keyed HMAC-SHA2 contexts and prf+ (RFC 7296 2.13).
 *
 * prf_new() runs the HMAC key schedule once into a template EVP_MAC_CTX;
 * each computation duplicates the template (EVP_MAC_CTX_dup copies the
 * already-keyed inner and outer hash states), so the template is never
 * written after setup and a const struct prf is safe to share.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "crypto/internal.h"
#include "crypto/prf.h"
#include "wire/ikev2.h"

struct prf {
	EVP_MAC_CTX *keyed;
	uint16_t id;
	size_t len;
};

static const struct {
	uint16_t id;
	enum crypto_alg_id md;
	size_t len;
	const char *name;
} prfs[] = {
	{ IKEV2_PRF_HMAC_SHA2_256, CRYPTO_MD_SHA256, 32, "prfsha256" },
	{ IKEV2_PRF_HMAC_SHA2_384, CRYPTO_MD_SHA384, 48, "prfsha384" },
	{ IKEV2_PRF_HMAC_SHA2_512, CRYPTO_MD_SHA512, 64, "prfsha512" },
};

static int find(uint16_t id)
{
	for (size_t i = 0; i < sizeof(prfs) / sizeof(prfs[0]); i++)
		if (prfs[i].id == id)
			return (int)i;
	return -1;
}

bool prf_supported(uint16_t prf_id)
{
	return find(prf_id) >= 0;
}

size_t prf_out_len(uint16_t prf_id)
{
	int i = find(prf_id);

	return i < 0 ? 0 : prfs[i].len;
}

const char *prf_name(uint16_t prf_id)
{
	int i = find(prf_id);

	return i < 0 ? NULL : prfs[i].name;
}

/*
 * An unkeyed HMAC context with its digest set, one per digest and thread:
 * naming the digest in every EVP_MAC_init made OpenSSL fetch it by name
 * each time (EVP_MD_fetch, its locks and string compares: 3-4% of a
 * resumption).  Keying a copy, or re-keying this one, then takes no
 * parameters.
 */
static EVP_MAC_CTX *digest_ctx(EVP_MAC_CTX **slot, int i)
{
	OSSL_PARAM params[2];

	if (*slot)
		return *slot;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
		(char *)(uintptr_t)crypto_md_name(prfs[i].md), 0);
	params[1] = OSSL_PARAM_construct_end();
	*slot = EVP_MAC_CTX_new(crypto_hmac());
	if (*slot && EVP_MAC_CTX_set_params(*slot, params) != 1) {
		EVP_MAC_CTX_free(*slot);
		*slot = NULL;
	}
	return *slot;
}

static __thread EVP_MAC_CTX *unkeyed[3];

struct prf *prf_new(uint16_t prf_id, const uint8_t *key, size_t key_len)
{
	static const uint8_t nokey[1];
	struct prf *p = NULL;
	int i = find(prf_id);
	EVP_MAC_CTX *t;

	if (i < 0 || !crypto_hmac() || !crypto_md(prfs[i].md))
		return NULL;
	if (!(t = digest_ctx(&unkeyed[i], i))) {
		crypto_log_errors("prf_new");
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->id = prf_id;
	p->len = prfs[i].len;
	p->keyed = EVP_MAC_CTX_dup(t);
	/* A NULL key means "reuse the old one" to the backend; pass a real empty key. */
	if (!p->keyed ||
	    EVP_MAC_init(p->keyed, key_len ? key : nokey, key_len, NULL) != 1) {
		crypto_log_errors("prf_new");
		prf_free(p);
		return NULL;
	}
	return p;
}

void prf_free(struct prf *p)
{
	if (!p)
		return;
	EVP_MAC_CTX_free(p->keyed);	/* the HMAC provider cleanses its state */
	free(p);
}

uint16_t prf_id(const struct prf *p)
{
	return p->id;
}

size_t prf_len(const struct prf *p)
{
	return p->len;
}

int prf_compute(const struct prf *p, const struct crypto_span *in, size_t n,
		uint8_t *out)
{
	EVP_MAC_CTX *c = EVP_MAC_CTX_dup(p->keyed);
	size_t got = 0;
	int ret = ERR_CRYPTO;

	if (!c)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (in[i].len && EVP_MAC_update(c, in[i].p, in[i].len) != 1)
			goto out;
	if (EVP_MAC_final(c, out, &got, p->len) != 1 || got != p->len)
		goto out;
	ret = 0;
out:
	if (ret)
		crypto_log_errors("prf_compute");
	EVP_MAC_CTX_free(c);
	return ret;
}

int prf_compute1(const struct prf *p, const void *in, size_t len, uint8_t *out)
{
	struct crypto_span s = { in, len };

	return prf_compute(p, &s, 1, out);
}

/*
 * One prf+ block: t = prf(K, t[0..tlen) | S | counter) on c, a copy of the
 * keyed context; after the first block c is re-initialised with the same
 * key (EVP_MAC_init with a NULL key keeps it), which costs far less than
 * another copy.
 */
static int plus_block(const struct prf *p, EVP_MAC_CTX *c, bool reinit,
		      uint8_t *t, size_t tlen, const struct crypto_span *seed,
		      size_t n, uint8_t counter)
{
	size_t got = 0;

	if (reinit && EVP_MAC_init(c, NULL, 0, NULL) != 1)
		return ERR_CRYPTO;
	if (tlen && EVP_MAC_update(c, t, tlen) != 1)
		return ERR_CRYPTO;
	for (size_t i = 0; i < n; i++)
		if (seed[i].len && EVP_MAC_update(c, seed[i].p, seed[i].len) != 1)
			return ERR_CRYPTO;
	if (EVP_MAC_update(c, &counter, 1) != 1 ||
	    EVP_MAC_final(c, t, &got, p->len) != 1 || got != p->len)
		return ERR_CRYPTO;
	return 0;
}

int prf_plus(const struct prf *p, const struct crypto_span *seed, size_t n,
	     uint8_t *out, size_t out_len)
{
	uint8_t t[PRF_MAX_LEN];
	EVP_MAC_CTX *c;
	size_t done = 0;
	unsigned k = 0;
	int ret = 0;

	if (out_len > PRF_PLUS_MAX_BLOCKS * p->len)
		return ERR_INVAL;
	if (!(c = EVP_MAC_CTX_dup(p->keyed)))
		return ERR_CRYPTO;
	/* T1 = prf(K, S | 0x01), Tk = prf(K, T(k-1) | S | k). */
	while (done < out_len) {
		size_t take = out_len - done < p->len ? out_len - done : p->len;

		k++;
		ret = plus_block(p, c, k > 1, t, k > 1 ? p->len : 0, seed, n,
				 (uint8_t)k);
		if (ret)
			goto out;
		memcpy(out + done, t, take);
		done += take;
	}
out:
	if (ret) {
		crypto_log_errors("prf_plus");
		wipe(out, out_len);
	}
	EVP_MAC_CTX_free(c);
	wipe(t, sizeof(t));
	return ret;
}

/*
 * The contexts prf_once() keys afresh on every call, one per digest and
 * thread: a key used for one computation needs no allocation at all.
 * HMAC state left in them after EVP_MAC_final is overwritten by the next
 * EVP_MAC_init (the provider cleanses key material it replaces).
 */
static __thread EVP_MAC_CTX *once_ctx[3];

int prf_once(uint16_t prf_id, const uint8_t *key, size_t key_len,
	     const struct crypto_span *in, size_t n, uint8_t *out)
{
	static const uint8_t nokey[1];
	int i = find(prf_id);
	size_t got = 0;
	EVP_MAC_CTX *c;

	if (i < 0 || !crypto_hmac() || !crypto_md(prfs[i].md))
		return ERR_UNSUPPORTED;
	if (!(c = digest_ctx(&once_ctx[i], i)))
		return ERR_NOMEM;
	if (EVP_MAC_init(c, key_len ? key : nokey, key_len, NULL) != 1)
		goto fail;
	for (size_t k = 0; k < n; k++)
		if (in[k].len && EVP_MAC_update(c, in[k].p, in[k].len) != 1)
			goto fail;
	if (EVP_MAC_final(c, out, &got, prfs[i].len) != 1 || got != prfs[i].len)
		goto fail;
	return 0;
fail:
	crypto_log_errors("prf_once");
	return ERR_CRYPTO;
}
