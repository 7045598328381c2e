/*
 * cmd_stats.c - reswan stats [--json]: the daemon's counters (sockets,
 * control socket, engine).
 */
#include "cli/cli.h"
#include "cli/cli_ctl.h"

#define USAGE "reswan stats [--socket PATH] [--json]"

int cmd_stats_main(int argc, char **argv)
{
	struct cli_ctl_opts o = { .timeout_s = CLI_CTL_TIMEOUT_S };
	int rc = cli_ctl_parse(argc, argv, USAGE, CLI_CTL_JSON, 0, &o);

	if (rc >= 0)
		return rc;
	return cli_ctl_request(&o, o.json ? "stats json" : "stats");
}
