/*
 * test_units.c - the cache's building blocks on their own: the policy
 * function, handles, the intern pool, the record codec and sealing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cache/cache_client.h"
#include "cache/cache_int.h"
#include "common/buf.h"
#include "common/err.h"
#include "crypto/rand.h"
#include "helpers.h"

static void policy_each_and_all(void **state)
{
	struct cache_policy none = { 0 };
	struct cache_policy clk = { .flags = CACHE_POLICY_CLOCKED, .lifetime = 100 };
	struct cache_policy est = { .flags = CACHE_POLICY_ESTABLISHED, .lifetime = 100 };
	struct cache_policy dat = { .flags = CACHE_POLICY_DATA, .data = 1000 };
	struct cache_policy age = { .max_age = 500 };
	struct cache_policy all = { .flags = CACHE_POLICY_CLOCKED | CACHE_POLICY_ESTABLISHED |
				    CACHE_POLICY_DATA, .lifetime = 100, .data = 1000, .max_age = 50 };

	(void)state;
	assert_int_equal(cache_policy_check(&none, 1000000, 0, 1u << 31, UINT64_MAX), CACHE_HIT);
	/* clocked: elapsed wall time since T0 only */
	assert_int_equal(cache_policy_check(&clk, 1099, 1000, 999999, 0), CACHE_HIT);
	assert_int_equal(cache_policy_check(&clk, 1100, 1000, 0, 0), CACHE_MISS_CLOCKED);
	assert_int_equal(cache_policy_check(&clk, 900, 1000, 0, 0), CACHE_HIT); /* clock stepped back */
	/* established: connected seconds only */
	assert_int_equal(cache_policy_check(&est, 1000000, 0, 99, 0), CACHE_HIT);
	assert_int_equal(cache_policy_check(&est, 0, 0, 100, 0), CACHE_MISS_ESTABLISHED);
	/* data */
	assert_int_equal(cache_policy_check(&dat, 1000000, 0, 1000000, 999), CACHE_HIT);
	assert_int_equal(cache_policy_check(&dat, 0, 0, 0, 1000), CACHE_MISS_DATA);
	/* max age */
	assert_int_equal(cache_policy_check(&age, 1499, 1000, 0, 0), CACHE_HIT);
	assert_int_equal(cache_policy_check(&age, 1500, 1000, 0, 0), CACHE_MISS_MAX_AGE);
	/* all must hold: each one alone ends it */
	assert_int_equal(cache_policy_check(&all, 1049, 1000, 99, 999), CACHE_HIT);
	assert_int_equal(cache_policy_check(&all, 1050, 1000, 0, 0), CACHE_MISS_MAX_AGE);
	assert_int_equal(cache_policy_check(&all, 1000, 1000, 100, 0), CACHE_MISS_ESTABLISHED);
	assert_int_equal(cache_policy_check(&all, 1000, 1000, 0, 1000), CACHE_MISS_DATA);
	assert_int_equal(cache_policy_deadline(&all, 1000), 1050);
	assert_int_equal(cache_policy_deadline(&clk, 1000), 1100);
	assert_int_equal(cache_policy_deadline(&est, 1000), 0);
}

static void handle_roundtrip_and_opacity(void **state)
{
	uint8_t key[16], check[CACHE_CHECK_LEN], h1[16], h2[16];

	(void)state;
	memset(key, 7, sizeof(key));
	memset(check, 1, sizeof(check));
	cache_handle_make(key, 12345, check, h1);
	assert_int_equal(cache_handle_slot(key, h1), 12345);
	check[0] = 2;
	cache_handle_make(key, 12345, check, h2);
	assert_int_equal(cache_handle_slot(key, h2), 12345);
	/* Same slot, new check octets: the slot field differs too (unlinkable). */
	assert_memory_not_equal(h1, h2, 4);
	/* A different key decodes another slot. */
	key[0] ^= 1;
	assert_int_not_equal(cache_handle_slot(key, h1), 12345);
}

static void intern_refcount_and_delete(void **state)
{
	struct rand_src *rnd = rand_det_new("intern", 6);
	struct cache_intern p;
	static uint32_t refs[5000];
	char buf[64];
	uint32_t ref;
	size_t len;

	(void)state;
	assert_int_equal(cache_intern_init(&p, rnd, 100, 100000), 0);
	for (uint32_t i = 0; i < 5000; i++) {
		int n = snprintf(buf, sizeof(buf), "string-%u-%.*s", i, (int)(i % 40), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");

		assert_int_equal(cache_intern_get(&p, buf, (size_t)n, &refs[i]), 0);
		assert_int_not_equal(refs[i], 0);
	}
	assert_int_equal(p.count, 5000);
	/* A second get shares the string. */
	assert_int_equal(cache_intern_get(&p, "string-7-xxxxxxx", 16, &ref), 0);
	assert_int_equal(ref, refs[7]);
	cache_intern_put(&p, ref);
	/* Delete every third; the rest must still be found (backward shift). */
	for (uint32_t i = 0; i < 5000; i += 3)
		cache_intern_put(&p, refs[i]);
	for (uint32_t i = 0; i < 5000; i++) {
		int n = snprintf(buf, sizeof(buf), "string-%u-%.*s", i, (int)(i % 40), "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
		int ret = cache_intern_find(&p, buf, (size_t)n, &ref);

		if (i % 3 == 0) {
			assert_int_equal(ret, ERR_NOTFOUND);
		} else {
			const uint8_t *d;

			assert_int_equal(ret, 0);
			assert_int_equal(ref, refs[i]);
			d = cache_intern_data(&p, ref, &len);
			assert_int_equal(len, (size_t)n);
			assert_memory_equal(d, buf, len);
		}
	}
	assert_int_equal(cache_intern_get(&p, buf, 0, &ref), ERR_INVAL);
	assert_int_equal(cache_intern_get(&p, buf, 101, &ref), ERR_INVAL);
	cache_intern_destroy(&p);
	rand_det_free(rnd);
}

static void sample_record(struct cache_record *rec)
{
	struct cache_entry e;

	entry_for(&e, 42);
	memset(rec, 0, sizeof(*rec));
	memset(rec->check, 0x33, sizeof(rec->check));
	memcpy(rec->secret, e.secret, sizeof(rec->secret));
	rec->t0 = 1700000000;
	rec->connected = 3600;
	rec->bytes = 5ULL << 32;
	rec->last_use = 1700003600;
	strcpy(rec->conn, "rw");
	rec->peer = e.peer;
	rec->algs = e.algs;
	rec->ts = e.ts;
	rec->ts.n_r = 2;
	rec->ts.r[1] = (struct cache_ts){ .type = 8, .proto = 17, .start_port = 53,
		.end_port = 53, .start = { 0x20, 1 }, .end = { 0x20, 1, 0xff } };
	rec->vip4 = e.vip4;
	addr_parse("2001:db8::5", &rec->vip6);
}

static void record_roundtrip_and_truncation(void **state)
{
	struct cache_record rec, back;
	uint8_t buf[CACHE_RECORD_MAX + 1];
	struct buf_writer w;
	const char *why;

	(void)state;
	sample_record(&rec);
	buf_writer_init_fixed(&w, buf, sizeof(buf));
	assert_int_equal(cache_record_encode(&w, &rec), 0);
	assert_int_equal(cache_record_decode(buf, w.len, &back, &why), 0);
	assert_memory_equal(back.secret, rec.secret, 32);
	assert_memory_equal(back.check, rec.check, 12);
	assert_int_equal(back.bytes, rec.bytes);
	assert_int_equal(back.connected, 3600);
	assert_string_equal(back.conn, "rw");
	assert_int_equal(back.peer.len, rec.peer.len);
	assert_memory_equal(back.peer.data, rec.peer.data, rec.peer.len);
	assert_int_equal(back.ts.n_r, 2);
	assert_memory_equal(&back.ts.r[1], &rec.ts.r[1], sizeof(rec.ts.r[1]));
	assert_true(addr_eq(&back.vip6, &rec.vip6, false));
	assert_true(addr_eq(&back.vip4, &rec.vip4, false));
	/* Every truncation is rejected with a reason, never read beyond. */
	for (size_t n = 0; n < w.len; n++) {
		int ret = cache_record_decode(buf, n, &back, &why);

		assert_true(ret == ERR_TRUNCATED || ret == ERR_SYNTAX || ret == ERR_LENGTH);
		assert_non_null(why);
	}
	buf[w.len] = 0;
	assert_int_equal(cache_record_decode(buf, w.len + 1, &back, &why), ERR_TRAILING);
	/* Field checks: version, identity length, selector type, ESN. */
	buf[0] = 2;
	assert_int_equal(cache_record_decode(buf, w.len, &back, &why), ERR_SYNTAX);
	assert_string_equal(why, "unknown record version");
	buf[0] = 1;
	{
		size_t id_off = 2 + 12 + 32 + 32 + 1 + 2 + 1;	/* u16 identity length */

		buf_store_u16(buf + id_off, 513);
		assert_int_equal(cache_record_decode(buf, w.len, &back, &why), ERR_LENGTH);
		buf_store_u16(buf + id_off, rec.peer.len);
	}
	assert_int_equal(cache_record_decode(buf, w.len, &back, &why), 0);
}

static void seal_binds_key_and_domain(void **state)
{
	uint8_t key[CACHE_KEY_LEN], plain[64], env[64 + CACHE_SEAL_OVERHEAD], out[64];
	uint8_t k1[4] = { 0, 0, 0, 1 }, k2[4] = { 0, 0, 0, 2 };
	struct cache_seal *s, *s2;
	size_t elen, olen;
	const char *why;

	(void)state;
	memset(key, 0x42, sizeof(key));
	memset(plain, 0x5c, sizeof(plain));
	s = cache_seal_new(key, rand_system());
	s2 = cache_seal_new(key, rand_system());	/* same key, another epoch */
	assert_non_null(s);
	assert_non_null(s2);
	assert_memory_equal(cache_seal_mask_key(s), cache_seal_mask_key(s2), 16);
	assert_int_equal(cache_seal_seal(s, CACHE_SEAL_SERVER, k1, 4, plain, 64, env,
					 sizeof(env), &elen), 0);
	assert_int_equal(elen, 64 + CACHE_SEAL_OVERHEAD);
	/* The plaintext does not appear in the envelope. */
	assert_null(memmem(env, elen, plain, 8));
	assert_int_equal(cache_seal_open(s2, CACHE_SEAL_SERVER, k1, 4, env, elen, out,
					 sizeof(out), &olen, &why), 0);
	assert_memory_equal(out, plain, 64);
	assert_int_equal(cache_seal_open(s2, CACHE_SEAL_SERVER, k2, 4, env, elen, out,
					 sizeof(out), &olen, &why), ERR_AUTH);
	assert_int_equal(cache_seal_open(s2, CACHE_SEAL_CLIENT, k1, 4, env, elen, out,
					 sizeof(out), &olen, &why), ERR_AUTH);
	env[30] ^= 1;
	assert_int_equal(cache_seal_open(s2, CACHE_SEAL_SERVER, k1, 4, env, elen, out,
					 sizeof(out), &olen, &why), ERR_AUTH);
	assert_int_equal(cache_seal_open(s2, CACHE_SEAL_SERVER, k1, 4, env, 40, out,
					 sizeof(out), &olen, &why), ERR_TRUNCATED);
	env[0] = 9;
	assert_int_equal(cache_seal_open(s2, CACHE_SEAL_SERVER, k1, 4, env, elen, out,
					 sizeof(out), &olen, &why), ERR_SYNTAX);
	cache_seal_free(s);
	cache_seal_free(s2);
	cache_seal_free(NULL);
}

int test_group_units(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(policy_each_and_all),
		cmocka_unit_test(handle_roundtrip_and_opacity),
		cmocka_unit_test(intern_refcount_and_delete),
		cmocka_unit_test(record_roundtrip_and_truncation),
		cmocka_unit_test(seal_binds_key_and_domain),
	};

	return cmocka_run_group_tests_name("cache units", tests, NULL, NULL);
}
