/*
 * sign_alg.c - the RFC 7427 AlgorithmIdentifier whitelist.
 *
 * Each accepted algorithm is one exact DER encoding (RFC 7427 Appendix A:
 * A.1 PKCS#1 v1.5, A.3 ECDSA, A.4.3-style RSASSA-PSS with explicit
 * hash / MGF1 / salt parameters; RFC 8420 for Ed25519).  Matching whole
 * encodings means no ASN.1 parser ever sees peer bytes: an encoding that is
 * equivalent but spelled differently (absent NULL parameters, other salt
 * lengths, SHA-1) is simply not on the list.
 */
#include <string.h>

#include "common/err.h"
#include "crypto/internal.h"
#include "crypto/sign.h"
#include "wire/ikev2.h"

#define OID_RSA 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01
#define OID_SHA2 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02
#define PKCS1(n) { 0x30, 0x0d, 0x06, 0x09, OID_RSA, n, 0x05, 0x00 }
#define ECDSA(n) { 0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, n }
/* RSASSA-PSS-params { hashAlgorithm h, maskGenAlgorithm MGF1(h), saltLength s } */
#define PSS(h, s) { 0x30, 0x41, 0x06, 0x09, OID_RSA, 0x0a, 0x30, 0x34, \
	0xa0, 0x0f, 0x30, 0x0d, 0x06, 0x09, OID_SHA2, h, 0x05, 0x00, \
	0xa1, 0x1c, 0x30, 0x1a, 0x06, 0x09, OID_RSA, 0x08, \
	0x30, 0x0d, 0x06, 0x09, OID_SHA2, h, 0x05, 0x00, \
	0xa2, 0x03, 0x02, 0x01, s }

static const uint8_t der_pkcs1_256[] = PKCS1(0x0b);
static const uint8_t der_pkcs1_384[] = PKCS1(0x0c);
static const uint8_t der_pkcs1_512[] = PKCS1(0x0d);
static const uint8_t der_pss_256[] = PSS(0x01, 0x20);
static const uint8_t der_pss_384[] = PSS(0x02, 0x30);
static const uint8_t der_pss_512[] = PSS(0x03, 0x40);
static const uint8_t der_ecdsa_256[] = ECDSA(0x02);
static const uint8_t der_ecdsa_384[] = ECDSA(0x03);
static const uint8_t der_ecdsa_512[] = ECDSA(0x04);
static const uint8_t der_ed25519[] = { 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70 };

#define E(alg, der, hash, name) [alg] = { der, sizeof(der), hash, name }

static const struct {
	const uint8_t *der;
	size_t len;
	uint16_t hash;
	const char *name;
} table[SIGN_ALG_COUNT] = {
	E(SIGN_ALG_RSA_PKCS1_SHA256, der_pkcs1_256, IKEV2_HASH_SHA2_256, "sha256WithRSAEncryption"),
	E(SIGN_ALG_RSA_PKCS1_SHA384, der_pkcs1_384, IKEV2_HASH_SHA2_384, "sha384WithRSAEncryption"),
	E(SIGN_ALG_RSA_PKCS1_SHA512, der_pkcs1_512, IKEV2_HASH_SHA2_512, "sha512WithRSAEncryption"),
	E(SIGN_ALG_RSA_PSS_SHA256, der_pss_256, IKEV2_HASH_SHA2_256, "RSASSA-PSS-SHA256"),
	E(SIGN_ALG_RSA_PSS_SHA384, der_pss_384, IKEV2_HASH_SHA2_384, "RSASSA-PSS-SHA384"),
	E(SIGN_ALG_RSA_PSS_SHA512, der_pss_512, IKEV2_HASH_SHA2_512, "RSASSA-PSS-SHA512"),
	E(SIGN_ALG_ECDSA_SHA256, der_ecdsa_256, IKEV2_HASH_SHA2_256, "ecdsa-with-SHA256"),
	E(SIGN_ALG_ECDSA_SHA384, der_ecdsa_384, IKEV2_HASH_SHA2_384, "ecdsa-with-SHA384"),
	E(SIGN_ALG_ECDSA_SHA512, der_ecdsa_512, IKEV2_HASH_SHA2_512, "ecdsa-with-SHA512"),
	E(SIGN_ALG_ED25519, der_ed25519, IKEV2_HASH_IDENTITY, "Ed25519"),
};

static bool valid(enum sign_alg alg)
{
	return alg > SIGN_ALG_NONE && alg < SIGN_ALG_COUNT;
}

const uint8_t *sign_alg_der(enum sign_alg alg, size_t *len)
{
	if (!valid(alg))
		return NULL;
	*len = table[alg].len;
	return table[alg].der;
}

int sign_alg_from_der(const uint8_t *der, size_t len, enum sign_alg *alg)
{
	/* Public bytes against public constants: memcmp is fine here. */
	for (int a = SIGN_ALG_NONE + 1; a < SIGN_ALG_COUNT; a++) {
		if (table[a].len == len && memcmp(table[a].der, der, len) == 0) {
			*alg = (enum sign_alg)a;
			return 0;
		}
	}
	return ERR_UNSUPPORTED;
}

bool sign_alg_fits(enum sign_alg alg, enum sign_key_type t)
{
	switch (alg) {
	case SIGN_ALG_RSA_PKCS1_SHA256:
	case SIGN_ALG_RSA_PKCS1_SHA384:
	case SIGN_ALG_RSA_PKCS1_SHA512:
	case SIGN_ALG_RSA_PSS_SHA256:
	case SIGN_ALG_RSA_PSS_SHA384:
	case SIGN_ALG_RSA_PSS_SHA512:
		return t == SIGN_KEY_RSA;
	case SIGN_ALG_ECDSA_SHA256:
	case SIGN_ALG_ECDSA_SHA384:
	case SIGN_ALG_ECDSA_SHA512:
		return t == SIGN_KEY_ECDSA_P256 || t == SIGN_KEY_ECDSA_P384;
	case SIGN_ALG_ED25519:
		return t == SIGN_KEY_ED25519;
	default:
		return false;
	}
}

uint16_t sign_alg_hash(enum sign_alg alg)
{
	return valid(alg) ? table[alg].hash : 0;
}

const char *sign_alg_name(enum sign_alg alg)
{
	return valid(alg) ? table[alg].name : "none";
}

bool sign_alg_is_pss(enum sign_alg alg)
{
	return alg == SIGN_ALG_RSA_PSS_SHA256 || alg == SIGN_ALG_RSA_PSS_SHA384 ||
	       alg == SIGN_ALG_RSA_PSS_SHA512;
}

enum sign_alg sign_alg_choose(enum sign_key_type t, uint16_t hash, bool pss)
{
	for (int a = SIGN_ALG_NONE + 1; a < SIGN_ALG_COUNT; a++)
		if (table[a].hash == hash && sign_alg_fits((enum sign_alg)a, t) &&
		    (t != SIGN_KEY_RSA || sign_alg_is_pss((enum sign_alg)a) == pss))
			return (enum sign_alg)a;
	return SIGN_ALG_NONE;
}
