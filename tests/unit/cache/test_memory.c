/*
 * test_memory.c - the memory budget: at most 128 octets per record,
 * everything included (record slots, interned identities, profiles and
 * addresses, their indexes, slack), from the cache's own allocation
 * accounting, for 50,000 and 100,000 distinct users.  The 1,000,000 case
 * and RSS-measured figures are in `reswan bench cache`.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "cache/cache_int.h"
#include "helpers.h"

static void budget(uint32_t n)
{
	struct tc t;
	struct cache_stats *st = calloc(1, sizeof(*st));
	struct cache_entry e;
	uint8_t h[16];
	uint16_t id;
	double per;

	tc_init(&t, n);
	assert_int_equal(cache_conn_set(t.c, "rw", &(struct cache_policy){ .capacity = n }, &id), 0);
	for (uint32_t i = 0; i < n; i++) {
		entry_for(&e, 1000000 + i);	/* "user1000000@example.org": 23 octets */
		assert_int_equal(cache_insert(t.c, id, &e, h, NULL), 0);
	}
	cache_stats(t.c, st);
	assert_int_equal(st->count, n);
	per = (double)st->bytes / n;
	printf("memory: %u records, %llu octets accounted = %.1f per record "
	       "(slots %.1f, interned %.1f)\n", n, (unsigned long long)st->bytes, per,
	       (double)st->bytes_records / n, (double)st->bytes_interned / n);
	assert_true(per <= 128.0);
	/* The record slot itself is the paper's "under 100 octets". */
	assert_int_equal(sizeof(struct cache_rec), 88);
	free(st);
	tc_fini(&t);
}

static void budget_50k(void **state)
{
	(void)state;
	budget(50000);
}

static void budget_100k(void **state)
{
	(void)state;
	budget(100000);
}

int test_group_memory(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(budget_50k),
		cmocka_unit_test(budget_100k),
	};

	return cmocka_run_group_tests_name("cache memory", tests, NULL, NULL);
}
