/*
 * cmd_bench.c - reswan bench <what> [options] | all
 *
 * One table of benchmarks; adding one is one line.  Each takes its own
 * command line: the per-operation sets (crypto, cache) share the options
 * parsed by common_opts(), the others (trace, handshake, ...) parse their
 * own.  `all` runs every entry with its defaults.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "cli/cli.h"

static void common_usage(FILE *f, const char *what)
{
	fprintf(f, "usage: reswan bench %s [--json] [--quick] [--iterations N]%s\n"
		   "  --json          print one JSON object instead of a table\n"
		   "  --quick         a few iterations only (smoke test; figures meaningless)\n"
		   "  --iterations N  operations per timed run (default: calibrated to ~40 ms)\n",
		what, strcmp(what, "cache") == 0 ? " [--records N]" : "");
	if (strcmp(what, "cache") == 0)
		fprintf(f, "  --records N     records to insert (default 50000)\n");
}

/* Options of the per-operation sets; 0, or an exit status to return. */
static int common_opts(int argc, char **argv, struct bench_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->out = stdout;
	for (int i = 1; i < argc; i++) {
		char *end;
		unsigned long n;

		if (strcmp(argv[i], "--json") == 0) {
			o->json = true;
		} else if (strcmp(argv[i], "--quick") == 0) {
			o->quick = true;
		} else if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
			n = strtoul(argv[++i], &end, 10);
			if (*end || n == 0 || n > 100000000UL) {
				fprintf(stderr, "reswan bench: --iterations wants 1..100000000, "
					"got '%s'\n", argv[i]);
				return 2;
			}
			o->iterations = (unsigned)n;
		} else if (strcmp(argv[i], "--records") == 0 && i + 1 < argc &&
			   strcmp(argv[0], "cache") == 0) {
			n = strtoul(argv[++i], &end, 10);
			if (*end || n == 0 || n > 16777215UL) {
				fprintf(stderr, "reswan bench: --records wants 1..16777215, "
					"got '%s'\n", argv[i]);
				return 2;
			}
			o->records = n;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			common_usage(stdout, argv[0]);
			return -1;
		} else {
			fprintf(stderr, "reswan bench %s: unexpected argument '%s'\n",
				argv[0], argv[i]);
			common_usage(stderr, argv[0]);
			return 2;
		}
	}
	return 0;
}

static int run_crypto(int argc, char **argv)
{
	struct bench_opts o;
	int rc = common_opts(argc, argv, &o);

	return rc ? (rc < 0 ? 0 : rc) : bench_crypto_main(&o) ? 1 : 0;
}

static int run_cache(int argc, char **argv)
{
	struct bench_opts o;
	int rc = common_opts(argc, argv, &o);

	return rc ? (rc < 0 ? 0 : rc) : bench_cache_main(&o) ? 1 : 0;
}

static const struct {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
} benches[] = {
	{ "crypto", "per-operation cost of IKE, ESP and resumption crypto", run_crypto },
	{ "cache", "credential cache: time, memory per record, LMDB flush and load", run_cache },
	{ "trace", "trace analysis vs wc -l on a 10M-session log", bench_trace_main },
	{ "handshake", "IKE handshakes/s, latency, responder CPU: full, resumed, vs charon", bench_handshake_main },
	{ "storm", "gateway restart, every client back at once: with and without the cache", bench_storm_main },
};

#define NBENCH (sizeof(benches) / sizeof(benches[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: reswan bench <what> [options] | all\n\nwhat:\n");
	for (size_t i = 0; i < NBENCH; i++)
		fprintf(f, "  %-10s %s\n", benches[i].name, benches[i].summary);
	fprintf(f, "  %-10s every benchmark above, with its defaults\n\n"
		   "run 'reswan bench <what> --help' for its options\n", "all");
}

int cmd_bench_main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "all")) {
		int worst = 0;

		for (size_t i = 0; i < NBENCH; i++) {
			char *sub[] = { (char *)(uintptr_t)benches[i].name, NULL };
			int rc = benches[i].run(1, sub);

			if (rc > worst)
				worst = rc;
		}
		return worst;
	}
	for (size_t i = 0; i < NBENCH; i++)
		if (!strcmp(argv[1], benches[i].name))
			return benches[i].run(argc - 1, argv + 1);
	fprintf(stderr, "reswan bench: unknown benchmark '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
