/*
 * cmd_down.c - reswan down CONN|#N: delete the IKE SAs of a connection, or
 * the IKE SA with unique id N, and wait until the peer has confirmed (or
 * --timeout passes).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_ctl.h"

#define USAGE "reswan down [--socket PATH] [--timeout SECS] CONN|#N"

int cmd_down_main(int argc, char **argv)
{
	struct cli_ctl_opts o = { .timeout_s = CLI_CTL_UP_TIMEOUT_S };
	char req[512];
	int rc = cli_ctl_parse(argc, argv, USAGE, CLI_CTL_TIMEOUT, 1, &o);

	if (rc >= 0)
		return rc;
	if (strpbrk(o.args[0], " \t\r\n") || !*o.args[0] ||
	    strlen(o.args[0]) > 256) {
		fprintf(stderr, "reswan down: '%s' is not a connection name or "
			"#N\n", o.args[0]);
		return 2;
	}
	snprintf(req, sizeof(req), "down %s", o.args[0]);
	return cli_ctl_request(&o, req);
}
