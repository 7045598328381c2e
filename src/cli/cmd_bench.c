/*
 * cmd_bench.c - reswan bench <what> [--json] [--quick] [--iterations N] [--records N]
 *
 * One table of benchmark sets; adding one is one line in `sets`.  `all`
 * runs every set in table order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "cli/cli.h"

static const struct {
	const char *name;
	const char *summary;
	int (*run)(const struct bench_opts *o);
} sets[] = {
	{ "crypto", "per-operation cost of IKE, ESP and resumption crypto", bench_crypto_main },
	{ "cache", "credential cache: time, memory per record, LMDB flush and load", bench_cache_main },
};

#define NSETS (sizeof(sets) / sizeof(sets[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: reswan bench <what> [--json] [--quick] [--iterations N]\n"
		   "                    [--records N]\n\n"
		   "what:\n");
	for (size_t i = 0; i < NSETS; i++)
		fprintf(f, "  %-10s %s\n", sets[i].name, sets[i].summary);
	fprintf(f, "  %-10s every set above\n\n"
		   "  --json          print one JSON object instead of a table\n"
		   "  --quick         a few iterations only (smoke test; figures meaningless)\n"
		   "  --iterations N  operations per timed run (default: calibrated to ~40 ms)\n"
		   "  --records N     bench cache: records to insert (default 50000)\n",
		"all");
}

int cmd_bench_main(int argc, char **argv)
{
	struct bench_opts o = { .out = stdout };
	const char *what = NULL;
	int status = 0;
	bool found = false;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			o.json = true;
		} else if (strcmp(argv[i], "--quick") == 0) {
			o.quick = true;
		} else if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
			char *end;
			unsigned long n = strtoul(argv[++i], &end, 10);

			if (*end || n == 0 || n > 100000000UL) {
				fprintf(stderr, "reswan bench: --iterations wants 1..100000000, "
					"got '%s'\n", argv[i]);
				return 2;
			}
			o.iterations = (unsigned)n;
		} else if (strcmp(argv[i], "--records") == 0 && i + 1 < argc) {
			char *end;
			unsigned long n = strtoul(argv[++i], &end, 10);

			if (*end || n == 0 || n > 16777215UL) {
				fprintf(stderr, "reswan bench: --records wants 1..16777215, "
					"got '%s'\n", argv[i]);
				return 2;
			}
			o.records = n;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] != '-' && !what) {
			what = argv[i];
		} else {
			fprintf(stderr, "reswan bench: unexpected argument '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	if (!what) {
		usage(stderr);
		return 2;
	}
	for (size_t i = 0; i < NSETS; i++) {
		if (strcmp(what, "all") != 0 && strcmp(what, sets[i].name) != 0)
			continue;
		found = true;
		if (sets[i].run(&o))
			status = 1;
	}
	if (!found) {
		fprintf(stderr, "reswan bench: unknown benchmark '%s'\n", what);
		usage(stderr);
		return 2;
	}
	return status;
}
