/*
 * test_units.c - durations, sizes, log rate limiting and the fake clock.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/clock.h"
#include "common/err.h"
#include "common/log.h"
#include "common/units.h"

static void durations(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(units_parse_duration("90", &v), 0);
	assert_int_equal(v, 90);
	assert_int_equal(units_parse_duration("15m", &v), 0);
	assert_int_equal(v, 900);
	assert_int_equal(units_parse_duration("1.5h", &v), 0);
	assert_int_equal(v, 5400);
	assert_int_equal(units_parse_duration("2D", &v), 0);
	assert_int_equal(v, 172800);
	assert_int_equal(units_parse_duration("1w", &v), 0);
	assert_int_equal(v, 604800);
	v = 42;
	assert_int_equal(units_parse_duration("", &v), ERR_INVAL);
	assert_int_equal(units_parse_duration("h", &v), ERR_INVAL);
	assert_int_equal(units_parse_duration("-1s", &v), ERR_INVAL);
	assert_int_equal(units_parse_duration("10 m", &v), ERR_INVAL);
	assert_int_equal(units_parse_duration("1e3", &v), ERR_INVAL);
	assert_int_equal(units_parse_duration("99999999999999999999", &v), ERR_INVAL);
	assert_int_equal(units_parse_duration("999999999999999999w", &v), ERR_INVAL);
	assert_int_equal(v, 42);
}

static void sizes(void **state)
{
	uint64_t v;
	char buf[32];

	(void)state;
	assert_int_equal(units_parse_bytes("20MB", &v), 0);
	assert_int_equal(v, 20ULL << 20);
	assert_int_equal(units_parse_bytes("1k", &v), 0);
	assert_int_equal(v, 1024);
	assert_int_equal(units_parse_bytes("0.5GiB", &v), 0);
	assert_int_equal(v, 512ULL << 20);
	assert_int_equal(units_parse_bytes("17", &v), 0);
	assert_int_equal(v, 17);
	assert_int_equal(units_parse_bytes("3.0000000000001TB", &v), 0);
	assert_int_equal(v, 3ULL << 40);
	assert_int_equal(units_parse_bytes("20XB", &v), ERR_INVAL);
	assert_string_equal(units_fmt_bytes(20ULL << 20, buf, sizeof(buf)), "20MB");
	assert_string_equal(units_fmt_bytes(1536, buf, sizeof(buf)), "1536B");
	assert_string_equal(units_fmt_bytes(3072, buf, sizeof(buf)), "3KB");
	assert_string_equal(units_fmt_bytes(0, buf, sizeof(buf)), "0B");
	assert_string_equal(units_fmt_duration(7200, buf, sizeof(buf)), "2h");
	assert_string_equal(units_fmt_duration(90, buf, sizeof(buf)), "90s");
}

static void ratelimit_bucket(void **state)
{
	struct log_ratelimit rl = LOG_RATELIMIT_INIT(1000000, 3);
	int ok = 0;

	(void)state;
	log_set_level(LOG_LVL_ERROR); /* the "suppressed" line is a warning */
	for (int i = 0; i < 10; i++)
		ok += log_ratelimit_ok(&rl, 5);
	assert_int_equal(ok, 3);
	assert_int_equal(rl.suppressed, 7);
	/* Two intervals later two more lines pass. */
	ok = 0;
	for (int i = 0; i < 10; i++)
		ok += log_ratelimit_ok(&rl, 2000005);
	assert_int_equal(ok, 2);
}

static void fake_clock_moves_only_when_told(void **state)
{
	struct clock_fake f;
	const struct clock *c = &f.clock;
	uint64_t m0;

	(void)state;
	clock_fake_init(&f, 1000);
	m0 = clock_mono(c);
	assert_int_equal(clock_wall(c), 1000);
	clock_fake_advance(&f, 86400ULL * CLOCK_US_PER_SEC);
	assert_int_equal(clock_mono(c) - m0, 86400ULL * CLOCK_US_PER_SEC);
	assert_int_equal(clock_wall(c), 1000 + 86400ULL * CLOCK_US_PER_SEC);
	assert_true(clock_mono(clock_system()) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(durations),
		cmocka_unit_test(sizes),
		cmocka_unit_test(ratelimit_bucket),
		cmocka_unit_test(fake_clock_moves_only_when_told),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
