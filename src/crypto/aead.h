/*
 * aead.h - the one encryption interface shared by IKE's SK payload and the
 * ESP data plane: authenticated encryption with an explicit per-message IV.
 *
 * Supported transforms (IKEv2 IDs from wire/ikev2.h):
 *   ENCR_AES_GCM_16 (20), 128/256-bit keys, 16-octet ICV  RFC 5282 / 4106
 *   ENCR_CHACHA20_POLY1305 (28), 256-bit key, 16-octet ICV RFC 7634
 *   ENCR_AES_CBC (12), 128/256-bit keys, composed encrypt-then-MAC with
 *   INTEG_HMAC_SHA2_256_128 / 384_192 / 512_256 (12/13/14)   RFC 4868
 *
 * Combined modes (GCM, ChaCha20-Poly1305): the encryption key material
 * ends with a 4-octet salt; nonce = salt | IV (8 octets); the ICV is the
 * tag over aad and ciphertext.
 * Composed mode (CBC + HMAC): IV is the 16-octet CBC IV; ICV =
 * HMAC(aad | IV | ciphertext) truncated to icv_len.  That is exactly what
 * IKE (header .. end of encrypted data, RFC 7296 3.14) and ESP (SPI, seq,
 * IV, payload, RFC 4303) authenticate when the caller passes the bytes
 * before the IV as aad.  Limitation: ESP with extended sequence numbers
 * and a composed transform needs the high sequence bits authenticated
 * *after* the ciphertext (RFC 4303 2.2.1), which this interface cannot
 * express; negotiate ESN only with combined-mode transforms (whose AAD,
 * SPI | seq-hi | seq-lo per RFC 4106 5, the caller builds).  Plaintext length must be a multiple of
 * aead_block_size(): padding is the caller's (wire/esp) job.
 *
 * A struct aead is keyed once at setup; per message only the IV changes.
 * It may seal and open (one direction's key: SK_ei is used by the
 * initiator to seal and the responder to open).  It keeps per-message
 * backend state, so one struct aead must not be used by two threads at
 * once.  in and out may be the same buffer (in place), but must not
 * otherwise overlap.
 *
 * aead_open() checks the ICV in constant time before anything is written
 * to out for composed mode; for combined modes the backend decrypts into
 * out while authenticating, so on ERR_AUTH out is wiped before returning.
 * Either way nothing unauthenticated is ever released.
 */
#ifndef RESWAN_CRYPTO_AEAD_H
#define RESWAN_CRYPTO_AEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct aead;

#define AEAD_MAX_IV_LEN 16
#define AEAD_MAX_ICV_LEN 32
#define AEAD_MAX_KEY_LEN 64
#define AEAD_SALT_LEN 4

/*
 * Key lengths for a negotiated (encr, key_bits, integ) triple: encryption
 * key including salt, and integrity key (0 for combined modes, for which
 * integ must be INTEG_NONE).  key_bits is the transform's KEY_LENGTH
 * attribute (ChaCha20-Poly1305 has none: pass 0 or 256).  ERR_UNSUPPORTED
 * for anything not listed above (including combined mode + an integrity
 * algorithm, and CBC without one).
 */
int aead_key_lens(uint16_t encr, uint16_t key_bits, uint16_t integ,
		  size_t *encr_key_len, size_t *integ_key_len);

/*
 * Key a context.  encr_key is aead_key_lens()'s encr_key_len octets (with
 * salt), integ_key its integ_key_len octets (NULL/0 for combined modes).
 * The key bytes are copied into the backend and the caller keeps (and
 * wipes) its own.  NULL if unsupported, wrong lengths or on failure.
 */
struct aead *aead_new(uint16_t encr, uint16_t key_bits, uint16_t integ,
		      const uint8_t *encr_key, size_t encr_key_len,
		      const uint8_t *integ_key, size_t integ_key_len);
/* Wipes the keys (salt, key schedules, HMAC state). */
void aead_free(struct aead *a);

/* Explicit IV octets each message carries: 8 (GCM, ChaCha20), 16 (CBC). */
size_t aead_iv_len(const struct aead *a);
/* ICV octets: 16 (GCM, ChaCha20, HMAC-SHA2-256-128), 24, 32. */
size_t aead_icv_len(const struct aead *a);
/* Plaintext must be a multiple of this: 16 for CBC, 1 otherwise. */
size_t aead_block_size(const struct aead *a);
/* "aes128gcm16", "chacha20poly1305", "aes256-sha384", ... */
const char *aead_name(const struct aead *a);

/*
 * Encrypt len octets from in to out and write the ICV.  iv is
 * aead_iv_len() octets chosen by the caller (unique per key: a counter or
 * random for GCM/ChaCha20; unpredictable random for CBC).  aad may be NULL
 * if aad_len is 0.  0, ERR_INVAL (len not a multiple of the block size) or
 * ERR_CRYPTO.
 */
int aead_seal(struct aead *a, const uint8_t *iv,
	      const uint8_t *aad, size_t aad_len,
	      const uint8_t *in, size_t len, uint8_t *out, uint8_t *icv);

/*
 * Verify and decrypt.  0 on success; ERR_AUTH if the ICV does not match
 * (out holds no plaintext then); ERR_INVAL for a length that is not a
 * multiple of the block size; ERR_CRYPTO on backend failure.
 */
int aead_open(struct aead *a, const uint8_t *iv,
	      const uint8_t *aad, size_t aad_len,
	      const uint8_t *in, size_t len, uint8_t *out, const uint8_t *icv);

#endif
