/*
 * cli.h - the reswan command-line tool: one table of subcommands.
 *
 * Each subcommand lives in cmd_<name>.c as cmd_<name>_main(argc, argv),
 * receives argv[0] = its own name, prints its own usage on bad input and
 * returns a process exit status (0 ok, 1 failure, 2 usage error).
 */
#ifndef RESWAN_CLI_CLI_H
#define RESWAN_CLI_CLI_H

struct cli_command {
	const char *name;
	const char *summary;
	int (*main)(int argc, char **argv);
};

int cmd_version_main(int argc, char **argv);
int cmd_bench_main(int argc, char **argv);
int cmd_config_main(int argc, char **argv);
int cmd_up_main(int argc, char **argv);
int cmd_down_main(int argc, char **argv);
int cmd_status_main(int argc, char **argv);
int cmd_stats_main(int argc, char **argv);
int cmd_reload_main(int argc, char **argv);
int cmd_trace_main(int argc, char **argv);
int cmd_cache_main(int argc, char **argv);

#endif
