/*
 * sign_key.c - private and public signature keys: decoding (OpenSSL's
 * decoder, PEM or DER, PKCS#8 or traditional), classification into the
 * kinds IKE uses, and public-half extraction.
 *
 * A struct sign_pub never holds private material: it is re-decoded from
 * the DER SubjectPublicKeyInfo of the private key, so handing a public key
 * to another module can never leak the private one.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/wipe.h"
#include "crypto/internal.h"
#include "crypto/sign.h"

#define RSA_MIN_BITS 2048
#define RSA_MAX_BITS 8192

enum sign_key_type sign_type_of(const EVP_PKEY *pkey)
{
	char group[32];
	int bits;

	switch (EVP_PKEY_get_base_id(pkey)) {
	case EVP_PKEY_RSA:
		bits = EVP_PKEY_get_bits(pkey);
		return bits >= RSA_MIN_BITS && bits <= RSA_MAX_BITS ? SIGN_KEY_RSA
								    : SIGN_KEY_NONE;
	case EVP_PKEY_EC:
		if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME,
						   group, sizeof(group), NULL) != 1)
			return SIGN_KEY_NONE;
		if (strcmp(group, "prime256v1") == 0 || strcmp(group, "P-256") == 0)
			return SIGN_KEY_ECDSA_P256;
		if (strcmp(group, "secp384r1") == 0 || strcmp(group, "P-384") == 0)
			return SIGN_KEY_ECDSA_P384;
		return SIGN_KEY_NONE;
	case EVP_PKEY_ED25519:
		return SIGN_KEY_ED25519;
	default:
		return SIGN_KEY_NONE;
	}
}

const char *sign_key_type_name(enum sign_key_type t)
{
	switch (t) {
	case SIGN_KEY_RSA: return "RSA";
	case SIGN_KEY_ECDSA_P256: return "ECDSA P-256";
	case SIGN_KEY_ECDSA_P384: return "ECDSA P-384";
	case SIGN_KEY_ED25519: return "Ed25519";
	default: return "none";
	}
}

/* Whether the decoded key carries its private half (not just a public key). */
static bool has_private(const EVP_PKEY *pkey)
{
	BIGNUM *bn = NULL;
	size_t len = 0;
	bool ret = false;

	switch (EVP_PKEY_get_base_id(pkey)) {
	case EVP_PKEY_RSA:
		ret = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_D, &bn) == 1;
		break;
	case EVP_PKEY_EC:
		ret = EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_PRIV_KEY, &bn) == 1;
		break;
	case EVP_PKEY_ED25519:
		ret = EVP_PKEY_get_raw_private_key(pkey, NULL, &len) == 1 && len > 0;
		break;
	}
	BN_clear_free(bn);
	ERR_clear_error();
	return ret;
}

/* Refuse to prompt: encrypted keys fail to decode instead. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

/* Decode one key of the given selection from PEM or DER; NULL if none. */
static EVP_PKEY *decode(const void *data, size_t len, int selection, const char *structure)
{
	OSSL_DECODER_CTX *dctx;
	EVP_PKEY *pkey = NULL;
	const unsigned char *p = data;
	size_t left = len;

	dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, NULL, structure, NULL, selection,
					     NULL, NULL);
	if (!dctx)
		return NULL;
	OSSL_DECODER_CTX_set_pem_password_cb(dctx, no_passphrase, NULL);
	if (OSSL_DECODER_from_data(dctx, &p, &left) != 1) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	OSSL_DECODER_CTX_free(dctx);
	ERR_clear_error();
	return pkey;
}

static int key_load(const void *data, size_t len, struct sign_key **out, const char *what)
{
	struct sign_key *k;
	EVP_PKEY *pkey;
	enum sign_key_type t;

	if (!data || !len || len > SIGN_MAX_FILE_LEN) {
		log_error("%s: empty or larger than %d bytes", what, SIGN_MAX_FILE_LEN);
		return len ? ERR_LIMIT : ERR_SYNTAX;
	}
	pkey = decode(data, len, EVP_PKEY_KEYPAIR, NULL);
	if (!pkey || !has_private(pkey)) {
		log_error("%s: not an unencrypted private key (PEM or DER, PKCS#8 or "
			  "traditional RSA/EC)", what);
		EVP_PKEY_free(pkey);
		return ERR_SYNTAX;
	}
	t = sign_type_of(pkey);
	if (t == SIGN_KEY_NONE) {
		log_error("%s: unsupported key (%s, %d bits): reswan signs with RSA "
			  "2048-8192, ECDSA P-256/P-384 or Ed25519", what,
			  EVP_PKEY_get0_type_name(pkey), EVP_PKEY_get_bits(pkey));
		EVP_PKEY_free(pkey);
		return ERR_UNSUPPORTED;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		EVP_PKEY_free(pkey);
		return ERR_NOMEM;
	}
	k->pkey = pkey;
	k->type = t;
	*out = k;
	return 0;
}

int sign_key_load_mem(const void *data, size_t len, struct sign_key **out)
{
	return key_load(data, len, out, "private key");
}

int sign_key_load_file(const char *path, struct sign_key **out)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int ret;

	ret = crypto_read_file(path, SIGN_MAX_FILE_LEN, &data, &len);
	if (ret)
		return ret;
	ret = key_load(data, len, out, path);
	wipe(data, len);
	free(data);
	return ret;
}

struct sign_key *sign_key_generate(enum sign_key_type type)
{
	struct sign_key *k;
	EVP_PKEY *pkey = NULL;

	switch (type) {
	case SIGN_KEY_RSA:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)RSA_MIN_BITS);
		break;
	case SIGN_KEY_ECDSA_P256:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case SIGN_KEY_ECDSA_P384:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
		break;
	case SIGN_KEY_ED25519:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	default:
		return NULL;
	}
	if (!pkey) {
		crypto_log_errors("sign_key_generate");
		return NULL;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		EVP_PKEY_free(pkey);
		return NULL;
	}
	k->pkey = pkey;
	k->type = type;
	return k;
}

int sign_key_to_pem(const struct sign_key *k, char *out, size_t cap, size_t *len)
{
	BIO *bio = BIO_new(BIO_s_secmem());
	char *mem = NULL;
	long n;
	int ret = ERR_CRYPTO;

	if (!bio || PEM_write_bio_PrivateKey(bio, k->pkey, NULL, NULL, 0, NULL, NULL) != 1)
		goto out;
	n = BIO_get_mem_data(bio, &mem);
	ret = ERR_LIMIT;
	if (n <= 0 || (size_t)n >= cap)
		goto out;
	memcpy(out, mem, (size_t)n);
	out[n] = '\0';
	*len = (size_t)n;
	ret = 0;
out:
	BIO_free(bio);	/* secure memory BIO: cleansed */
	return ret;
}

void sign_key_free(struct sign_key *k)
{
	if (!k)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

enum sign_key_type sign_key_type(const struct sign_key *k)
{
	return k->type;
}

struct sign_pub *sign_pub_wrap(EVP_PKEY *pkey)
{
	struct sign_pub *p;
	enum sign_key_type t = sign_type_of(pkey);

	if (t == SIGN_KEY_NONE)
		return NULL;
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->pkey = pkey;
	p->type = t;
	return p;
}

struct sign_pub *sign_key_pub(const struct sign_key *k)
{
	unsigned char *der = NULL;
	const unsigned char *q;
	EVP_PKEY *pkey;
	struct sign_pub *p;
	int n;

	n = i2d_PUBKEY(k->pkey, &der);
	if (n <= 0)
		return NULL;
	q = der;
	pkey = d2i_PUBKEY(NULL, &q, n);
	OPENSSL_free(der);
	if (!pkey)
		return NULL;
	p = sign_pub_wrap(pkey);
	if (!p)
		EVP_PKEY_free(pkey);
	return p;
}

int sign_pub_load_mem(const void *data, size_t len, struct sign_pub **out)
{
	EVP_PKEY *pkey;
	struct sign_pub *p;

	if (!data || !len || len > SIGN_MAX_FILE_LEN)
		return ERR_SYNTAX;
	pkey = decode(data, len, EVP_PKEY_PUBLIC_KEY, "SubjectPublicKeyInfo");
	if (!pkey)
		return ERR_SYNTAX;
	p = sign_pub_wrap(pkey);
	if (!p) {
		EVP_PKEY_free(pkey);
		return ERR_UNSUPPORTED;
	}
	*out = p;
	return 0;
}

void sign_pub_free(struct sign_pub *p)
{
	if (!p)
		return;
	EVP_PKEY_free(p->pkey);
	free(p);
}

enum sign_key_type sign_pub_type(const struct sign_pub *p)
{
	return p->type;
}

bool sign_pub_equal(const struct sign_pub *a, const struct sign_pub *b)
{
	return EVP_PKEY_eq(a->pkey, b->pkey) == 1;
}
