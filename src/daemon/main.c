/*
 * main.c - reswand: parse the command line, set up logging, build the
 * daemon and run it.  Exit status: 0 after an orderly shutdown, 1 if the
 * daemon could not start (configuration errors are printed as FILE:LINE),
 * 2 for a bad command line.
 */
#include <signal.h>
#include <stdio.h>

#include "common/log.h"
#include "daemon/daemon.h"
#include "daemon/logsink.h"
#include "daemon/opts.h"

int main(int argc, char **argv)
{
	struct opts opts;
	struct daemon *d;
	char err[256];
	int rc;

	switch (opts_parse(&opts, argc, argv, stdout, stderr, err, sizeof(err))) {
	case OPTS_EXIT_OK:
		return 0;
	case OPTS_EXIT_USAGE:
		fprintf(stderr, "reswand: %s\n", err);
		fprintf(stderr, "run 'reswand --help' for the options\n");
		return 2;
	case OPTS_RUN:
		break;
	}
	/* A client that hangs up must not kill the daemon. */
	signal(SIGPIPE, SIG_IGN);
	log_set_level((enum log_level)opts.log_level);
	if (opts.syslog)
		logsink_syslog();
	else
		logsink_stderr();
	if (!(d = daemon_new(&opts))) {
		logsink_close();
		return 1;
	}
	rc = daemon_run(d);
	daemon_free(d);
	logsink_close();
	return rc;
}
