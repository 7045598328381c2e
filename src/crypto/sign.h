/*
 * sign.h - public-key signatures for IKEv2 authentication: private key
 * loading, public keys, and the AUTH payload data of RFC 7427 "Digital
 * Signature" authentication (method 14) plus the legacy methods RSA_SIG (1,
 * verify only) and ECDSA_256/384 (9/10, RFC 4754).
 *
 * RFC 7427 AUTH data is
 *     1 octet   length L of the AlgorithmIdentifier
 *     L octets  AlgorithmIdentifier (DER)
 *     rest      signature value
 * The AlgorithmIdentifier is never parsed as general ASN.1: after a bounded
 * read of the length and bytes it must equal, byte for byte, one entry of a
 * fixed whitelist (enum sign_alg, the DER listed in RFC 7427 Appendix A and
 * RFC 8420), so a peer cannot steer us into an algorithm or parameter set
 * we did not choose.  SHA-1 and PSS with default (SHA-1) parameters are not
 * on the list.  ECDSA signature values are DER Ecdsa-Sig-Value (RFC 7427
 * section 3); the legacy methods carry r | s instead.
 *
 * Hashes to announce in SIGNATURE_HASH_ALGORITHMS: SHA2-256, SHA2-384,
 * SHA2-512 and IDENTITY (Ed25519, RFC 8420).
 */
#ifndef RESWAN_CRYPTO_SIGN_H
#define RESWAN_CRYPTO_SIGN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sign_key;	/* a private key (and its public half) */
struct sign_pub;	/* a public key */

enum sign_key_type {
	SIGN_KEY_NONE = 0,
	SIGN_KEY_RSA,
	SIGN_KEY_ECDSA_P256,
	SIGN_KEY_ECDSA_P384,
	SIGN_KEY_ED25519,
};

/* The RFC 7427 whitelist. */
enum sign_alg {
	SIGN_ALG_NONE = 0,
	SIGN_ALG_RSA_PKCS1_SHA256,
	SIGN_ALG_RSA_PKCS1_SHA384,
	SIGN_ALG_RSA_PKCS1_SHA512,
	SIGN_ALG_RSA_PSS_SHA256,	/* MGF1 with the same hash, salt = hash length */
	SIGN_ALG_RSA_PSS_SHA384,
	SIGN_ALG_RSA_PSS_SHA512,
	SIGN_ALG_ECDSA_SHA256,
	SIGN_ALG_ECDSA_SHA384,
	SIGN_ALG_ECDSA_SHA512,
	SIGN_ALG_ED25519,
	SIGN_ALG_COUNT
};

/* Longest signature (RSA-8192) and AUTH data reswan builds or accepts. */
#define SIGN_MAX_SIG_LEN 1024
#define SIGN_MAX_ALGID_LEN 80
#define SIGN_MAX_AUTH_LEN (1 + SIGN_MAX_ALGID_LEN + SIGN_MAX_SIG_LEN)
/* Cap on a key or certificate file read into memory. */
#define SIGN_MAX_FILE_LEN (256 * 1024)

/*
 * Load a private key: PEM or DER, PKCS#8 or traditional RSA / EC
 * ("BEGIN RSA PRIVATE KEY", "BEGIN EC PRIVATE KEY").  Encrypted keys are
 * refused.  Only RSA (2048..8192 bits), EC P-256 / P-384 and Ed25519 keys
 * are accepted (ERR_UNSUPPORTED otherwise).  On failure a line naming the
 * file and the reason is logged and *out is untouched; errors: ERR_IO (file),
 * ERR_LIMIT (file above SIGN_MAX_FILE_LEN), ERR_SYNTAX (not a key),
 * ERR_UNSUPPORTED.  The caller owns *out (sign_key_free()).
 */
int sign_key_load_file(const char *path, struct sign_key **out);
int sign_key_load_mem(const void *data, size_t len, struct sign_key **out);
/*
 * A fresh key from the backend's RNG, for tests and benchmarks: RSA uses
 * 2048 bits.  NULL on failure.
 */
struct sign_key *sign_key_generate(enum sign_key_type type);
/*
 * Write the key as unencrypted PKCS#8 PEM into out (cap octets), NUL
 * terminated; *len excludes the NUL.  For tests that need key files.
 * ERR_LIMIT if it does not fit.  The caller wipes out.
 */
int sign_key_to_pem(const struct sign_key *k, char *out, size_t cap, size_t *len);
/* Wipes the private key. */
void sign_key_free(struct sign_key *k);
enum sign_key_type sign_key_type(const struct sign_key *k);
/* The public half as a new object (caller frees), or NULL. */
struct sign_pub *sign_key_pub(const struct sign_key *k);

/* A public key from SubjectPublicKeyInfo, PEM or DER.  Like sign_key_load_mem. */
int sign_pub_load_mem(const void *data, size_t len, struct sign_pub **out);
void sign_pub_free(struct sign_pub *p);
enum sign_key_type sign_pub_type(const struct sign_pub *p);
/* True if both hold the same public key. */
bool sign_pub_equal(const struct sign_pub *a, const struct sign_pub *b);

const char *sign_key_type_name(enum sign_key_type t);

/* DER AlgorithmIdentifier of alg (static storage), NULL for SIGN_ALG_NONE. */
const uint8_t *sign_alg_der(enum sign_alg alg, size_t *len);
/* Map exact DER to a whitelisted alg; ERR_UNSUPPORTED if not listed. */
int sign_alg_from_der(const uint8_t *der, size_t len, enum sign_alg *alg);
/* Whether a key of type t can make/verify alg signatures. */
bool sign_alg_fits(enum sign_alg alg, enum sign_key_type t);
/* IKEV2_HASH_* the alg hashes with (IDENTITY for Ed25519). */
uint16_t sign_alg_hash(enum sign_alg alg);
const char *sign_alg_name(enum sign_alg alg);
/*
 * The alg to sign with for key type t and a hash both peers announced
 * (IKEV2_HASH_SHA2_256/384/512, or IDENTITY for Ed25519); pss selects
 * RSASSA-PSS for RSA keys.  SIGN_ALG_NONE if there is no such pairing.
 */
enum sign_alg sign_alg_choose(enum sign_key_type t, uint16_t hash, bool pss);

/*
 * Split RFC 7427 AUTH data (the AUTH payload after its method octet and
 * three reserved octets) into algorithm and signature.  *sig points into
 * auth.  ERR_TRUNCATED / ERR_SYNTAX for malformed data (including an empty
 * signature or one longer than SIGN_MAX_SIG_LEN), ERR_UNSUPPORTED for an
 * AlgorithmIdentifier not on the whitelist.  Outputs untouched on error.
 */
int sign_auth_parse(const uint8_t *auth, size_t len, enum sign_alg *alg,
		    const uint8_t **sig, size_t *sig_len);

/*
 * Sign octets (RFC 7296 2.15's InitiatorSignedOctets / ResponderSignedOctets)
 * and write the RFC 7427 AUTH data into out (cap octets).  ERR_INVAL if alg
 * does not fit the key, ERR_LIMIT if out is too small, ERR_CRYPTO.
 */
int sign_auth_build(const struct sign_key *k, enum sign_alg alg,
		    const uint8_t *octets, size_t octets_len,
		    uint8_t *out, size_t cap, size_t *out_len);

/*
 * Verify RFC 7427 AUTH data over octets with the peer's public key.
 * 0 if it verifies (and *alg, if not NULL, says which algorithm);
 * ERR_AUTH if the signature is wrong or alg does not fit the key; parse
 * errors as sign_auth_parse().
 */
int sign_auth_verify(const struct sign_pub *p, const uint8_t *auth, size_t len,
		     const uint8_t *octets, size_t octets_len, enum sign_alg *alg);

/*
 * Legacy AUTH methods: IKEV2_AUTH_RSA_SIG (PKCS#1 v1.5 with SHA-1, verify
 * only: reswan never makes SHA-1 signatures), IKEV2_AUTH_ECDSA_256 and
 * IKEV2_AUTH_ECDSA_384 (RFC 4754: SHA-256/384 on P-256/P-384, r | s).
 * Errors as the RFC 7427 forms; ERR_UNSUPPORTED for other methods.
 */
int sign_legacy_build(const struct sign_key *k, uint8_t method,
		      const uint8_t *octets, size_t octets_len,
		      uint8_t *out, size_t cap, size_t *out_len);
int sign_legacy_verify(const struct sign_pub *p, uint8_t method,
		       const uint8_t *sig, size_t sig_len,
		       const uint8_t *octets, size_t octets_len);

#endif
