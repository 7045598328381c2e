/*
 * cmd_status.c - reswan status [--json]: the daemon's IKE and Child SAs, as
 * text in the style of `swanctl --list-sas` or as JSON with vici's key
 * names (plus the engine's counters under "stats").
 */
#include "cli/cli.h"
#include "cli/cli_ctl.h"

#define USAGE "reswan status [--socket PATH] [--json]"

int cmd_status_main(int argc, char **argv)
{
	struct cli_ctl_opts o = { .timeout_s = CLI_CTL_TIMEOUT_S };
	int rc = cli_ctl_parse(argc, argv, USAGE, CLI_CTL_JSON, 0, &o);

	if (rc >= 0)
		return rc;
	return cli_ctl_request(&o, o.json ? "status json" : "status");
}
