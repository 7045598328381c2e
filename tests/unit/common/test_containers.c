/*
 * test_containers.c - hash table, SipHash, timer queue, addresses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "common/addr.h"
#include "common/err.h"
#include "common/hmap.h"
#include "common/timerq.h"

struct item {
	struct hmap_node node;
	uint64_t key;
};

static void hmap_insert_lookup_remove_grow(void **state)
{
	struct hmap m;
	struct item *items = calloc(1000, sizeof(*items));
	size_t seen = 0, bucket;

	(void)state;
	assert_int_equal(hmap_init(&m, 4), 0);
	for (int i = 0; i < 1000; i++) {
		items[i].key = (uint64_t)i * 7919;
		/* Deliberately colliding hashes: i % 10. */
		assert_int_equal(hmap_insert(&m, &items[i].node, (uint64_t)(i % 10)), 0);
	}
	assert_int_equal(m.count, 1000);
	for (struct hmap_node *n = hmap_lookup(&m, 3); n; n = hmap_next_equal(n)) {
		assert_int_equal(n->hash, 3);
		seen++;
	}
	assert_int_equal(seen, 100);
	for (int i = 0; i < 1000; i += 2)
		hmap_remove(&m, &items[i].node);
	assert_int_equal(m.count, 500);
	seen = 0;
	for (struct hmap_node *n = hmap_iter_first(&m, &bucket); n;
	     n = hmap_iter_next(&m, &bucket, n)) {
		struct item *it = container_of(n, struct item, node);

		assert_int_equal((it->key / 7919) % 2, 1);
		seen++;
	}
	assert_int_equal(seen, 500);
	hmap_destroy(&m);
	free(items);
}

static void siphash_reference_vector(void **state)
{
	/* Aumasson & Bernstein, SipHash paper appendix A: key 00..0f,
	 * message 00..0e (15 bytes) -> a129ca6149be45e5. */
	uint8_t key[16], msg[15];

	(void)state;
	for (int i = 0; i < 16; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 15; i++)
		msg[i] = (uint8_t)i;
	assert_int_equal(hmap_siphash(key, msg, sizeof(msg)), 0xa129ca6149be45e5ULL);
}

struct fired {
	struct timer t;
	int order;
};

static int fire_count;

static void on_fire(struct timer *t, void *ctx)
{
	struct fired *f = container_of(t, struct fired, t);

	(void)ctx;
	f->order = ++fire_count;
}

static void timers_fire_in_deadline_order(void **state)
{
	struct timerq q;
	struct fired f[50];

	(void)state;
	fire_count = 0;
	timerq_init(&q);
	for (int i = 0; i < 50; i++) {
		timer_init(&f[i].t, on_fire);
		f[i].order = 0;
		/* Deadlines scrambled: (i * 37) % 50 */
		assert_int_equal(timerq_arm(&q, &f[i].t, 1000 + (uint64_t)((i * 37) % 50)), 0);
	}
	timerq_cancel(&q, &f[10].t);
	assert_false(timer_armed(&f[10].t));
	/* Re-arm one later than everything and one earlier. */
	timerq_arm(&q, &f[0].t, 5000);
	timerq_arm(&q, &f[1].t, 1);
	assert_int_equal(timerq_next(&q), 1);
	assert_int_equal(timerq_run(&q, 999, NULL, 100), 1);
	assert_int_equal(f[1].order, 1);
	assert_int_equal(timerq_run(&q, 4999, NULL, 100), 47);
	assert_int_equal(f[10].order, 0);
	assert_int_equal(f[0].order, 0);
	/* Earlier deadlines fired earlier. */
	for (int i = 2; i < 50; i++)
		for (int j = 2; j < 50; j++)
			if (i != 10 && j != 10 && f[i].t.deadline < f[j].t.deadline)
				assert_true(f[i].order < f[j].order);
	assert_int_equal(timerq_run(&q, 5000, NULL, 100), 1);
	assert_int_equal(timerq_next(&q), TIMERQ_NONE);
	timerq_destroy(&q);
}

static void addresses(void **state)
{
	struct addr a, b;
	char buf[ADDR_STRLEN];

	(void)state;
	assert_int_equal(addr_parse("10.1.2.3", &a), 0);
	a.port = 500;
	assert_string_equal(addr_fmt(&a, true, buf, sizeof(buf)), "10.1.2.3[500]");
	assert_int_equal(addr_parse("fd00::1", &b), 0);
	assert_string_equal(addr_fmt(&b, false, buf, sizeof(buf)), "fd00::1");
	assert_false(addr_eq(&a, &b, false));
	assert_int_equal(addr_parse("10.1.2.3", &b), 0);
	assert_true(addr_eq(&a, &b, false));
	assert_false(addr_eq(&a, &b, true));
	assert_int_equal(addr_hash(&a, false), addr_hash(&b, false));
	assert_int_equal(addr_parse("10.1.2", &b), ERR_INVAL);
	assert_int_equal(addr_parse("0.0.0.0", &b), 0);
	assert_true(addr_is_any(&b));
}

static void address_ranges(void **state)
{
	struct addr_range a, b;
	struct addr x;

	(void)state;
	assert_int_equal(addr_range_parse("10.0.0.0/24", &a), 0);
	assert_int_equal(addr_range_prefix(&a), 24);
	assert_int_equal(addr_range_size(&a), 256);
	assert_int_equal(addr_parse("10.0.0.77", &x), 0);
	assert_true(addr_range_contains(&a, &x));
	assert_int_equal(addr_parse("10.0.1.0", &x), 0);
	assert_false(addr_range_contains(&a, &x));
	assert_int_equal(addr_range_parse("10.0.0.200-10.0.1.5", &b), 0);
	assert_true(addr_range_overlaps(&a, &b));
	assert_int_equal(addr_range_prefix(&b), -1);
	assert_int_equal(addr_range_parse("10.0.1.0/24", &b), 0);
	assert_false(addr_range_overlaps(&a, &b));
	assert_int_equal(addr_range_parse("::/0", &b), 0);
	assert_false(addr_range_overlaps(&a, &b));
	assert_int_equal(addr_range_size(&b), UINT64_MAX);
	assert_int_equal(addr_range_parse("%any", &b), 0);
	assert_true(addr_range_overlaps(&a, &b));
	assert_true(addr_range_contains(&b, &x));
	assert_int_equal(addr_parse("::1", &x), 0);
	assert_false(addr_range_contains(&a, &x));
	/* malformed inputs leave the output alone */
	memset(&b, 0x33, sizeof(b));
	a = b;
	assert_int_equal(addr_range_parse("10.0.0.0/", &b), ERR_INVAL);
	assert_int_equal(addr_range_parse("10.0.0.0/+8", &b), ERR_INVAL);
	assert_int_equal(addr_range_parse("10.0.0.0/0008", &b), ERR_INVAL);
	assert_int_equal(addr_range_parse("010.0.0.1", &b), ERR_INVAL);
	assert_int_equal(addr_range_parse("10.0.0.1-", &b), ERR_INVAL);
	assert_int_equal(addr_range_parse("", &b), ERR_INVAL);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_true(addr_looks_like_hostname("vpn-1.example.org"));
	assert_false(addr_looks_like_hostname("10.0.0.1x/"));
	assert_false(addr_looks_like_hostname("1.2.3"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hmap_insert_lookup_remove_grow),
		cmocka_unit_test(siphash_reference_vector),
		cmocka_unit_test(timers_fire_in_deadline_order),
		cmocka_unit_test(addresses),
		cmocka_unit_test(address_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
