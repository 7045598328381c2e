/*
 * test_persist.c - records through LMDB and the memory store: survive a
 * reopen, files are private, the database alone reveals no secret, a
 * wrong key or a damaged value drops records (counted) without crashing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "cache/cache_int.h"
#include "common/err.h"
#include "crypto/rand.h"
#include "helpers.h"

#define N 300

struct env {
	char dir[256], db[300], keyf[300];
	uint8_t key[CACHE_KEY_LEN];
	struct cache_store *store;
	struct tc t;
	uint16_t conn;
};

static void env_open(struct env *e, struct cache_policy p, uint32_t max)
{
	assert_int_equal(cache_lmdb_open(e->db, NULL, &e->store), 0);
	tc_init_store(&e->t, max, e->store, e->key);
	assert_int_equal(cache_conn_set(e->t.c, "rw", &p, &e->conn), 0);
}

static void env_close(struct env *e)
{
	tc_fini(&e->t);
	cache_store_free(e->store);
	e->store = NULL;
}

static void env_init(struct env *e)
{
	memset(e, 0, sizeof(*e));
	tmpdir_make(e->dir);
	snprintf(e->db, sizeof(e->db), "%s/cache.mdb", e->dir);
	snprintf(e->keyf, sizeof(e->keyf), "%s/cache.key", e->dir);
	assert_int_equal(cache_key_load(e->keyf, rand_system(), e->key), 0);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static unsigned mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode & 0777;
}

static void survives_reopen_private_and_sealed(void **state)
{
	struct env e;
	static uint8_t h[N][16];
	static cache_ref ref[N];
	struct cache_entry in, out;
	struct cache_stats *st = calloc(1, sizeof(*st));
	uint8_t *raw;
	size_t rawlen;
	mode_t old = umask(0);	/* a lax umask must not make the files public */

	(void)state;
	env_init(&e);
	env_open(&e, (struct cache_policy){ .flags = CACHE_POLICY_CLOCKED, .lifetime = 86400,
					    .capacity = 1000 }, 1000);
	for (uint32_t i = 0; i < N; i++) {
		entry_for(&in, i);
		if (i % 7 == 0)
			addr_parse("2001:db8::77", &in.vip6);
		assert_int_equal(cache_insert(e.t.c, e.conn, &in, h[i], &ref[i]), 0);
		clock_fake_advance(&e.t.clk, T_SEC);
	}
	assert_int_equal(cache_update(e.t.c, ref[5], 120, 5000), 0);
	{
		uint8_t s[32];

		secret_for(s, 6, 1);
		assert_int_equal(cache_consume(e.t.c, h[6], s, h[6], NULL, NULL), 0);
	}
	assert_int_equal(cache_remove(e.t.c, ref[9]), 0);
	assert_int_equal(cache_flush(e.t.c), 0);
	cache_stats(e.t.c, st);
	assert_int_equal(st->dirty, 0);
	assert_true(st->flushed >= N);
	env_close(&e);
	umask(old);

	/* Private files; the key is not in the database directory's db file. */
	assert_int_equal(mode_of(e.db), 0600);
	assert_int_equal(mode_of(e.keyf), 0600);
	{
		char lock[320];

		snprintf(lock, sizeof(lock), "%s-lock", e.db);
		assert_int_equal(mode_of(lock), 0600);
	}
	/* The raw file holds no secret, no identity, no key. */
	raw = slurp(e.db, &rawlen);
	for (uint32_t i = 0; i < N; i++) {
		uint8_t s[32];
		struct cache_ident id;

		secret_for(s, i, 0);
		assert_null(memmem(raw, rawlen, s, sizeof(s)));
		assert_null(memmem(raw, rawlen, s + 8, 16));	/* not even a piece */
		ident_for(&id, i);
		assert_null(memmem(raw, rawlen, id.data, id.len));
	}
	assert_null(memmem(raw, rawlen, e.key, 16));
	free(raw);

	/* Reopen: the same records under the same handles. */
	env_open(&e, (struct cache_policy){ .flags = CACHE_POLICY_CLOCKED, .lifetime = 86400,
					    .capacity = 1000 }, 1000);
	e.t.clk.wall = T_START + 2 * T_HOUR;
	assert_int_equal(cache_load(e.t.c), 0);
	cache_stats(e.t.c, st);
	assert_int_equal(st->loaded, N - 1);
	assert_int_equal(st->count, N - 1);
	for (uint32_t i = 0; i < N; i++) {
		uint8_t s[32];

		if (i == 9) {
			assert_int_equal(cache_lookup(e.t.c, h[i], &out, NULL), ERR_NOTFOUND);
			continue;
		}
		assert_int_equal(cache_lookup(e.t.c, h[i], &out, NULL), 0);
		secret_for(s, i, i == 6 ? 1 : 0);
		assert_memory_equal(out.secret, s, 32);
		entry_for(&in, i);
		assert_int_equal(out.peer.len, in.peer.len);
		assert_memory_equal(out.peer.data, in.peer.data, in.peer.len);
		assert_true(addr_eq(&out.vip4, &in.vip4, false));
		assert_int_equal(out.vip6.family, i % 7 == 0 ? ADDR_IPV6 : ADDR_NONE);
		assert_memory_equal(&out.algs, &in.algs, sizeof(in.algs));
		assert_memory_equal(&out.ts.i[0], &in.ts.i[0], sizeof(in.ts.i[0]));
		assert_int_equal(out.t0, T_START / T_SEC + i);
		if (i == 5) {
			assert_int_equal(out.connected, 120);
			assert_int_equal(out.bytes, 5000);
		}
	}
	/* Still single-use after the restart; LRU order came back. */
	{
		uint8_t s[32], nh[16];

		memset(s, 1, sizeof(s));
		assert_int_equal(cache_consume(e.t.c, h[0], s, nh, NULL, NULL), 0);
		assert_int_equal(cache_consume(e.t.c, h[0], s, nh, NULL, NULL), ERR_NOTFOUND);
		assert_int_equal(e.t.c->conns[e.conn].tail, cache_handle_slot(e.t.c->mask_key, h[1]));
	}
	env_close(&e);
	free(st);
	tmpdir_remove(e.dir);
}

static void wrong_key_drops_everything(void **state)
{
	struct env e;
	struct cache_entry in;
	struct cache_stats *st = calloc(1, sizeof(*st));
	uint8_t h[16];

	(void)state;
	env_init(&e);
	env_open(&e, pol_none(100), 100);
	for (uint32_t i = 0; i < 20; i++) {
		entry_for(&in, i);
		assert_int_equal(cache_insert(e.t.c, e.conn, &in, h, NULL), 0);
	}
	assert_int_equal(cache_flush(e.t.c), 0);
	env_close(&e);
	e.key[0] ^= 1;
	env_open(&e, pol_none(100), 100);
	assert_int_equal(cache_load(e.t.c), 0);
	cache_stats(e.t.c, st);
	assert_int_equal(st->count, 0);
	assert_int_equal(st->load_unsealed, 20);
	assert_int_equal(st->dirty, 20);	/* deletions queued */
	assert_int_equal(cache_flush(e.t.c), 0);
	env_close(&e);
	e.key[0] ^= 1;	/* the right key now finds nothing: they were deleted */
	env_open(&e, pol_none(100), 100);
	assert_int_equal(cache_load(e.t.c), 0);
	cache_stats(e.t.c, st);
	assert_int_equal(st->loaded, 0);
	assert_int_equal(st->load_unsealed, 0);
	env_close(&e);
	free(st);
	tmpdir_remove(e.dir);
}

/* Tamper with stored values through the store seam. */
struct tamper {
	struct cache_store *s;
	int n;
	uint8_t k[3][4];
	uint8_t v[3][CACHE_RECORD_MAX + CACHE_SEAL_OVERHEAD];
	size_t vlen[3];
};

static int grab(void *ctx, const uint8_t *key, size_t klen, const uint8_t *val, size_t vlen)
{
	struct tamper *t = ctx;

	if (t->n < 3) {
		assert_int_equal(klen, 4);
		memcpy(t->k[t->n], key, 4);
		memcpy(t->v[t->n], val, vlen);
		t->vlen[t->n] = vlen;
		t->n++;
	}
	return 0;
}

static void damaged_values_dropped_not_crash(void **state)
{
	static struct tamper tp;
	struct tc t;
	struct cache_store *store = cache_store_mem_new(1000);
	struct cache_entry in;
	struct cache_stats *st = calloc(1, sizeof(*st));
	uint8_t key[CACHE_KEY_LEN], h[16];
	uint16_t id;

	(void)state;
	memset(key, 0x11, sizeof(key));
	assert_non_null(store);
	tc_init_store(&t, 100, store, key);
	assert_int_equal(cache_conn_set(t.c, "rw", &(struct cache_policy){ .capacity = 50 }, &id), 0);
	for (uint32_t i = 0; i < 10; i++) {
		entry_for(&in, i);
		assert_int_equal(cache_insert(t.c, id, &in, h, NULL), 0);
	}
	assert_int_equal(cache_flush(t.c), 0);
	tc_fini(&t);

	memset(&tp, 0, sizeof(tp));
	assert_int_equal(store->ops->load(store, grab, &tp), 0);
	assert_int_equal(tp.n, 3);
	assert_int_equal(store->ops->begin(store), 0);
	tp.v[0][tp.vlen[0] / 2] ^= 0x40;			/* a flipped bit */
	assert_int_equal(store->ops->put(store, tp.k[0], 4, tp.v[0], tp.vlen[0]), 0);
	assert_int_equal(store->ops->put(store, tp.k[1], 4, tp.v[1], 20), 0);	/* truncated */
	assert_int_equal(store->ops->put(store, tp.k[2], 4, tp.v[1], tp.vlen[1]), 0); /* swapped */
	assert_int_equal(store->ops->put(store, (const uint8_t *)"junk-key", 8, tp.v[0], 5), 0);
	assert_int_equal(store->ops->commit(store), 0);

	tc_init_store(&t, 100, store, key);
	assert_int_equal(cache_conn_set(t.c, "rw", &(struct cache_policy){ .capacity = 50 }, &id), 0);
	assert_int_equal(cache_load(t.c), 0);
	cache_stats(t.c, st);
	assert_int_equal(st->loaded, 7);
	assert_int_equal(st->load_unsealed, 2);	/* flipped bit, swapped slot */
	assert_int_equal(st->load_corrupt, 2);	/* truncated, bad key */
	tc_fini(&t);
	cache_store_free(store);
	free(st);
}

static void load_drops_orphans_expired_and_over_capacity(void **state)
{
	struct tc t;
	struct cache_store *store = cache_store_mem_new(1000);
	struct cache_entry in;
	struct cache_stats *st = calloc(1, sizeof(*st));
	uint8_t key[CACHE_KEY_LEN], h[10][16], hg[16];
	struct cache_policy clk = { .flags = CACHE_POLICY_CLOCKED, .lifetime = 3600, .capacity = 20 };
	uint16_t a, g;

	(void)state;
	memset(key, 0x22, sizeof(key));
	tc_init_store(&t, 100, store, key);
	assert_int_equal(cache_conn_set(t.c, "a", &clk, &a), 0);
	assert_int_equal(cache_conn_set(t.c, "gone", &clk, &g), 0);
	for (uint32_t i = 0; i < 10; i++) {
		entry_for(&in, i);
		assert_int_equal(cache_insert(t.c, a, &in, h[i], NULL), 0);
		clock_fake_advance(&t.clk, 5 * 60 * T_SEC);	/* 0..45 min */
	}
	entry_for(&in, 99);
	assert_int_equal(cache_insert(t.c, g, &in, hg, NULL), 0);
	assert_int_equal(cache_flush(t.c), 0);
	tc_fini(&t);

	/* Restart 20 min later with "gone" removed and a capacity of 4. */
	tc_init_store(&t, 100, store, key);
	t.clk.wall = T_START + 65 * 60 * T_SEC;
	clk.capacity = 4;
	assert_int_equal(cache_conn_set(t.c, "a", &clk, &a), 0);
	assert_int_equal(cache_load(t.c), 0);
	cache_stats(t.c, st);
	assert_int_equal(st->load_orphaned, 1);
	assert_int_equal(st->load_expired, 2);		/* inserted at 0 and 5 min */
	assert_int_equal(st->load_over_capacity, 4);	/* 10, 15, 20, 25 min: least recent */
	assert_int_equal(st->count, 4);
	for (uint32_t i = 0; i < 10; i++) {
		struct cache_entry out;

		assert_int_equal(cache_lookup(t.c, h[i], &out, NULL), i >= 6 ? 0 : ERR_NOTFOUND);
	}
	tc_fini(&t);
	cache_store_free(store);
	free(st);
}

static void key_file_rules(void **state)
{
	char dir[256], path[300];
	uint8_t k1[CACHE_KEY_LEN], k2[CACHE_KEY_LEN];
	int fd;

	(void)state;
	tmpdir_make(dir);
	snprintf(path, sizeof(path), "%s/k", dir);
	assert_int_equal(cache_key_load(path, rand_system(), k1), 0);	/* created */
	assert_int_equal(mode_of(path), 0600);
	assert_int_equal(cache_key_load(path, rand_system(), k2), 0);	/* read back */
	assert_memory_equal(k1, k2, sizeof(k1));
	assert_int_equal(chmod(path, 0640), 0);
	assert_int_equal(cache_key_load(path, rand_system(), k2), ERR_CONFIG);
	assert_int_equal(chmod(path, 0604), 0);
	assert_int_equal(cache_key_load(path, rand_system(), k2), ERR_CONFIG);
	assert_int_equal(chmod(path, 0600), 0);
	fd = open(path, O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x", 1), 1);
	close(fd);
	assert_int_equal(cache_key_load(path, rand_system(), k2), ERR_CONFIG);	/* 33 octets */
	assert_int_equal(truncate(path, 31), 0);
	assert_int_equal(cache_key_load(path, rand_system(), k2), ERR_CONFIG);
	snprintf(path, sizeof(path), "%s", dir);
	assert_int_equal(cache_key_load(path, rand_system(), k2), ERR_CONFIG);	/* a directory */
	tmpdir_remove(dir);
}

int test_group_persist(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(survives_reopen_private_and_sealed),
		cmocka_unit_test(wrong_key_drops_everything),
		cmocka_unit_test(damaged_values_dropped_not_crash),
		cmocka_unit_test(load_drops_orphans_expired_and_over_capacity),
		cmocka_unit_test(key_file_rules),
	};

	return cmocka_run_group_tests_name("cache persistence", tests, NULL, NULL);
}
