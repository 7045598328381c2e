/*
 * test_buf.c - bounded reader and capped writer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "common/buf.h"
#include "common/err.h"

static void reader_reads_big_endian(void **state)
{
	const uint8_t in[] = { 1, 0x02, 0x03, 0, 0, 0x01, 0x00,
			       0, 0, 0, 0, 0, 0, 0x12, 0x34 };
	struct buf_reader r;
	uint8_t a;
	uint16_t b;
	uint32_t c;
	uint64_t d;

	(void)state;
	buf_reader_init(&r, in, sizeof(in));
	assert_int_equal(buf_get_u8(&r, &a), 0);
	assert_int_equal(buf_get_u16(&r, &b), 0);
	assert_int_equal(buf_get_u32(&r, &c), 0);
	assert_int_equal(buf_get_u64(&r, &d), 0);
	assert_int_equal(a, 1);
	assert_int_equal(b, 0x0203);
	assert_int_equal(c, 0x100);
	assert_int_equal(d, 0x1234);
	assert_int_equal(buf_remaining(&r), 0);
}

static void reader_fails_without_moving(void **state)
{
	const uint8_t in[] = { 1, 2, 3 };
	struct buf_reader r, sub;
	uint32_t v = 77;
	uint8_t out[4] = { 9, 9, 9, 9 };

	(void)state;
	buf_reader_init(&r, in, sizeof(in));
	assert_int_equal(buf_get_u32(&r, &v), ERR_TRUNCATED);
	assert_int_equal(v, 77);
	assert_int_equal(buf_get_bytes(&r, out, 4), ERR_TRUNCATED);
	assert_int_equal(out[0], 9);
	assert_int_equal(buf_get_sub(&r, &sub, 4), ERR_TRUNCATED);
	assert_int_equal(buf_skip(&r, SIZE_MAX), ERR_TRUNCATED);
	assert_int_equal(buf_remaining(&r), 3);
}

static void sub_reader_is_confined(void **state)
{
	const uint8_t in[] = { 0xaa, 0xbb, 0xcc, 0xdd };
	struct buf_reader r, sub;
	uint16_t v;

	(void)state;
	buf_reader_init(&r, in, sizeof(in));
	assert_int_equal(buf_get_sub(&r, &sub, 1), 0);
	assert_int_equal(buf_get_u16(&sub, &v), ERR_TRUNCATED);
	assert_int_equal(buf_get_u16(&r, &v), 0);
	assert_int_equal(v, 0xbbcc);
	assert_int_equal(buf_remaining(&r), 1);
}

static void fixed_writer_stops_at_cap_and_stays_failed(void **state)
{
	uint8_t mem[5];
	struct buf_writer w;

	(void)state;
	buf_writer_init_fixed(&w, mem, sizeof(mem));
	assert_int_equal(buf_put_u32(&w, 0x01020304), 0);
	assert_int_equal(buf_put_u16(&w, 0x0506), ERR_LIMIT);
	assert_true(buf_writer_error(&w));
	/* Sticky: even a put that would fit now fails. */
	assert_int_equal(buf_put_u8(&w, 7), ERR_LIMIT);
	assert_int_equal(w.len, 4);
	assert_int_equal(mem[0], 1);
	assert_int_equal(mem[3], 4);
}

static void dyn_writer_grows_to_max_only(void **state)
{
	struct buf_writer w;
	uint8_t chunk[100] = { 0 };

	(void)state;
	buf_writer_init_dyn(&w, 1000);
	for (int i = 0; i < 10; i++)
		assert_int_equal(buf_put_bytes(&w, chunk, sizeof(chunk)), 0);
	assert_int_equal(w.len, 1000);
	assert_int_not_equal(buf_put_u8(&w, 1), 0);
	assert_true(buf_writer_error(&w));
	buf_writer_reset(&w);
	assert_false(buf_writer_error(&w));
	assert_int_equal(buf_put_u8(&w, 1), 0);
	buf_writer_free(&w);
}

static void backpatch_lengths(void **state)
{
	struct buf_writer w;
	size_t at;

	(void)state;
	buf_writer_init_dyn(&w, 64);
	assert_int_equal(buf_put_u8(&w, 0x21), 0);
	at = w.len;
	assert_int_equal(buf_put_u16(&w, 0), 0);
	assert_int_equal(buf_put_zero(&w, 3), 0);
	assert_int_equal(buf_set_u16_at(&w, at, (uint16_t)w.len), 0);
	assert_int_equal(w.p[1], 0);
	assert_int_equal(w.p[2], 6);
	assert_int_equal(buf_set_u32_at(&w, 4, 1), ERR_INVAL);
	assert_int_equal(buf_set_u8_at(&w, 6, 1), ERR_INVAL);
	buf_writer_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reader_reads_big_endian),
		cmocka_unit_test(reader_fails_without_moving),
		cmocka_unit_test(sub_reader_is_confined),
		cmocka_unit_test(fixed_writer_stops_at_cap_and_stays_failed),
		cmocka_unit_test(dyn_writer_grows_to_max_only),
		cmocka_unit_test(backpatch_lengths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
