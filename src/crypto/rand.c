/*
 * rand.c - the system implementation of the randomness seam: OpenSSL's
 * public and private DRBGs, seeded from the kernel; and a buffered variant
 * for busy single-process daemons.
 */
#include <limits.h>
#include <string.h>

#include "common/err.h"
#include "crypto/internal.h"
#include "crypto/rand.h"

/* RAND_bytes takes an int count; feed it in chunks so any size_t works. */
static int fill(int (*fn)(unsigned char *, int), void *out, size_t n)
{
	unsigned char *p = out;

	while (n > 0) {
		int chunk = n > INT_MAX ? INT_MAX : (int)n;

		if (fn(p, chunk) != 1) {
			crypto_log_errors("RAND_bytes");
			return ERR_CRYPTO;
		}
		p += chunk;
		n -= (size_t)chunk;
	}
	return 0;
}

static int sys_bytes(struct rand_src *r, void *out, size_t n)
{
	(void)r;
	return fill(RAND_bytes, out, n);
}

static int sys_priv_bytes(struct rand_src *r, void *out, size_t n)
{
	(void)r;
	return fill(RAND_priv_bytes, out, n);
}

static struct rand_src system_src = {
	.bytes = sys_bytes,
	.priv_bytes = sys_priv_bytes,
};

struct rand_src *rand_system(void)
{
	return &system_src;
}

/*
 * Buffered public randomness.  OpenSSL 3.0's public DRBG takes a lock and
 * a few microseconds per call; an IKE handshake wants a dozen small public
 * values (SPIs, nonces, IVs).  This source draws them from a per-thread
 * pool refilled 4 KiB at a time, wiped as it is consumed.  Private values
 * (key-exchange secrets) still come unbuffered from the private DRBG.
 * Not for processes that fork after drawing (the pool would be shared).
 */
#define POOL_LEN 4096

static __thread unsigned char pool[POOL_LEN];
static __thread size_t pool_left;

static int buf_bytes(struct rand_src *r, void *out, size_t n)
{
	unsigned char *p = out;

	(void)r;
	if (n > POOL_LEN / 4)
		return fill(RAND_bytes, out, n);
	while (n) {
		size_t take;

		if (!pool_left) {
			if (fill(RAND_bytes, pool, POOL_LEN) != 0)
				return ERR_CRYPTO;
			pool_left = POOL_LEN;
		}
		take = n < pool_left ? n : pool_left;
		memcpy(p, pool + POOL_LEN - pool_left, take);
		OPENSSL_cleanse(pool + POOL_LEN - pool_left, take);
		pool_left -= take;
		p += take;
		n -= take;
	}
	return 0;
}

static struct rand_src buffered_src = {
	.bytes = buf_bytes,
	.priv_bytes = sys_priv_bytes,
};

struct rand_src *rand_system_buffered(void)
{
	return &buffered_src;
}
