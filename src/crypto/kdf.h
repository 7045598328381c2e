/*
 * kdf.h - IKEv2 key derivation: the IKE SA's SKEYSEED and seven keys
 * (RFC 7296 2.14), SKEYSEED when an IKE SA is rekeyed (2.18), and Child SA
 * KEYMAT (2.17), all built on prf.h.
 *
 * Key lengths come from the negotiated transforms (aead_key_lens() gives
 * the encryption and integrity lengths; SK_d, SK_pi and SK_pr are
 * prf_out_len() long).  An AES-GCM or ChaCha20-Poly1305 encryption key
 * includes its 4-octet salt (RFC 5282 / RFC 4106 / RFC 7634): 20 octets for
 * AES-GCM-128, 36 for AES-GCM-256 and ChaCha20-Poly1305; those transforms
 * have no integrity key (length 0).
 *
 * Every struct kdf_key holds secrets; kdf_*_wipe() clear them.
 */
#ifndef RESWAN_CRYPTO_KDF_H
#define RESWAN_CRYPTO_KDF_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

/* Longest single key: HMAC-SHA2-512 SK_d / integrity key (64 octets). */
#define KDF_MAX_KEY 64
/* Nonce lengths RFC 7296 3.9 allows. */
#define KDF_NONCE_MIN 16
#define KDF_NONCE_MAX 256

struct kdf_key {
	uint8_t b[KDF_MAX_KEY];
	size_t len;
};

/* Lengths of the negotiated keys; prf-sized keys follow from the PRF. */
struct kdf_lens {
	size_t encr;	/* including any salt */
	size_t integ;	/* 0 for combined-mode (AEAD) ciphers */
};

struct kdf_ike_keys {
	struct kdf_key d, ai, ar, ei, er, pi, pr;
};

struct kdf_child_keys {
	/* Initiator-to-responder SA first, encryption before integrity. */
	struct kdf_key ei, ai, er, ar;
};

/*
 * SKEYSEED = prf(Ni | Nr, g^ir) (2.14).  out holds prf_out_len(prf_id)
 * octets.  Nonces must be KDF_NONCE_MIN..KDF_NONCE_MAX octets (ERR_INVAL).
 * The caller owns and wipes out.
 */
int kdf_skeyseed(uint16_t prf_id, const uint8_t *ni, size_t ni_len,
		 const uint8_t *nr, size_t nr_len,
		 const uint8_t *gir, size_t gir_len, uint8_t *out);

/*
 * Rekeyed IKE SA (2.18): SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr),
 * with old_prf_id the PRF of the SA being rekeyed and the new nonces.
 */
int kdf_skeyseed_rekey(uint16_t old_prf_id, const struct kdf_key *old_sk_d,
		       const uint8_t *gir, size_t gir_len,
		       const uint8_t *ni, size_t ni_len,
		       const uint8_t *nr, size_t nr_len, uint8_t *out);

/*
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} =
 *   prf+(SKEYSEED, Ni | Nr | SPIi | SPIr).
 * skeyseed is prf_out_len(prf_id) octets; spis are 8 octets each.  On
 * failure *out is wiped.
 */
int kdf_ike_keys(uint16_t prf_id, const uint8_t *skeyseed,
		 const uint8_t *ni, size_t ni_len,
		 const uint8_t *nr, size_t nr_len,
		 const uint8_t spi_i[8], const uint8_t spi_r[8],
		 const struct kdf_lens *lens, struct kdf_ike_keys *out);

/*
 * Child SA keys: KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr) (2.17), split
 * into initiator-to-responder then responder-to-initiator keys.  gir is
 * NULL (and gir_len 0) without PFS.  The struct prf is SK_d's keyed
 * context (build it once per IKE SA with prf_new()).  On failure *out is
 * wiped.
 */
struct prf;
int kdf_child_keys(const struct prf *sk_d, const uint8_t *gir, size_t gir_len,
		   const uint8_t *ni, size_t ni_len,
		   const uint8_t *nr, size_t nr_len,
		   const struct kdf_lens *lens, struct kdf_child_keys *out);

void kdf_key_wipe(struct kdf_key *k);
void kdf_ike_keys_wipe(struct kdf_ike_keys *k);
void kdf_child_keys_wipe(struct kdf_child_keys *k);

#endif
