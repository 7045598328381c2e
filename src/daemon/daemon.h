/*
 * daemon.h - reswand: one IKE engine inside a libevent loop.
 *
 * The daemon owns the engine and everything around it: the UDP sockets
 * (net.h), the control socket (ctl.h), the accounting log (acct.h), the
 * data plane (dp_record until the ESP data plane exists), the engine's one
 * timer and the signals.  After every event that may have called the
 * engine (a datagram, a control request, a timer, a signal) it calls
 * daemon_kick(), which re-arms the timer at ike_next_deadline() and, while
 * shutting down, ends the loop once the engine is idle.
 *
 * Lifecycle: daemon_new() loads the configuration and credentials, opens
 * sockets and the control socket and initiates start_action = start
 * connections; daemon_run() runs until SIGTERM/SIGINT (orderly shutdown:
 * DELETE for every IKE SA, at most DAEMON_SHUTDOWN_S seconds); SIGHUP
 * reloads.  Shared by the files of src/daemon only.
 */
#ifndef RESWAN_DAEMON_DAEMON_H
#define RESWAN_DAEMON_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/opts.h"

struct acct;
struct ctl;
struct diag;
struct dp_record;
struct event;
struct event_base;
struct ike;
struct net;
struct resumption;

#define DAEMON_SHUTDOWN_S 3		/* wait this long for DELETEs */
#define DAEMON_MAX_CHILDREN 1000000	/* dp_record entries */

struct daemon {
	struct opts opts;
	struct event_base *base;
	struct ike *ike;
	struct net *net;
	struct ctl *ctl;
	struct acct *acct;		/* NULL without --accounting */
	struct dp_record *dp;
	struct resumption *resumption;	/* credential cache, resumption */
	struct event *ev_timer;		/* the engine's deadline */
	struct event *ev_shutdown;	/* DAEMON_SHUTDOWN_S after SIGTERM */
	struct event *ev_sig[3];	/* SIGHUP, SIGTERM, SIGINT */
	uint64_t armed;			/* deadline ev_timer is armed for */
	uint64_t start_wall_us;		/* session-id prefix (acct.h) */
	uint64_t start_mono_us;		/* for the uptime */
	uint64_t reloads, reload_failures, sessions_logged;
	char **conn_names;		/* of the configuration in force */
	size_t n_conn_names;
	bool shutting_down;
	bool pidfile_written;
};

/*
 * Build the whole daemon from opts (copied).  Every problem is printed to
 * stderr (configuration errors as FILE:LINE) and NULL returned.
 */
struct daemon *daemon_new(const struct opts *opts);
/* Free everything; the engine first, so pending requests are answered. */
void daemon_free(struct daemon *d);
/* Run the loop until shutdown completes; returns the exit status. */
int daemon_run(struct daemon *d);

/* Re-arm the engine timer; end the loop if shutdown is complete. */
void daemon_kick(struct daemon *d);
/*
 * Re-read configuration and credentials and hand them to the engine.  On
 * failure the engine keeps the old ones and d holds every FILE:LINE error;
 * returns ERR_CONFIG (or ERR_NOMEM).
 */
int daemon_reload(struct daemon *d, struct diag *diag);
/* Begin the orderly shutdown (SIGTERM). */
void daemon_shutdown(struct daemon *d);

#endif
