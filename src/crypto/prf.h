/*
 * prf.h - IKEv2 pseudorandom functions HMAC-SHA2-256/384/512 (transform
 * type 2 IDs 5, 6, 7; RFC 4868) and prf+ (RFC 7296 2.13).
 *
 * A struct prf is a keyed context prepared once: the key schedule (the
 * inner and outer padded-key hashes) is computed at prf_new() and every
 * prf_compute() starts from a copy of it.  Re-keying HMAC for every call
 * costs several times a reused context (see docs/benchmarks.md), so a
 * caller that MACs with the same key more than once keeps its struct prf:
 * SK_pi/SK_pr for AUTH, SK_d for every Child SA, a cache record's key.
 * A struct prf is never modified after prf_new(), so a const one may be
 * used by several threads at once.
 *
 * HMAC-SHA2 also serves as the IKE and ESP integrity algorithm, truncated;
 * that use lives in aead.h, which keys its own contexts the same way.
 */
#ifndef RESWAN_CRYPTO_PRF_H
#define RESWAN_CRYPTO_PRF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

struct prf;

#define PRF_MAX_LEN 64			/* HMAC-SHA2-512 output */
#define PRF_PLUS_MAX_BLOCKS 255		/* RFC 7296 2.13: counter is one octet */

bool prf_supported(uint16_t prf_id);
/* Output length in octets (also the preferred key length); 0 if unsupported. */
size_t prf_out_len(uint16_t prf_id);
/* "prfsha256", ... or NULL. */
const char *prf_name(uint16_t prf_id);

/*
 * A keyed context.  The key is copied into the backend's key schedule and
 * not retained as such; the caller keeps ownership of key and should wipe
 * it if it has no other use.  Any key length is allowed (HMAC hashes long
 * keys), including 0.  NULL if prf_id is unsupported or on failure.
 */
struct prf *prf_new(uint16_t prf_id, const uint8_t *key, size_t key_len);
/* Wipes the key schedule. */
void prf_free(struct prf *p);

uint16_t prf_id(const struct prf *p);
size_t prf_len(const struct prf *p);

/*
 * out = prf(key, in[0] | in[1] | ... | in[n-1]); out holds prf_len(p)
 * octets.  0 or ERR_CRYPTO (out unspecified then).
 */
int prf_compute(const struct prf *p, const struct crypto_span *in, size_t n,
		uint8_t *out);
/* Single-buffer convenience form of prf_compute(). */
int prf_compute1(const struct prf *p, const void *in, size_t len, uint8_t *out);

/*
 * prf+ (RFC 7296 2.13): out_len octets of T1 | T2 | ... where
 * Tk = prf(K, T(k-1) | S | k) and S = seed[0] | ... | seed[n-1].
 * out_len must be at most 255 * prf_len(p), else ERR_INVAL.
 * Intermediate blocks are wiped; the caller owns (and wipes) out.
 */
int prf_plus(const struct prf *p, const struct crypto_span *seed, size_t n,
	     uint8_t *out, size_t out_len);

/*
 * prf(key, in[0] | ... | in[n-1]) for a key used once (SKEYSEED, a PSK
 * pad, a MAC): no context is allocated or copied.  Not reentrant within a
 * thread (it keeps one context per PRF per thread).
 */
int prf_once(uint16_t prf_id, const uint8_t *key, size_t key_len,
	     const struct crypto_span *in, size_t n, uint8_t *out);

#endif
