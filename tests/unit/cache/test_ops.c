/*
 * test_ops.c - the cache's operations on a fake clock: policies through
 * the API, single-use consumption (also under a thread race), LRU
 * eviction per connection, revocation, lineage refs, purge, stats.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cache/cache_int.h"
#include "common/err.h"
#include "common/json.h"
#include "crypto/rand.h"
#include "helpers.h"

static uint16_t conn(struct tc *t, const char *name, struct cache_policy p)
{
	uint16_t id;

	assert_int_equal(cache_conn_set(t->c, name, &p, &id), 0);
	return id;
}

static void insert(struct tc *t, uint16_t cid, uint32_t n, uint8_t h[16], cache_ref *ref)
{
	struct cache_entry e;

	entry_for(&e, n);
	assert_int_equal(cache_insert(t->c, cid, &e, h, ref), 0);
}

static enum cache_miss look(struct tc *t, const uint8_t h[16])
{
	struct cache_entry out;
	enum cache_miss why = CACHE_HIT;
	int ret = cache_lookup(t->c, h, &out, &why);

	assert_int_equal(ret, why == CACHE_HIT ? 0 : ERR_NOTFOUND);
	return why;
}

static void resume(struct tc *t, uint8_t h[16], uint32_t n, uint32_t round)
{
	uint8_t s[32], nh[16];

	secret_for(s, n, round);
	assert_int_equal(cache_consume(t->c, h, s, nh, NULL, NULL), 0);
	memcpy(h, nh, 16);
}

static void clocked_not_extended_by_resuming(void **state)
{
	struct tc t;
	struct cache_policy p = { .flags = CACHE_POLICY_CLOCKED, .lifetime = 8 * 3600,
				  .capacity = 10 };
	uint8_t h[16];
	uint16_t id;

	(void)state;
	tc_init(&t, 100);
	id = conn(&t, "rw", p);
	insert(&t, id, 1, h, NULL);
	clock_fake_advance(&t.clk, 2 * T_HOUR);
	resume(&t, h, 1, 1);			/* 2 h: resumed */
	clock_fake_advance(&t.clk, 3 * T_HOUR);
	resume(&t, h, 1, 2);			/* 5 h: resumed again */
	clock_fake_advance(&t.clk, 3 * T_HOUR - T_SEC);
	assert_int_equal(look(&t, h), CACHE_HIT);	/* 8 h - 1 s */
	clock_fake_advance(&t.clk, T_SEC);
	assert_int_equal(look(&t, h), CACHE_MISS_CLOCKED);	/* 8 h since the full exchange */
	assert_int_equal(look(&t, h), CACHE_MISS_UNKNOWN);	/* and it is gone */
	tc_fini(&t);
}

static void established_counts_connected_time_only(void **state)
{
	struct tc t;
	struct cache_policy p = { .flags = CACHE_POLICY_ESTABLISHED, .lifetime = 2 * 3600,
				  .capacity = 10 };
	struct cache_entry out;
	uint8_t h[16];
	cache_ref ref, ref2;
	uint16_t id;

	(void)state;
	tc_init(&t, 100);
	id = conn(&t, "rw", p);
	insert(&t, id, 1, h, &ref);
	assert_int_equal(cache_update(t.c, ref, 3600, 0), 0);	/* connected 1 h */
	clock_fake_advance(&t.clk, 20 * T_DAY);			/* gone for 20 days */
	assert_int_equal(look(&t, h), CACHE_HIT);
	{
		uint8_t s[32], nh[16];

		secret_for(s, 1, 1);
		assert_int_equal(cache_consume(t.c, h, s, nh, &ref2, NULL), 0);
		assert_true(ref2 == ref);	/* same lineage */
		memcpy(h, nh, 16);
	}
	assert_int_equal(cache_update(t.c, ref, 3599, 0), 0);
	assert_int_equal(cache_lookup(t.c, h, &out, NULL), 0);
	assert_int_equal(out.connected, 7199);
	assert_int_equal(cache_update(t.c, ref, 1, 0), 0);	/* E = 2 h: over */
	assert_int_equal(look(&t, h), CACHE_MISS_UNKNOWN);	/* removed at the update */
	assert_int_equal(cache_update(t.c, ref, 1, 0), ERR_NOTFOUND);
	tc_fini(&t);
}

static void data_accumulates_across_resumptions(void **state)
{
	struct tc t;
	struct cache_policy p = { .flags = CACHE_POLICY_DATA, .data = 50ULL << 20,
				  .capacity = 10 };
	struct cache_stats *st = calloc(1, sizeof(*st));
	uint8_t h[16];
	cache_ref ref;
	uint16_t id;

	(void)state;
	tc_init(&t, 100);
	id = conn(&t, "rw", p);
	insert(&t, id, 1, h, &ref);
	assert_int_equal(cache_update(t.c, ref, 10, 30ULL << 20), 0);
	resume(&t, h, 1, 1);
	assert_int_equal(cache_update(t.c, ref, 10, (20ULL << 20) - 1), 0);
	assert_int_equal(look(&t, h), CACHE_HIT);
	assert_int_equal(cache_update(t.c, ref, 0, 1), 0);
	assert_int_equal(look(&t, h), CACHE_MISS_UNKNOWN);
	cache_stats(t.c, st);
	assert_int_equal(st->expirations, 1);
	assert_int_equal(st->count, 0);
	free(st);
	tc_fini(&t);
}

static void max_age_and_combinations(void **state)
{
	struct tc t;
	struct cache_policy est = { .flags = CACHE_POLICY_ESTABLISHED, .lifetime = 7200,
				    .max_age = 86400, .capacity = 10 };
	struct cache_policy both = { .flags = CACHE_POLICY_CLOCKED | CACHE_POLICY_DATA,
				     .lifetime = 8 * 3600, .data = 20ULL << 20, .capacity = 10 };
	uint8_t h1[16], h2[16], h3[16];
	cache_ref r3;
	uint16_t a, b;

	(void)state;
	tc_init(&t, 100);
	a = conn(&t, "est", est);
	b = conn(&t, "both", both);
	insert(&t, a, 1, h1, NULL);
	insert(&t, b, 2, h2, NULL);
	insert(&t, b, 3, h3, &r3);
	/* Data ends h3 long before its clocked lifetime. */
	assert_int_equal(cache_update(t.c, r3, 1, 20ULL << 20), 0);
	assert_int_equal(look(&t, h3), CACHE_MISS_UNKNOWN);
	/* h2 is under its data limit but the clock ends it at 8 h. */
	clock_fake_advance(&t.clk, 8 * T_HOUR);
	assert_int_equal(look(&t, h2), CACHE_MISS_CLOCKED);
	/* h1 has no connected time at all, yet max_age ends it at 1 day. */
	clock_fake_advance(&t.clk, 16 * T_HOUR - T_SEC);
	assert_int_equal(look(&t, h1), CACHE_HIT);
	clock_fake_advance(&t.clk, T_SEC);
	assert_int_equal(look(&t, h1), CACHE_MISS_MAX_AGE);
	tc_fini(&t);
}

static void lookup_unknown_and_forged(void **state)
{
	struct tc t;
	uint8_t h[16], bad[16];
	uint16_t id;

	(void)state;
	tc_init(&t, 100);
	id = conn(&t, "rw", pol_none(10));
	insert(&t, id, 1, h, NULL);
	memset(bad, 0, sizeof(bad));
	assert_int_equal(look(&t, bad), CACHE_MISS_UNKNOWN);
	/* Right slot, one check bit wrong. */
	{
		uint8_t check[CACHE_CHECK_LEN];

		memcpy(check, h + 4, sizeof(check));
		check[11] ^= 1;
		cache_handle_make(t.c->mask_key, cache_handle_slot(t.c->mask_key, h), check, bad);
	}
	assert_int_equal(cache_handle_slot(t.c->mask_key, bad), cache_handle_slot(t.c->mask_key, h));
	assert_int_equal(look(&t, bad), CACHE_MISS_UNKNOWN);
	assert_int_equal(look(&t, h), CACHE_HIT);
	tc_fini(&t);
}

static void consume_is_single_use(void **state)
{
	struct tc t;
	struct cache_entry out;
	uint8_t h[16], h2[16], h3[16], s[32];
	cache_ref ref, r2;
	uint16_t id;

	(void)state;
	tc_init(&t, 100);
	id = conn(&t, "rw", pol_none(10));
	insert(&t, id, 1, h, &ref);
	clock_fake_advance(&t.clk, T_HOUR);
	secret_for(s, 1, 1);
	assert_int_equal(cache_consume(t.c, h, s, h2, &r2, NULL), 0);
	assert_true(r2 == ref);
	assert_memory_not_equal(h, h2, 16);
	/* The old handle is dead for lookup and for a second consume. */
	assert_int_equal(look(&t, h), CACHE_MISS_UNKNOWN);
	assert_int_equal(cache_consume(t.c, h, s, h3, NULL, NULL), ERR_NOTFOUND);
	/* The new one carries the new secret and the lineage's T0. */
	assert_int_equal(cache_lookup(t.c, h2, &out, NULL), 0);
	assert_memory_equal(out.secret, s, 32);
	assert_int_equal(out.t0, T_START / T_SEC);
	assert_int_equal(out.last_use, T_START / T_SEC + 3600);
	assert_int_equal(out.peer.len, 17);
	assert_memory_equal(out.peer.data, "user1@example.org", 17);
	/* Success once more, then h2 is dead too. */
	secret_for(s, 1, 2);
	assert_int_equal(cache_consume(t.c, h2, s, h3, NULL, NULL), 0);
	assert_int_equal(cache_consume(t.c, h2, s, h, NULL, NULL), ERR_NOTFOUND);
	assert_int_equal(look(&t, h3), CACHE_HIT);
	tc_fini(&t);
}

struct race {
	struct cache *c;
	const uint8_t *h;
	pthread_barrier_t *bar;
	int ret;
	uint8_t nh[16];
};

static void *racer(void *arg)
{
	struct race *r = arg;
	uint8_t s[32];

	memset(s, 0x77, sizeof(s));
	pthread_barrier_wait(r->bar);
	r->ret = cache_consume(r->c, r->h, s, r->nh, NULL, NULL);
	return NULL;
}

static void racing_consumers_one_wins(void **state)
{
	struct tc t;
	pthread_barrier_t bar;
	uint16_t id;

	(void)state;
	tc_init(&t, 1000);
	id = conn(&t, "rw", pol_none(1000));
	pthread_barrier_init(&bar, NULL, 4);
	for (int round = 0; round < 200; round++) {
		uint8_t h[16];
		struct race r[4];
		pthread_t th[4];
		int wins = 0;

		insert(&t, id, (uint32_t)round, h, NULL);
		for (int i = 0; i < 4; i++) {
			r[i] = (struct race){ .c = t.c, .h = h, .bar = &bar };
			assert_int_equal(pthread_create(&th[i], NULL, racer, &r[i]), 0);
		}
		for (int i = 0; i < 4; i++) {
			pthread_join(th[i], NULL);
			if (r[i].ret == 0) {
				wins++;
				assert_int_equal(look(&t, r[i].nh), CACHE_HIT);
			} else {
				assert_int_equal(r[i].ret, ERR_NOTFOUND);
			}
		}
		assert_int_equal(wins, 1);
	}
	pthread_barrier_destroy(&bar);
	tc_fini(&t);
}

static void lru_eviction_keeps_recently_used(void **state)
{
	struct tc t;
	struct cache_stats *st = calloc(1, sizeof(*st));
	uint8_t a[16], b[16], c[16], d[16], e[16];
	cache_ref rb;
	uint16_t id;

	(void)state;
	tc_init(&t, 100);
	id = conn(&t, "rw", pol_none(3));
	insert(&t, id, 1, a, NULL);
	clock_fake_advance(&t.clk, T_SEC);
	insert(&t, id, 2, b, &rb);
	clock_fake_advance(&t.clk, T_SEC);
	insert(&t, id, 3, c, NULL);
	clock_fake_advance(&t.clk, T_SEC);
	resume(&t, a, 1, 1);		/* a is now the most recently used */
	assert_int_equal(look(&t, c), CACHE_HIT);	/* a lookup is not a use */
	insert(&t, id, 4, d, NULL);	/* evicts b, the least recently used */
	assert_int_equal(look(&t, b), CACHE_MISS_UNKNOWN);
	assert_int_equal(cache_update(t.c, rb, 1, 1), ERR_NOTFOUND);	/* stale ref */
	assert_int_equal(look(&t, a), CACHE_HIT);
	assert_int_equal(look(&t, c), CACHE_HIT);
	assert_int_equal(look(&t, d), CACHE_HIT);
	insert(&t, id, 5, e, NULL);	/* evicts c */
	assert_int_equal(look(&t, c), CACHE_MISS_UNKNOWN);
	assert_int_equal(look(&t, a), CACHE_HIT);
	cache_stats(t.c, st);
	assert_int_equal(st->evictions, 2);
	assert_int_equal(st->count, 3);
	/* Lowering the capacity evicts at once, oldest first. */
	{
		struct cache_policy p = pol_none(1);

		assert_int_equal(cache_conn_set(t.c, "rw", &p, NULL), 0);
	}
	assert_int_equal(look(&t, e), CACHE_HIT);
	assert_int_equal(look(&t, a), CACHE_MISS_UNKNOWN);
	free(st);
	tc_fini(&t);
}

static void capacity_per_connection(void **state)
{
	struct tc t;
	struct cache_stats *st = calloc(1, sizeof(*st));
	uint8_t hx[10][16], hy[2][16];
	uint16_t x, y;

	(void)state;
	tc_init(&t, 100);
	x = conn(&t, "x", pol_none(2));
	y = conn(&t, "y", pol_none(2));
	insert(&t, y, 100, hy[0], NULL);
	insert(&t, y, 101, hy[1], NULL);
	for (uint32_t i = 0; i < 10; i++)
		insert(&t, x, i, hx[i], NULL);
	assert_int_equal(look(&t, hy[0]), CACHE_HIT);
	assert_int_equal(look(&t, hy[1]), CACHE_HIT);
	assert_int_equal(look(&t, hx[9]), CACHE_HIT);
	assert_int_equal(look(&t, hx[8]), CACHE_HIT);
	assert_int_equal(look(&t, hx[7]), CACHE_MISS_UNKNOWN);
	cache_stats(t.c, st);
	assert_int_equal(st->nconns, 2);
	assert_int_equal(st->conns[x].count, 2);
	assert_int_equal(st->conns[y].count, 2);
	assert_int_equal(st->evictions, 8);
	/* The global cap bounds the sum of capacities. */
	{
		struct cache_policy big = pol_none(97);

		assert_int_equal(cache_conn_set(t.c, "z", &big, NULL), ERR_LIMIT);
		big.capacity = 96;
		assert_int_equal(cache_conn_set(t.c, "z", &big, NULL), 0);
	}
	free(st);
	tc_fini(&t);
}

static void revoke_removes_every_record_of_identity(void **state)
{
	struct tc t;
	struct cache_entry e;
	struct cache_ident alice;
	uint8_t h[5][16];
	uint16_t x, y;

	(void)state;
	tc_init(&t, 100);
	x = conn(&t, "x", pol_none(10));
	y = conn(&t, "y", pol_none(10));
	insert(&t, x, 7, h[0], NULL);
	insert(&t, x, 7, h[1], NULL);
	insert(&t, y, 7, h[2], NULL);
	insert(&t, x, 8, h[3], NULL);
	entry_for(&e, 7);
	e.peer.type = 2;	/* same bytes, another ID type: another identity */
	assert_int_equal(cache_insert(t.c, y, &e, h[4], NULL), 0);
	ident_for(&alice, 7);
	assert_int_equal(cache_revoke(t.c, &alice), 3);
	for (int i = 0; i < 3; i++)
		assert_int_equal(look(&t, h[i]), CACHE_MISS_UNKNOWN);
	assert_int_equal(look(&t, h[3]), CACHE_HIT);
	assert_int_equal(look(&t, h[4]), CACHE_HIT);
	assert_int_equal(cache_revoke(t.c, &alice), 0);
	tc_fini(&t);
}

/*
 * A peer that comes back in full names the ticket it gives up: that record
 * goes, and only when it is this connection's and this identity's.
 */
static void retire_only_own_record(void **state)
{
	struct tc t;
	struct cache_stats *st = calloc(1, sizeof(*st));
	struct cache_ident me, other;
	uint8_t h[4][16], nh[16];
	uint16_t x, y;

	(void)state;
	assert_non_null(st);
	tc_init(&t, 100);
	x = conn(&t, "x", pol_none(10));
	y = conn(&t, "y", pol_none(10));
	insert(&t, x, 7, h[0], NULL);
	insert(&t, y, 7, h[1], NULL);
	insert(&t, x, 8, h[2], NULL);
	ident_for(&me, 7);
	ident_for(&other, 8);
	/* Another identity's handle, another connection's, a forged one. */
	assert_int_equal(cache_retire(t.c, x, h[2], &me), ERR_NOTFOUND);
	assert_int_equal(cache_retire(t.c, x, h[1], &me), ERR_NOTFOUND);
	memcpy(nh, h[0], 16);
	nh[15] ^= 1;
	assert_int_equal(cache_retire(t.c, x, nh, &me), ERR_NOTFOUND);
	me.type = 2;		/* same octets, another ID type */
	assert_int_equal(cache_retire(t.c, x, h[0], &me), ERR_NOTFOUND);
	me.type = other.type;
	for (int i = 0; i < 3; i++)
		assert_int_equal(look(&t, h[i]), CACHE_HIT);
	/* Its own: gone, once. */
	assert_int_equal(cache_retire(t.c, x, h[0], &me), 0);
	assert_int_equal(look(&t, h[0]), CACHE_MISS_UNKNOWN);
	assert_int_equal(cache_retire(t.c, x, h[0], &me), ERR_NOTFOUND);
	assert_int_equal(look(&t, h[1]), CACHE_HIT);
	/* A handle already consumed by a resumption no longer names it. */
	memcpy(h[3], h[2], 16);
	resume(&t, h[2], 8, 1);
	assert_int_equal(cache_retire(t.c, x, h[3], &other), ERR_NOTFOUND);
	assert_int_equal(cache_retire(t.c, x, h[2], &other), 0);
	cache_stats(t.c, st);
	assert_int_equal(st->superseded, 2);
	assert_int_equal(st->count, 1);
	free(st);
	tc_fini(&t);
}

static void purge_is_incremental(void **state)
{
	struct tc t;
	struct cache_policy p = { .flags = CACHE_POLICY_CLOCKED, .lifetime = 3600,
				  .capacity = 1000 };
	uint8_t h[16];
	uint16_t id;
	size_t total = 0, n;

	(void)state;
	tc_init(&t, 1000);
	id = conn(&t, "rw", p);
	for (uint32_t i = 0; i < 500; i++)
		insert(&t, id, i, h, NULL);
	clock_fake_advance(&t.clk, 30 * 60 * T_SEC);
	for (uint32_t i = 500; i < 600; i++)
		insert(&t, id, i, h, NULL);	/* younger */
	clock_fake_advance(&t.clk, 31 * 60 * T_SEC);	/* the first 500 are expired */
	n = cache_purge(t.c, 100);
	assert_true(n <= 100);
	total += n;
	for (int k = 0; k < 20; k++)
		total += cache_purge(t.c, 100);
	assert_int_equal(total, 500);
	assert_int_equal(look(&t, h), CACHE_HIT);	/* the last one lives */
	tc_fini(&t);
}

static void rejects_bad_input_unchanged(void **state)
{
	struct tc t;
	struct cache_entry e;
	struct cache_stats *st = calloc(1, sizeof(*st));
	uint8_t h[16];
	uint16_t id;
	struct cache_policy p = pol_none(10);

	(void)state;
	tc_init(&t, 100);
	id = conn(&t, "rw", p);
	entry_for(&e, 1);
	e.peer.len = CACHE_IDENT_MAX + 1;
	assert_int_equal(cache_insert(t.c, id, &e, h, NULL), ERR_INVAL);
	entry_for(&e, 1);
	e.ts.i[0].type = 9;
	assert_int_equal(cache_insert(t.c, id, &e, h, NULL), ERR_INVAL);
	entry_for(&e, 1);
	e.ts.n_r = CACHE_MAX_TS + 1;
	assert_int_equal(cache_insert(t.c, id, &e, h, NULL), ERR_INVAL);
	entry_for(&e, 1);
	e.vip4.family = ADDR_IPV6;
	assert_int_equal(cache_insert(t.c, id, &e, h, NULL), ERR_INVAL);
	assert_int_equal(cache_insert(t.c, 5, &e, h, NULL), ERR_NOTFOUND);
	assert_int_equal(cache_conn_set(t.c, "", &p, NULL), ERR_INVAL);
	assert_int_equal(cache_conn_set(t.c, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
					&p, NULL), ERR_INVAL);	/* 65 */
	cache_stats(t.c, st);
	assert_int_equal(st->count, 0);
	assert_int_equal(t.c->idents.count, 0);
	assert_int_equal(t.c->profiles.count, 0);
	free(st);
	tc_fini(&t);
}

static void dual_stack_vips_and_lookup_copy(void **state)
{
	struct tc t;
	struct cache_entry e, out;
	uint8_t h[16];
	uint16_t id;

	(void)state;
	tc_init(&t, 100);
	id = conn(&t, "rw", (struct cache_policy){ .capacity = 5, .pfs = true });
	entry_for(&e, 9);
	addr_parse("2001:db8::9", &e.vip6);
	assert_int_equal(cache_insert(t.c, id, &e, h, NULL), 0);
	assert_int_equal(cache_lookup(t.c, h, &out, NULL), 0);
	assert_true(addr_eq(&out.vip4, &e.vip4, false));
	assert_true(addr_eq(&out.vip6, &e.vip6, false));
	assert_true(out.pfs);
	assert_memory_equal(&out.algs, &e.algs, sizeof(e.algs));
	assert_int_equal(out.ts.n_i, 1);
	assert_memory_equal(&out.ts.r[0], &e.ts.r[0], sizeof(e.ts.r[0]));
	assert_memory_equal(out.handle, h, 16);
	tc_fini(&t);
}

static int find_secret(void *ctx, const struct cache_info *info)
{
	int *n = ctx;

	assert_true(info->ref != 0);
	assert_true(info->peer.len > 0);
	(*n)++;
	return 0;
}

static void stats_and_list_json(void **state)
{
	struct tc t;
	struct cache_entry e;
	struct json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	uint8_t h[16];
	uint16_t id;
	int n = 0;

	(void)state;
	tc_init(&t, 100);
	id = conn(&t, "rw", pol_none(10));
	for (uint32_t i = 0; i < 3; i++)
		insert(&t, id, i, h, NULL);
	assert_int_equal(look(&t, h), CACHE_HIT);
	assert_int_equal(cache_list(t.c, find_secret, &n), 0);
	assert_int_equal(n, 3);
	f = open_memstream(&buf, &len);
	json_init(&j, f, false);
	json_object_begin(&j, NULL);
	cache_stats_json(t.c, &j, "stats");
	cache_list_json(t.c, &j, "records", 2);
	json_object_end(&j);
	assert_int_equal(json_finish(&j), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\"count\":3"));
	assert_non_null(strstr(buf, "\"hits\":1"));
	assert_non_null(strstr(buf, "\"name\":\"rw\""));
	assert_non_null(strstr(buf, "user2@example.org"));	/* most recent first */
	assert_null(strstr(buf, "user0@example.org"));		/* limit 2 */
	entry_for(&e, 2);
	{
		char hex[65];

		for (int i = 0; i < 32; i++)
			sprintf(hex + 2 * i, "%02x", e.secret[i]);
		assert_null(strstr(buf, hex));
	}
	free(buf);
	tc_fini(&t);
}

int test_group_ops(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clocked_not_extended_by_resuming),
		cmocka_unit_test(established_counts_connected_time_only),
		cmocka_unit_test(data_accumulates_across_resumptions),
		cmocka_unit_test(max_age_and_combinations),
		cmocka_unit_test(lookup_unknown_and_forged),
		cmocka_unit_test(consume_is_single_use),
		cmocka_unit_test(racing_consumers_one_wins),
		cmocka_unit_test(lru_eviction_keeps_recently_used),
		cmocka_unit_test(capacity_per_connection),
		cmocka_unit_test(revoke_removes_every_record_of_identity),
		cmocka_unit_test(retire_only_own_record),
		cmocka_unit_test(purge_is_incremental),
		cmocka_unit_test(rejects_bad_input_unchanged),
		cmocka_unit_test(dual_stack_vips_and_lookup_copy),
		cmocka_unit_test(stats_and_list_json),
	};

	return cmocka_run_group_tests_name("cache ops", tests, NULL, NULL);
}
