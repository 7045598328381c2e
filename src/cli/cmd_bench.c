/*
 * cmd_bench.c - reswan bench <name>|all: one table of benchmarks, each
 * printing its own figures (docs/benchmarks.md records them).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bench/bench.h"
#include "cli/cli.h"

struct bench_entry {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

static const struct bench_entry benches[] = {
	{ "trace", "trace analysis vs wc -l on a 10M-session log", bench_trace_main },
};

#define NBENCH (sizeof(benches) / sizeof(benches[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: reswan bench <name> [options] | all\n\nbenchmarks:\n");
	for (size_t i = 0; i < NBENCH; i++)
		fprintf(f, "  %-10s %s\n", benches[i].name, benches[i].summary);
	fprintf(f, "\nrun 'reswan bench <name> --help' for its options\n");
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
