/*
 * rand.c - the system implementation of the randomness seam: OpenSSL's
 * public and private DRBGs, seeded from the kernel.
 */
#include <limits.h>

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
