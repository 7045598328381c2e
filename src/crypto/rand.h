/*
 * rand.h - the randomness seam.
 *
 * Nonces, SPIs, IVs, padding and key-exchange private values are drawn from
 * a struct rand_src handed down by whoever owns the policy (the daemon uses
 * rand_system(); tests use a seeded rand_det so that two peers in one
 * process produce the same messages on every run).  Two entry points mirror
 * OpenSSL's split: bytes() for values that go on the wire, priv_bytes() for
 * values that must stay secret (private keys), so a compromise of the
 * public stream's state reveals nothing about keys.
 */
#ifndef RESWAN_CRYPTO_RAND_H
#define RESWAN_CRYPTO_RAND_H

#include <stddef.h>
#include <stdint.h>

struct rand_src {
	/* Fill out with n bytes; 0 or ERR_CRYPTO (out then unspecified). */
	int (*bytes)(struct rand_src *r, void *out, size_t n);
	int (*priv_bytes)(struct rand_src *r, void *out, size_t n);
};

static inline int rand_bytes(struct rand_src *r, void *out, size_t n)
{
	return r->bytes(r, out, n);
}

static inline int rand_priv_bytes(struct rand_src *r, void *out, size_t n)
{
	return r->priv_bytes(r, out, n);
}

/* OpenSSL's DRBGs (RAND_bytes / RAND_priv_bytes); static, never freed. */
struct rand_src *rand_system(void);
/* The same, with public bytes drawn from a per-thread pool refilled 4 KiB
 * at a time (cheap small draws); private bytes unbuffered.  For a process
 * that does not fork after its first draw. */
struct rand_src *rand_system_buffered(void);

/*
 * A deterministic source for tests: the ChaCha20 keystream under
 * SHA-256(seed), zero nonce, both entry points drawing from the same stream.
 * Same seed, same sequence of calls -> same bytes.  Never use it outside
 * tests: nothing about it is secret once the seed is known.
 * Returns NULL on allocation or backend failure; free with rand_det_free().
 */
struct rand_src *rand_det_new(const void *seed, size_t seed_len);
/* Wipes the keystream state; r must come from rand_det_new() or be NULL. */
void rand_det_free(struct rand_src *r);

#endif
