/*
 * test_parallel.c - every multi-threaded path against its sequential
 * self on generated traces: reading a CSV file in parts (from a file and
 * from memory, with malformed, quoted, open, commented and CRLF lines
 * sprinkled through it, with shards that outgrow their estimated regions,
 * and under --strict), the statistics and the simulator.  Same input,
 * thread counts 1 to 4: the results must be identical, byte for byte.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/err.h"
#include "test_trace.h"
#include "trace/trace_int.h"

/* Small parts, so that a test-sized file is read on several threads. */
#define SPLIT_MIN 4096

struct buf {
	char *p;
	size_t n, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = (b->n + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
	b->p[b->n] = 0;
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/*
 * A synthetic trace as canonical CSV, every few lines changed into
 * something only the general parser takes (or rejects) when `sprinkle`
 * is set.  With `skew`,
 * the first lines carry a long extra column, so the line length the
 * reader estimates from the head is far too long and the shards outgrow
 * their regions.
 */
static struct buf make_csv(uint32_t users, bool skew, bool sprinkle)
{
	char path[] = "/tmp/reswan-test-par-XXXXXX";
	struct trace *t = trace_new();
	struct buf in = { 0 }, out = { 0 };
	char *line, *save = NULL;
	unsigned i = 0;
	FILE *f;
	int fd;

	assert_non_null(t);
	assert_int_equal(trace_synth(trace_profile_find("wireless"), users, 30, 7, t), 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(trace_write_csv(t, path), 0);
	trace_free(t);
	f = fopen(path, "rb");
	assert_non_null(f);
	for (;;) {
		char chunk[65536];
		size_t got = fread(chunk, 1, sizeof(chunk), f);

		if (!got)
			break;
		put(&in, chunk, got);
	}
	fclose(f);
	unlink(path);
	for (line = strtok_r(in.p, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
		char *c1 = strchr(line, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
		char *c3 = c2 ? strchr(c2 + 1, ',') : NULL, *c4 = c3 ? strchr(c3 + 1, ',') : NULL;

		if (i == 0 || !c4 || !sprinkle) {
			puts_(&out, line);
		} else if (skew && i < 2500) {
			puts_(&out, line);
			puts_(&out, ",padding-padding-padding-padding-padding-padding-padding-"
			      "padding-padding-padding-padding-padding-padding-padding-padding-"
			      "padding-padding-padding-padding-padding-padding-padding-padding");
		} else if (i % 101 == 0) {
			puts_(&out, "bad,line");
		} else if (i % 103 == 0) {
			/* A quoted user with a doubled quote inside. */
			puts_(&out, "\"q\"\"");
			put(&out, line, (size_t)(c1 - line));
			puts_(&out, "\"");
			puts_(&out, c1);
		} else if (i % 107 == 0) {
			/* Still open: no disconnect. */
			put(&out, line, (size_t)(c3 - line) + 1);
			puts_(&out, c4);
		} else if (i % 109 == 0) {
			puts_(&out, "# a comment");
		} else if (i % 113 == 0) {
			puts_(&out, line);
			puts_(&out, "\r");
		} else if (i % 127 == 0) {
			/* Disconnect before connect. */
			put(&out, line, (size_t)(c2 - line) + 1);
			puts_(&out, "2006-09-30T00:00:00Z,2006-08-01T00:00:00Z");
			puts_(&out, c4);
		} else if (i % 131 == 0) {
			/* A zone offset: the general time parser. */
			put(&out, line, (size_t)(c3 - line) - 1);
			puts_(&out, "+02:00");
			puts_(&out, c3);
		} else if (i % 137 == 0) {
			puts_(&out, "");
		} else if (i % 139 == 0) {
			puts_(&out, line);
			puts_(&out, ",extra,\"quoted, extra\"");
		} else {
			puts_(&out, line);
		}
		puts_(&out, "\n");
	}
	free(in.p);
	return out;
}

struct result {
	struct trace *t;
	struct trace_reader *rd;
	int rc;
};

static struct result read_csv(const struct buf *b, unsigned threads,
			      bool strict, bool from_file)
{
	struct trace_read_opts o = { .format = TRACE_FMT_AUTO, .strict = strict,
				     .year = 2006, .threads = threads };
	struct result r;
	char path[64];

	/* One name for the file and the memory, so the reports compare. */
	snprintf(path, sizeof(path), "/tmp/reswan-test-par-%d.csv", (int)getpid());
	r.t = trace_new();
	assert_non_null(r.t);
	r.rd = trace_reader_new(r.t, &o);
	assert_non_null(r.rd);
	trace_reader_set_split_min(r.rd, SPLIT_MIN);
	if (from_file) {
		FILE *f = fopen(path, "wb");

		assert_non_null(f);
		assert_int_equal(fwrite(b->p, 1, b->n, f), b->n);
		assert_int_equal(fclose(f), 0);
		r.rc = trace_reader_file(r.rd, path);
		unlink(path);
	} else {
		r.rc = trace_reader_mem(r.rd, path, b->p, b->n);
	}
	if (!r.rc)
		r.rc = trace_reader_finish(r.rd);
	return r;
}

static void result_free(struct result *r)
{
	trace_reader_free(r->rd);
	trace_free(r->t);
}

/* Everything a reader leaves behind, compared. */
static void same_read(const struct result *a, const struct result *b)
{
	int64_t f1, l1, f2, l2;

	assert_int_equal(a->rc, b->rc);
	assert_string_equal(trace_reader_error(a->rd), trace_reader_error(b->rd));
	assert_int_equal(trace_count(a->t), trace_count(b->t));
	assert_memory_equal(trace_sessions(a->t), trace_sessions(b->t),
			    trace_count(a->t) * sizeof(struct trace_session));
	assert_int_equal(trace_user_count(a->t), trace_user_count(b->t));
	for (uint32_t u = 0; u < trace_user_count(a->t); u++) {
		size_t n1, n2;
		const char *s1 = trace_user_name(a->t, u, &n1);
		const char *s2 = trace_user_name(b->t, u, &n2);

		assert_int_equal(n1, n2);
		assert_memory_equal(s1, s2, n1);
	}
	assert_int_equal(trace_reader_malformed(a->rd), trace_reader_malformed(b->rd));
	assert_int_equal(trace_reader_diag_count(a->rd), trace_reader_diag_count(b->rd));
	for (size_t i = 0; i < trace_reader_diag_count(a->rd); i++)
		assert_string_equal(trace_reader_diag(a->rd, i), trace_reader_diag(b->rd, i));
	assert_int_equal(trace_reader_open_closed(a->rd), trace_reader_open_closed(b->rd));
	trace_span(a->t, &f1, &l1);
	trace_span(b->t, &f2, &l2);
	assert_int_equal(f1, f2);
	assert_int_equal(l1, l2);
}

static void read_variants(bool skew)
{
	struct buf b = make_csv(1500, skew, true);
	struct result seq = read_csv(&b, 1, false, true);

	/* The sprinkled lines are there: the test sees the general path. */
	assert_int_equal(seq.rc, 0);
	assert_true(trace_count(seq.t) > 15000);
	assert_true(trace_reader_malformed(seq.rd) > 100);
	assert_int_equal(trace_reader_diag_count(seq.rd), TRACE_DIAG_KEEP);
	assert_true(trace_reader_open_closed(seq.rd) > 100);
	for (unsigned th = 1; th <= 4; th++) {
		for (int file = 0; file < 2; file++) {
			struct result par = read_csv(&b, th, false, file);

			same_read(&seq, &par);
			result_free(&par);
		}
	}
	result_free(&seq);
	free(b.p);
}

static void read_parts(void **state)
{
	(void)state;
	read_variants(false);
}

/* Shards outgrow the regions sized from the head's line length. */
static void read_parts_skewed(void **state)
{
	(void)state;
	read_variants(true);
}

/* --strict stops at the file's first malformed line, in whichever part. */
static void strict_same(const struct buf *b, const char *what)
{
	for (int file = 0; file < 2; file++) {
		struct result seq = read_csv(b, 1, true, file);

		assert_int_equal(seq.rc, ERR_SYNTAX);
		assert_non_null(strstr(trace_reader_error(seq.rd), what));
		for (unsigned th = 2; th <= 4; th++) {
			struct result par = read_csv(b, th, true, file);

			same_read(&seq, &par);
			result_free(&par);
		}
		result_free(&seq);
	}
}

static void read_parts_strict(void **state)
{
	struct buf full = make_csv(1500, false, false), b = { 0 };
	const char *nl = memchr(full.p + full.n * 2 / 3, '\n', full.n / 3);
	size_t cut = (size_t)(nl - full.p) + 1;

	(void)state;
	/* Clean but for one line two thirds in: a later part stops. */
	put(&b, full.p, cut);
	puts_(&b, "late,s,2006-08-20T00:00:00Z,not-a-time,1,2\n");
	put(&b, full.p + cut, full.n - cut);
	strict_same(&b, "bad disconnect time 'not-a-time'");
	free(b.p);
	free(full.p);
	/* Malformed lines in every part: the first part's first one wins. */
	full = make_csv(1500, false, true);
	strict_same(&full, ":102: expected at least 6 fields");
	free(full.p);
}

/* Statistics and the simulator, on 1..4 threads. */
static void stats_and_sim(void **state)
{
	static const uint64_t L[] = { 300, 3600, 8 * 3600, 86400, 7 * 86400 };
	struct trace_sim_point pts[3 * 5];
	struct trace *t = trace_new();
	struct trace_stats *s1 = calloc(1, sizeof(*s1)), *s2 = calloc(1, sizeof(*s2));
	struct trace_sim_result r1[15], r2[15];
	size_t n = 0;

	(void)state;
	assert_non_null(t);
	assert_non_null(s1);
	assert_non_null(s2);
	assert_int_equal(trace_synth(trace_profile_find("remote"), 3000, 30, 3, t), 0);
	for (int st = TRACE_CLOCKED; st <= TRACE_DATA; st++)
		for (size_t i = 0; i < 5; i++)
			pts[n++] = (struct trace_sim_point){
				(enum trace_strategy)st,
				st == TRACE_DATA ? L[i] * 4096 : L[i] };
	assert_int_equal(trace_stats_compute_n(t, s1, 1), 0);
	for (unsigned th = 2; th <= 4; th++) {
		assert_int_equal(trace_stats_compute_n(t, s2, th), 0);
		assert_memory_equal(s1, s2, sizeof(*s1));
	}
	for (int cap = 0; cap < 2; cap++) {
		struct trace_sim_params p = { .max_age = cap ? 0 : 10 * 86400,
					      .threads = 1 };

		assert_int_equal(trace_simulate(t, &p, pts, n, r1), 0);
		for (unsigned th = 2; th <= 4; th++) {
			p.threads = th;
			assert_int_equal(trace_simulate(t, &p, pts, n, r2), 0);
			for (size_t i = 0; i < n; i++) {
				assert_int_equal(r1[i].full, r2[i].full);
				assert_int_equal(r1[i].resumed, r2[i].resumed);
				assert_int_equal(r1[i].peak_records, r2[i].peak_records);
				assert_int_equal(r1[i].peak_resolution, r2[i].peak_resolution);
				assert_int_equal(r1[i].evicted, r2[i].evicted);
			}
		}
	}
	free(s1);
	free(s2);
	trace_free(t);
}

/* RESWAN_TRACE_THREADS decides when the caller does not. */
static void thread_count(void **state)
{
	(void)state;
	assert_int_equal(trace_threads(3), 3);
	assert_int_equal(trace_threads(1000), TRACE_THREADS_MAX);
	setenv("RESWAN_TRACE_THREADS", "5", 1);
	assert_int_equal(trace_threads(0), 5);
	assert_int_equal(trace_threads(2), 2);
	setenv("RESWAN_TRACE_THREADS", "zero", 1);
	assert_true(trace_threads(0) >= 1 && trace_threads(0) <= TRACE_THREADS_AUTO);
	unsetenv("RESWAN_TRACE_THREADS");
}

int run_parallel_tests(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(read_parts),
		cmocka_unit_test(read_parts_skewed),
		cmocka_unit_test(read_parts_strict),
		cmocka_unit_test(stats_and_sim),
		cmocka_unit_test(thread_count),
	};

	return cmocka_run_group_tests_name("trace parallel", tests, NULL, NULL);
}
