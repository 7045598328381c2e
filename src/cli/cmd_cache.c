/*
 * cmd_cache.c - reswan cache list|stats [--json] | revoke ID: the
 * credential cache of a running reswand.  Options may come before or
 * after the subcommand word.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_ctl.h"

#define USAGE "reswan cache list|stats [--socket PATH] [--json] | " \
	      "revoke ID [--socket PATH]"
#define MAX_ARGS 32

int cmd_cache_main(int argc, char **argv)
{
	struct cli_ctl_opts o = { .timeout_s = CLI_CTL_TIMEOUT_S };
	char *rest[MAX_ARGS + 1];
	const char *sub = NULL;
	char req[1024];
	int n = 0, rc;

	if (argc > MAX_ARGS) {
		fprintf(stderr, "usage: %s\n", USAGE);
		return 2;
	}
	/* Take the first word that is not an option (or --socket's value)
	 * as the subcommand; the rest goes to the common parser. */
	for (int i = 0; i < argc; i++) {
		if (i > 0 && !sub && argv[i][0] != '-' &&
		    strcmp(argv[i - 1], "--socket") != 0) {
			sub = argv[i];
			continue;
		}
		rest[n++] = argv[i];
	}
	rest[n] = NULL;
	if (!sub) {
		for (int i = 1; i < argc; i++) {
			if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
				printf("usage: %s\n", USAGE);
				return 0;
			}
		}
		fprintf(stderr, "usage: %s\n", USAGE);
		return 2;
	}
	if (strcmp(sub, "revoke") == 0) {
		if ((rc = cli_ctl_parse(n, rest, USAGE, 0, 1, &o)) >= 0)
			return rc;
		if (snprintf(req, sizeof(req), "cache revoke %s", o.args[0]) >=
		    (int)sizeof(req)) {
			fprintf(stderr, "reswan cache: identity too long\n");
			return 2;
		}
		return cli_ctl_request(&o, req);
	}
	if (strcmp(sub, "list") == 0 || strcmp(sub, "stats") == 0) {
		if ((rc = cli_ctl_parse(n, rest, USAGE, CLI_CTL_JSON, 0, &o)) >= 0)
			return rc;
		snprintf(req, sizeof(req), "cache %s%s", sub, o.json ? " json" : "");
		return cli_ctl_request(&o, req);
	}
	fprintf(stderr, "reswan cache: unknown subcommand '%s'\nusage: %s\n", sub,
		USAGE);
	return 2;
}
