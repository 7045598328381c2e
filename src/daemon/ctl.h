/*
 * ctl.h - reswand's control socket, server side, and its command table.
 *
 * The server accepts many clients at once on a Unix stream socket and never
 * blocks the event loop: input is read up to CTL_MAX_LINE per request, a
 * connection processes one request at a time (the next line waits until
 * the previous reply has been flushed), and a client that neither sends nor
 * reads is dropped after a timeout.  The wire format is in ctl_client.h and
 * docs/internals/daemon.md.
 *
 * Commands are entries of one table (ctl_cmd.c): a name, its argument
 * usage, a one-line summary, the argument count it takes and a handler.
 * A handler answers with ctl_reply() exactly once, either before it
 * returns or later (`up` answers when the engine reports the result); the
 * struct ctl_req stays valid until then even if the client goes away, in
 * which case the reply is dropped.  Adding a command is one table entry and
 * its handler.
 */
#ifndef RESWAN_DAEMON_CTL_H
#define RESWAN_DAEMON_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "daemon/ctl_client.h"

struct daemon;
struct event_base;
struct ctl;
struct ctl_req;

#define CTL_MAX_ARGS 16			/* words in a request, command included */
#define CTL_MAX_CLIENTS 64		/* connections at once */
#define CTL_IDLE_TIMEOUT_S 60		/* silent client without a request */
#define CTL_WRITE_TIMEOUT_S 30		/* client not reading its reply */

typedef void (*ctl_cmd_fn)(struct daemon *d, struct ctl_req *r, int argc,
			   char **argv);

struct ctl_cmd {
	const char *name;
	const char *args;	/* argument usage, "" if none */
	const char *summary;
	int min_args, max_args;	/* words after the command name */
	ctl_cmd_fn fn;
};

/*
 * Split a request line of len bytes (no newline; line[len] must be
 * writable) in place into at most max words; argv needs max + 1 slots and
 * ends with NULL.  Returns the
 * number of words (0: blank), ERR_SYNTAX for control characters, or
 * ERR_LIMIT for more than max words (ctl_line.c).
 */
int ctl_line_split(char *line, size_t len, char **argv, int max);

/* The table (ctl_cmd.c). */
const struct ctl_cmd *ctl_cmd_find(const char *name);
/* One line per command, "name args  summary". */
void ctl_cmd_help(FILE *f);

struct ctl_stats {
	uint64_t clients;		/* connected now */
	uint64_t accepted;
	uint64_t refused;		/* over CTL_MAX_CLIENTS */
	uint64_t requests;
	uint64_t errors;		/* ERR replies */
	uint64_t pending;		/* requests awaiting their reply */
};

/*
 * Listen on path: the socket is created 0600, its directory 0700 if it is
 * missing; a stale socket is replaced; if a daemon answers on path, fails
 * with ERR_EXISTS.  On failure returns NULL with a reason in err.
 * Handlers receive d.
 */
struct ctl *ctl_new(struct event_base *base, const char *path,
		    struct daemon *d, char *err, size_t errlen);
/*
 * Close every connection, remove the socket file and free.  Requests still
 * awaiting a reply are freed too: call this only after whatever holds them
 * (the engine) has been freed.
 */
void ctl_free(struct ctl *c);

/* Stop accepting clients and reading requests (before the engine goes
 * away); replies to requests in flight still go out. */
void ctl_stop(struct ctl *c);

/* Answer r (OK or ERR) with body and free r.  Bodies over CTL_MAX_REPLY
 * are replaced by an error. */
void ctl_reply(struct ctl_req *r, bool ok, const char *body, size_t len);
void ctl_replyf(struct ctl_req *r, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* True if the client that sent r is still connected. */
bool ctl_req_alive(const struct ctl_req *r);

void ctl_get_stats(const struct ctl *c, struct ctl_stats *out);

#endif
