/*
 * hash.h - plain message digests.
 *
 * IKEv2 needs an unkeyed hash in a few places that are not PRFs: the NAT
 * detection notifies (SHA-1 of SPIs, address and port, RFC 7296 2.23) and
 * fingerprints for logs.  Anything keyed goes through prf.h instead.
 */
#ifndef RESWAN_CRYPTO_HASH_H
#define RESWAN_CRYPTO_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "crypto/crypto.h"

enum hash_alg {
	HASH_SHA1,	/* 20 octets */
	HASH_SHA256,	/* 32 octets */
};

#define HASH_MAX_LEN 32

size_t hash_len(enum hash_alg alg);
/* Digest of the concatenation of n spans into out (hash_len() octets). */
int hash_compute(enum hash_alg alg, const struct crypto_span *in, size_t n,
		 uint8_t *out);

#endif
