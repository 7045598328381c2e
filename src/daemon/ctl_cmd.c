/*
 * ctl_cmd.c - the table of control commands.
 *
 * Adding a command is one entry here plus its handler (declared in
 * ctl_engine.h or the new command's own header).  The server checks the
 * argument count against min_args/max_args before calling the handler and
 * answers "usage: NAME ARGS" otherwise, so handlers only validate values.
 */
#include <stdlib.h>
#include <string.h>

#include "daemon/ctl.h"
#include "daemon/ctl_cache.h"
#include "daemon/ctl_engine.h"

static void cmd_help(struct daemon *d, struct ctl_req *r, int argc, char **argv);

static const struct ctl_cmd commands[] = {
	{ "help", "", "list the commands", 0, 0, cmd_help },
	{ "up", "CONN", "establish connection CONN (answers when it is up "
	  "or failed)", 1, 1, ctl_engine_up },
	{ "down", "CONN|#N", "delete the IKE SAs of CONN, or IKE SA number N",
	  1, 1, ctl_engine_down },
	{ "status", "[json]", "IKE and Child SAs, as text or JSON", 0, 1,
	  ctl_engine_status },
	{ "stats", "[json]", "daemon and engine counters", 0, 1,
	  ctl_engine_stats },
	{ "reload", "", "re-read configuration and credentials", 0, 0,
	  ctl_engine_reload },
	{ "cache", "list [json]|stats [json]|revoke ID", "the credential cache "
	  "for session resumption", 1, CTL_MAX_ARGS - 1, ctl_cache },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

const struct ctl_cmd *ctl_cmd_find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

void ctl_cmd_help(FILE *f)
{
	char head[64];

	for (size_t i = 0; i < NCOMMANDS; i++) {
		snprintf(head, sizeof(head), "%s%s%s", commands[i].name,
			 *commands[i].args ? " " : "", commands[i].args);
		fprintf(f, "%-16s %s\n", head, commands[i].summary);
	}
}

static void cmd_help(struct daemon *d, struct ctl_req *r, int argc, char **argv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)d;
	(void)argc;
	(void)argv;
	if (!f) {
		ctl_replyf(r, false, "out of memory\n");
		return;
	}
	ctl_cmd_help(f);
	if (fclose(f) != 0) {
		free(buf);
		ctl_replyf(r, false, "out of memory\n");
		return;
	}
	ctl_reply(r, true, buf, len);
	free(buf);
}
