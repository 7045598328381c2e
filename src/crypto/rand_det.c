/*
 * rand_det.c - a deterministic randomness source for tests: the ChaCha20
 * keystream (via EVP) under key SHA-256(seed) and an all-zero nonce.
 *
 * Encrypting zeros yields the keystream itself, and successive calls
 * continue the stream, so the bytes a test sees depend only on the seed and
 * on how many bytes were drawn before.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "crypto/internal.h"
#include "crypto/rand.h"

struct rand_det {
	struct rand_src src;	/* first: rand_det_free() converts back */
	EVP_CIPHER_CTX *ctx;
};

static int det_bytes(struct rand_src *r, void *out, size_t n)
{
	struct rand_det *d = (struct rand_det *)r;
	static const uint8_t zero[256];
	uint8_t *p = out;
	int outl;

	while (n > 0) {
		size_t chunk = n > sizeof(zero) ? sizeof(zero) : n;

		if (EVP_EncryptUpdate(d->ctx, p, &outl, zero, (int)chunk) != 1 ||
		    (size_t)outl != chunk) {
			crypto_log_errors("rand_det");
			return ERR_CRYPTO;
		}
		p += chunk;
		n -= chunk;
	}
	return 0;
}

struct rand_src *rand_det_new(const void *seed, size_t seed_len)
{
	struct rand_det *d = NULL;
	uint8_t key[32];
	uint8_t iv[16] = { 0 };	/* 32-bit counter | 96-bit nonce, all zero */
	unsigned int klen = 0;
	struct rand_src *ret = NULL;

	d = calloc(1, sizeof(*d));
	if (!d)
		goto out;
	d->src.bytes = det_bytes;
	d->src.priv_bytes = det_bytes;
	if (!crypto_md(CRYPTO_MD_SHA256) || !crypto_cipher(CRYPTO_CIPHER_CHACHA20))
		goto out;
	if (EVP_Digest(seed, seed_len, key, &klen, crypto_md(CRYPTO_MD_SHA256),
		       NULL) != 1)
		goto out;
	d->ctx = EVP_CIPHER_CTX_new();
	if (!d->ctx ||
	    EVP_EncryptInit_ex2(d->ctx, crypto_cipher(CRYPTO_CIPHER_CHACHA20),
				key, iv, NULL) != 1)
		goto out;
	ret = &d->src;
	d = NULL;
out:
	wipe(key, sizeof(key));
	if (d) {
		crypto_log_errors("rand_det_new");
		rand_det_free(&d->src);
	}
	return ret;
}

void rand_det_free(struct rand_src *r)
{
	struct rand_det *d = (struct rand_det *)r;

	if (!d)
		return;
	EVP_CIPHER_CTX_free(d->ctx);	/* cleanses the cipher state */
	wipe(d, sizeof(*d));
	free(d);
}
