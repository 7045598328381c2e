/*
 * aead.c - AES-GCM, ChaCha20-Poly1305 and AES-CBC + HMAC-SHA2 behind one
 * seal/open interface (see aead.h for the contract).
 *
 * Setup keys two cipher contexts (one per direction: CBC decryption uses a
 * different key schedule) and, for composed mode, one HMAC context.  Per
 * message only the IV is installed: EVP_CipherInit_ex with NULL cipher and
 * key keeps the key schedule, and EVP_MAC_init with a NULL key restarts
 * HMAC from the keyed inner state, so the hot path never re-keys and never
 * allocates.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/wipe.h"
#include "crypto/aead.h"
#include "crypto/crypto.h"
#include "crypto/internal.h"
#include "wire/ikev2.h"

struct aead_alg {
	uint16_t encr;
	uint16_t key_bits;	/* KEY_LENGTH attribute; 0 = none sent */
	uint16_t integ;
	const char *name;
	enum crypto_alg_id cipher;
	size_t key_len;		/* cipher key, without salt */
	size_t salt_len;
	size_t iv_len;
	size_t icv_len;
	size_t block;
	enum crypto_alg_id md;	/* composed mode only */
	size_t integ_key_len;
};

#define GCM(bits, c) { IKEV2_ENCR_AES_GCM_16, bits, IKEV2_INTEG_NONE, \
	"aes" #bits "gcm16", c, bits / 8, 4, 8, 16, 1, 0, 0 }
#define CBC(bits, c, integ, icv, md, ik, nm) { IKEV2_ENCR_AES_CBC, bits, integ, \
	nm, c, bits / 8, 0, 16, icv, 16, md, ik }

static const struct aead_alg algs[] = {
	GCM(128, CRYPTO_CIPHER_AES128_GCM),
	GCM(256, CRYPTO_CIPHER_AES256_GCM),
	{ IKEV2_ENCR_CHACHA20_POLY1305, 256, IKEV2_INTEG_NONE, "chacha20poly1305",
	  CRYPTO_CIPHER_CHACHA20_POLY1305, 32, 4, 8, 16, 1, 0, 0 },
	CBC(128, CRYPTO_CIPHER_AES128_CBC, IKEV2_INTEG_HMAC_SHA2_256_128, 16,
	    CRYPTO_MD_SHA256, 32, "aes128-sha256"),
	CBC(128, CRYPTO_CIPHER_AES128_CBC, IKEV2_INTEG_HMAC_SHA2_384_192, 24,
	    CRYPTO_MD_SHA384, 48, "aes128-sha384"),
	CBC(128, CRYPTO_CIPHER_AES128_CBC, IKEV2_INTEG_HMAC_SHA2_512_256, 32,
	    CRYPTO_MD_SHA512, 64, "aes128-sha512"),
	CBC(256, CRYPTO_CIPHER_AES256_CBC, IKEV2_INTEG_HMAC_SHA2_256_128, 16,
	    CRYPTO_MD_SHA256, 32, "aes256-sha256"),
	CBC(256, CRYPTO_CIPHER_AES256_CBC, IKEV2_INTEG_HMAC_SHA2_384_192, 24,
	    CRYPTO_MD_SHA384, 48, "aes256-sha384"),
	CBC(256, CRYPTO_CIPHER_AES256_CBC, IKEV2_INTEG_HMAC_SHA2_512_256, 32,
	    CRYPTO_MD_SHA512, 64, "aes256-sha512"),
};

#define NONCE_LEN 12	/* salt (4) | explicit IV (8) for the combined modes */

struct aead {
	const struct aead_alg *alg;
	EVP_CIPHER_CTX *enc;
	EVP_CIPHER_CTX *dec;
	EVP_MAC_CTX *mac;	/* composed mode: keyed HMAC */
	uint8_t salt[AEAD_SALT_LEN];
};

static const struct aead_alg *find(uint16_t encr, uint16_t key_bits, uint16_t integ)
{
	/* ChaCha20-Poly1305 has a fixed key size and no KEY_LENGTH attribute. */
	if (encr == IKEV2_ENCR_CHACHA20_POLY1305 && key_bits == 0)
		key_bits = 256;
	for (size_t i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (algs[i].encr == encr && algs[i].key_bits == key_bits &&
		    algs[i].integ == integ)
			return &algs[i];
	return NULL;
}

int aead_key_lens(uint16_t encr, uint16_t key_bits, uint16_t integ,
		  size_t *encr_key_len, size_t *integ_key_len)
{
	const struct aead_alg *a = find(encr, key_bits, integ);

	if (!a)
		return ERR_UNSUPPORTED;
	*encr_key_len = a->key_len + a->salt_len;
	*integ_key_len = a->integ_key_len;
	return 0;
}

void aead_free(struct aead *a)
{
	if (!a)
		return;
	EVP_CIPHER_CTX_free(a->enc);	/* cleanses key schedules */
	EVP_CIPHER_CTX_free(a->dec);
	EVP_MAC_CTX_free(a->mac);
	wipe(a, sizeof(*a));
	free(a);
}

static EVP_CIPHER_CTX *cipher_ctx(const struct aead_alg *alg, const uint8_t *key, int enc)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();

	if (!c || EVP_CipherInit_ex2(c, crypto_cipher(alg->cipher), key, NULL, enc, NULL) != 1 ||
	    EVP_CIPHER_CTX_get_key_length(c) != (int)alg->key_len ||
	    (alg->salt_len == 0 && EVP_CIPHER_CTX_set_padding(c, 0) != 1)) {
		EVP_CIPHER_CTX_free(c);
		return NULL;
	}
	return c;
}

struct aead *aead_new(uint16_t encr, uint16_t key_bits, uint16_t integ,
		      const uint8_t *encr_key, size_t encr_key_len,
		      const uint8_t *integ_key, size_t integ_key_len)
{
	const struct aead_alg *alg = find(encr, key_bits, integ);
	struct aead *a = NULL;
	OSSL_PARAM params[2];

	if (!alg || !encr_key || encr_key_len != alg->key_len + alg->salt_len ||
	    integ_key_len != alg->integ_key_len || (integ_key_len && !integ_key) ||
	    !crypto_cipher(alg->cipher))
		return NULL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->alg = alg;
	/* RFC 5282 / 4106 / 7634: the salt is the last octets of the key material. */
	memcpy(a->salt, encr_key + alg->key_len, alg->salt_len);
	a->enc = cipher_ctx(alg, encr_key, 1);
	a->dec = cipher_ctx(alg, encr_key, 0);
	if (!a->enc || !a->dec)
		goto fail;
	if (alg->integ_key_len) {
		if (!crypto_hmac() || !crypto_md(alg->md))
			goto fail;
		params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
			(char *)(uintptr_t)crypto_md_name(alg->md), 0);
		params[1] = OSSL_PARAM_construct_end();
		a->mac = EVP_MAC_CTX_new(crypto_hmac());
		if (!a->mac || EVP_MAC_init(a->mac, integ_key, integ_key_len, params) != 1)
			goto fail;
	}
	return a;
fail:
	crypto_log_errors("aead_new");
	aead_free(a);
	return NULL;
}

size_t aead_iv_len(const struct aead *a)
{
	return a->alg->iv_len;
}

size_t aead_icv_len(const struct aead *a)
{
	return a->alg->icv_len;
}

size_t aead_block_size(const struct aead *a)
{
	return a->alg->block;
}

const char *aead_name(const struct aead *a)
{
	return a->alg->name;
}

/* Install salt | iv; the key schedule stays. */
static int set_nonce(const struct aead *a, EVP_CIPHER_CTX *c, const uint8_t *iv, int enc)
{
	uint8_t nonce[NONCE_LEN];

	if (a->alg->salt_len == 0)
		return EVP_CipherInit_ex(c, NULL, NULL, NULL, iv, enc) == 1 ? 0 : ERR_CRYPTO;
	memcpy(nonce, a->salt, AEAD_SALT_LEN);
	memcpy(nonce + AEAD_SALT_LEN, iv, a->alg->iv_len);
	return EVP_CipherInit_ex(c, NULL, NULL, NULL, nonce, enc) == 1 ? 0 : ERR_CRYPTO;
}

/* Run the cipher over len octets; they must all come out at once. */
static int cipher_run(EVP_CIPHER_CTX *c, const uint8_t *in, size_t len, uint8_t *out)
{
	int outl = 0, fin = 0;

	if (len > INT32_MAX)
		return ERR_INVAL;
	if (len && EVP_CipherUpdate(c, out, &outl, in, (int)len) != 1)
		return ERR_CRYPTO;
	if (EVP_CipherFinal_ex(c, out + outl, &fin) != 1)
		return ERR_AUTH;	/* combined modes: the tag did not verify */
	return (size_t)outl + (size_t)fin == len ? 0 : ERR_CRYPTO;
}

static int combined_aad(EVP_CIPHER_CTX *c, const uint8_t *aad, size_t aad_len)
{
	int outl = 0;

	if (aad_len > INT32_MAX)
		return ERR_INVAL;
	if (aad_len && EVP_CipherUpdate(c, NULL, &outl, aad, (int)aad_len) != 1)
		return ERR_CRYPTO;
	return 0;
}

/* Composed mode: full HMAC over aad | iv | ciphertext into tag. */
static int composed_mac(struct aead *a, const uint8_t *aad, size_t aad_len,
			const uint8_t *iv, const uint8_t *ct, size_t len,
			uint8_t tag[AEAD_MAX_ICV_LEN * 2])
{
	size_t got = 0;

	if (EVP_MAC_init(a->mac, NULL, 0, NULL) != 1 ||
	    (aad_len && EVP_MAC_update(a->mac, aad, aad_len) != 1) ||
	    EVP_MAC_update(a->mac, iv, a->alg->iv_len) != 1 ||
	    (len && EVP_MAC_update(a->mac, ct, len) != 1) ||
	    EVP_MAC_final(a->mac, tag, &got, AEAD_MAX_ICV_LEN * 2) != 1 ||
	    got < a->alg->icv_len)
		return ERR_CRYPTO;
	return 0;
}

int aead_seal(struct aead *a, const uint8_t *iv,
	      const uint8_t *aad, size_t aad_len,
	      const uint8_t *in, size_t len, uint8_t *out, uint8_t *icv)
{
	uint8_t tag[AEAD_MAX_ICV_LEN * 2];
	OSSL_PARAM params[2];
	int ret;

	if (!iv || !icv || (len && (!in || !out)) || (aad_len && !aad) ||
	    len % a->alg->block != 0)
		return ERR_INVAL;
	ret = set_nonce(a, a->enc, iv, 1);
	if (ret)
		goto out;
	if (a->alg->salt_len) {
		ret = combined_aad(a->enc, aad, aad_len);
		if (!ret)
			ret = cipher_run(a->enc, in, len, out);
		if (ret)
			goto out;
		params[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
							      icv, a->alg->icv_len);
		params[1] = OSSL_PARAM_construct_end();
		ret = EVP_CIPHER_CTX_get_params(a->enc, params) == 1 ? 0 : ERR_CRYPTO;
	} else {
		ret = cipher_run(a->enc, in, len, out);
		if (!ret)
			ret = composed_mac(a, aad, aad_len, iv, out, len, tag);
		if (!ret)
			memcpy(icv, tag, a->alg->icv_len);	/* truncated (RFC 4868) */
	}
out:
	if (ret) {
		crypto_log_errors("aead_seal");
		if (ret == ERR_AUTH)
			ret = ERR_CRYPTO;
	}
	wipe(tag, sizeof(tag));
	return ret;
}

int aead_open(struct aead *a, const uint8_t *iv,
	      const uint8_t *aad, size_t aad_len,
	      const uint8_t *in, size_t len, uint8_t *out, const uint8_t *icv)
{
	uint8_t tag[AEAD_MAX_ICV_LEN * 2];
	OSSL_PARAM params[2];
	int ret;

	if (!iv || !icv || (len && (!in || !out)) || (aad_len && !aad) ||
	    len % a->alg->block != 0)
		return ERR_INVAL;
	if (a->alg->salt_len) {
		memcpy(tag, icv, a->alg->icv_len);
		params[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
							      tag, a->alg->icv_len);
		params[1] = OSSL_PARAM_construct_end();
		ret = set_nonce(a, a->dec, iv, 0);
		if (!ret)
			ret = EVP_CIPHER_CTX_set_params(a->dec, params) == 1 ? 0 : ERR_CRYPTO;
		if (!ret)
			ret = combined_aad(a->dec, aad, aad_len);
		/* The backend compares the tag in constant time at Final. */
		if (!ret)
			ret = cipher_run(a->dec, in, len, out);
		if (ret == ERR_AUTH)
			wipe(out, len);
	} else {
		/* MAC before decrypt: nothing is decrypted for a forged message. */
		ret = composed_mac(a, aad, aad_len, iv, in, len, tag);
		if (!ret && !crypto_memeq(tag, icv, a->alg->icv_len))
			ret = ERR_AUTH;
		if (!ret)
			ret = set_nonce(a, a->dec, iv, 0);
		/* The ICV was fine: a CBC failure after it is ours, not the peer's. */
		if (!ret && cipher_run(a->dec, in, len, out) != 0)
			ret = ERR_CRYPTO;
	}
	if (ret && ret != ERR_AUTH)
		crypto_log_errors("aead_open");
	ERR_clear_error();
	wipe(tag, sizeof(tag));
	return ret;
}
