/*
 * bench.c - warm-up, calibration and median timing (see bench.h).
 *
 * Medians rather than means: on a shared VM a single descheduled run can
 * be ten times slower, and the median of seven runs ignores it.  The
 * min/max spread is reported so a reader can see how noisy a figure was.
 */
#include <stdlib.h>
#include <time.h>

#include "bench/bench.h"

unsigned long long bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int run(bench_op op, void *ctx, unsigned n, unsigned long long *ns)
{
	unsigned long long t0 = bench_now_ns();
	int ret;

	for (unsigned i = 0; i < n; i++) {
		ret = op(ctx);
		if (ret)
			return ret;
	}
	*ns = bench_now_ns() - t0;
	return 0;
}

int bench_measure(const struct bench_opts *o, const char *name, const char *what,
		  bench_op op, void *ctx, struct bench_result *r)
{
	double per[BENCH_RUNS];
	unsigned runs = o->quick ? BENCH_QUICK_RUNS : BENCH_RUNS;
	unsigned n = 1;
	unsigned long long ns = 0;
	int ret;

	/* Warm-up: caches, lazily fetched algorithms, CPU frequency. */
	ret = run(op, ctx, 1, &ns);
	if (ret)
		return ret;
	if (o->iterations) {
		n = o->iterations;
	} else if (!o->quick) {
		/* Double n until one run takes a tenth of the target, then scale. */
		while (ns < BENCH_RUN_NS / 10 && n < (1u << 24)) {
			n *= 2;
			ret = run(op, ctx, n, &ns);
			if (ret)
				return ret;
		}
		if (ns > 0 && ns < BENCH_RUN_NS) {
			unsigned long long want = (unsigned long long)n * BENCH_RUN_NS / ns;

			n = want > (1u << 26) ? (1u << 26) : (unsigned)(want ? want : 1);
		}
	}
	for (unsigned i = 0; i < runs; i++) {
		ret = run(op, ctx, n, &ns);
		if (ret)
			return ret;
		per[i] = (double)ns / n;
	}
	qsort(per, runs, sizeof(per[0]), cmp_double);
	r->name = name;
	r->what = what;
	r->ns_per_op = per[runs / 2];
	r->min_ns = per[0];
	r->max_ns = per[runs - 1];
	r->iterations = n;
	r->runs = runs;
	return 0;
}

const char *bench_fmt_ns(double ns, char *buf, size_t len)
{
	if (ns >= 1e6)
		snprintf(buf, len, "%.2f ms", ns / 1e6);
	else if (ns >= 1e3)
		snprintf(buf, len, "%.2f µs", ns / 1e3);
	else
		snprintf(buf, len, "%.0f ns", ns);
	return buf;
}
