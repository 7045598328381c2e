/*
 * ctl_client.h - reswand's control protocol as a client speaks it.
 *
 * The control socket is a Unix stream socket.  A client writes one request
 * per line ("up home\n"): words separated by blanks, at most CTL_MAX_LINE
 * bytes with the newline, printable characters only.  The daemon answers
 * each request with one reply, framed so that any body (JSON, multi-line
 * diagnostics) passes unchanged:
 *
 *     OK <len>\n<len bytes of body>
 *     ERR <len>\n<len bytes of body>
 *
 * Requests on one connection are answered in order; the next one is read
 * only once the previous reply has been sent.  The full protocol, with every
 * command, is in docs/internals/daemon.md.
 *
 * This half is what `reswan up|down|status|reload|stats` link; it needs no
 * event loop (blocking I/O bounded by a deadline).
 */
#ifndef RESWAN_DAEMON_CTL_CLIENT_H
#define RESWAN_DAEMON_CTL_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#define CTL_DEFAULT_SOCKET "/run/reswan/reswand.ctl"
#define CTL_MAX_LINE 4096		/* request line, newline included */
#define CTL_MAX_REPLY (64u << 20)	/* reply body cap, both sides */
#define CTL_MAX_HEADER 32		/* "ERR 67108864\n" fits */

struct ctl_reply {
	bool ok;	/* OK or ERR */
	char *body;	/* NUL-terminated (the NUL is not counted in len) */
	size_t len;
};

/*
 * Send one request line (without the newline) to the daemon at path and
 * wait for its reply, at most timeout_ms in total (<= 0: wait forever).
 * Returns 0 with *out filled (free with ctl_client_reply_free), or a negative code
 * with a one-line explanation in err, e.g. "cannot connect to reswand at
 * /run/reswan/reswand.ctl: No such file or directory".
 */
int ctl_client_call(const char *path, const char *line, int timeout_ms,
		    struct ctl_reply *out, char *err, size_t errlen);
void ctl_client_reply_free(struct ctl_reply *r);

/* Parse a reply header without its newline, "OK <len>" or "ERR <len>":
 * 0 and the fields, or ERR_SYNTAX (also for len > CTL_MAX_REPLY). */
int ctl_client_parse_header(const char *h, bool *ok, size_t *len);

/* True if something accepts connections on path (a running reswand). */
bool ctl_client_probe(const char *path);

#endif
