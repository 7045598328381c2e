/*
 * opts.h - reswand's command line.
 *
 * Everything the operator can set when starting the daemon, validated in
 * one place so a bad option is refused before anything is opened: numbers
 * must be whole and in range, durations carry an optional unit, addresses
 * must parse.  Engine tuning options map onto struct ike_params, starting
 * from ike_params_default().
 */
#ifndef RESWAN_DAEMON_OPTS_H
#define RESWAN_DAEMON_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/addr.h"
#include "ike/ike.h"

#define OPTS_DEFAULT_CONFIG "/etc/reswan/reswan.conf"
#define OPTS_MAX_LISTEN 16	/* --listen addresses (two sockets each) */

struct opts {
	const char *config;		/* -c/--config */
	const char *socket;		/* --socket */
	uint16_t port;			/* --port */
	uint16_t natt_port;		/* --natt-port */
	struct addr listen[OPTS_MAX_LISTEN];	/* --listen; none = wildcards */
	size_t n_listen;
	const char *accounting;		/* --accounting, NULL = none */
	int log_level;			/* enum log_level */
	bool syslog;			/* --syslog */
	const char *pidfile;		/* --pidfile, NULL = none */
	struct ike_params params;	/* engine tuning */
};

/* What opts_parse() decided. */
enum opts_result {
	OPTS_RUN = 0,		/* start the daemon */
	OPTS_EXIT_OK,		/* --help or --version was printed */
	OPTS_EXIT_USAGE,	/* bad option; the reason is in err */
};

/*
 * Parse argv (argv[0] is the program).  Strings in *o point into argv.
 * On OPTS_EXIT_USAGE err holds one line such as "--port: '70000' is not a
 * port (1-65535)".  Warnings (legal but odd combinations) go to warn, which
 * may be NULL.
 */
enum opts_result opts_parse(struct opts *o, int argc, char **argv,
			    FILE *out, FILE *warn, char *err, size_t errlen);
void opts_usage(FILE *f);

#endif
