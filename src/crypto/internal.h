/*
 * internal.h - what the files of src/crypto share and nobody else sees:
 * the OpenSSL includes, the layouts of key structs several files touch,
 * and the algorithm objects fetched once per process.
 *
 * Fetching an algorithm (EVP_MD_fetch, EVP_MAC_fetch, EVP_CIPHER_fetch)
 * walks the provider tables and takes locks; doing it per operation would
 * dominate small MACs.  crypto_alg() fetches everything once, on first
 * use, and keeps the objects for the life of the process.
 */
#ifndef RESWAN_CRYPTO_INTERNAL_H
#define RESWAN_CRYPTO_INTERNAL_H

/*
 * OpenSSL's types.h declares a typedef ERR_STATE, which collides with
 * common/err.h's error code of the same name; rename OpenSSL's (reswan
 * never uses it) while its headers are read.  Every OpenSSL header the
 * layer needs is included here, so no .c file includes one directly.
 */
#define ERR_STATE ossl_unused_ERR_STATE
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/opensslv.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#undef ERR_STATE

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/sign.h"

enum crypto_alg_id {
	CRYPTO_MD_SHA1,
	CRYPTO_MD_SHA256,
	CRYPTO_MD_SHA384,
	CRYPTO_MD_SHA512,
	CRYPTO_CIPHER_AES128_GCM,
	CRYPTO_CIPHER_AES256_GCM,
	CRYPTO_CIPHER_CHACHA20_POLY1305,
	CRYPTO_CIPHER_AES128_CBC,
	CRYPTO_CIPHER_AES256_CBC,
	CRYPTO_CIPHER_CHACHA20,
	CRYPTO_MAC_HMAC,
	CRYPTO_ALG_COUNT
};

/* The fetched algorithm, or NULL if the backend lacks it (logged once). */
const EVP_MD *crypto_md(enum crypto_alg_id id);
const EVP_CIPHER *crypto_cipher(enum crypto_alg_id id);
EVP_MAC *crypto_hmac(void);
/* OpenSSL digest name for a CRYPTO_MD_* id ("SHA256"). */
const char *crypto_md_name(enum crypto_alg_id id);

/* Drop OpenSSL's error queue, logging it at debug level with context. */
void crypto_log_errors(const char *what);

/*
 * Read a whole file of at most max octets into fresh memory (*data,
 * caller frees; wipe first if it may hold a key).  Logs "path: reason".
 * ERR_IO or ERR_LIMIT.
 */
int crypto_read_file(const char *path, size_t max, uint8_t **data, size_t *len);

struct sign_key {
	EVP_PKEY *pkey;
	enum sign_key_type type;
};

struct sign_pub {
	EVP_PKEY *pkey;
	enum sign_key_type type;
};

/* Classify a backend key; SIGN_KEY_NONE if reswan does not use its kind. */
enum sign_key_type sign_type_of(const EVP_PKEY *pkey);
/* Wrap pkey (reference taken over) as a struct sign_pub; NULL on failure. */
struct sign_pub *sign_pub_wrap(EVP_PKEY *pkey);
bool sign_alg_is_pss(enum sign_alg alg);

struct x509_cert {
	X509 *x;
	unsigned char *der;	/* i2d_X509, OPENSSL_free */
	size_t der_len;
	unsigned char *subject;	/* i2d_X509_NAME of the subject */
	size_t subject_len;
	GENERAL_NAMES *sans;	/* decoded subjectAltName or NULL */
};

/* Decode the first certificate in data (PEM, or DER filling all of it). */
X509 *x509_decode_one(const uint8_t *data, size_t len);

#endif
