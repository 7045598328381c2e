/*
 * test_sim.c - the caching simulator on hand-made traces whose answers are
 * worked out in the comments, the LRU capacity, and the agreement of the
 * per-user and global-time engines.
 */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "test_trace.h"

#define MB (1024ULL * 1024)

static void add(struct trace *t, const char *u, int64_t c, int64_t d,
		uint64_t bytes)
{
	/* Split bytes between the directions: D counts both. */
	assert_int_equal(trace_add(t, u, strlen(u), c, d, bytes / 2,
				   bytes - bytes / 2, 0), 0);
}

static struct trace_sim_result sim1(struct trace *t, enum trace_strategy s,
				    uint64_t lifetime, uint64_t max_age,
				    bool global)
{
	struct trace_sim_params p = { .max_age = max_age };
	struct trace_sim_point pt = { s, lifetime };
	struct trace_sim_result r;

	if (global)
		assert_int_equal(trace_simulate_global(t, &p, &pt, 1, &r), 0);
	else
		assert_int_equal(trace_simulate(t, &p, &pt, 1, &r), 0);
	assert_int_equal(r.full + r.resumed, r.sessions);
	return r;
}

/*
 * One user, the paper's clocked example and its variants:
 *   s1 00:00-02:00  5 MB   s2 05:00-06:00 10 MB
 *   s3 09:00-09:30  1 MB   s4 10:00-10:15  1 MB
 */
static struct trace *paper_user(void)
{
	struct trace *t = trace_new();

	add(t, "u", T2006, T2006 + 2 * H, 5 * MB);
	add(t, "u", T2006 + 5 * H, T2006 + 6 * H, 10 * MB);
	add(t, "u", T2006 + 9 * H, T2006 + 9 * H + 30 * MIN, MB);
	add(t, "u", T2006 + 10 * H, T2006 + 10 * H + 15 * MIN, MB);
	return t;
}

static void lifetimes(void **state)
{
	struct trace *t = paper_user();

	(void)state;
	for (int g = 0; g < 2; g++) {
		struct trace_sim_result r;

		/* clocked 8h: s2 at 5h < 8h resumes; s3 at 9h >= 8h is full
		 * (new lineage from 09:00); s4 1h after that resumes. */
		r = sim1(t, TRACE_CLOCKED, 8 * H, 0, g);
		assert_int_equal(r.full, 2);
		assert_int_equal(r.resumed, 2);
		assert_int_equal(r.peak_records, 1);
		/* clocked 5h: s2 at exactly 5h is not < 5h: full (T0 05:00);
		 * s3 4h later resumes; s4 at 5h after 05:00 is full. */
		r = sim1(t, TRACE_CLOCKED, 5 * H, 0, g);
		assert_int_equal(r.full, 3);
		/* established 8h: E = 2h, 3h, 3.5h, all < 8h: one full. */
		r = sim1(t, TRACE_ESTABLISHED, 8 * H, 0, g);
		assert_int_equal(r.full, 1);
		assert_int_equal(r.resumed, 3);
		/* established 2h30m: s2 resumes at E = 2h; E = 3h then, so s3
		 * is full; s4 resumes s3's lineage (E = 30m). */
		r = sim1(t, TRACE_ESTABLISHED, 2 * H + 30 * MIN, 0, g);
		assert_int_equal(r.full, 2);
		/* data 12 MB: D = 5 MB lets s2 resume, then D = 15 MB: s3 full,
		 * s4 resumes at D = 1 MB. */
		r = sim1(t, TRACE_DATA, 12 * MB, 0, g);
		assert_int_equal(r.full, 2);
		assert_int_equal(r.resumed, 2);
		/* data 5 MB: D = 5 MB is not < 5 MB: s2 full; s3 full too
		 * (D = 10 MB); s4 resumes (1 MB). */
		r = sim1(t, TRACE_DATA, 5 * MB, 0, g);
		assert_int_equal(r.full, 3);
		/* established 8h capped by max-age 4h: s2 is 5h after T0: full;
		 * s3 exactly 4h after 05:00: full; s4 resumes. */
		r = sim1(t, TRACE_ESTABLISHED, 8 * H, 4 * H, g);
		assert_int_equal(r.full, 3);
		assert_int_equal(r.resumed, 1);
		/* Lifetime 0 never resumes. */
		r = sim1(t, TRACE_CLOCKED, 0, 0, g);
		assert_int_equal(r.full, 4);
		assert_int_equal(r.peak_records, 0);
	}
	trace_free(t);
}

/*
 * Several users, clocked 2h, ties at one instant:
 *   A 00:00-01:00, B 00:30-01:00, C 01:00-01:10, A 01:00-01:30.
 * At 01:00 the disconnects of A and B come first, so A's second session
 * resumes (1h after its full exchange); C has no record: full.
 * Records held after each second: 01:00 A,B = 2; 01:10 +C = 3; 02:00 A
 * expires.  Peak 3.
 * Plus D: a zero-length session 03:00-03:00 and another at 03:00: the
 * first's own end cannot precede its connect, but precedes the second's
 * connect: one full, one resumed.
 */
static void same_instant(void **state)
{
	struct trace *t = trace_new();

	(void)state;
	add(t, "A", T2006, T2006 + H, 0);
	add(t, "B", T2006 + 30 * MIN, T2006 + H, 0);
	add(t, "C", T2006 + H, T2006 + H + 10 * MIN, 0);
	add(t, "A", T2006 + H, T2006 + H + 30 * MIN, 0);
	add(t, "D", T2006 + 3 * H, T2006 + 3 * H, 0);
	add(t, "D", T2006 + 3 * H, T2006 + 3 * H + 10 * MIN, 0);
	for (int g = 0; g < 2; g++) {
		struct trace_sim_result r = sim1(t, TRACE_CLOCKED, 2 * H, 0, g);

		assert_int_equal(r.full, 4);
		assert_int_equal(r.resumed, 2);
		assert_int_equal(r.peak_records, 3);
		assert_int_equal(r.peak_resolution, 1);
	}
	trace_free(t);
}

/*
 * Overlapping sessions of one user: s1 00:00-03:00, s2 01:00-02:00,
 * s3 04:00-04:30.  s2 starts while s1 is open: no record yet, full (its
 * own lineage).  s2's end writes its record, s1's end overwrites it with
 * s1's lineage (T0 00:00, E 3h).  clocked 10h: s3 resumes.  established
 * 3h: E = 3h is spent, the record is useless: s3 full.  established
 * 3h+1s: s3 resumes.
 */
static void overlap(void **state)
{
	struct trace *t = trace_new();

	(void)state;
	add(t, "E", T2006, T2006 + 3 * H, 0);
	add(t, "E", T2006 + H, T2006 + 2 * H, 0);
	add(t, "E", T2006 + 4 * H, T2006 + 4 * H + 30 * MIN, 0);
	for (int g = 0; g < 2; g++) {
		assert_int_equal(sim1(t, TRACE_CLOCKED, 10 * H, 0, g).full, 2);
		assert_int_equal(sim1(t, TRACE_ESTABLISHED, 3 * H, 0, g).full, 3);
		assert_int_equal(sim1(t, TRACE_ESTABLISHED, 3 * H + 1, 0, g).full, 2);
	}
	trace_free(t);
}

/*
 * LRU with room for 2 records, clocked 1 day:
 *   A1 00:00-00:10  B1 00:20-00:30  A2 00:40-02:00  C1 00:50-00:55
 *   B2 01:00-01:05  A3 03:00-03:05
 * A1 full, writes A.  B1 full, writes B: [B A].  A2 resumes and touches A:
 * [A B].  C1 full; its write evicts B (1): [C A].  B2 full; its write
 * evicts A (2): [B C].  A2 ends, writes A, evicting C (3): [A B].  A3
 * resumes.  full 4, resumed 2, evicted 3, peak 2.  (Without the touch on
 * use, C1 would have evicted A instead.)
 */
static void capacity(void **state)
{
	struct trace_sim_params p = { .capacity = 2 };
	struct trace_sim_point pt = { TRACE_CLOCKED, 86400 };
	struct trace_sim_result r;
	struct trace *t = trace_new();

	(void)state;
	add(t, "A", T2006, T2006 + 10 * MIN, 0);
	add(t, "B", T2006 + 20 * MIN, T2006 + 30 * MIN, 0);
	add(t, "A", T2006 + 40 * MIN, T2006 + 2 * H, 0);
	add(t, "C", T2006 + 50 * MIN, T2006 + 55 * MIN, 0);
	add(t, "B", T2006 + H, T2006 + H + 5 * MIN, 0);
	add(t, "A", T2006 + 3 * H, T2006 + 3 * H + 5 * MIN, 0);
	assert_int_equal(trace_simulate(t, &p, &pt, 1, &r), 0);
	assert_int_equal(r.full, 4);
	assert_int_equal(r.resumed, 2);
	assert_int_equal(r.evicted, 3);
	assert_int_equal(r.peak_records, 2);
	/* Unlimited: nothing evicted, A3 and B2 resume too. */
	p.capacity = 0;
	assert_int_equal(trace_simulate(t, &p, &pt, 1, &r), 0);
	assert_int_equal(r.full, 3);
	assert_int_equal(r.evicted, 0);
	assert_int_equal(r.peak_records, 3);
	trace_free(t);
}

/* On a synthetic trace both engines agree point by point. */
static void engines_agree(void **state)
{
	static const uint64_t life[] = { 5 * MIN, H, 8 * H, 86400, 7 * 86400 };
	static const uint64_t data[] = { MB, 20 * MB, 200 * MB };
	struct trace_sim_point pts[16];
	struct trace_sim_result a[16], b[16], c[16];
	struct trace_sim_params p = { .peak_slots = 1u << 22 };
	struct trace *t = trace_new();
	size_t n = 0;

	(void)state;
	assert_int_equal(trace_synth(trace_profile_find("remote"), 300, 4, 7, t), 0);
	for (size_t i = 0; i < 5; i++) {
		pts[n++] = (struct trace_sim_point){ TRACE_CLOCKED, life[i] };
		pts[n++] = (struct trace_sim_point){ TRACE_ESTABLISHED, life[i] };
	}
	for (size_t i = 0; i < 3; i++)
		pts[n++] = (struct trace_sim_point){ TRACE_DATA, data[i] };
	for (int pass = 0; pass < 2; pass++) {
		p.max_age = pass ? 0 : 2 * 86400;
		assert_int_equal(trace_simulate(t, &p, pts, n, a), 0);
		assert_int_equal(trace_simulate_global(t, &p, pts, n, b), 0);
		for (size_t i = 0; i < n; i++) {
			assert_int_equal(a[i].full, b[i].full);
			assert_int_equal(a[i].resumed, b[i].resumed);
			assert_int_equal(a[i].peak_resolution, 1);
			assert_int_equal(a[i].peak_records, b[i].peak_records);
			assert_true(a[i].full > 0);
		}
		assert_true(a[n - 1].resumed > a[n - 1].full / 4);
	}
	/* At the default resolution the peak is an upper bound. */
	p.peak_slots = 0;
	p.max_age = 0;
	assert_int_equal(trace_simulate(t, &p, pts, n, c), 0);
	for (size_t i = 0; i < n; i++) {
		assert_true(c[i].peak_resolution > 1);
		assert_true(c[i].peak_records >= a[i].peak_records);
		assert_int_equal(c[i].full, a[i].full);
	}
	/* Longer lifetimes never need more full exchanges. */
	for (size_t i = 2; i < 10; i++)
		assert_true(a[i].full <= a[i - 2].full);
	trace_free(t);
}

static void bad_points(void **state)
{
	struct trace_sim_params p = { 0 };
	struct trace_sim_point pt = { (enum trace_strategy)7, 1 };
	struct trace_sim_result r;
	struct trace *t = paper_user();

	(void)state;
	assert_int_equal(trace_simulate(t, &p, &pt, 1, &r), ERR_INVAL);
	assert_int_equal(trace_simulate(t, &p, &pt, TRACE_SIM_MAX_POINTS + 1, &r),
			 ERR_LIMIT);
	trace_free(t);
}

int run_sim_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lifetimes),
		cmocka_unit_test(same_instant),
		cmocka_unit_test(overlap),
		cmocka_unit_test(capacity),
		cmocka_unit_test(engines_agree),
		cmocka_unit_test(bad_points),
	};

	return cmocka_run_group_tests_name("trace simulator", tests, NULL, NULL);
}
