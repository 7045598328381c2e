/*
 * acct.h - the accounting log: one CSV line per finished session.
 *
 * The format is the trace tools' canonical CSV (docs/trace.md), so a
 * gateway's own log feeds `reswan trace` directly:
 *
 *     user,session_id,connect,disconnect,bytes_in,bytes_out,setup
 *     alice@example.org,1795893863123456-17,2026-11-28T19:04:23Z,...,full
 *
 * user is the peer's identity, session_id is "<daemon start>-<uniqueid>"
 * (the daemon's start time in µs since the epoch, then the engine's IKE SA
 * number), so ids stay unique across restarts; times are ISO 8601 UTC to
 * the second; setup is "full" or "resume".  The header is written when the
 * file is new or empty.  Each line is appended with one write() on an
 * O_APPEND descriptor, so concurrent readers never see half a line.
 */
#ifndef RESWAN_DAEMON_ACCT_H
#define RESWAN_DAEMON_ACCT_H

#include <stddef.h>
#include <stdint.h>

#include "ike/ike.h"

#define ACCT_HEADER "user,session_id,connect,disconnect,bytes_in,bytes_out,setup\n"
#define ACCT_MAX_LINE 2048	/* identities are at most IDENT_STRLEN */

struct acct;

/*
 * Open (creating it 0640 if needed) the log at path.  start_wall_us is the
 * daemon's start time, the session-id prefix.  Returns NULL with errno set.
 */
struct acct *acct_open(const char *path, uint64_t start_wall_us);
void acct_free(struct acct *a);
/* Reopen the same path (log rotation on SIGHUP); keeps the old descriptor
 * and returns ERR_IO (errno set) if the new one cannot be opened. */
int acct_reopen(struct acct *a);
/* Append the line for a session that has ended (ev from sa_down). */
int acct_write(struct acct *a, const struct ike_session_event *ev);
/*
 * Format that line into buf (NUL-terminated, with the newline); returns its
 * length, or ERR_LIMIT if it does not fit.
 */
int acct_format(char *buf, size_t len, uint64_t start_wall_us,
		const struct ike_session_event *ev);

#endif
