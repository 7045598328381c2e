/*
 * cmd_reload.c - reswan reload: make reswand re-read its configuration and
 * credentials.  If the new files are refused, the daemon keeps the old
 * configuration and every FILE:LINE error is printed here; exit status 1.
 */
#include "cli/cli.h"
#include "cli/cli_ctl.h"

#define USAGE "reswan reload [--socket PATH]"

int cmd_reload_main(int argc, char **argv)
{
	struct cli_ctl_opts o = { .timeout_s = CLI_CTL_TIMEOUT_S };
	int rc = cli_ctl_parse(argc, argv, USAGE, 0, 0, &o);

	if (rc >= 0)
		return rc;
	return cli_ctl_request(&o, "reload");
}
