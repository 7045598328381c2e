/*
 * cli_ctl.c - option parsing and the request/reply round trip shared by the
 * control subcommands.  The protocol itself is daemon/ctl_client.h.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli_ctl.h"
#include "daemon/ctl_client.h"

int cli_ctl_parse(int argc, char **argv, const char *usage, unsigned flags,
		  int nargs, struct cli_ctl_opts *o)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	long v;
	int opt;

	o->socket = CTL_DEFAULT_SOCKET;
	o->json = false;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			if (!*optarg)
				goto bad;
			o->socket = optarg;
			break;
		case 't':
			if (!(flags & CLI_CTL_TIMEOUT))
				goto bad;
			v = strtol(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end || v < 1 ||
			    v > 86400) {
				fprintf(stderr, "reswan %s: --timeout: '%s' is not "
					"a number of seconds in 1-86400\n",
					argv[0], optarg);
				return 2;
			}
			o->timeout_s = (int)v;
			break;
		case 'j':
			if (!(flags & CLI_CTL_JSON))
				goto bad;
			o->json = true;
			break;
		case 'h':
			printf("usage: %s\n", usage);
			return 0;
		default:
			goto bad;
		}
	}
	if (argc - optind != nargs)
		goto bad;
	o->nargs = nargs;
	o->args = argv + optind;
	return -1;
bad:
	fprintf(stderr, "usage: %s\n", usage);
	return 2;
}

int cli_ctl_request(const struct cli_ctl_opts *o, const char *request)
{
	struct ctl_reply r;
	char err[512];

	if (ctl_client_call(o->socket, request, o->timeout_s * 1000, &r, err,
			    sizeof(err)) != 0) {
		fprintf(stderr, "reswan: %s\n", err);
		return 1;
	}
	fwrite(r.body, 1, r.len, r.ok ? stdout : stderr);
	if (r.len && r.body[r.len - 1] != '\n')
		fputc('\n', r.ok ? stdout : stderr);
	ctl_client_reply_free(&r);
	return r.ok ? 0 : 1;
}
