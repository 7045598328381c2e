/*
 * test_synth.c - the synthetic profiles against Table II, determinism,
 * the CSV writer round trip, statistics on a hand-made trace, JSON output
 * and the gnuplot figures.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"
#include "test_trace.h"

#define GIB (1024.0 * 1024.0 * 1024.0)

static void within(double got, double want, double tol)
{
	if (fabs(got - want) > tol * want)
		fail_msg("got %.6g, want %.6g within %.1f%%", got, want, tol * 100);
}

/* Table II, and the synthesiser's totals and means within 2% of it. */
static void profile_matches(const char *name, double sessions, double users,
			    double in_gb, double out_gb, double days_conn,
			    double avg_in_mb, double avg_out_mb, double avg_h)
{
	struct trace *t = trace_new();
	struct trace_stats *s = malloc(sizeof(*s));

	assert_non_null(s);
	assert_int_equal(trace_synth(trace_profile_find(name), 0, 0, 1, t), 0);
	assert_int_equal(trace_stats_compute(t, s), 0);
	within((double)s->sessions, sessions, 0.02);
	within((double)s->users, users, 0.02);
	within((double)s->bytes_in / GIB, in_gb, 0.02);
	within((double)s->bytes_out / GIB, out_gb, 0.02);
	within((double)s->seconds / 86400.0, days_conn, 0.02);
	within((double)s->bytes_in / (double)s->sessions / 1048576.0, avg_in_mb, 0.02);
	within((double)s->bytes_out / (double)s->sessions / 1048576.0, avg_out_mb, 0.02);
	within((double)s->seconds / (double)s->sessions / 3600.0, avg_h, 0.02);
	/* 30 days from 2006-08-19, weekly rhythm: some day differs by 20%. */
	assert_int_equal(s->first / 86400, T2006 / 86400);
	assert_true(s->ndays >= 30);
	{
		uint64_t lo = UINT64_MAX, hi = 0;

		for (uint32_t d = 0; d < 30; d++) {
			lo = s->per_day[d] < lo ? s->per_day[d] : lo;
			hi = s->per_day[d] > hi ? s->per_day[d] : hi;
		}
		assert_true(hi > lo * 12 / 10);
	}
	/* Heavy tails: most users return, some return a lot. */
	assert_true(s->visit_hist[0] * 4 < s->users);
	assert_true(s->visits_max > 10 * s->visits_median);
	assert_true(s->dur_hist[0] + s->dur_hist[1] > 0);
	assert_true(s->dur_hist[TRACE_DUR_BINS - 1] > 0);
	free(s);
	trace_free(t);
}

static void profiles(void **state)
{
	(void)state;
	profile_matches("wireless", 149564, 11250, 452.1, 1010.45, 6577.83, 3.09,
			6.91, 1.05);
	profile_matches("remote", 241291, 15579, 2008.2, 4907.79, 31628.64, 8.52,
			20.82, 3.14);
	assert_null(trace_profile_find("wired"));
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long len;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)len + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	b[len] = 0;
	*n = (size_t)len;
	return b;
}

static void synth_to(const char *path, uint64_t seed)
{
	struct trace *t = trace_new();

	assert_int_equal(trace_synth(trace_profile_find("wireless"), 200, 5, seed, t), 0);
	assert_int_equal(trace_write_csv(t, path), 0);
	trace_free(t);
}

/* Same seed, same bytes; another seed, other bytes. */
static void deterministic(void **state)
{
	char a[] = "/tmp/reswan-test-synth-a.csv", b[] = "/tmp/reswan-test-synth-b.csv";
	size_t na, nb;
	char *x, *y;

	(void)state;
	synth_to(a, 42);
	synth_to(b, 42);
	x = slurp(a, &na);
	y = slurp(b, &nb);
	assert_true(na > 1000);
	assert_int_equal(na, nb);
	assert_memory_equal(x, y, na);
	free(y);
	synth_to(b, 43);
	y = slurp(b, &nb);
	assert_true(na != nb || memcmp(x, y, na) != 0);
	free(x);
	free(y);
	unlink(a);
	unlink(b);
}

/* Written CSV (plain and gzip) reads back to the same statistics. */
static void roundtrip(void **state)
{
	static const char *const paths[] = { "/tmp/reswan-test-rt.csv",
					     "/tmp/reswan-test-rt.csv.gz" };
	struct trace *t = trace_new();
	struct trace_stats *s0 = malloc(sizeof(*s0)), *s1 = malloc(sizeof(*s1));

	(void)state;
	assert_int_equal(trace_synth(trace_profile_find("remote"), 150, 7, 5, t), 0);
	assert_int_equal(trace_stats_compute(t, s0), 0);
	for (size_t i = 0; i < 2; i++) {
		struct trace *u = trace_new();
		struct trace_reader *rd = trace_reader_new(u, NULL);

		assert_int_equal(trace_write_csv(t, paths[i]), 0);
		assert_int_equal(trace_reader_file(rd, paths[i]), 0);
		assert_int_equal(trace_reader_finish(rd), 0);
		assert_int_equal(trace_reader_malformed(rd), 0);
		assert_int_equal(trace_stats_compute(u, s1), 0);
		assert_memory_equal(s0, s1, sizeof(*s0));
		trace_reader_free(rd);
		trace_free(u);
		unlink(paths[i]);
	}
	free(s0);
	free(s1);
	trace_free(t);
}

/*
 * Hand-made: day 1 a 30 s and a 2 h session of alice (1 KB and 5 MB in),
 * day 3 one 25 h session of bob (20 GB out).  Table II: 3 connections,
 * 2 users, 27 h 0 min 30 s connected; per day 2, 0, 1.
 */
static void stats_small(void **state)
{
	struct trace *t = trace_new();
	struct trace_stats *s = malloc(sizeof(*s));

	(void)state;
	assert_int_equal(trace_add(t, "alice", 5, T2006 + 10 * H, T2006 + 10 * H + 30,
				   1024, 0, 0), 0);
	assert_int_equal(trace_add(t, "alice", 5, T2006 + 12 * H, T2006 + 14 * H,
				   5 << 20, 100, 0), 0);
	assert_int_equal(trace_add(t, "bob", 3, T2006 + 49 * H, T2006 + 74 * H,
				   0, 20ULL << 30, 0), 0);
	assert_int_equal(trace_stats_compute(t, s), 0);
	assert_int_equal(s->sessions, 3);
	assert_int_equal(s->users, 2);
	assert_int_equal(s->seconds, 30 + 2 * H + 25 * H);
	assert_int_equal(s->bytes_in, 1024 + (5 << 20));
	assert_int_equal(s->ndays, 4);	/* bob ends on day 4 */
	assert_int_equal(s->per_day[0], 2);
	assert_int_equal(s->per_day[1], 0);
	assert_int_equal(s->per_day[2], 1);
	assert_int_equal(s->dur_hist[0], 1);	/* <= 1 min */
	assert_int_equal(s->dur_hist[5], 1);	/* 1-3 h */
	assert_int_equal(s->dur_hist[9], 1);	/* > 24 h */
	assert_int_equal(s->in_hist[0], 2);	/* <= 1 KB: 1024 and 0 */
	assert_int_equal(s->in_hist[4], 1);	/* 1-10 MB */
	assert_int_equal(s->out_hist[8], 1);	/* > 10 GB */
	assert_int_equal(s->visit_hist[0], 1);	/* bob */
	assert_int_equal(s->visit_hist[1], 1);	/* alice */
	assert_int_equal(s->visits_max, 2);
	free(s);
	trace_free(t);
}

static char *capture_stats(const struct trace_stats *s, bool json, size_t *n)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, n);

	assert_non_null(f);
	if (json)
		trace_stats_json(f, s);
	else
		trace_stats_print(f, s);
	fclose(f);
	return buf;
}

static void json(void **state)
{
	struct trace_sim_point pts[3] = {
		{ TRACE_CLOCKED, 3600 }, { TRACE_ESTABLISHED, 7200 },
		{ TRACE_DATA, 20u << 20 },
	};
	struct trace_sim_result r[3];
	struct trace_sim_params p = { 0 };
	struct trace_cost c = { 1000, 10, 256 };
	struct trace *t = trace_new();
	struct trace_stats *s = malloc(sizeof(*s));
	char *buf = NULL;
	size_t n;
	FILE *f;

	(void)state;
	assert_int_equal(trace_synth(trace_profile_find("wireless"), 100, 3, 9, t), 0);
	assert_int_equal(trace_stats_compute(t, s), 0);
	buf = capture_stats(s, true, &n);
	assert_true(json_valid(buf, n));
	assert_non_null(strstr(buf, "\"unique_users\": 100"));
	free(buf);
	buf = capture_stats(s, false, &n);
	assert_false(json_valid(buf, n));	/* the checker can say no */
	assert_non_null(strstr(buf, "Total unique users"));
	free(buf);
	assert_int_equal(trace_simulate(t, &p, pts, 3, r), 0);
	f = open_memstream(&buf, &n);
	trace_sim_json(f, &p, &c, r, 3);
	fclose(f);
	assert_true(json_valid(buf, n));
	assert_non_null(strstr(buf, "\"strategy\": \"data\""));
	free(buf);
	assert_false(json_valid("{\"a\": 1,}", 9));
	assert_false(json_valid("{\"a\" 1}", 7));
	free(s);
	trace_free(t);
}

static void svg_ok(const char *dir, const char *name)
{
	char path[512];
	size_t n;
	char *b;

	snprintf(path, sizeof(path), "%s/%s.svg", dir, name);
	b = slurp(path, &n);
	if (n < 2000 || !strstr(b, "<svg") || !strstr(b, "</svg>"))
		fail_msg("%s is not a plausible SVG (%zu bytes)", path, n);
	free(b);
	snprintf(path, sizeof(path), "%s/index.html", dir);
	b = slurp(path, &n);
	snprintf(path, sizeof(path), "src=\"%s.svg\"", name);
	if (!strstr(b, path))
		fail_msg("index.html does not show %s", name);
	free(b);
}

/* Needs gnuplot (scripts/deps.sh installs gnuplot-nox for `make test`). */
static void plots(void **state)
{
	static const char *const names[] = {
		"connections-per-day", "durations", "data-volume", "visits-per-user",
		"full-exchanges-clocked", "full-exchanges-established",
		"full-exchanges-data",
	};
	struct trace_sim_point pts[6] = {
		{ TRACE_CLOCKED, 3600 }, { TRACE_CLOCKED, 86400 },
		{ TRACE_ESTABLISHED, 3600 }, { TRACE_ESTABLISHED, 86400 },
		{ TRACE_DATA, 1u << 20 }, { TRACE_DATA, 100u << 20 },
	};
	struct trace_sim_result r[6];
	struct trace_sim_params p = { 0 };
	char dir[] = "/tmp/reswan-test-plot-XXXXXX";
	struct trace *t = trace_new();
	struct trace_stats *s = malloc(sizeof(*s));
	char cmd[600];

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(trace_synth(trace_profile_find("wireless"), 300, 10, 3, t), 0);
	assert_int_equal(trace_stats_compute(t, s), 0);
	assert_int_equal(trace_simulate(t, &p, pts, 6, r), 0);
	assert_int_equal(trace_plot_stats(dir, s), 0);
	assert_int_equal(trace_plot_sim(dir, r, 6), 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		svg_ok(dir, names[i]);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(s);
	trace_free(t);
}

int run_synth_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(profiles),
		cmocka_unit_test(deterministic),
		cmocka_unit_test(roundtrip),
		cmocka_unit_test(stats_small),
		cmocka_unit_test(json),
		cmocka_unit_test(plots),
	};

	return cmocka_run_group_tests_name("trace synth, stats, output", tests,
					   NULL, NULL);
}
