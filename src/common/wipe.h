/*
 * wipe.h - the one way reswan discards secret bytes.
 *
 * wipe() cannot be optimised away (explicit_bzero), so keys, nonces and
 * shared secrets are wiped on every exit path before memory is freed.
 * Comparing secrets is crypto's job: crypto_memeq() in crypto/crypto.h.
 */
#ifndef RESWAN_COMMON_WIPE_H
#define RESWAN_COMMON_WIPE_H

#include <stddef.h>
#include <string.h>

static inline void wipe(void *p, size_t n)
{
	if (p && n)
		explicit_bzero(p, n);
}

#endif
