/*
 * hash.c - unkeyed digests over a scatter list (see hash.h).
 */
#include "common/err.h"
#include "crypto/hash.h"
#include "crypto/internal.h"

size_t hash_len(enum hash_alg alg)
{
	return alg == HASH_SHA1 ? 20 : alg == HASH_SHA256 ? 32 : 0;
}

int hash_compute(enum hash_alg alg, const struct crypto_span *in, size_t n,
		 uint8_t *out)
{
	const EVP_MD *md = crypto_md(alg == HASH_SHA1 ? CRYPTO_MD_SHA1
				     : CRYPTO_MD_SHA256);
	EVP_MD_CTX *ctx;
	int rc = ERR_CRYPTO;

	if (!md || !hash_len(alg))
		return ERR_INVAL;
	ctx = EVP_MD_CTX_new();
	if (!ctx)
		return ERR_NOMEM;
	if (EVP_DigestInit_ex(ctx, md, NULL) != 1)
		goto out;
	for (size_t i = 0; i < n; i++)
		if (in[i].len && EVP_DigestUpdate(ctx, in[i].p, in[i].len) != 1)
			goto out;
	if (EVP_DigestFinal_ex(ctx, out, NULL) != 1)
		goto out;
	rc = 0;
out:
	if (rc)
		crypto_log_errors("hash");
	EVP_MD_CTX_free(ctx);
	return rc;
}
