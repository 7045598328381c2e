/*
 * bench_args.c - options shared by the handshake and storm benchmarks.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench_args.h"
#include "bench/loadgen.h"
#include "bench/proc.h"
#include "bench/suite.h"
#include "common/log.h"

void bench_args_defaults(const struct bench_args *b, unsigned clients, const char *log_level)
{
	*b->clients = clients;
	*b->suite = suite_find("psk-x25519");
	*b->log_level = log_level;
	*b->retransmit_us = 2000000;
	*b->gen_cpu = *b->resp_cpu = -1;
	if (proc_ncpus() >= 2) {
		*b->gen_cpu = 0;
		*b->resp_cpu = 1;
	}
}

int bench_args_bad(const struct bench_args *b, const char *opt, const char *val,
		   const char *want)
{
	fprintf(stderr, "%s: %s: '%s' is not %s\n", b->cmd, opt, val, want);
	return 2;
}

int bench_args_unexpected(const struct bench_args *b, const char *a)
{
	fprintf(stderr, "%s: unexpected argument '%s'\n", b->cmd, a);
	b->usage(stderr);
	return 2;
}

int bench_args_next(const struct bench_args *b, int argc, char **argv, int *i,
		    const char **value)
{
	const char *a = argv[*i], *v = *i + 1 < argc ? argv[*i + 1] : NULL;
	char *end;

	*value = NULL;
	if (!strcmp(a, "--json")) {
		*b->json = true;
		return 0;
	}
	if (!strcmp(a, "--keep")) {
		*b->keep = true;
		return 0;
	}
	if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
		b->usage(stdout);
		return -1;
	}
	if (!v)
		return bench_args_unexpected(b, a);
	++*i;
	if (!strcmp(a, "--clients")) {
		unsigned long n = strtoul(v, &end, 10);

		if (*end || n == 0 || n > LOADGEN_MAX_CLIENTS)
			return bench_args_bad(b, a, v, "a number of clients (1-50000)");
		*b->clients = (unsigned)n;
	} else if (!strcmp(a, "--suite")) {
		if (!(*b->suite = suite_find(v)))
			return bench_args_bad(b, a, v, suite_names());
	} else if (!strcmp(a, "--cpus")) {
		if (sscanf(v, "%d,%d", b->gen_cpu, b->resp_cpu) != 2 || *b->gen_cpu < 0 ||
		    *b->resp_cpu < 0 || *b->gen_cpu >= CPU_SETSIZE || *b->resp_cpu >= CPU_SETSIZE)
			return bench_args_bad(b, a, v, "two CPU numbers (0,1)");
	} else if (!strcmp(a, "--reswand")) {
		*b->reswand = v;
	} else if (!strcmp(a, "--log-level")) {
		if (log_level_parse(v) < 0)
			return bench_args_bad(b, a, v, "a log level (error, warn, info, debug)");
		*b->log_level = v;
	} else if (!strcmp(a, "--retransmit-timeout")) {
		double s = strtod(v, &end);

		if (*end || !(s >= 0.05 && s <= 60))
			return bench_args_bad(b, a, v, "seconds (0.05-60)");
		*b->retransmit_us = (uint64_t)(s * 1e6);
	} else {
		*value = v;
		return BENCH_ARG_OTHER;
	}
	return 0;
}
