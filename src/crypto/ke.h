/*
 * ke.h - IKEv2 key exchange (Diffie-Hellman): MODP groups 14 and 15
 * (RFC 3526), ECP groups 19 and 20 (RFC 5903) and Curve25519 (RFC 8031).
 *
 * A struct ke is one side's ephemeral key pair for one group.  The public
 * value and the shared secret use IKEv2's encodings so the KE payload and
 * the key derivation can use the bytes as they are:
 *   MODP   public value and g^ir left-padded with zeros to the prime length
 *   ECP    public value x || y (no 0x04 prefix), g^ir the x coordinate
 *   X25519 32-octet u coordinate both ways; an all-zero g^ir is refused
 * The peer's public value is validated before use (RFC 6989 / RFC 7296
 * 2.12): exact length; MODP 1 < y < p-1; ECP on the curve and not the point
 * at infinity.  A bad value yields ERR_KE_PEER so the IKE layer can answer
 * INVALID_SYNTAX (or INVALID_KE_PAYLOAD for a wrong length) without logging
 * a backend error.
 *
 * Private values are drawn from the struct rand_src the caller passes, so
 * a deterministic source gives reproducible exchanges; ke_new_private()
 * takes one explicitly for known-answer tests.
 */
#ifndef RESWAN_CRYPTO_KE_H
#define RESWAN_CRYPTO_KE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ke;
struct rand_src;

/* Longest public value / shared secret of any supported group (MODP 3072). */
#define KE_MAX_PUBLIC_LEN 384
#define KE_MAX_SECRET_LEN 384

enum ke_flags {
	/*
	 * MODP only: draw a short private exponent (RFC 3526's upper exponent
	 * size: 320 bits for group 14, 420 bits for group 15) instead of a full
	 * one uniform in [2, p-2].  Short exponents cost about a fifth; the
	 * IKE engine uses them unless configured otherwise (NIST SP 800-56A
	 * asks at least twice the group's 112/128-bit strength).
	 */
	KE_SHORT_EXPONENT = 1 << 0,
};

/* True if reswan implements this IKEv2 transform type 4 ID. */
bool ke_supported(uint16_t group);
/* Length of the public value (and of g^ir) in octets; 0 if unsupported. */
size_t ke_public_len(uint16_t group);
size_t ke_secret_len(uint16_t group);
/* "modp2048", "ecp256", "curve25519", ... or NULL if unsupported. */
const char *ke_name(uint16_t group);

/*
 * A fresh key pair for group, private value from rand_priv_bytes(rnd).
 * flags: enum ke_flags.  Returns NULL if the group is unsupported or on
 * failure.  Free with ke_free(), which wipes the private value.
 */
struct ke *ke_new(uint16_t group, struct rand_src *rnd, unsigned flags);
/*
 * A key pair from a given private value, for tests and vectors: the
 * big-endian exponent (MODP, 1 < x < p-1), the big-endian scalar (ECP,
 * 1 <= d < n) or the 32 raw octets (X25519, clamped as RFC 7748 says).
 * The caller keeps ownership of priv (it is not retained).
 */
struct ke *ke_new_private(uint16_t group, const uint8_t *priv, size_t len);
void ke_free(struct ke *ke);

uint16_t ke_group(const struct ke *ke);
/* Our public value in IKEv2 encoding; valid as long as ke lives. */
const uint8_t *ke_public(const struct ke *ke, size_t *len);

/*
 * Compute g^ir from the peer's public value.  out must hold
 * ke_secret_len() octets; *out_len is set to it.  Returns ERR_KE_PEER if
 * the peer's value is invalid (out untouched), ERR_CRYPTO on backend
 * failure.  The caller owns out and must wipe() it when done.
 */
int ke_derive(const struct ke *ke, const uint8_t *peer, size_t peer_len,
	      uint8_t *out, size_t *out_len);

/* Check a peer value without deriving (what ke_derive checks first). */
int ke_check_peer(uint16_t group, const uint8_t *peer, size_t peer_len);

#endif
