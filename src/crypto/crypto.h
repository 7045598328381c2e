/*
 * crypto.h - what every user of the crypto layer shares: constant-time
 * comparison and the scatter list used to feed several pieces of memory
 * into one MAC or PRF without copying them together first.
 *
 * src/crypto is the only place in reswan that includes OpenSSL headers.
 * Its public headers (crypto.h, rand.h, ke.h, prf.h, kdf.h, aead.h, sign.h,
 * x509.h) expose opaque structs and plain bytes only, so the IKE state
 * machines, the ESP data plane and the credential cache can be written and
 * tested without knowing which library sits underneath.
 *
 * Conventions for the whole layer:
 *  - fallible functions return 0 or a negative ERR_* from common/err.h, or
 *    NULL for constructors; a failing call leaves its outputs untouched
 *    unless its comment says otherwise;
 *  - every struct that holds key material wipes it when freed, and every
 *    x_free(NULL) is a no-op;
 *  - algorithm numbers are the IKEv2 ones from wire/ikev2.h.
 */
#ifndef RESWAN_CRYPTO_CRYPTO_H
#define RESWAN_CRYPTO_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * True if the n bytes at a and b are equal, in time that depends on n only.
 * The only way reswan compares MACs, ICVs, AUTH values, keys and tickets.
 */
bool crypto_memeq(const void *a, const void *b, size_t n);

/* One piece of a scatter list: len bytes at p (p may be NULL if len is 0). */
struct crypto_span {
	const uint8_t *p;
	size_t len;
};

/* Name and version of the backend, for `reswan version` and bench output. */
const char *crypto_backend(void);

#endif
