/*
 * main.c - reswan: dispatch argv[1] through the subcommand table.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const struct cli_command commands[] = {
	{ "version", "print the version", cmd_version_main },
	{ "bench", "run benchmarks (crypto, cache, trace, ...)", cmd_bench_main },
	{ "trace", "characterise VPN logs, simulate credential caching", cmd_trace_main },
	{ "config", "check or show a reswand configuration", cmd_config_main },
	{ "up", "establish a connection (reswand)", cmd_up_main },
	{ "down", "delete a connection's IKE SAs (reswand)", cmd_down_main },
	{ "status", "list IKE and Child SAs (reswand)", cmd_status_main },
	{ "stats", "show reswand's counters", cmd_stats_main },
	{ "reload", "make reswand re-read its configuration", cmd_reload_main },
	{ "cache", "list, count or revoke cached credentials (reswand)", cmd_cache_main },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	fprintf(f, "usage: reswan <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nrun 'reswan <command> --help' for a command's options\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].main(argc - 1, argv + 1);
	fprintf(stderr, "reswan: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
