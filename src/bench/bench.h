/*
 * bench.h - reswan's benchmarks, each an x_main(argc, argv) that prints
 * its figures (never asserts on time) and returns an exit status.
 */
#ifndef RESWAN_BENCH_BENCH_H
#define RESWAN_BENCH_BENCH_H

/*
 * Trace analysis: writes a large synthetic trace, then times `wc -l` on it
 * next to `reswan trace stats` and `reswan trace simulate --strategy all`
 * (run as child processes of the reswan binary, /proc/self/exe unless
 * --reswan PATH), with each one's peak resident memory.
 */
int bench_trace_main(int argc, char **argv);

#endif
