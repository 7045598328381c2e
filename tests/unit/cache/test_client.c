/*
 * test_client.c - the initiator's store: put/get/del by connection name,
 * the expiry hint, capacity, and persistence through LMDB (sealed).
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
#include "cache/cache_store.h"
#include "common/err.h"
#include "crypto/rand.h"
#include "helpers.h"

static void client_entry(struct cache_client_entry *e, uint32_t n)
{
	memset(e, 0, sizeof(*e));
	memset(e->handle, (int)n, sizeof(e->handle));
	secret_for(e->secret, n, 0);
	ident_for(&e->peer, n);
	e->algs.ike_encr = 20;
	e->algs.ike_prf = 5;
}

static void client_basic_and_expiry(void **state)
{
	struct clock_fake clk;
	struct cache_client_opts o = { .clock = &clk.clock, .max_entries = 2 };
	struct cache_client *cl;
	struct cache_client_entry e, out;

	(void)state;
	clock_fake_init(&clk, T_START);
	cl = cache_client_new(&o);
	assert_non_null(cl);
	client_entry(&e, 1);
	e.expires = T_START / T_SEC + 3600;
	assert_int_equal(cache_client_put(cl, "home", &e), 0);
	client_entry(&e, 2);
	assert_int_equal(cache_client_put(cl, "work", &e), 0);
	assert_int_equal(cache_client_put(cl, "third", &e), ERR_LIMIT);
	client_entry(&e, 3);
	assert_int_equal(cache_client_put(cl, "work", &e), 0);	/* replace */
	assert_int_equal(cache_client_get(cl, "work", &out), 0);
	assert_memory_equal(out.secret, e.secret, 32);
	assert_int_equal(cache_client_get(cl, "home", &out), 0);
	clock_fake_advance(&clk, T_HOUR);
	assert_int_equal(cache_client_get(cl, "home", &out), ERR_NOTFOUND);
	assert_int_equal(cache_client_count(cl), 1);
	assert_int_equal(cache_client_del(cl, "work"), 0);
	assert_int_equal(cache_client_del(cl, "work"), ERR_NOTFOUND);
	assert_int_equal(cache_client_put(cl, "", &e), ERR_INVAL);
	cache_client_free(cl);
	cache_client_free(NULL);
}

static void client_persists_sealed(void **state)
{
	char dir[256], db[300];
	struct clock_fake clk;
	struct cache_store *store;
	struct cache_seal *seal;
	struct cache_client *cl;
	struct cache_client_entry e, out;
	uint8_t key[CACHE_KEY_LEN];
	struct cache_client_opts o = { .clock = &clk.clock };
	FILE *f;
	static uint8_t raw[1 << 20];
	size_t rawlen;

	(void)state;
	clock_fake_init(&clk, T_START);
	tmpdir_make(dir);
	snprintf(db, sizeof(db), "%s/client.mdb", dir);
	memset(key, 0x5a, sizeof(key));
	assert_int_equal(cache_lmdb_open(db, NULL, &store), 0);
	seal = cache_seal_new(key, rand_system());
	o.store = store;
	o.seal = seal;
	cl = cache_client_new(&o);
	for (uint32_t i = 0; i < 5; i++) {
		char name[16];

		snprintf(name, sizeof(name), "conn%u", i);
		client_entry(&e, i);
		assert_int_equal(cache_client_put(cl, name, &e), 0);
	}
	assert_int_equal(cache_client_del(cl, "conn3"), 0);
	assert_int_equal(cache_client_flush(cl), 0);
	cache_client_free(cl);
	cache_seal_free(seal);
	cache_store_free(store);

	f = fopen(db, "rb");
	assert_non_null(f);
	rawlen = fread(raw, 1, sizeof(raw), f);
	fclose(f);
	for (uint32_t i = 0; i < 5; i++) {
		client_entry(&e, i);
		assert_null(memmem(raw, rawlen, e.secret, 32));
		assert_null(memmem(raw, rawlen, e.peer.data, e.peer.len));
	}

	assert_int_equal(cache_lmdb_open(db, NULL, &store), 0);
	seal = cache_seal_new(key, rand_system());
	o.store = store;
	o.seal = seal;
	cl = cache_client_new(&o);
	assert_int_equal(cache_client_load(cl), 0);
	assert_int_equal(cache_client_count(cl), 4);
	assert_int_equal(cache_client_get(cl, "conn3", &out), ERR_NOTFOUND);
	assert_int_equal(cache_client_get(cl, "conn4", &out), 0);
	client_entry(&e, 4);
	assert_memory_equal(out.secret, e.secret, 32);
	assert_memory_equal(out.handle, e.handle, 16);
	assert_int_equal(cache_client_dropped(cl), 0);
	cache_client_free(cl);
	cache_seal_free(seal);
	/* Another key: every entry is dropped, none is read. */
	key[3] ^= 1;
	seal = cache_seal_new(key, rand_system());
	o.seal = seal;
	cl = cache_client_new(&o);
	assert_int_equal(cache_client_load(cl), 0);
	assert_int_equal(cache_client_count(cl), 0);
	assert_int_equal(cache_client_dropped(cl), 4);
	cache_client_free(cl);
	cache_seal_free(seal);
	cache_store_free(store);
	tmpdir_remove(dir);
}

int test_group_client(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(client_basic_and_expiry),
		cmocka_unit_test(client_persists_sealed),
	};

	return cmocka_run_group_tests_name("cache client store", tests, NULL, NULL);
}
