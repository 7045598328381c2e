/*
 * cli_ctl.h - what the control subcommands (up, down, status, stats,
 * reload) share: their common options and one request/reply with reswand.
 */
#ifndef RESWAN_CLI_CLI_CTL_H
#define RESWAN_CLI_CLI_CTL_H

#include <stdbool.h>

#define CLI_CTL_TIMEOUT_S 30		/* status, stats, reload */
#define CLI_CTL_UP_TIMEOUT_S 180	/* up, down: beyond the engine's own
					 * retransmission give-up (~165 s) */

enum {
	CLI_CTL_JSON = 1 << 0,		/* accept --json */
	CLI_CTL_TIMEOUT = 1 << 1,	/* accept --timeout SECS */
};

struct cli_ctl_opts {
	const char *socket;
	int timeout_s;
	bool json;
	int nargs;			/* positional arguments */
	char **args;
};

/*
 * Parse "--socket PATH", and --json / --timeout if flags allow them, then
 * exactly nargs positional arguments.  Returns -1 to go on, or the exit
 * status to return (0 after --help, 2 for a usage error, printed with
 * usage).
 */
int cli_ctl_parse(int argc, char **argv, const char *usage, unsigned flags,
		  int nargs, struct cli_ctl_opts *o);
/*
 * Send request, print the reply body (stdout if OK, stderr if ERR) and
 * return the exit status: 0 OK, 1 ERR or no daemon.
 */
int cli_ctl_request(const struct cli_ctl_opts *o, const char *request);

#endif
