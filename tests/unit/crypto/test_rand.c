/*
 * test_rand.c - the randomness seam and constant-time comparison.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "crypto/crypto.h"
#include "crypto/rand.h"
#include "helpers.h"

static void det_is_reproducible_and_seed_dependent(void **state)
{
	struct rand_src *a = rand_det_new("seed", 4), *b = rand_det_new("seed", 4);
	struct rand_src *c = rand_det_new("Seed", 4);
	uint8_t x[300], y[300], z[300];

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	/* Same stream whether drawn in one piece or several. */
	assert_int_equal(rand_bytes(a, x, sizeof(x)), 0);
	assert_int_equal(rand_bytes(b, y, 100), 0);
	assert_int_equal(rand_priv_bytes(b, y + 100, 200), 0);
	assert_memory_equal(x, y, sizeof(x));
	assert_int_equal(rand_bytes(c, z, sizeof(z)), 0);
	assert_memory_not_equal(x, z, sizeof(x));
	/* The stream moves on. */
	assert_int_equal(rand_bytes(a, y, sizeof(y)), 0);
	assert_memory_not_equal(x, y, sizeof(x));
	rand_det_free(a);
	rand_det_free(b);
	rand_det_free(c);
	rand_det_free(NULL);
}

static void system_source_fills(void **state)
{
	struct rand_src *r = rand_system();
	uint8_t x[64] = { 0 }, y[64] = { 0 };

	(void)state;
	assert_int_equal(rand_bytes(r, x, sizeof(x)), 0);
	assert_int_equal(rand_priv_bytes(r, y, sizeof(y)), 0);
	assert_memory_not_equal(x, y, sizeof(x));
}

static void buffered_source_never_repeats(void **state)
{
	struct rand_src *r = rand_system_buffered();
	static uint8_t seen[5000][16];
	uint8_t big[3000];

	(void)state;
	/* 5000 draws of 16 octets cross several pool refills; no two alike,
	 * none all-zero (a wiped pool handed out again would show). */
	for (int i = 0; i < 5000; i++) {
		static const uint8_t zero[16];

		assert_int_equal(rand_bytes(r, seen[i], 16), 0);
		assert_memory_not_equal(seen[i], zero, 16);
		if (i)
			assert_memory_not_equal(seen[i], seen[i - 1], 16);
	}
	for (int i = 0; i < 5000; i += 97)
		for (int j = i + 1; j < 5000; j += 89)
			assert_memory_not_equal(seen[i], seen[j], 16);
	/* Large draws bypass the pool. */
	assert_int_equal(rand_bytes(r, big, sizeof(big)), 0);
	assert_int_equal(rand_priv_bytes(r, big, 32), 0);
}

static void memeq_compares_all_bytes(void **state)
{
	uint8_t a[33], b[33];

	(void)state;
	memset(a, 0x5a, sizeof(a));
	memcpy(b, a, sizeof(b));
	assert_true(crypto_memeq(a, b, sizeof(a)));
	b[32] ^= 1;
	assert_false(crypto_memeq(a, b, sizeof(a)));
	assert_true(crypto_memeq(a, b, 32));
	b[0] ^= 0x80;
	assert_false(crypto_memeq(a, b, 32));
	assert_true(crypto_memeq(a, b, 0));
	assert_non_null(crypto_backend());
}

int test_group_rand(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(det_is_reproducible_and_seed_dependent),
		cmocka_unit_test(system_source_fills),
		cmocka_unit_test(buffered_source_never_repeats),
		cmocka_unit_test(memeq_compares_all_bytes),
	};
	return cmocka_run_group_tests_name("crypto_rand", tests, NULL, NULL);
}
