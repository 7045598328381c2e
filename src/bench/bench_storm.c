/*
 * bench_storm.c - `reswan bench storm` (in progress).
 */
#include <stdio.h>

#include "bench/bench.h"

int bench_storm_main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "reswan bench storm: not built yet\n");
	return 1;
}
