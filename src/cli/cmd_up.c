/*
 * cmd_up.c - reswan up CONN: ask reswand to establish a connection and wait
 * until it is up or has failed (or --timeout passes).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_ctl.h"

#define USAGE "reswan up [--socket PATH] [--timeout SECS] CONN"

int cmd_up_main(int argc, char **argv)
{
	struct cli_ctl_opts o = { .timeout_s = CLI_CTL_UP_TIMEOUT_S };
	char req[512];
	int rc = cli_ctl_parse(argc, argv, USAGE, CLI_CTL_TIMEOUT, 1, &o);

	if (rc >= 0)
		return rc;
	if (strpbrk(o.args[0], " \t\r\n") || !*o.args[0] ||
	    strlen(o.args[0]) > 256) {
		fprintf(stderr, "reswan up: '%s' is not a connection name\n",
			o.args[0]);
		return 2;
	}
	snprintf(req, sizeof(req), "up %s", o.args[0]);
	return cli_ctl_request(&o, req);
}
