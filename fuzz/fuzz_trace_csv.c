/*
 * fuzz_trace_csv.c - the trace module's csv reader on arbitrary bytes:
 * parse as one file, complete open sessions, then compute statistics and
 * simulate over whatever was read, so every session the reader accepts
 * goes through the code that trusts it.
 *
 * The same bytes are read a second time in parts of a few bytes on three
 * threads (trace_split.c), strict or not as the first byte says, and
 * everything the reader reports must come out identical: a difference is
 * a crash (abort), for libFuzzer to keep.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "trace/trace_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct read {
	struct trace *t;
	struct trace_reader *rd;
	int rc;
};

static struct read read_csv(const uint8_t *data, size_t size, bool strict,
			    unsigned threads)
{
	struct trace_read_opts o = { .format = TRACE_FMT_CSV, .year = 2024,
				     .strict = strict, .threads = threads };
	struct read r = { trace_new(), NULL, ERR_NOMEM };

	if (r.t)
		r.rd = trace_reader_new(r.t, &o);
	if (!r.rd)
		return r;
	/* Parts of 16 bytes and up: most inputs are split. */
	trace_reader_set_split_min(r.rd, 16);
	r.rc = trace_reader_mem(r.rd, "fuzz", data, size);
	if (!r.rc)
		r.rc = trace_reader_finish(r.rd);
	return r;
}

static void read_free(struct read *r)
{
	trace_reader_free(r->rd);
	trace_free(r->t);
}

/* Sequential and parallel reads must agree on everything. */
static void same(const struct read *a, const struct read *b)
{
	int64_t f1, l1, f2, l2;

	if (!a->rd || !b->rd)
		return;		/* out of memory: nothing to compare */
	if (a->rc != b->rc || strcmp(trace_reader_error(a->rd), trace_reader_error(b->rd)) ||
	    trace_count(a->t) != trace_count(b->t) ||
	    (trace_count(a->t) &&
	     memcmp(trace_sessions(a->t), trace_sessions(b->t),
		    trace_count(a->t) * sizeof(struct trace_session))) ||
	    trace_user_count(a->t) != trace_user_count(b->t) ||
	    trace_reader_malformed(a->rd) != trace_reader_malformed(b->rd) ||
	    trace_reader_diag_count(a->rd) != trace_reader_diag_count(b->rd) ||
	    trace_reader_open_closed(a->rd) != trace_reader_open_closed(b->rd))
		abort();
	for (uint32_t u = 0; u < trace_user_count(a->t); u++) {
		size_t n1, n2;
		const char *s1 = trace_user_name(a->t, u, &n1);
		const char *s2 = trace_user_name(b->t, u, &n2);

		if (n1 != n2 || memcmp(s1, s2, n1))
			abort();
	}
	for (size_t i = 0; i < trace_reader_diag_count(a->rd); i++)
		if (strcmp(trace_reader_diag(a->rd, i), trace_reader_diag(b->rd, i)))
			abort();
	trace_span(a->t, &f1, &l1);
	trace_span(b->t, &f2, &l2);
	if (f1 != f2 || l1 != l2)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct trace_stats st;
	struct trace_sim_point pts[3] = {
		{ TRACE_CLOCKED, 3600 }, { TRACE_ESTABLISHED, 600 },
		{ TRACE_DATA, 1u << 20 },
	};
	struct trace_sim_params p = { .threads = 1 };
	struct trace_sim_result r[3];
	bool strict = size && (data[0] & 1);
	struct read seq = read_csv(data, size, strict, 1);
	struct read par = read_csv(data, size, strict, 3);

	same(&seq, &par);
	if (seq.rd && !seq.rc && trace_count(seq.t) < 100000) {
		(void)trace_stats_compute(seq.t, &st);
		(void)trace_simulate(seq.t, &p, pts, 3, r);
		p.capacity = 2;
		(void)trace_simulate(seq.t, &p, pts, 3, r);
	}
	read_free(&seq);
	read_free(&par);
	return 0;
}
