/*
 * bench.h - benchmark harness shared by `reswan bench <what>`.
 *
 * A benchmark is a function doing one operation; bench_measure() warms it
 * up, calibrates how many operations make one timed run, times several
 * runs and keeps the median per-operation time.  Results are printed as a
 * table or as one JSON object; nothing here ever asserts on a time.
 */
#ifndef RESWAN_BENCH_BENCH_H
#define RESWAN_BENCH_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct bench_opts {
	bool json;		/* one JSON object instead of a table */
	bool quick;		/* few iterations: smoke test, figures meaningless */
	unsigned iterations;	/* operations per timed run; 0 = calibrate */
	unsigned long records;	/* bench cache: records; 0 = its default */
	FILE *out;
};

#define BENCH_RUNS 7		/* timed runs per benchmark (median taken) */
#define BENCH_QUICK_RUNS 3
#define BENCH_RUN_NS 40000000ULL	/* calibration target per run: 40 ms */
#define BENCH_MAX_RESULTS 64

struct bench_result {
	const char *name;
	const char *what;	/* one-line description for the table */
	double ns_per_op;	/* median over runs */
	double min_ns, max_ns;	/* spread over runs */
	unsigned iterations;	/* operations per run */
	unsigned runs;
};

/* One operation; returns 0, or an error that aborts the benchmark. */
typedef int (*bench_op)(void *ctx);

/* Time op; fills *r.  Returns op's error if it fails. */
int bench_measure(const struct bench_opts *o, const char *name, const char *what,
		  bench_op op, void *ctx, struct bench_result *r);

/* Monotonic nanoseconds (benchmarks only: everything else uses the clock seam). */
unsigned long long bench_now_ns(void);

/* "12.3 µs", "1.52 ms", "850 ns" into buf. */
const char *bench_fmt_ns(double ns, char *buf, size_t len);

/* Each benchmark set; returns a process exit status. */
int bench_crypto_main(const struct bench_opts *o);
int bench_cache_main(const struct bench_opts *o);

/*
 * Benchmarks with options of their own take the command line instead.
 * Trace analysis: writes a large synthetic trace, then times `wc -l` on it
 * next to `reswan trace stats` and `reswan trace simulate --strategy all`
 * (run as child processes of the reswan binary, /proc/self/exe unless
 * --reswan PATH), with each one's peak resident memory.
 */
int bench_trace_main(int argc, char **argv);
/* IKE handshakes against a responder it starts (bench_handshake.c), and a
 * gateway restart with every client reconnecting at once (bench_storm.c). */
int bench_handshake_main(int argc, char **argv);
int bench_storm_main(int argc, char **argv);

#endif
